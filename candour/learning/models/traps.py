"""Error traps: candidate themes found in released reports, and what analysts decided.

Discovery (``services/discovery.py``) writes candidates; analysts confirm, name, close,
link and unlink. A re-run matches its themes to the traps it found before (by their
members), so a trap keeps its number, its name and every analyst's decision (ADR 0020).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models

from candour.accounts.models import Organisation
from candour.reporting.models import Report


class TrapStatus(models.TextChoices):
    CANDIDATE = "candidate", "Candidate"
    CONFIRMED = "confirmed", "Confirmed"
    MONITORING = "monitoring", "Monitoring"
    CLOSED = "closed", "Closed"


class DiscoveryRun(models.Model):
    """One run of discovery over the released reports an organisation's analysts can read."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    run_on = models.DateField()
    reports = models.PositiveIntegerField()
    themes = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"discovery {self.reference}"


class ErrorTrap(models.Model):
    """A recurring pattern: found as a candidate, then confirmed and named by an analyst."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()  # T-<number>, stable across runs
    status = models.CharField(
        max_length=12, choices=TrapStatus.choices, default=TrapStatus.CANDIDATE
    )
    name = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True)
    # What the last run found (replaced by each run; analysts' decisions live elsewhere).
    size = models.PositiveIntegerField(default=0)
    terms = models.JSONField(default=list)
    codes = models.JSONField(default=list)  # [[code, count], ...]
    representatives = models.JSONField(default=list)  # report references
    months = models.JSONField(default=list)  # [[ "2026-01", count ], ...]
    authorities = models.PositiveIntegerField(default=0)  # a count, never which
    last_run = models.ForeignKey(
        DiscoveryRun, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_found_on = models.DateField()
    confirmed_by_ref = models.CharField(max_length=64, blank=True)
    confirmed_on = models.DateField(null=True)
    closed_on = models.DateField(null=True)
    # Set when an analyst merged this trap into another: it stays, closed, as the shape
    # later runs recognise, and a theme matched to it goes to the trap it was merged into.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["organisation", "number"], name="one_trap_a_number")
        ]
        ordering: ClassVar[list[str]] = ["number"]

    def __str__(self) -> str:
        return f"T-{self.number}"


class Membership(models.Model):
    """A report in a trap, and how it got there. Analysts' links, unlinks and answers to
    suggestions are kept whatever later runs find."""

    class Source(models.TextChoices):
        DISCOVERED = "discovered", "Found by discovery"
        LINKED = "linked", "Linked by an analyst"
        SUGGESTED = "suggested", "Suggested"

    class State(models.TextChoices):
        MEMBER = "member", "In the trap"
        SUGGESTED = "suggested", "Suggested, waiting for an analyst"
        EXCLUDED = "excluded", "Taken out by an analyst"

    trap = models.ForeignKey(ErrorTrap, on_delete=models.CASCADE, related_name="memberships")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=12, choices=Source.choices)
    state = models.CharField(max_length=12, choices=State.choices)
    decided_by_ref = models.CharField(max_length=64, blank=True)  # blank: discovery's own
    decided_on = models.DateField()
    score = models.FloatField(null=True)  # a suggestion's cosine with the trap's centre

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["trap", "report"], name="one_membership_a_report")
        ]

    def __str__(self) -> str:
        return f"{self.trap_id}:{self.report_id}"


class Space(models.Model):
    """The space of an organisation's last discovery run, kept so a newly released report
    can be placed in it and suggested to the traps it resembles (``method.persist``:
    arrays, never pickle). Only the latest run's is kept."""

    run = models.OneToOneField(DiscoveryRun, on_delete=models.CASCADE, related_name="space")
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"space of {self.run_id}"
