"""Every change to a report. Raw narrative and contact details are opened only here, each
time with a reason that is audited; nothing here logs or audits content.

Reporters are never users: their actions are not audited with a time, so the audit log
cannot be used to date a submission. Staff actions are audited by reference.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from candour.accounts.models import Role, User
from candour.audit import services as audit
from candour.deidentify.types import KnownEntity
from candour.notifications import services as outbox
from candour.reporting import crypto, receipts
from candour.reporting.models import (
    NARRATIVE_FIELDS,
    Coding,
    Confidentiality,
    Disclosure,
    Message,
    Programme,
    ReceiptThrottle,
    Report,
    SafetyAlert,
    Status,
)

NARRATIVE_KEYS = tuple(key for key, _label in NARRATIVE_FIELDS)
_REFERENCE_ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "0O1I")


class ReceiptRefused(Exception):  # noqa: N818  (a refusal, not a programming error)
    """The receipt did not open an inbox. Deliberately says nothing about why."""


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


def _aad(report: Report | str, what: str) -> str:
    reference = report if isinstance(report, str) else report.reference
    return f"candour:{reference}:{what}"


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
            "contact_key": crypto.wrap_key(contact_key, purpose=_aad(reference, "contact-key")),
            "contact": crypto.encrypt(
                contact_key, submission.contact.__dict__, aad=_aad(reference, "contact")
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
                    narrative_key, purpose=_aad(reference, "narrative-key")
                ),
                narrative=crypto.encrypt(
                    narrative_key, narrative, aad=_aad(reference, "narrative")
                ),
                draft=crypto.encrypt(narrative_key, draft, aad=_aad(reference, "draft")),
                receipt_sealed=crypto.encrypt(
                    narrative_key, receipt, aad=_aad(reference, "receipt")
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


def _blob(value: bytes | memoryview | None) -> bytes:
    if value is None:
        raise PermissionDenied("This part of the report has been destroyed.")
    return bytes(value)


def _narrative_key(report: Report) -> bytes:
    if report.narrative_key is None:
        raise PermissionDenied("This report's raw narrative has been destroyed.")
    return crypto.unwrap_key(_blob(report.narrative_key), purpose=_aad(report, "narrative-key"))


def _replayed_receipt(report: Report) -> str:
    if report.receipt_sealed is None:
        raise ReplayExpired
    receipt: str = crypto.decrypt(
        _narrative_key(report), _blob(report.receipt_sealed), aad=_aad(report, "receipt")
    )
    return receipt


# --- The reporter's inbox -----------------------------------------------------------------


def _throttle(key: str) -> ReceiptThrottle:
    now = timezone.now()
    row, _ = ReceiptThrottle.objects.select_for_update().get_or_create(
        key=key, defaults={"window_started": now}
    )
    return row


def _is_locked(key: str) -> bool:
    row = ReceiptThrottle.objects.filter(key=key).first()
    return bool(row and row.locked_until and row.locked_until > timezone.now())


def _record_receipt_failure(attempt: str | None) -> None:
    now = timezone.now()
    with transaction.atomic():
        overall = _throttle("global")
        if now - overall.window_started > timedelta(minutes=1):
            overall.window_started, overall.failures = now, 0
        overall.failures += 1
        if overall.failures >= settings.CANDOUR_RECEIPT_GLOBAL_MAX_FAILURES_PER_MINUTE:
            overall.locked_until = now + timedelta(minutes=1)
        overall.save()
        if attempt is not None:
            row = _throttle(receipts.attempt_key(attempt))
            row.failures += 1
            if row.failures >= settings.CANDOUR_RECEIPT_MAX_FAILURES:
                row.locked_until = now + timedelta(seconds=settings.CANDOUR_RECEIPT_LOCK_SECONDS)
                row.failures = 0
            row.save()


def open_inbox(*, receipt: str) -> Report:
    """Return the report a receipt opens, or raise ReceiptRefused (always the same way)."""
    digits = receipts.normalise(receipt)
    if _is_locked("global") or (digits and _is_locked(receipts.attempt_key(digits))):
        raise ReceiptRefused
    if digits is None:
        _record_receipt_failure(None)
        raise ReceiptRefused
    wanted = receipts.receipt_hash(digits)
    report = Report.objects.filter(receipt_hash=wanted, receipt_active=True).first()
    if report is None or not receipts.same_hash(report.receipt_hash, wanted):
        _record_receipt_failure(digits)
        raise ReceiptRefused
    ReceiptThrottle.objects.filter(key=receipts.attempt_key(digits)).delete()
    return report


def _add_message(report: Report, *, direction: str, purpose: str, body: str) -> Message:
    key = _narrative_key(report)
    sequence = (
        report.messages.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    ) + 1
    return Message.objects.create(
        report=report,
        direction=direction,
        purpose=purpose,
        body=crypto.encrypt(key, body, aad=_aad(report, f"message-{sequence}")),
        sent_on=timezone.localdate(),
        sequence=sequence,
    )


def _check_message(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Enter a message"})
    if len(body) > settings.CANDOUR_REPORT_FIELD_MAX_CHARS:
        limit = settings.CANDOUR_REPORT_FIELD_MAX_CHARS
        raise ValidationError({"body": f"The message must be {limit:,} characters or fewer"})
    return body


@transaction.atomic
def reply_as_reporter(*, report: Report, body: str) -> Message:
    body = _check_message(body)
    message = _add_message(
        report, direction=Message.Direction.FROM_REPORTER, purpose=Message.Purpose.REPLY, body=body
    )
    if report.status == Status.WAITING_FOR_REPORTER:
        Report.objects.filter(pk=report.pk).update(status=Status.IN_REVIEW)
    return message


def read_messages(*, report: Report) -> list[dict[str, Any]]:
    """Decrypt a report's conversation for its reporter or its intake officers."""
    if report.is_shredded:
        return []
    key = _narrative_key(report)
    return [
        {
            "direction": m.direction,
            "purpose": m.purpose,
            "sent_on": m.sent_on,
            "body": crypto.decrypt(key, bytes(m.body), aad=_aad(report, f"message-{m.sequence}")),
        }
        for m in report.messages.all()
    ]


