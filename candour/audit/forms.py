"""Filtering the audit log: action, who, object, and a date range entered as GOV.UK date
inputs (day, month and year boxes), with GOV.UK's error messages for each way a date can be
wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crispy_forms_gds.layout import Layout
from django import forms

from candour.audit import vocabulary
from candour.core.forms import GovukForm

PARTS = ("day", "month", "year")


@dataclass
class DateInput:
    """What the template needs to draw one GOV.UK date input."""

    prefix: str
    legend: str
    hint: str
    form: forms.Form
    error: str = ""
    wrong_parts: set[str] = field(default_factory=set)

    def parts(self) -> list[dict[str, Any]]:
        widths = {"day": 2, "month": 2, "year": 4}
        return [
            {
                "field": self.form[f"{self.prefix}_{part}"],
                "label": part.capitalize(),
                "width": widths[part],
                "error": part in self.wrong_parts,
            }
            for part in PARTS
        ]


def _part_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class AuditFilterForm(GovukForm):
    action = forms.ChoiceField(label="Action", required=False)
    actor_ref = forms.UUIDField(
        label="Who (user reference)",
        required=False,
        error_messages={"invalid": "Enter a user reference in the correct format"},
    )
    object_ref = forms.CharField(label="Object reference", required=False, max_length=100)
    from_day = _part_field()
    from_month = _part_field()
    from_year = _part_field()
    to_day = _part_field()
    to_month = _part_field()
    to_year = _part_field()

    DATES = (("from", "From", "the from date"), ("to", "To", "the to date"))

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[Any] = [("", "Any action"), *vocabulary.grouped_choices(actions)]
        self.fields["action"].choices = choices  # type: ignore[attr-defined]
        # The template draws the date inputs itself (audit/_date_input.html).
        self.helper.layout = Layout("action", "actor_ref", "object_ref")
        self.date_inputs = {
            prefix: DateInput(prefix, legend, "For example, 27 3 2026", self)
            for prefix, legend, _ in self.DATES
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for prefix, _, name in self.DATES:
            data[f"date_{prefix}"] = self._date(data, prefix, name)
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self._date_error("to", "The to date must be the same as or after the from date", PARTS)
        return data

    def _date(self, data: dict[str, Any], prefix: str, name: str) -> date | None:
        values = {part: str(data.get(f"{prefix}_{part}") or "").strip() for part in PARTS}
        if not any(values.values()):
            return None
        missing = [part for part in PARTS if not values[part]]
        if missing:
            self._date_error(
                prefix, f"{name.capitalize()} must include a {' and '.join(missing)}", missing
            )
            return None
        if not all(value.isdigit() for value in values.values()):
            wrong = [part for part in PARTS if not values[part].isdigit()]
            self._date_error(prefix, f"{name.capitalize()} must be a real date", wrong)
            return None
        if len(values["year"]) != 4:
            self._date_error(prefix, "The year must include 4 numbers", ["year"])
            return None
        try:
            return date(int(values["year"]), int(values["month"]), int(values["day"]))
        except ValueError:
            self._date_error(prefix, f"{name.capitalize()} must be a real date", PARTS)
            return None

    def _date_error(self, prefix: str, message: str, parts: Any) -> None:
        """One message per date input, shown once above its boxes; the error summary links
        to the first box that is wrong, and every wrong box is outlined in red."""
        date_input = self.date_inputs[prefix]
        first = next(part for part in PARTS if part in parts)
        self.add_error(f"{prefix}_{first}", message)
        date_input.error = message
        date_input.wrong_parts = set(parts)
