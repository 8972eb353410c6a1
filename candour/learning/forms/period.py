"""A period of whole years, for search filters and the agreement figures."""

from __future__ import annotations

from typing import Any

from django import forms

from candour.core.forms import GovukForm
from candour.learning.facets import FIRST_YEAR, LAST_YEAR


def _year(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-4", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={
            "invalid": f"{label} must be a year, like 2026",
            "min_value": f"{label} must be {FIRST_YEAR} or later",
            "max_value": f"{label} must be {LAST_YEAR} or earlier",
        },
    )


class YearRangeForm(GovukForm):
    """From and to years, both optional; to must not be before from."""

    from_year = _year("From year")
    to_year = _year("To year")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from_year"), data.get("to_year")
        if start is not None and end is not None and start > end:
            self.add_error("to_year", "To year must be the same as or after from year")
        return data
