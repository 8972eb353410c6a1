"""The administrator's form for registering a system (an API key).

Health organisations' systems look children up, so they declare a care setting (which decides
whether their lookups notify the local authority); local authorities' systems upload flags and
have none.
"""

from __future__ import annotations

from typing import Any, Final

from django import forms
from django.conf import settings

from candour.core.forms import GovukForm
from candour.flags.models import CareSetting

MAX_HOURLY: Final = 1_000_000
MAX_DAILY: Final = 10_000_000


def _limit_field(per: str, maximum: int) -> forms.IntegerField:
    """`per` is "an hour" or "a day"."""
    return forms.IntegerField(
        label=f"Calls {per} (optional)",
        required=False,
        min_value=1,
        max_value=maximum,
        error_messages={
            "invalid": f"Enter the limit for {per} as a whole number, like 500",
            "min_value": f"The limit for {per} must be 1 or more",
            "max_value": f"The limit for {per} must be {maximum:,} or fewer",
        },
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class SystemClientForm(GovukForm):
    name = forms.CharField(
        label="Name of the system",
        help_text="So you can tell your systems apart, for example “ED patient record (live)”",
        max_length=200,
        error_messages={
            "required": "Enter the name of the system",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    care_setting = forms.ChoiceField(
        label="Which care setting does the system serve?",
        help_text=(
            "Lookups from unscheduled care (emergency departments, urgent treatment, "
            "out-of-hours GP, NHS 111, ambulance and unscheduled maternity) notify the local "
            "authority. Lookups from other settings are recorded but do not notify."
        ),
        choices=CareSetting.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the care setting the system serves",
            "invalid_choice": "Select the care setting the system serves",
        },
    )
    hourly_limit = _limit_field("an hour", MAX_HOURLY)
    daily_limit = _limit_field("a day", MAX_DAILY)

    def __init__(self, *args: Any, health: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not health:
            # A local authority's systems upload flags; they never look up.
            del self.fields["care_setting"]
        self.fields[
            "hourly_limit"
        ].help_text = (
            f"Leave blank for the usual {settings.CANDOUR_FLAGS_SYSTEM_HOURLY_LIMIT:,} an hour"
        )
        self.fields[
            "daily_limit"
        ].help_text = (
            f"Leave blank for the usual {settings.CANDOUR_FLAGS_SYSTEM_DAILY_LIMIT:,} a day"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hourly = data.get("hourly_limit") or settings.CANDOUR_FLAGS_SYSTEM_HOURLY_LIMIT
        daily = data.get("daily_limit") or settings.CANDOUR_FLAGS_SYSTEM_DAILY_LIMIT
        if "hourly_limit" in data and "daily_limit" in data and daily < hourly:
            self.add_error(
                "daily_limit",
                f"The limit for a day must be at least the limit for an hour ({hourly:,})",
            )
        return data
