"""What intake officers do with a report: open it (with a reason), review and release the
de-identified text, ask the reporter, give feedback, alert the safety lead, close and reopen.

Every state change goes through the report's lifecycle, so a report never moves backwards
and a page that offers an action the state no longer allows gets a clear refusal.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from candour.accounts.models import Role, User
from candour.audit import services as audit
from candour.core.lifecycle import IllegalMove
from candour.notifications import services as outbox
from candour.reporting import signals
from candour.reporting.lifecycle import REPORT
from candour.reporting.models import Message, Programme, Report, SafetyAlert
from candour.reporting.services.conversation import add_message, check_message
from candour.reporting.services.sealing import contact_details, seal, unseal
from candour.reporting.vocabulary import NARRATIVE_KEYS, Confidentiality

REASON_MIN, REASON_MAX = 10, 500


def require_intake(user: User, report: Report) -> None:
    if user.role != Role.INTAKE_OFFICER or user.organisation_id != report.organisation_id:
        raise PermissionDenied


def check_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": f"Give a reason of at least {REASON_MIN} characters"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"The reason must be {REASON_MAX} characters or fewer"})
    return reason


def _refuse(error: IllegalMove) -> ValidationError:
    return ValidationError(str(error))


def _audit(user: User, report: Report, action: str, reason: str = "") -> None:
    audit.record(
        actor=user, action=action, object_type="report", object_ref=report.reference, reason=reason
    )


@transaction.atomic
def open_narrative(*, user: User, report: Report, reason: str) -> dict[str, Any]:
    """Decrypt the raw narrative, the automatic draft and any saved review, recording why.
    The first opening starts the review."""
    require_intake(user, report)
    reason = check_reason(reason)
    if report.is_shredded:
        raise PermissionDenied("This report's raw narrative has been destroyed.")
    _audit(user, report, "reporting.narrative.opened", reason)
    if REPORT.allows(report, "start_review"):
        REPORT.move(report, "start_review")
    review = unseal(report, report.review_draft, "review-draft") if report.review_draft else None
    return {
        "narrative": unseal(report, report.narrative, "narrative"),
        "draft": unseal(report, report.draft, "draft"),
        "review": review,
    }


@transaction.atomic
def open_contact(*, user: User, report: Report, reason: str) -> dict[str, str]:
    """Decrypt the confidential reporter's contact details, recording why."""
    require_intake(user, report)
    reason = check_reason(reason)
    details = contact_details(report)
    if details is None:
        raise PermissionDenied("There are no contact details (anonymous, or destroyed).")
    _audit(user, report, "reporting.contact.opened", reason)
    return details


def can_review(report: Report) -> bool:
    """Whether the review page (and saving a draft) is open: before or after release, never
    once closed or destroyed."""
    return report.is_intact and bool(
        REPORT.allowed(report) & {"start_review", "release", "correct_release"}
    )


def check_release_texts(texts: dict[str, str]) -> dict[str, str]:
    """The texts to release, trimmed; ValidationError if the account of what happened is empty."""
    cleaned = {k: texts.get(k, "").strip() for k in NARRATIVE_KEYS if texts.get(k, "").strip()}
    if not cleaned.get("what_happened"):
        raise ValidationError({"what_happened": "Enter the de-identified account of what happened"})
    return cleaned


@transaction.atomic
def save_review_draft(*, user: User, report: Report, texts: dict[str, str]) -> None:
    """Keep the officer's edits (sealed, like the narrative) so a review can be finished
    later; nothing reaches analysts until release."""
    require_intake(user, report)
    if not can_review(report):
        raise ValidationError(REPORT.refusal(report, "release"))
    cleaned = check_release_texts(texts)
    draft = seal(report, cleaned, "review-draft")
    updated = Report.objects.filter(pk=report.pk, status=report.status).update(review_draft=draft)
    if not updated:
        raise ValidationError("This report was changed by someone else a moment ago. Reload it.")
    report.review_draft = draft
    _audit(user, report, "reporting.review.draft_saved")


@transaction.atomic
def release_report(*, user: User, report: Report, texts: dict[str, str]) -> Report:
    """Release the reviewed, de-identified answers to analysts, or correct what was released
    (the same report, still released)."""
    require_intake(user, report)
    if report.is_shredded:
        raise PermissionDenied("This report's raw narrative has been destroyed.")
    cleaned = check_release_texts(texts)
    event = "correct_release" if report.was_released else "release"
    changes: dict[str, Any] = {"released": cleaned, "review_draft": None}
    if event == "release":
        changes["released_on"] = timezone.localdate()
    try:
        REPORT.move(report, event, **changes)
    except IllegalMove as error:
        raise _refuse(error) from None
    action = "reporting.report.release_corrected" if event == "correct_release" else None
    _audit(user, report, action or "reporting.report.released")
    signals.report_released.send(sender=Report, report=report, first=event == "release")
    return report


def _notify_reporter(report: Report) -> None:
    if report.confidentiality == Confidentiality.CONFIDENTIAL and report.contact is not None:
        outbox.enqueue(kind="reporting.notify_reporter", payload={"report": report.reference})


def _write_to_reporter(
    *, user: User, report: Report, body: str, purpose: str, event: str, action: str
) -> Message:
    require_intake(user, report)
    body = check_message(body)
    try:
        REPORT.move(report, event)
    except IllegalMove as error:
        raise _refuse(error) from None
    message = add_message(
        report, direction=Message.Direction.TO_REPORTER, purpose=purpose, body=body
    )
    _audit(user, report, action)
    _notify_reporter(report)
    return message


@transaction.atomic
def ask_reporter(*, user: User, report: Report, body: str) -> Message:
    return _write_to_reporter(
        user=user,
        report=report,
        body=body,
        purpose=Message.Purpose.QUESTION,
        event="ask",
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
        event="give_feedback",
        action="reporting.feedback.given",
    )


@transaction.atomic
def close_report(*, user: User, report: Report) -> None:
    """Close the report; its retention period runs from today (closing again is refused, so
    the clock never restarts)."""
    require_intake(user, report)
    try:
        REPORT.move(report, "close", closed_on=timezone.localdate())
    except IllegalMove as error:
        raise _refuse(error) from None
    _audit(user, report, "reporting.report.closed")


@transaction.atomic
def reopen_report(*, user: User, report: Report) -> None:
    """Reopen a closed report before its keys are destroyed; the retention clock stops."""
    require_intake(user, report)
    try:
        REPORT.move(report, "reopen", closed_on=None)
    except IllegalMove as error:
        if report.is_shredded:
            raise ValidationError(
                "This report's original account has been destroyed, so it cannot be reopened."
            ) from None
        raise _refuse(error) from None
    _audit(user, report, "reporting.report.reopened")


@transaction.atomic
def raise_alert(*, user: User, report: Report, summary: str) -> SafetyAlert:
    """Alert the safety lead to a hazard that needs action now (de-identified summary)."""
    require_intake(user, report)
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
    _audit(user, report, "reporting.alert.raised")
    outbox.enqueue(kind="reporting.send_alert", payload={"alert": alert.pk})
    return alert
