"""Forms for the confidential programme's staff: intake officers and analysts.

Choice lists have stable machine values (stored in ``Coding``); only their labels may change.
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Size
from django import forms
from django.conf import settings

from candour.core.forms import GovukForm
from candour.reporting.models import Status
from candour.reporting.selectors import QueueFilters
from candour.reporting.services.analysis import SYNOPSIS_MAX
from candour.reporting.services.intake import REASON_MAX, REASON_MIN
from candour.reporting.vocabulary import (
    NARRATIVE_FIELDS,
    Detection,
    Harm,
    LondonFactor,
    SciePattern,
)


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ReasonForm(GovukForm):
    """Why the intake officer is opening sealed content; recorded in the audit log."""

    reason = forms.CharField(
        label="Why are you opening this?",
        help_text=(
            "Your reason is recorded in the audit log with your name. "
            "Do not include names or other personal details."
        ),
        min_length=REASON_MIN,
        max_length=REASON_MAX,
        error_messages={
            "required": "Enter a reason for opening this",
            "min_length": f"Give a reason of at least {REASON_MIN} characters",
            "max_length": f"The reason must be {REASON_MAX} characters or fewer",
        },
        widget=_textarea(3),
    )

    def __init__(self, *args: Any, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class QueueFilterForm(GovukForm):
    """The intake queue's filters (a GET form: a filtered queue can be bookmarked)."""

    state = forms.ChoiceField(
        label="Status",
        choices=[("open", "Open reports"), ("all", "All reports"), *Status.choices],
        required=False,
        widget=forms.Select,
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    older_than = forms.TypedChoiceField(
        label="Received",
        choices=[
            ("", "Any time"),
            ("7", "More than 7 days ago"),
            ("14", "More than 14 days ago"),
            ("28", "More than 28 days ago"),
        ],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select,
        error_messages={"invalid_choice": "Select how long ago from the list"},
    )

    def filters(self) -> QueueFilters:
        if not self.is_bound or not self.is_valid():
            return QueueFilters()
        return QueueFilters(
            state=self.cleaned_data["state"] or "open",
            older_than_days=self.cleaned_data["older_than"],
        )


class ReleaseForm(GovukForm):
    """The reviewed, de-identified answers, one textarea each, and the reason carried over
    from opening (so an error can show the original again, audited again)."""

    reason = forms.CharField(widget=forms.HiddenInput, required=False, max_length=REASON_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in NARRATIVE_FIELDS:
            self.fields[key] = forms.CharField(
                label=f"{label}: text to release",
                help_text="Edit the draft until nothing in it could identify anyone",
                required=False,
                max_length=settings.CANDOUR_REPORT_FIELD_MAX_CHARS * 2,
                error_messages={
                    "max_length": f"{label}: the text to release is too long",
                },
                widget=_textarea(8),
            )

        # The review page renders these one by one (|as_crispy_field, each beside its
        # original and draft), which takes the helper's attributes as they are: give it the
        # label's CSS class rather than the size constant {% crispy %} converts.
        self.helper.label_size = Size.for_label(Size.SMALL)
        self.use_required_attribute = False

    def texts(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key, "") for key, _label in NARRATIVE_FIELDS}


class MessageForm(GovukForm):
    body = forms.CharField(
        max_length=settings.CANDOUR_REPORT_FIELD_MAX_CHARS,
        error_messages={"required": "Enter a message"},
        widget=_textarea(6),
    )

    def __init__(self, *args: Any, label: str, hint: str, required: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["body"]
        field.label = label
        field.help_text = hint
        field.error_messages["required"] = required
        limit = settings.CANDOUR_REPORT_FIELD_MAX_CHARS
        field.error_messages["max_length"] = f"The message must be {limit:,} characters or fewer"


class AlertForm(GovukForm):
    summary = forms.CharField(
        label="Describe the hazard",
        help_text=(
            "The safety lead receives this by email. Write it de-identified: no names, "
            "addresses, dates of birth, case numbers or anything else that could identify "
            "a child, a family, a member of staff or the reporter."
        ),
        min_length=10,
        max_length=2000,
        error_messages={
            "required": "Describe the hazard",
            "min_length": "Describe the hazard in at least 10 characters",
            "max_length": "The summary must be 2,000 characters or fewer",
        },
        widget=_textarea(6),
    )


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Do you approve disclosing the reporter's identity?",
        choices=[("approve", "Yes, approve"), ("refuse", "No, refuse")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you approve or refuse the request",
            "invalid_choice": "Select whether you approve or refuse the request",
        },
    )

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data.get("decision") == "approve")


class CodingForm(GovukForm):
    scie_patterns = forms.MultipleChoiceField(
        label="SCIE Learning Together: underlying patterns",
        help_text="Select all that apply",
        choices=SciePattern.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select patterns from the list"},
    )
    london_factors = forms.MultipleChoiceField(
        label="London Protocol: contributory factors",
        help_text="Select all that apply",
        choices=LondonFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select factors from the list"},
    )
    detection = forms.ChoiceField(
        label="How was it detected?",
        choices=Detection.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how it was detected",
            "invalid_choice": "Select how it was detected",
        },
    )
    mitigation = forms.CharField(
        label="What mitigated it? (optional)",
        help_text="What stopped it getting worse, or could have",
        required=False,
        max_length=SYNOPSIS_MAX,
        error_messages={"max_length": "What mitigated it must be 2,000 characters or fewer"},
        widget=_textarea(4),
    )
    harm = forms.ChoiceField(
        label="Harm",
        help_text="Your assessment, which may differ from the reporter's",
        choices=Harm.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the harm", "invalid_choice": "Select the harm"},
    )
    synopsis = forms.CharField(
        label="Synopsis",
        help_text=(
            "A short de-identified summary for trend reports. "
            "Do not include names or other identifying details."
        ),
        max_length=SYNOPSIS_MAX,
        error_messages={
            "required": "Enter a synopsis",
            "max_length": "The synopsis must be 2,000 characters or fewer",
        },
        widget=_textarea(5),
    )
