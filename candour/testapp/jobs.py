"""A slow, idempotent job for the outbox crash tests: it can be killed at chosen points."""

from __future__ import annotations

import time
from pathlib import Path

from django.db import transaction

from candour.notifications.models import Job
from candour.notifications.registry import job_handler
from candour.testapp.models import Effect


def _mark(directory: str, name: str, job: Job) -> None:
    Path(directory, f"{name}-{job.attempts}").write_text("x")


@job_handler("testapp.slow_effect")
def slow_effect(job: Job) -> None:
    signal_dir = job.payload.get("signal_dir", "")
    if signal_dir:
        _mark(signal_dir, "started", job)
    time.sleep(float(job.payload.get("sleep_before", 0)))
    with transaction.atomic():
        Effect.objects.get_or_create(job_reference=job.reference)
    if signal_dir:
        _mark(signal_dir, "effect", job)
    time.sleep(float(job.payload.get("sleep_after", 0)))


@job_handler("testapp.always_fails")
def always_fails(job: Job) -> None:
    raise RuntimeError("this handler always fails")
