"""The transactional outbox: a job row written in the same transaction as its cause."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models


class JobStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Job(models.Model):
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=100)
    # References only (user or object UUIDs): never content or personal details.
    payload = models.JSONField(default=dict)
    idempotency_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    run_after = models.DateTimeField()
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["status", "run_after"], name="job_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class EmailDelivery(models.Model):
    """One row per e-mail sent by a job, so a re-run job does not send it again."""

    job_reference = models.UUIDField()
    message_key = models.CharField(max_length=100)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["job_reference", "message_key"], name="unique_email")
        ]

    def __str__(self) -> str:
        return f"{self.message_key} for job {self.job_reference}"
