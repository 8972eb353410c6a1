"""An administrator's choice about national pooling."""

from __future__ import annotations

from django import forms

from candour.core.forms import GovukForm
from candour.learning.vocabulary import Region

YES_NO = [("yes", "Yes"), ("no", "No")]


class SharingForm(GovukForm):
    share_nationally = forms.ChoiceField(
        label="Share released reports with the national learning programme?",
        help_text="Only reports an intake officer has de-identified and released are shared. "
        "Nothing sealed, raw or unreleased ever leaves your programme.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you want to share released reports"},
    )
    region = forms.ChoiceField(
        label="Your region",
        help_text="National analysts see this instead of your authority's name.",
        choices=[("", "Select your region"), *Region.choices],
        required=False,
        error_messages={"invalid_choice": "Select a region from the list"},
    )
    name_shown = forms.ChoiceField(
        label="Show your authority's name to national analysts?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if national analysts may see your name"},
    )
