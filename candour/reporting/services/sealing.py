"""The sealed parts of a report: each ciphertext is bound to its report and field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from candour.reporting import crypto
from candour.reporting.models import Report


def aad(report: Report | str, what: str) -> str:
    """Associated data binding a ciphertext to its report and field."""
    reference = report if isinstance(report, str) else report.reference
    return f"candour:{reference}:{what}"


def blob(value: bytes | memoryview | None) -> bytes:
    if value is None:
        raise PermissionDenied("This part of the report has been destroyed.")
    return bytes(value)


def narrative_key(report: Report) -> bytes:
    if report.narrative_key is None:
        raise PermissionDenied("This report's raw narrative has been destroyed.")
    return crypto.unwrap_key(blob(report.narrative_key), purpose=aad(report, "narrative-key"))


def seal(report: Report, value: Any, what: str) -> bytes:
    """Encrypt ``value`` under the report's narrative key."""
    return crypto.encrypt(narrative_key(report), value, aad=aad(report, what))


def unseal(report: Report, value: bytes | memoryview | None, what: str) -> Any:
    return crypto.decrypt(narrative_key(report), blob(value), aad=aad(report, what))


def contact_details(report: Report) -> dict[str, str] | None:
    """The confidential reporter's contact details, or None (anonymous, or destroyed).

    Callers are the audited ``intake.open_contact`` and the job that tells the reporter
    something is waiting (which sends a reference-free e-mail and audits nothing)."""
    if report.contact_key is None or report.contact is None:
        return None
    key = crypto.unwrap_key(blob(report.contact_key), purpose=aad(report, "contact-key"))
    details: dict[str, str] = crypto.decrypt(key, blob(report.contact), aad=aad(report, "contact"))
    return details
