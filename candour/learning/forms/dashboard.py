"""The one choice a leader makes on the dashboard: which whole year (ADR 0021)."""

from __future__ import annotations

from typing import Any

from django import forms

from candour.core.forms import GovukForm


class DashboardForm(GovukForm):
    year = forms.TypedChoiceField(
        label="Year",
        coerce=int,
        error_messages={
            "required": "Select a year",
            "invalid_choice": "Select a year from the list",
        },
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [(str(year), str(year)) for year in years]
