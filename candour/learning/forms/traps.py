"""Naming an error trap, linking a report to it, merging another into it, splitting it."""

from __future__ import annotations

from typing import Any, cast

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


class MergeForm(GovukForm):
    other = forms.ChoiceField(
        label="Error trap to merge into this one",
        help_text="Its reports join this trap, and it is closed. Later runs send what "
        "resembles it here.",
        error_messages={
            "required": "Choose an open error trap",
            "invalid_choice": "Choose an open error trap",
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["other"]).choices = [("", "Choose a trap"), *choices]


class SplitForm(GovukForm):
    reports = forms.MultipleChoiceField(
        label="Reports to move to a new trap",
        help_text="They become a new candidate trap. Leave at least one report here.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose the reports to move to the new trap",
            "invalid_choice": "Choose reports that are in this trap",
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["reports"]).choices = choices
