"""The health user's lookup form: one number, and where they are working.

The number goes in the POST body only; the identifier's own messages (which show at most the
last three digits) become the field error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from candour.core.forms import GovukForm
from candour.flags import identifiers
from candour.flags.models import CareSetting
from candour.flags.services.lookups import parse_identifier

CARE_SETTING_REQUIRED = "Select the care setting you are working in"


class LookupForm(GovukForm):
    identifier = forms.CharField(
        label="NHS, CHI or H&C number",
        help_text=(
            "The child's 10-digit number. Spaces are fine. For an unborn child, "
            "use the mother's number."
        ),
        max_length=40,
        error_messages={
            "required": "Enter the child's NHS, CHI or H&C number",
            "max_length": "An NHS, CHI or H&C number has 10 digits",
        },
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-20",
                "inputmode": "numeric",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    care_setting = forms.ChoiceField(
        label="Where are you working?",
        widget=forms.RadioSelect,
        error_messages={"required": CARE_SETTING_REQUIRED, "invalid_choice": CARE_SETTING_REQUIRED},
    )

    def __init__(self, *args: Any, allowed_settings: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = frozenset(allowed_settings)
        # Only the settings the user's role may declare: the role decides notification.
        self.fields["care_setting"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in CareSetting.choices if value in allowed
        ]

    def clean_identifier(self) -> identifiers.Identifier:
        try:
            return parse_identifier(self.cleaned_data["identifier"])
        except identifiers.InvalidIdentifier as invalid:
            raise ValidationError(invalid.message, code=invalid.code) from invalid
