"""Forms for a local authority's flag manager: sending an upload file, and contact details.

Messages follow the GOV.UK Design System's wording so that the error summary reads the same
as everywhere else in the service.
"""

from __future__ import annotations

import re
from typing import Any, Final

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from candour.core.forms import GovukForm
from candour.flags import webhooks
from candour.flags.schemas import DATABASE_INT_MAX

# PositiveIntegerField's ceiling on PostgreSQL, so a huge number is an error, not a crash.
MAX_SEQUENCE: Final = DATABASE_INT_MAX
MIN_ESCALATE_MINUTES: Final = 5
MAX_ESCALATE_MINUTES: Final = 7 * 24 * 60
# What people type in a UK phone number: digits, spaces, brackets, a leading + and hyphens.
_PHONE_CHARACTERS: Final = re.compile(r"^\+?[0-9 ()\-]+$")
FILE_EXTENSIONS: Final = (".csv", ".txt")

EMAIL_INVALID: Final = "Enter an email address in the correct format, like name@example.com"


def _number_input(width: int) -> forms.TextInput:
    """GOV.UK asks for a text input with a numeric keyboard, not type=number."""
    return forms.TextInput(
        attrs={
            "class": f"govuk-input govuk-input--width-{width}",
            "inputmode": "numeric",
            "spellcheck": "false",
        }
    )


def _phone_input() -> forms.TextInput:
    return forms.TextInput(
        attrs={"class": "govuk-input govuk-input--width-20", "input_type": "tel"}
    )


class UploadForm(GovukForm):
    """One CSV file and the sequence number the authority gives it."""

    file = forms.FileField(
        label="CSV file",
        help_text="A CSV file, saved as UTF-8",
        error_messages={
            "required": "Select a CSV file",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV file",
        },
        widget=forms.FileInput(attrs={"class": "govuk-file-upload", "accept": ".csv,text/csv"}),
    )
    sequence = forms.IntegerField(
        label="Sequence number",
        min_value=1,
        max_value=MAX_SEQUENCE,
        error_messages={
            "required": "Enter the sequence number",
            "invalid": "The sequence number must be a whole number, like 12",
            "min_value": "The sequence number must be 1 or more",
            "max_value": "The sequence number is too large",
        },
        widget=_number_input(5),
    )

    def __init__(self, *args: Any, next_sequence: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"sequence": next_sequence})
        super().__init__(*args, **kwargs)
        self.fields["sequence"].help_text = (
            "Number each file one higher than the last, so that a file sent twice is applied "
            f"only once. The next unused number is {next_sequence}."
        )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.CANDOUR_MAX_REQUEST_BYTES
        # The request size limit refuses a declared-oversized body; this catches the rest.
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                f"The selected file must be smaller than {limit // 1024:,} KB"
            )
        if not (upload.name or "").lower().endswith(FILE_EXTENSIONS):
            raise forms.ValidationError("The selected file must be a CSV")
        return upload


def clean_phone(value: str, *, required_message: str | None = None) -> str:
    """A UK-style phone number: 10 to 15 digits, with spaces, brackets, + or hyphens."""
    value = " ".join(value.split())
    if not value:
        if required_message:
            raise forms.ValidationError(required_message)
        return ""
    if not _PHONE_CHARACTERS.fullmatch(value):
        raise forms.ValidationError(
            "Enter a phone number using only numbers, spaces, brackets and +, like 01632 960 001"
        )
    digits = sum(character.isdigit() for character in value)
    if not 10 <= digits <= 15:
        raise forms.ValidationError("Enter a phone number with 10 to 15 digits, like 01632 960 001")
    return value


class ContactForm(GovukForm):
    """Whom clinicians call about a flag, and where access notifications go."""

    display_name = forms.CharField(
        label="Name clinicians see",
        help_text="For example, the name of your children's services or front door",
        max_length=200,
        error_messages={
            "required": "Enter the name clinicians see",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    office_hours_phone = forms.CharField(
        label="Office hours phone number (optional)",
        max_length=30,
        required=False,
        error_messages={"max_length": "The phone number must be 30 characters or fewer"},
        widget=_phone_input(),
    )
    emergency_duty_phone = forms.CharField(
        label="Emergency duty team phone number",
        help_text=(
            "Clinicians call this number out of hours, at night and at weekends, when a child "
            "they are treating has a plan, so it must reach someone at any time"
        ),
        max_length=30,
        error_messages={
            "required": "Enter the emergency duty team phone number",
            "max_length": "The phone number must be 30 characters or fewer",
        },
        widget=_phone_input(),
    )
    notification_email = forms.EmailField(
        label="Email address for access notifications (optional)",
        help_text=(
            "We email this address when an unscheduled care setting looks a child up. "
            "The email gives a reference only; you sign in to see the details"
        ),
        max_length=254,
        required=False,
        error_messages={"invalid": EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    webhook_url = forms.URLField(
        label="Webhook address for your case management system (optional)",
        help_text=(
            "We send each access notification to this address, signed. It must start with https://"
        ),
        max_length=200,
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter a web address in the correct format, like "
            "https://cases.example.gov.uk/candour",
            "max_length": "The web address must be 200 characters or fewer",
        },
        widget=forms.URLInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
    )
    escalation_email = forms.EmailField(
        label="Email address to tell if a notification is not acknowledged (optional)",
        help_text=(
            "For example, the emergency duty team's mailbox. Without one, we tell your "
            "authority's administrators"
        ),
        max_length=254,
        required=False,
        error_messages={"invalid": EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    escalate_after_minutes = forms.IntegerField(
        label="Minutes to wait for an acknowledgement before telling them",
        help_text=(
            f"A whole number from {MIN_ESCALATE_MINUTES} to {MAX_ESCALATE_MINUTES:,} "
            "(a week). For example, 120 is two hours"
        ),
        min_value=MIN_ESCALATE_MINUTES,
        max_value=MAX_ESCALATE_MINUTES,
        error_messages={
            "required": "Enter the number of minutes",
            "invalid": "The number of minutes must be a whole number, like 120",
            "min_value": f"The number of minutes must be {MIN_ESCALATE_MINUTES} or more",
            "max_value": f"The number of minutes must be {MAX_ESCALATE_MINUTES:,} (a week) "
            "or fewer",
        },
        widget=_number_input(5),
    )

    def clean_office_hours_phone(self) -> str:
        return clean_phone(self.cleaned_data["office_hours_phone"])

    def clean_emergency_duty_phone(self) -> str:
        return clean_phone(
            self.cleaned_data["emergency_duty_phone"],
            required_message="Enter the emergency duty team phone number",
        )

    def clean_webhook_url(self) -> str:
        url: str = self.cleaned_data["webhook_url"]
        if not url:
            return ""
        try:
            webhooks.check_url(url)
        except webhooks.AddressRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return url