# --- The confidential programme: intake officers --------------------------------------------


def _require_intake(user: User, report: Report) -> None:
    if user.role != Role.INTAKE_OFFICER or user.organisation_id != report.organisation_id:
        raise PermissionDenied


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "Give a reason of at least 10 characters"})
    if len(reason) > 500:
        raise ValidationError({"reason": "The reason must be 500 characters or fewer"})
    return reason


@transaction.atomic
def open_narrative(*, user: User, report: Report, reason: str) -> dict[str, Any]:
    """Decrypt the raw narrative and the de-identification draft, recording why."""
    _require_intake(user, report)
    reason = _check_reason(reason)
    key = _narrative_key(report)
    audit.record(
        actor=user,
        action="reporting.narrative.opened",
        object_type="report",
        object_ref=report.reference,
        reason=reason,
    )
    if report.status == Status.RECEIVED:
        Report.objects.filter(pk=report.pk).update(status=Status.IN_REVIEW)
        report.status = Status.IN_REVIEW
    return {
        "narrative": crypto.decrypt(key, _blob(report.narrative), aad=_aad(report, "narrative")),
        "draft": crypto.decrypt(key, _blob(report.draft), aad=_aad(report, "draft")),
    }


@transaction.atomic
def open_contact(*, user: User, report: Report, reason: str) -> dict[str, str]:
    """Decrypt the confidential reporter's contact details, recording why."""
    _require_intake(user, report)
    reason = _check_reason(reason)
    if report.contact_key is None or report.contact is None:
        raise PermissionDenied("There are no contact details (anonymous, or destroyed).")
    key = crypto.unwrap_key(_blob(report.contact_key), purpose=_aad(report, "contact-key"))
    audit.record(
        actor=user,
        action="reporting.contact.opened",
        object_type="report",
        object_ref=report.reference,
        reason=reason,
    )
    contact: dict[str, str] = crypto.decrypt(
        key, _blob(report.contact), aad=_aad(report, "contact")
    )
    return contact


