"""Double coding's forms: the blind second coding and the reconciliation (the same questions
as the analyst's coding form), the share an administrator chooses, and the period of the
agreement figures."""

from __future__ import annotations

from django import forms

from candour.core.forms import GovukForm
from candour.learning.forms.period import YearRangeForm
from candour.learning.selectors.double_coding import Period
from candour.reporting.forms.staff import CodingForm


class SecondCodingForm(CodingForm):
    """The analyst's coding questions, answered without seeing the first coding."""


class ReconcileForm(CodingForm):
    """The agreed coding, started from what both coders chose alike."""


class ShareForm(GovukForm):
    share_percent = forms.IntegerField(
        label="Percentage of released reports to code twice",
        help_text="A whole number from 0 to 100. Most programmes code 10% twice.",
        min_value=0,
        max_value=100,
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-3", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={
            "required": "Enter the percentage of released reports to code twice",
            "invalid": "The percentage must be a whole number, like 10",
            "min_value": "The percentage must be 0 or more",
            "max_value": "The percentage must be 100 or less",
        },
    )


class PeriodForm(YearRangeForm):
    def period(self) -> Period:
        return Period(
            from_year=self.cleaned_data.get("from_year"), to_year=self.cleaned_data.get("to_year")
        )
