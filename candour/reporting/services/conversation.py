"""Messages between the programme and the reporter, sealed under the report's narrative key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from candour.reporting.models import Message, Report
from candour.reporting.services.sealing import seal, unseal


def check_message(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Enter a message"})
    if len(body) > settings.CANDOUR_REPORT_FIELD_MAX_CHARS:
        limit = settings.CANDOUR_REPORT_FIELD_MAX_CHARS
        raise ValidationError({"body": f"The message must be {limit:,} characters or fewer"})
    return body


def add_message(report: Report, *, direction: str, purpose: str, body: str) -> Message:
    """Append a message; callers hold the transaction that moved the report's state.

    The report's row is locked first, so two messages written at once (a question and the
    reporter's reply) take the next numbers in turn instead of colliding on the unique
    (report, sequence) pair."""
    list(Report.objects.select_for_update().filter(pk=report.pk).values_list("pk", flat=True))
    sequence = (
        report.messages.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    ) + 1
    return Message.objects.create(
        report=report,
        direction=direction,
        purpose=purpose,
        body=seal(report, body, f"message-{sequence}"),
        sent_on=timezone.localdate(),
        sequence=sequence,
    )


def read_messages(*, report: Report) -> list[dict[str, Any]]:
    """Decrypt a report's conversation for its reporter or its intake officers."""
    if report.is_shredded:
        return []
    return [
        {
            "direction": m.direction,
            "purpose": m.purpose,
            "sent_on": m.sent_on,
            "body": unseal(report, m.body, f"message-{m.sequence}"),
        }
        for m in report.messages.all()
    ]
