"""The kinds of GOV.UK field the report's answers are (yes or no, other radios, text areas),
the months offered for when it happened, and the hints of the narrative answers."""

from __future__ import annotations

from typing import Any

from django import forms

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
YES_NO = (("yes", "Yes"), ("no", "No"))

NARRATIVE_HINTS = {
    "what_happened": (
        "Describe what happened, or nearly happened, in your own words. You can use "
        "names: they are hidden before anyone outside the intake team reads your report."
    ),
    "lead_up": "For example, workload, handovers, systems or information that was missing.",
    "how_noticed": "Who or what spotted it, and how.",
    "what_was_done": "What you or others did about it at the time.",
    "outcome": "What happened in the end, for the child and for the work.",
    "why": "What made it more likely. We are asking about the system, not who was to blame.",
    "prevention": "Any change, small or large, that you think would help.",
}


def _yes(value: str) -> bool:
    return value == "yes"


def yes_no_field(*, required: str, label: str, hint: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=hint,
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": required, "invalid_choice": required},
    )


def radio_field(choices: Any, *, label: str, required: str, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required, "invalid_choice": required},
    )


def text_field(*, label: str, hint: str = "", required: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required),
        widget=forms.Textarea,
        error_messages={"required": required} if required else {},
    )
