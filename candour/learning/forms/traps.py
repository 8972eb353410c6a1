"""Naming an error trap, and linking a report to it."""

from __future__ import annotations

from django import forms

from candour.core.forms import GovukForm
from candour.learning.services.traps import DESCRIPTION_MAX, NAME_MAX


class TrapForm(GovukForm):
    name = forms.CharField(
        label="Name of the error trap",
        help_text="What catches people, in a few words: for example, "
        "“Discharge letters filed unread”",
        max_length=NAME_MAX,
        error_messages={
            "required": "Enter a name for the error trap",
            "max_length": f"The name must be {NAME_MAX} characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        help_text="How the trap works and where it catches people. Name no child, family or "
        "member of staff.",
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": f"The description must be {DESCRIPTION_MAX:,} characters or fewer"
        },
    )


class LinkForm(GovukForm):
    reference = forms.CharField(
        label="Reference of a released report",
        help_text="For example, R-ABCD-2345",
        max_length=20,
        error_messages={
            "required": "Enter the reference of a released report, like R-ABCD-2345",
            "max_length": "Enter the reference of a released report, like R-ABCD-2345",
        },
    )
