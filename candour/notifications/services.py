"""Enqueue jobs inside the caller's transaction; claim, run and settle them in the worker."""

from __future__ import annotations

import logging
import random
import threading
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from candour.notifications.models import EmailDelivery, Job, JobStatus
from candour.notifications.registry import handler_for, known_kinds

logger = logging.getLogger("candour.jobs")

MAX_BACKOFF_SECONDS = 6 * 3600


def enqueue(
    *,
    kind: str,
    payload: dict[str, Any],
    idempotency_key: str | None = None,
    delay_seconds: int = 0,
) -> Job:
    """Write a job row. Call inside the transaction of the change that causes the job."""
    if kind not in known_kinds():
        raise ValueError(f"No handler is registered for job kind {kind!r}")
    if idempotency_key == "":
        raise ValueError("An idempotency key, when given, must not be empty")
    run_after = timezone.now() + timedelta(seconds=delay_seconds)
    if idempotency_key is None:
        return Job.objects.create(kind=kind, payload=payload, run_after=run_after)
    try:
        with transaction.atomic():
            return Job.objects.create(
                kind=kind, payload=payload, run_after=run_after, idempotency_key=idempotency_key
            )
    except IntegrityError:
        return Job.objects.get(idempotency_key=idempotency_key)


def claim_next_job() -> Job | None:
    """Lease the next due job (or one whose worker died), skipping rows other workers hold.

    A job that has used up its attempts (its worker died holding the last one) is marked
    failed on the way and the search goes on: a loop, so any number of them is fine.
    """
    while True:
        with transaction.atomic():
            # Read the clock inside the transaction: on SQLite BEGIN IMMEDIATE may wait for
            # the write lock, and a lease must not start out already partly spent.
            now = timezone.now()
            due = Job.objects.filter(
                Q(status=JobStatus.PENDING, run_after__lte=now)
                | Q(status=JobStatus.RUNNING, lease_expires_at__lte=now)
            ).order_by("run_after", "id")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            # On SQLite the IMMEDIATE transaction already holds the only write lock.
            job = due.first()
            if job is None:
                return None
            if job.attempts < settings.CANDOUR_JOB_MAX_ATTEMPTS:
                job.status = JobStatus.RUNNING
                job.attempts += 1
                job.lease_expires_at = now + timedelta(seconds=settings.CANDOUR_JOB_LEASE_SECONDS)
                job.save(update_fields=["status", "attempts", "lease_expires_at"])
                return job
            _settle(job, status=JobStatus.FAILED, error="attempts exhausted")
        logger.error("job.failed", extra={"job": str(job.reference), "kind": job.kind})


def _settle(job: Job, *, status: str, error: str = "", run_after: datetime | None = None) -> bool:
    """Record a job's outcome unless another worker has since re-leased it."""
    fields: dict[str, Any] = {"status": status, "last_error": error[:200]}
    if status in (JobStatus.DONE, JobStatus.FAILED):
        fields["finished_at"] = timezone.now()
        fields["lease_expires_at"] = None
    if run_after is not None:
        fields["run_after"] = run_after
        fields["lease_expires_at"] = None
    updated = Job.objects.filter(pk=job.pk, attempts=job.attempts).update(**fields)
    return updated == 1


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff, jittered between half and all of it so retries spread out."""
    ceiling = min(
        MAX_BACKOFF_SECONDS, settings.CANDOUR_JOB_BACKOFF_BASE_SECONDS * 2 ** (attempts - 1)
    )
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311  (timing jitter, not security)


def renew_lease(job: Job) -> bool:
    """Extend a running job's lease while this worker still holds it (``attempts`` is the
    fencing token); return whether it does. A job that runs longer than one lease (a large
    retention day, a slow SMTP server) is then not claimed again by another worker."""
    lease_until = timezone.now() + timedelta(seconds=settings.CANDOUR_JOB_LEASE_SECONDS)
    renewed = Job.objects.filter(pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING).update(
        lease_expires_at=lease_until
    )
    return renewed == 1


class LeaseKeeper(threading.Thread):
    """Renews a job's lease every third of a lease while its handler runs, in its own thread
    and database connection."""

    def __init__(self, job: Job) -> None:
        super().__init__(name=f"lease-{job.reference}", daemon=True)
        self.job = job
        self.finished = threading.Event()
        self.interval = max(0.1, settings.CANDOUR_JOB_LEASE_SECONDS / 3)

    def run(self) -> None:
        try:
            while not self.finished.wait(self.interval):
                try:
                    if not renew_lease(self.job):
                        return  # lost: another worker holds it now, and will settle it
                except DatabaseError:
                    continue  # locked or restarting: try again at the next beat
        finally:
            connection.close()

    def stop(self) -> None:
        self.finished.set()
        self.join(timeout=self.interval + 5)


def run_job(job: Job) -> bool:
    """Run one leased job, keeping its lease alive meanwhile; return whether it succeeded."""
    handler = handler_for(job.kind)
    keeper = LeaseKeeper(job)
    keeper.start()
    try:
        if handler is None:
            raise LookupError(f"no handler for {job.kind}")
        handler(job)
    except Exception as exc:
        keeper.stop()
        error = type(exc).__name__
        if job.attempts >= settings.CANDOUR_JOB_MAX_ATTEMPTS:
            _settle(job, status=JobStatus.FAILED, error=error)
            logger.error(
                "job.failed", extra={"job": str(job.reference), "kind": job.kind, "error": error}
            )
        else:
            retry_at = timezone.now() + timedelta(seconds=backoff_seconds(job.attempts))
            _settle(job, status=JobStatus.PENDING, error=error, run_after=retry_at)
            logger.warning(
                "job.retry",
                extra={
                    "job": str(job.reference),
                    "kind": job.kind,
                    "error": error,
                    "attempts": job.attempts,
                },
            )
        return False
    keeper.stop()
    if not _settle(job, status=JobStatus.DONE):
        # The lease ran out and another worker holds the job now: it decides the outcome.
        logger.warning(
            "job.lease_lost",
            extra={"job": str(job.reference), "kind": job.kind, "attempts": job.attempts},
        )
        return True
    logger.info(
        "job.done", extra={"job": str(job.reference), "kind": job.kind, "attempts": job.attempts}
    )
    return True


def run_due_jobs(*, limit: int | None = None) -> int:
    """Run due jobs until none is left (or ``limit`` have run); return how many ran."""
    ran = 0
    while limit is None or ran < limit:
        job = claim_next_job()
        if job is None:
            break
        run_job(job)
        ran += 1
    return ran


def send_email_once(*, job: Job, message_key: str, to: str, subject: str, body: str) -> bool:
    """Send an e-mail for this job unless it was already sent; return whether it was sent now.

    The delivery row is written as soon as the SMTP server accepts the message, before the
    QUIT round trip: a worker killed between the two sends it again (at least once, never
    zero times), and this keeps that window to one database write. A repeat carries the same
    Message-ID, so a receiving mail system can drop it.
    """
    if EmailDelivery.objects.filter(job_reference=job.reference, message_key=message_key).exists():
        return False
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[to],
        headers={
            "Message-ID": f"<{job.reference}.{message_key}@candour>",
            "Auto-Submitted": "auto-generated",
        },
    )
    connection = get_connection(fail_silently=False)
    connection.open()
    try:
        connection.send_messages([message])
        EmailDelivery.objects.get_or_create(job_reference=job.reference, message_key=message_key)
    finally:
        connection.close()
    return True
