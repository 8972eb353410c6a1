"""Daily jobs, scheduled by the worker itself: no cron to forget on a new server.

Each daily kind gets one outbox job per calendar day (the idempotency key names the day), due
at its local time of day, so several workers cannot run it twice and a worker that was down
at that time runs it when it comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from django.utils import timezone

from candour.notifications.models import Job, JobStatus
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


def job_day(job: Job) -> date:
    """The day a daily job runs for (in its payload), so a late run does that day's work."""
    day = job.payload.get("day")
    return date.fromisoformat(day) if isinstance(day, str) else timezone.localdate()


def bring_forward(kinds: list[str] | None = None, now: datetime | None = None) -> list[str]:
    """Make today's run of each daily job (all, or ``kinds``) due now, for running by hand:
    the same job the schedule makes, so a day's duty still runs once. Returns the kinds made
    due; a kind that already ran today is left alone."""
    now = now or timezone.now()
    day = timezone.localtime(now).date().isoformat()
    due = []
    for kind in kinds or list(_DAILY):
        if kind not in _DAILY:
            raise ValueError(f"{kind!r} is not a daily job; daily jobs: {', '.join(_DAILY)}")
        job = enqueue(kind=kind, payload={"day": day}, idempotency_key=f"daily:{kind}:{day}")
        if Job.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(run_after=now):
            due.append(kind)
    return due
