"""Daily jobs, scheduled by the worker itself: no cron to forget on a new server.

Each daily kind gets one outbox job per calendar day (the idempotency key names the day), due
at its local time of day, so several workers cannot run it twice and a worker that was down
at that time runs it when it comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time

from django.utils import timezone

from candour.notifications.registry import Handler, job_handler
from candour.notifications.services import enqueue

_DAILY: dict[str, time] = {}


def daily_job(kind: str, *, at: time) -> Callable[[Handler], Handler]:
    """Register `func` as the handler of `kind` and run it once a day at `at` (local time)."""

    def register(func: Handler) -> Handler:
        job_handler(kind)(func)
        _DAILY[kind] = at
        return func

    return register


def daily_kinds() -> dict[str, time]:
    return dict(_DAILY)


def ensure_daily_jobs(now: datetime | None = None) -> None:
    """Enqueue the day's run of every daily job (the day of `now`, by default today), once
    per kind and day whoever calls it; a time already past is due at once."""
    local = timezone.localtime(now or timezone.now())
    for kind, at in _DAILY.items():
        due = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        day = local.date().isoformat()
        enqueue(
            kind=kind,
            payload={"day": day},
            idempotency_key=f"daily:{kind}:{day}",
            delay_seconds=max(0, round((due - timezone.now()).total_seconds())),
        )
