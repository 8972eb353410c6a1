"""Confidential reports. Raw narrative and contact details are stored only encrypted, each
under its own data key; released, de-identified text is what everyone else sees.

No field links a report to a user account, an IP address, a user agent or an exact time:
``received_on`` is a date. Reports and messages have random primary keys, not sequential
ones: the Nth report (or reply) must not be the Nth POST in a time-stamped access log.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any, ClassVar

from django.core.validators import MinValueValidator
from django.db import models

from candour.accounts.models import Organisation
from candour.core import disclosure
from candour.reporting.vocabulary import (
    Confidentiality,
    Detection,
    Harm,
    Kind,
    ReporterRole,
    ServiceArea,
)


def random_key() -> int:
    """A random positive 63-bit primary key: no order, so no date, can be read from it (a
    collision needs about three billion rows for an even chance, and is refused by the
    primary key, never overwritten)."""
    return secrets.randbits(63) or 1


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    IN_REVIEW = "in_review", "In review"
    WAITING_FOR_REPORTER = "waiting_for_reporter", "Waiting for reporter"
    RELEASED = "released", "Released for analysis"
    FEEDBACK_GIVEN = "feedback_given", "Feedback given"
    CLOSED = "closed", "Closed"


class Programme(models.Model):
    """An organisation's confidential reporting programme: its link, promise and contacts."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="programme"
    )
    slug = models.SlugField(unique=True, help_text="The reporting link: /report/<slug>")
    promise = models.TextField(
        default=(
            "A report made in good time and in good faith is never used in disciplinary "
            "proceedings against the person who made it."
        )
    )
    exclusions = models.TextField(
        default="The promise does not cover criminal acts or deliberate harm to a child."
    )
    duty_contact = models.CharField(max_length=300)
    emergency_contact = models.CharField(max_length=300)
    safety_lead_email = models.EmailField(blank=True)
    retention_days = models.PositiveIntegerField(
        default=30, help_text="Days after closure before raw narrative and contact are destroyed"
    )
    # Disclosure control's k for every figure leaders see and every published output of
    # this programme (candour.core.disclosure, ADR 0021).
    disclosure_threshold = models.PositiveSmallIntegerField(
        default=disclosure.DEFAULT_THRESHOLD,
        validators=[MinValueValidator(disclosure.THRESHOLD_FLOOR)],
    )

    def __str__(self) -> str:
        return self.slug

    def disclosure_policy(self) -> disclosure.Policy:
        return disclosure.Policy(threshold=self.disclosure_threshold)


class Report(models.Model):
    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.RECEIVED)
    received_on = models.DateField()
    # Structured answers: short lists, no free text.
    kind = models.CharField(max_length=20, choices=Kind.choices)
    service_area = models.CharField(max_length=20, choices=ServiceArea.choices)
    occurred_month = models.PositiveSmallIntegerField()
    occurred_year = models.PositiveSmallIntegerField()
    harm = models.CharField(max_length=10, choices=Harm.choices)
    harm_physical = models.BooleanField(default=False)
    harm_psychological = models.BooleanField(default=False)
    reporter_role = models.CharField(max_length=24, choices=ReporterRole.choices)
    consent_to_publish = models.BooleanField(default=False)
    confidentiality = models.CharField(max_length=12, choices=Confidentiality.choices)
    # Sealed: raw narrative (and the de-identification draft, the reporter's messages and,
    # for a day, the receipt for retried submissions) under one key; contact under another.
    narrative_key = models.BinaryField(null=True)
    narrative = models.BinaryField(null=True)
    draft = models.BinaryField(null=True)
    # The intake officer's saved, unfinished review of the de-identified text.
    review_draft = models.BinaryField(null=True)
    contact_key = models.BinaryField(null=True)
    contact = models.BinaryField(null=True)
    receipt_sealed = models.BinaryField(null=True)
    receipt_hash = models.CharField(max_length=64, unique=True)
    receipt_active = models.BooleanField(default=True)
    # NULL, not "", when absent: many reports have none and the column is unique.
    idempotency_key = models.CharField(max_length=100, unique=True, null=True)  # noqa: DJ001
    # Released, de-identified answers (field name -> text), reviewed by an intake officer.
    released = models.JSONField(null=True)
    released_on = models.DateField(null=True)
    closed_on = models.DateField(null=True)
    shredded_on = models.DateField(null=True)

    class Meta:
        indexes: ClassVar[list[Any]] = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_shredded(self) -> bool:
        return self.narrative_key is None

    @property
    def is_intact(self) -> bool:
        """Its raw narrative can still be opened (its keys are not destroyed)."""
        return self.narrative_key is not None

    @property
    def was_released(self) -> bool:
        return self.released is not None


class Message(models.Model):
    """Questions, replies and feedback between the programme and the reporter."""

    class Direction(models.TextChoices):
        TO_REPORTER = "to_reporter", "From the programme"
        FROM_REPORTER = "from_reporter", "From the reporter"

    class Purpose(models.TextChoices):
        QUESTION = "question", "Question"
        REPLY = "reply", "Reply"
        FEEDBACK = "feedback", "You said, we did"

    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=16, choices=Direction.choices)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    body = models.BinaryField()  # encrypted with the report's narrative key
    sent_on = models.DateField()
    sequence = models.PositiveIntegerField()

    class Meta:
        ordering = ["sequence"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["report", "sequence"], name="unique_message_order")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}#{self.sequence}"


class Coding(models.Model):
    """An analyst's coding of a released report."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="coding")
    scie_patterns = models.JSONField(default=list)
    london_factors = models.JSONField(default=list)
    detection = models.CharField(max_length=30, choices=Detection.choices)
    mitigation = models.TextField(blank=True)
    harm = models.CharField(max_length=10, choices=Harm.choices)
    synopsis = models.TextField()
    coded_by_ref = models.CharField(max_length=64)
    coded_on = models.DateField()

    def __str__(self) -> str:
        return f"coding of {self.report_id}"


class Disclosure(models.Model):
    """A request to disclose a reporter's identity outside the programme (two-person rule)."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Waiting for a second intake officer"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="disclosures")
    requested_by_ref = models.CharField(max_length=64)
    reason = models.CharField(max_length=500)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    decided_by_ref = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"disclosure for {self.report_id}"


class SafetyAlert(models.Model):
    """An immediate, de-identified alert to the programme's safety lead about a hazard."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="alerts")
    summary = models.TextField()  # written de-identified by the intake officer
    raised_by_ref = models.CharField(max_length=64)
    raised_on = models.DateField()

    def __str__(self) -> str:
        return f"alert for {self.report_id}"
