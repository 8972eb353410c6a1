"""A slow, idempotent job for the outbox crash tests: it can be killed at chosen points."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import transaction

from candour.notifications.models import Job
from candour.notifications.registry import job_handler
from candour.testapp.models import Effect


def _mark(directory: str, name: str, job: Job) -> None:
    """Append this process's id to ``<name>-<attempt>``: a job run twice leaves two lines."""
    with Path(directory, f"{name}-{job.attempts}").open("a", encoding="utf-8") as marker:
        marker.write(f"{os.getpid()}\n")


@job_handler("testapp.slow_effect")
def slow_effect(job: Job) -> None:
    """Create the job's Effect, sleeping before and after it on the first attempt(s) only.

    Payload: ``signal_dir`` (marker files), ``sleep_before``/``sleep_after`` (seconds) and
    ``slow_attempts`` (how many attempts sleep; default 1, so a re-run after a crash is quick).
    """
    signal_dir = job.payload.get("signal_dir", "")
    slow = job.attempts <= int(job.payload.get("slow_attempts", 1))
    if signal_dir:
        _mark(signal_dir, "started", job)
    if slow:
        time.sleep(float(job.payload.get("sleep_before", 0)))
    with transaction.atomic():
        Effect.objects.get_or_create(job_reference=job.reference)
    if signal_dir:
        _mark(signal_dir, "effect", job)
    if slow:
        time.sleep(float(job.payload.get("sleep_after", 0)))


@job_handler("testapp.always_fails")
def always_fails(job: Job) -> None:
    raise RuntimeError("this handler always fails")


@job_handler("testapp.outlives_its_lease")
def outlives_its_lease(job: Job) -> None:
    """Run past the end of the lease this job was claimed with, then check nobody else could
    claim it meanwhile: the worker's lease keeper renewed it (a test sets a 1-second lease)."""
    from django.utils import timezone

    from candour.notifications.services import claim_next_job

    claimed_until = job.lease_expires_at
    assert claimed_until is not None  # noqa: S101  (claimed jobs have a lease)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        stored = Job.objects.get(pk=job.pk).lease_expires_at
        if timezone.now() > claimed_until and stored is not None and stored > timezone.now():
            break
        time.sleep(0.05)  # polling a condition, with a deadline
    else:
        raise TimeoutError("the lease was not renewed")
    if claim_next_job() is not None:
        raise RuntimeError("another worker could claim a job whose handler is still running")
    Effect.objects.get_or_create(job_reference=job.reference)
