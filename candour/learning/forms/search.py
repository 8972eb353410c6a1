"""The search form: what to look for and the filters, read into a query and ``Filters``."""

from __future__ import annotations

from typing import Any

from django import forms

from candour.core.forms import GovukForm
from candour.learning import query as query_syntax
from candour.learning.forms.period import YearRangeForm
from candour.learning.selectors.pool import AuthorityChoice
from candour.learning.selectors.search import Filters
from candour.reporting.vocabulary import (
    Detection,
    Harm,
    Kind,
    LondonFactor,
    SciePattern,
    ServiceArea,
)

ANY = ("", "Any")


def _choices(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [ANY, *choices]


def _select(label: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=_choices(choices),
        required=False,
        error_messages={"invalid_choice": f"Select {label.lower()} from the list"},  # noqa: S608
    )


class SearchForm(YearRangeForm):
    q = forms.CharField(
        label="Search released reports",
        help_text='Words to find. Put a phrase in "quotes", OR between two words for either, '
        "and a minus sign before a word to leave it out.",
        required=False,
        strip=True,
        # The length is checked by the query syntax, so its message is the only one.
        error_messages={},
    )
    kind = _select("Kind of report", Kind.choices)
    service_area = _select("Service area", ServiceArea.choices)
    harm = _select("Harm", Harm.choices)
    scie_pattern = _select("SCIE pattern", SciePattern.choices)
    london_factor = _select("London Protocol factor", LondonFactor.choices)
    detection = _select("How it was detected", Detection.choices)

    def __init__(
        self,
        *args: Any,
        authorities: list[AuthorityChoice],
        traps: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if authorities:
            self.fields["authority"] = _select(
                "Authority", [(choice.value, choice.label) for choice in authorities]
            )
        if traps:
            self.fields["trap"] = _select("Error trap", traps)

    def clean_q(self) -> query_syntax.Query | None:
        try:
            return query_syntax.parse(self.cleaned_data.get("q") or "")
        except query_syntax.QueryError as error:
            raise forms.ValidationError(str(error)) from None

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            kind=data.get("kind", ""),
            service_area=data.get("service_area", ""),
            harm=data.get("harm", ""),
            scie_pattern=data.get("scie_pattern", ""),
            london_factor=data.get("london_factor", ""),
            detection=data.get("detection", ""),
            from_year=data.get("from_year"),
            to_year=data.get("to_year"),
            authority=data.get("authority", ""),
            trap=data.get("trap", ""),
        )

    def query(self) -> query_syntax.Query | None:
        value: query_syntax.Query | None = self.cleaned_data.get("q")
        return value


class SaveSearchForm(GovukForm):
    name = forms.CharField(
        label="Name this search",
        help_text="Only you see it. We will tell you when a newly released report matches.",
        max_length=100,
        error_messages={
            "required": "Enter a name for this search",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
