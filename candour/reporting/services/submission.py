"""A practitioner files a report: checked, de-identified in draft, sealed, given a receipt.

Nothing is stored before this point (ADR 0011), and nothing here writes an audit entry or a
job, since both carry exact times that could date a reporter.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from candour.deidentify.types import KnownEntity
from candour.reporting import crypto, receipts
from candour.reporting.models import Programme, Report
from candour.reporting.services.sealing import aad, unseal
from candour.reporting.vocabulary import NARRATIVE_FIELDS, NARRATIVE_KEYS, Confidentiality

_REFERENCE_ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "0O1I")


class ReplayExpired(Exception):  # noqa: N818
    """A retried submission whose receipt can no longer be shown again."""


@dataclass(frozen=True)
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Submission:
    kind: str
    service_area: str
    occurred_month: int
    occurred_year: int
    narrative: dict[str, str]
    harm: str
    reporter_role: str
    confidentiality: str
    harm_physical: bool = False
    harm_psychological: bool = False
    consent_to_publish: bool = False
    contact: Contact = field(default_factory=Contact)
    known: list[KnownEntity] = field(default_factory=list)


def _new_reference() -> str:
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"R-{body[:4]}-{body[4:]}"


def check_submission(submission: Submission) -> None:
    """Raise ValidationError naming every field that is wrong (forms and API share it)."""
    errors: dict[str, str] = {}
    limit = settings.CANDOUR_REPORT_FIELD_MAX_CHARS
    for key, label in NARRATIVE_FIELDS:
        value = submission.narrative.get(key, "")
        if len(value) > limit:
            errors[key] = f"{label} must be {limit:,} characters or fewer"
    if not submission.narrative.get("what_happened", "").strip():
        errors["what_happened"] = "Enter what happened"
    today = timezone.localdate()
    if not 1 <= submission.occurred_month <= 12:
        errors["occurred_month"] = "The month must be between 1 and 12"
    elif (submission.occurred_year, submission.occurred_month) > (today.year, today.month):
        errors["occurred_month"] = "When it happened must be this month or in the past"
    if submission.occurred_year < today.year - 20:
        errors["occurred_year"] = "The year must be within the last 20 years"
    if submission.confidentiality == Confidentiality.CONFIDENTIAL and not (
        submission.contact.email.strip() or submission.contact.phone.strip()
    ):
        errors["contact_email"] = "Enter an email address or phone number, or choose anonymous"
    if errors:
        raise ValidationError(errors)


def _draft(programme: Programme, submission: Submission) -> dict[str, Any]:
    """De-identify each free-text answer with the reporter's list of names (then dropped)."""
    from candour.deidentify.engine import shared_engine

    engine = shared_engine(programme.organisation.case_reference_pattern_list())
    keys = [k for k in NARRATIVE_KEYS if submission.narrative.get(k, "").strip()]
    results = engine.deidentify_many(
        [submission.narrative[k] for k in keys], [submission.known for _ in keys]
    )
    return {
        key: {
            "text": result.text,
            "entities": [
                {
                    "type": e.type.value,
                    "start": e.start,
                    "end": e.end,
                    "replacement": e.replacement,
                    "suspect": e.suspect,
                }
                for e in result.entities
            ],
        }
        for key, result in zip(keys, results, strict=True)
    }


def submit_report(
    *, programme: Programme, submission: Submission, idempotency_key: str | None = None
) -> tuple[Report, str]:
    """File a report and return it with its receipt (shown once to the reporter).

    A retried submission with the same idempotency key returns the same report and receipt
    (for a day) instead of creating a second report.
    """
    check_submission(submission)
    if idempotency_key:
        existing = Report.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, _replayed_receipt(existing)
    draft = _draft(programme, submission)
    receipt = receipts.new_receipt()
    narrative_key = crypto.new_data_key()
    reference = _new_reference()
    contact_fields: dict[str, Any] = {}
    if submission.confidentiality == Confidentiality.CONFIDENTIAL:
        contact_key = crypto.new_data_key()
        contact_fields = {
            "contact_key": crypto.wrap_key(contact_key, purpose=aad(reference, "contact-key")),
            "contact": crypto.encrypt(
                contact_key, submission.contact.__dict__, aad=aad(reference, "contact")
            ),
        }
    narrative = {k: submission.narrative.get(k, "") for k in NARRATIVE_KEYS}
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reference=reference,
                organisation=programme.organisation,
                received_on=timezone.localdate(),
                kind=submission.kind,
                service_area=submission.service_area,
                occurred_month=submission.occurred_month,
                occurred_year=submission.occurred_year,
                harm=submission.harm,
                harm_physical=submission.harm_physical,
                harm_psychological=submission.harm_psychological,
                reporter_role=submission.reporter_role,
                consent_to_publish=submission.consent_to_publish,
                confidentiality=submission.confidentiality,
                narrative_key=crypto.wrap_key(
                    narrative_key, purpose=aad(reference, "narrative-key")
                ),
                narrative=crypto.encrypt(narrative_key, narrative, aad=aad(reference, "narrative")),
                draft=crypto.encrypt(narrative_key, draft, aad=aad(reference, "draft")),
                receipt_sealed=crypto.encrypt(
                    narrative_key, receipt, aad=aad(reference, "receipt")
                ),
                receipt_hash=receipts.receipt_hash(receipt),
                idempotency_key=idempotency_key or None,
                **contact_fields,
            )
    except IntegrityError:
        if idempotency_key:
            existing = Report.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:  # a concurrent retry won the race
                return existing, _replayed_receipt(existing)
        raise
    return report, receipt


def _replayed_receipt(report: Report) -> str:
    if report.receipt_sealed is None or report.narrative_key is None:
        raise ReplayExpired
    receipt: str = unseal(report, report.receipt_sealed, "receipt")
    return receipt
