from __future__ import annotations

from typing import Any

from django import forms

from candour.core.forms import GovukForm


class AuditFilterForm(GovukForm):
    action = forms.ChoiceField(label="Action", required=False)
    actor_ref = forms.UUIDField(
        label="Who (user reference)",
        required=False,
        error_messages={"invalid": "Enter a user reference in the correct format"},
    )
    object_ref = forms.CharField(label="Object reference", required=False, max_length=100)
    date_from = forms.DateField(
        label="From date",
        help_text="For example, 27/3/2026",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the from date as day/month/year, like 27/3/2026"},
    )
    date_to = forms.DateField(
        label="To date",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the to date as day/month/year, like 27/3/2026"},
    )

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Any action"), *[(a, a) for a in actions]]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return data