@transaction.atomic
def release_report(*, user: User, report: Report, texts: dict[str, str]) -> Report:
    """Release the reviewed, de-identified answers to analysts."""
    _require_intake(user, report)
    if report.is_shredded:
        raise PermissionDenied
    cleaned = {k: texts.get(k, "").strip() for k in NARRATIVE_KEYS if texts.get(k, "").strip()}
    if not cleaned.get("what_happened"):
        raise ValidationError({"what_happened": "Enter the de-identified account of what happened"})
    Report.objects.filter(pk=report.pk).update(
        released=cleaned, released_on=timezone.localdate(), status=Status.RELEASED
    )
    audit.record(
        actor=user,
        action="reporting.report.released",
        object_type="report",
        object_ref=report.reference,
    )
    report.refresh_from_db()
    return report


def _notify_reporter(report: Report) -> None:
    if report.confidentiality == Confidentiality.CONFIDENTIAL and report.contact is not None:
        outbox.enqueue(kind="reporting.notify_reporter", payload={"report": report.reference})


def _write_to_reporter(
    *, user: User, report: Report, body: str, purpose: str, status: str, action: str
) -> Message:
    _require_intake(user, report)
    message = _add_message(
        report, direction=Message.Direction.TO_REPORTER, purpose=purpose, body=_check_message(body)
    )
    Report.objects.filter(pk=report.pk).update(status=status)
    audit.record(actor=user, action=action, object_type="report", object_ref=report.reference)
    _notify_reporter(report)
    return message


@transaction.atomic
def ask_reporter(*, user: User, report: Report, body: str) -> Message:
    return _write_to_reporter(
        user=user,
        report=report,
        body=body,
        purpose=Message.Purpose.QUESTION,
        status=Status.WAITING_FOR_REPORTER,
        action="reporting.question.sent",
    )


@transaction.atomic
def give_feedback(*, user: User, report: Report, body: str) -> Message:
    """Send the reporter the "you said, we did" feedback."""
    return _write_to_reporter(
        user=user,
        report=report,
        body=body,
        purpose=Message.Purpose.FEEDBACK,
        status=Status.FEEDBACK_GIVEN,
        action="reporting.feedback.given",
    )


@transaction.atomic
def close_report(*, user: User, report: Report) -> None:
    _require_intake(user, report)
    Report.objects.filter(pk=report.pk).update(status=Status.CLOSED, closed_on=timezone.localdate())
    audit.record(
        actor=user,
        action="reporting.report.closed",
        object_type="report",
        object_ref=report.reference,
    )


@transaction.atomic
def raise_alert(*, user: User, report: Report, summary: str) -> SafetyAlert:
    """Alert the safety lead to a hazard that needs action now (de-identified summary)."""
    _require_intake(user, report)
    summary = summary.strip()
    if len(summary) < 10:
        raise ValidationError({"summary": "Describe the hazard in at least 10 characters"})
    if len(summary) > 2000:
        raise ValidationError({"summary": "The summary must be 2,000 characters or fewer"})
    programme = Programme.objects.get(organisation=report.organisation)
    if not programme.safety_lead_email:
        raise ValidationError({"summary": "This programme has no safety lead to alert"})
    alert = SafetyAlert.objects.create(
        report=report,
        summary=summary,
        raised_by_ref=str(user.reference),
        raised_on=timezone.localdate(),
    )
    audit.record(
        actor=user,
        action="reporting.alert.raised",
        object_type="report",
        object_ref=report.reference,
    )
    outbox.enqueue(kind="reporting.send_alert", payload={"alert": alert.pk})
    return alert


@transaction.atomic
def request_disclosure(*, user: User, report: Report, reason: str) -> Disclosure:
    """Ask to disclose the reporter's identity outside the programme (needs a second officer)."""
    _require_intake(user, report)
    if report.confidentiality != Confidentiality.CONFIDENTIAL:
        raise ValidationError({"reason": "An anonymous report has no identity to disclose"})
    disclosure = Disclosure.objects.create(
        report=report, requested_by_ref=str(user.reference), reason=_check_reason(reason)
    )
    audit.record(
        actor=user,
        action="reporting.disclosure.requested",
        object_type="report",
        object_ref=report.reference,
        reason=disclosure.reason,
    )
    return disclosure


