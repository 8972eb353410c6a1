"""A practitioner files a report: checked, de-identified in draft, sealed, given a receipt.

Nothing is stored before this point (ADR 0011), and nothing here writes an audit entry or a
job, since both carry exact times that could date a reporter.

A report is never lost to the de-identification engine (ADR 0014): the draft has a time
budget, and an answer it could not finish (or any failure of the engine) is filed with the
report as *missing*, for the intake officer to de-identify by hand. Filing costs real work,
so each client has a ceiling on it (``candour.core.ceilings``); a client past it is refused
before anything is done, and may send the same report again later.
"""

from __future__ import annotations

import logging
import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from candour.core.ceilings import CeilingReached, CeilingRule, WorkCeiling
from candour.core.client_limits import Client, RateAlarm
from candour.deidentify.types import KnownEntity, Result
from candour.reporting import crypto, receipts
from candour.reporting.models import Programme, Report
from candour.reporting.services.sealing import aad, unseal
from candour.reporting.vocabulary import NARRATIVE_FIELDS, NARRATIVE_KEYS, Confidentiality

_REFERENCE_ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "0O1I")

logger = logging.getLogger("candour.reporting")


def _ceiling_rule() -> CeilingRule:
    return CeilingRule(
        burst_seconds=settings.CANDOUR_REPORT_CLIENT_BURST_SECONDS,
        seconds_per_hour=settings.CANDOUR_REPORT_CLIENT_SECONDS_PER_HOUR,
        reserve_seconds=settings.CANDOUR_REPORT_MAX_SECONDS,
    )


# One ceiling for the web form and the API together: a client gains nothing by using both.
CEILING = WorkCeiling("reporting.submission", _ceiling_rule)
# Refusals across all clients: past 30 a minute in one process, say so (once an hour).
_REFUSALS = RateAlarm(lambda: 30)


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


MISSING = Result(text="", missing=True)


def _deidentify(programme: Programme, texts: list[str], known: list[KnownEntity]) -> list[Result]:
    """The engine's results, or every text missing if the engine fails: never lose a report."""
    from candour.deidentify.engine import shared_engine

    try:
        engine = shared_engine(programme.organisation.case_reference_pattern_list())
        return engine.deidentify_many(
            texts,
            [known for _ in texts],
            budget_seconds=settings.CANDOUR_DEIDENTIFY_BUDGET_SECONDS,
        )
    except Exception:
        # The type and frames only (candour.core.logging), never what the report says.
        logger.exception("reporting.draft.failed")
        return [MISSING for _ in texts]


def _draft(programme: Programme, submission: Submission) -> dict[str, Any]:
    """De-identify each free-text answer with the reporter's list of names (then dropped).

    An answer the engine did not finish is ``{"text": "", "entities": [], "missing": True}``:
    the intake officer's review says so, and the officer writes it by hand.
    """
    keys = [k for k in NARRATIVE_KEYS if submission.narrative.get(k, "").strip()]
    results = _deidentify(programme, [submission.narrative[k] for k in keys], submission.known)
    if any(result.missing for result in results):
        # No reference and no time finer than the log's own: nothing that dates a reporter.
        logger.warning("reporting.draft.incomplete")
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
            **({"missing": True} if result.missing else {}),
        }
        for key, result in zip(keys, results, strict=True)
    }


def submit_report(
    *,
    programme: Programme,
    submission: Submission,
    idempotency_key: str | None = None,
    client: Client | None = None,
) -> tuple[Report, str]:
    """File a report and return it with its receipt (shown once to the reporter).

    A retried submission with the same idempotency key returns the same report and receipt
    (for a day) instead of creating a second report. With ``client`` (a public endpoint),
    filing counts against that client's ceiling: ``CeilingReached`` when it is used up,
    with nothing done.
    """
    check_submission(submission)
    if idempotency_key:
        existing = Report.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, _replayed_receipt(existing)
    if client is None:
        return _file(programme, submission, idempotency_key)
    try:
        with CEILING.spend(client):
            return _file(programme, submission, idempotency_key)
    except CeilingReached:
        if _REFUSALS.record():
            logger.warning("reporting.submission.ceiling_refusals_high")
        raise


def _file(
    programme: Programme, submission: Submission, idempotency_key: str | None
) -> tuple[Report, str]:
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
