"""The reporter's side: a receipt opens the inbox; the reporter reads and replies.

Guessing receipts is slowed per client (``core.client_limits``: a few free tries, then waits
that double up to a cap), never for everyone: an attacker's wrong receipts cost the attacker
time and leave every other reporter's receipt working. Nothing about an attempt is stored:
no row, no time, no address. Past a rate of wrong receipts across all clients the
administrators are told (ADR 0016). Every wrong receipt is refused the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from candour.audit import services as audit
from candour.core import client_limits
from candour.core.client_limits import Client
from candour.core.lifecycle import IllegalMove
from candour.notifications import services as outbox
from candour.reporting import receipts
from candour.reporting.lifecycle import REPORT
from candour.reporting.models import Message, Report
from candour.reporting.services.conversation import add_message, check_message

# The first wait after the free tries; each wrong receipt after it doubles the wait.
FIRST_WAIT_SECONDS = 2
# A client that has entered no wrong receipt for this long starts afresh.
FORGET_AFTER_SECONDS = 3600


class ReceiptRefused(Exception):  # noqa: N818  (a refusal, not a programming error)
    """The receipt did not open an inbox. Deliberately says nothing about why."""


class TryLater(Exception):  # noqa: N818
    """This client has entered too many wrong receipts: it waits, nobody else does."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class ReportClosed(Exception):  # noqa: N818
    """The report is closed: nobody will read a reply, so none is taken."""


def _rule() -> client_limits.Rule:
    return client_limits.Rule(
        free=settings.CANDOUR_RECEIPT_CLIENT_FREE_FAILURES,
        base_seconds=FIRST_WAIT_SECONDS,
        max_seconds=settings.CANDOUR_RECEIPT_CLIENT_MAX_DELAY_SECONDS,
        forget_seconds=FORGET_AFTER_SECONDS,
    )


WRONG_RECEIPTS = client_limits.Backoff("reporting.receipt", _rule)
GUESSING = client_limits.RateAlarm(lambda: settings.CANDOUR_RECEIPT_ALERT_FAILURES_PER_MINUTE)


def _find(receipt: str) -> Report | None:
    digits = receipts.normalise(receipt)
    if digits is None:
        return None
    wanted = receipts.receipt_hash(digits)
    report = Report.objects.filter(receipt_hash=wanted, receipt_active=True).first()
    if report is None or not receipts.same_hash(report.receipt_hash, wanted):
        return None
    return report


@transaction.atomic
def _alert_administrators() -> None:
    """Someone is guessing receipts: an audit entry and one e-mail an hour to the
    administrators of every organisation with a programme (a count, never a client)."""
    audit.record(actor=audit.ANONYMOUS, action="reporting.receipt_guessing_suspected")
    hour = timezone.localtime().strftime("%Y-%m-%dT%H")
    outbox.enqueue(
        kind="reporting.alert_receipt_guessing",
        payload={"per_minute": settings.CANDOUR_RECEIPT_ALERT_FAILURES_PER_MINUTE},
        idempotency_key=f"receipt-guessing:{hour}",  # one e-mail an hour, however many workers
    )


def open_inbox(*, receipt: str, client: Client) -> Report:
    """Return the report a receipt opens; raise ReceiptRefused (always the same way) or, for
    a client that keeps getting it wrong, TryLater. A right receipt does not restart the
    client's count: an attacker holding one receipt of their own cannot use it to reset."""
    wait = WRONG_RECEIPTS.wait_seconds(client)
    if wait:
        raise TryLater(wait)
    report = _find(receipt)
    if report is None:
        WRONG_RECEIPTS.record_failure(client)
        if GUESSING.record():
            _alert_administrators()
        raise ReceiptRefused
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