@transaction.atomic
def decide_disclosure(*, user: User, disclosure: Disclosure, approve: bool) -> Disclosure:
    report = disclosure.report
    _require_intake(user, report)
    if str(user.reference) == disclosure.requested_by_ref:
        raise PermissionDenied("A second intake officer must decide.")
    if disclosure.state != Disclosure.State.REQUESTED:
        raise ValidationError("This request has already been decided")
    disclosure.state = Disclosure.State.APPROVED if approve else Disclosure.State.REFUSED
    disclosure.decided_by_ref = str(user.reference)
    disclosure.save(update_fields=["state", "decided_by_ref"])
    audit.record(
        actor=user,
        action=f"reporting.disclosure.{'approved' if approve else 'refused'}",
        object_type="report",
        object_ref=report.reference,
        reason=disclosure.reason,
    )
    return disclosure


# --- Analysts -------------------------------------------------------------------------------


@transaction.atomic
def code_report(
    *,
    user: User,
    report: Report,
    scie_patterns: list[str],
    london_factors: list[str],
    detection: str,
    mitigation: str,
    harm: str,
    synopsis: str,
) -> Coding:
    if user.role != Role.ANALYST or user.organisation_id != report.organisation_id:
        raise PermissionDenied
    if report.released is None:
        raise PermissionDenied
    coding, _ = Coding.objects.update_or_create(
        report=report,
        defaults={
            "scie_patterns": scie_patterns,
            "london_factors": london_factors,
            "detection": detection,
            "mitigation": mitigation.strip(),
            "harm": harm,
            "synopsis": synopsis.strip(),
            "coded_by_ref": str(user.reference),
            "coded_on": timezone.localdate(),
        },
    )
    audit.record(
        actor=user,
        action="reporting.report.coded",
        object_type="report",
        object_ref=report.reference,
    )
    return coding


# --- Retention ------------------------------------------------------------------------------


def shred_due_reports(*, today: date | None = None) -> int:
    """Destroy the keys (and ciphertext) of raw narrative and contact details of reports
    closed longer ago than their programme's retention period. Returns how many."""
    today = today or timezone.localdate()
    shredded = 0
    due = Report.objects.filter(closed_on__isnull=False, shredded_on__isnull=True).select_related(
        "organisation"
    )
    retention = dict(Programme.objects.values_list("organisation_id", "retention_days"))
    for report in due:
        retention_days = retention[report.organisation_id]
        closed_on = report.closed_on or today
        if closed_on + timedelta(days=retention_days) > today:
            continue
        with transaction.atomic():
            Message.objects.filter(report=report).delete()
            Report.objects.filter(pk=report.pk).update(
                narrative_key=None,
                narrative=None,
                draft=None,
                contact_key=None,
                contact=None,
                receipt_sealed=None,
                receipt_active=False,
                shredded_on=today,
            )
            audit.record(
                actor=audit.SYSTEM,
                organisation=report.organisation,
                action="reporting.report.shredded",
                object_type="report",
                object_ref=report.reference,
            )
        shredded += 1
    return shredded


def forget_sealed_receipts(*, today: date | None = None) -> int:
    """Stop answering retried submissions with a receipt once a day has passed."""
    today = today or timezone.localdate()
    return Report.objects.filter(
        receipt_sealed__isnull=False, received_on__lt=today - timedelta(days=1)
    ).update(receipt_sealed=None)


def count_waiting(*, organisation_id: int) -> int:
    return Report.objects.filter(
        organisation_id=organisation_id,
        status__in=[Status.RECEIVED, Status.IN_REVIEW],
    ).count()


@transaction.atomic
def update_programme(*, admin: User, programme: Programme, changes: dict[str, Any]) -> Programme:
    if admin.role != Role.ADMINISTRATOR or admin.organisation_id != programme.organisation_id:
        raise PermissionDenied
    allowed = {
        "promise",
        "exclusions",
        "duty_contact",
        "emergency_contact",
        "safety_lead_email",
        "retention_days",
    }
    for name, value in changes.items():
        if name in allowed:
            setattr(programme, name, value)
    programme.save()
    audit.record(
        actor=admin,
        action="reporting.programme.updated",
        object_type="programme",
        object_ref=programme.slug,
    )
    return programme
