"""Blind second codings and their reconciliation (issue 11, part 5).

A share of each organisation's released reports (``DoubleCodingPolicy``, 10% unless its
administrator chooses otherwise) is chosen on first release for double coding. The report's
ordinary coding is copied here as the first coding; another analyst codes it again without
seeing it; the two are reconciled into one agreed coding, written to the report's
``Coding``. Both originals stay here for the agreement figures. Coders are kept as user
references, like ``Coding.coded_by_ref``; dates, not times.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.validators import MaxValueValidator
from django.db import models

from candour.accounts.models import Organisation
from candour.reporting.models import Report

DEFAULT_SHARE = 10  # per cent of released reports


class DoubleCodingStatus(models.TextChoices):
    AWAITING_FIRST = "awaiting_first", "Waiting for its first coding"
    AWAITING_SECOND = "awaiting_second", "Waiting for a second coding"
    AWAITING_RECONCILIATION = "awaiting_reconciliation", "Waiting for reconciliation"
    RECONCILED = "reconciled", "Reconciled"


class DoubleCodingPolicy(models.Model):
    """The share of an organisation's released reports that is coded twice."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="double_coding_policy"
    )
    share_percent = models.PositiveSmallIntegerField(
        default=DEFAULT_SHARE, validators=[MaxValueValidator(100)]
    )
    changed_by_ref = models.CharField(max_length=64)
    changed_on = models.DateField()

    def __str__(self) -> str:
        return f"double coding policy of {self.organisation_id}"


class DoubleCoding(models.Model):
    """One report chosen for double coding: both codings, and the agreed one."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="double_coding")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=24,
        choices=DoubleCodingStatus.choices,
        default=DoubleCodingStatus.AWAITING_FIRST,
    )
    share_percent = models.PositiveSmallIntegerField()  # the share when it was chosen
    selected_on = models.DateField()
    # Each coding as ``reporting.Coding`` keeps it: codes, mitigation, harm, synopsis.
    first_coding = models.JSONField(null=True, blank=True)
    first_coded_by_ref = models.CharField(max_length=64, blank=True)
    first_coded_on = models.DateField(null=True, blank=True)
    second_coding = models.JSONField(null=True, blank=True)
    second_coded_by_ref = models.CharField(max_length=64, blank=True)
    second_coded_on = models.DateField(null=True, blank=True)
    agreed_coding = models.JSONField(null=True, blank=True)
    reconciled_by_ref = models.CharField(max_length=64, blank=True)
    reconciled_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["organisation", "second_coded_on"]),
        ]

    def __str__(self) -> str:
        return f"double coding of {self.report_id}"
