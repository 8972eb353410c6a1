"""The reporter's side: a receipt opens the inbox; the reporter reads and replies.

Guessing receipts is throttled per attempted receipt (a keyed digest) and globally, and every
refusal looks the same.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from candour.core.lifecycle import IllegalMove
from candour.reporting import receipts
from candour.reporting.lifecycle import REPORT
from candour.reporting.models import Message, ReceiptThrottle, Report
from candour.reporting.services.conversation import add_message, check_message


class ReceiptRefused(Exception):  # noqa: N818  (a refusal, not a programming error)
    """The receipt did not open an inbox. Deliberately says nothing about why."""


class ReportClosed(Exception):  # noqa: N818
    """The report is closed: nobody will read a reply, so none is taken."""


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


def can_reply(report: Report) -> bool:
    return REPORT.allows(report, "reporter_replies")


@transaction.atomic
def reply_as_reporter(*, report: Report, body: str) -> Message:
    """Add the reporter's reply; an answer to a question puts the report back in review
    (unless it was already released: a report never goes backwards)."""
    body = check_message(body)
    try:
        REPORT.move(report, "reporter_replies")
    except IllegalMove:
        raise ReportClosed from None
    return add_message(
        report, direction=Message.Direction.FROM_REPORTER, purpose=Message.Purpose.REPLY, body=body
    )
