"""The reporter's forms: the immediate-risk question, the report itself, and the inbox.

Templates render these by hand (``reporting/report/_*.html``) with GOV.UK markup: every
input's id is its field name (``kind``, then ``kind-2``... for the other radios), so the
error summary can link to ``#<field name>`` for every kind of field.

Nothing here stores anything: a valid report form is carried to the check-answers page in
hidden inputs (``carried``) and posted again to be submitted.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from candour.core.forms import GovukForm
from candour.deidentify.cli import InputError, parse_known
from candour.reporting import services
from candour.reporting.models import (
    NARRATIVE_FIELDS,
    Confidentiality,
    Harm,
    Kind,
    ReporterRole,
    ServiceArea,
)

NARRATIVE_KEYS = tuple(key for key, _label in NARRATIVE_FIELDS)
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
YEARS_OFFERED = 20
KNOWN_MAX_CHARS = 2_000
CONTACT_MAX_CHARS = 200
YES_NO = (("yes", "Yes"), ("no", "No"))
HARM_TYPES = (("physical", "Physical"), ("psychological", "Psychological or emotional"))
_PHONE = re.compile(r"^\+?[\d\s().-]{7,25}$")
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
NOT_SENT = "Your answers could not be sent. Check them, then select continue again"
# The one answer to any receipt that does not open an inbox, whatever the reason.
RECEIPT_REFUSED = (
    "The receipt code was not recognised. Check it and try again, or wait a few minutes "
    "if you have tried several times."
)

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


def _yes_no(*, required: str, label: str, hint: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=hint,
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": required, "invalid_choice": required},
    )


def _radios(choices: Any, *, label: str, required: str, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required, "invalid_choice": required},
    )


def _text(*, label: str, hint: str = "", required: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required),
        widget=forms.Textarea,
        error_messages={"required": required} if required else {},
    )


def month_name(month: int) -> str:
    return MONTHS[month - 1] if 1 <= month <= 12 else ""


class ImmediateRiskForm(GovukForm):
    immediate_risk = _yes_no(
        label="Is a child at immediate risk of harm now?",
        hint=(
            "For example, a child is in danger now, or will be before the end of today, "
            "unless someone acts."
        ),
        required="Select yes if a child is at immediate risk now",
    )


class ReportForm(GovukForm):
    """Every answer of a report, on one page, validated by ``services.check_submission``."""

    kind = _radios(
        Kind.choices,
        label="What kind of event was it?",
        required="Select what kind of event it was",
    )
    service_area = _radios(
        ServiceArea.choices,
        label="Which service area did it happen in?",
        required="Select the service area it happened in",
    )
    occurred_month = forms.TypedChoiceField(
        label="Month",
        choices=[("", "Select month"), *((str(n), name) for n, name in enumerate(MONTHS, 1))],
        coerce=int,
        empty_value=None,
        error_messages={
            "required": "Select the month it happened",
            "invalid_choice": "Select the month it happened",
        },
    )
    occurred_year = forms.TypedChoiceField(
        label="Year",
        coerce=int,
        empty_value=None,
        error_messages={
            "required": "Select the year it happened",
            "invalid_choice": "Select a year from the list",
        },
    )
    what_happened = _text(
        label="What happened",
        hint=NARRATIVE_HINTS["what_happened"],
        required="Enter what happened",
    )
    lead_up = _text(label="What led up to it (optional)", hint=NARRATIVE_HINTS["lead_up"])
    how_noticed = _text(
        label="How it was noticed or caught (optional)", hint=NARRATIVE_HINTS["how_noticed"]
    )
    what_was_done = _text(label="What was done (optional)", hint=NARRATIVE_HINTS["what_was_done"])
    outcome = _text(label="What the outcome was (optional)", hint=NARRATIVE_HINTS["outcome"])
    why = _text(label="Why you think it happened (optional)", hint=NARRATIVE_HINTS["why"])
    prevention = _text(
        label="What might stop it happening again (optional)",
        hint=NARRATIVE_HINTS["prevention"],
    )
    known = _text(
        label="People and places you mentioned (optional)",
        hint=(
            "Write one on each line, with who or what they are, like "
            "\N{LEFT DOUBLE QUOTATION MARK}Kayden Walsh \N{EM DASH} child"
            "\N{RIGHT DOUBLE QUOTATION MARK} or \N{LEFT DOUBLE QUOTATION MARK}27 Elm Grove "
            "\N{EM DASH} address\N{RIGHT DOUBLE QUOTATION MARK}. We use this list only to "
            "hide them in your report, then throw it away."
        ),
    )
    harm = _radios(
        Harm.choices,
        label="How much harm was caused to anyone?",
        hint="If it was a near miss or a good catch, select no harm.",
        required="Select how much harm was caused",
    )
    harm_types = forms.MultipleChoiceField(
        label="What kind of harm was caused, or could have been? (optional)",
        help_text="Select all that apply.",
        choices=HARM_TYPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select the kinds of harm from the list"},
    )
    reporter_role = _radios(
        ReporterRole.choices,
        label="What is your role?",
        hint="This helps us understand the work. It is not used to identify you.",
        required="Select your role",
    )
    consent_to_publish = _yes_no(
        label="Can we share a de-identified lesson from your report?",
        hint=(
            "We may share what was learned with other teams and services, after removing "
            "anything that could identify a child, a family, you or anyone else."
        ),
        required="Select yes if we can share a de-identified lesson from your report",
    )
    confidentiality = _radios(
        Confidentiality.choices,
        label="Do you want to report confidentially or anonymously?",
        required="Select confidential or anonymous",
    )
    contact_name = forms.CharField(label="Your name (optional)", required=False)
    contact_email = forms.CharField(label="Email address", required=False)
    contact_phone = forms.CharField(label="Phone number", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = [str(year) for year in range(this_year, this_year - YEARS_OFFERED, -1)]
        year_field = cast(forms.TypedChoiceField, self.fields["occurred_year"])
        year_field.choices = [("", "Select year"), *((y, y) for y in years)]
        self.max_chars: int = settings.CANDOUR_REPORT_FIELD_MAX_CHARS
        self.max_chars_display = f"{self.max_chars:,}"
        self.known_max_chars = KNOWN_MAX_CHARS
        self.known_max_chars_display = f"{KNOWN_MAX_CHARS:,}"

    def narrative_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in NARRATIVE_KEYS]

    # --- Cleaning ---------------------------------------------------------------------

    def _clean_text(self, name: str) -> str:
        value: str = self.cleaned_data.get(name) or ""
        return value.replace("\r\n", "\n").replace("\r", "\n")

    def clean_what_happened(self) -> str:
        return self._clean_text("what_happened")

    def clean_lead_up(self) -> str:
        return self._clean_text("lead_up")

    def clean_how_noticed(self) -> str:
        return self._clean_text("how_noticed")

    def clean_what_was_done(self) -> str:
        return self._clean_text("what_was_done")

    def clean_outcome(self) -> str:
        return self._clean_text("outcome")

    def clean_why(self) -> str:
        return self._clean_text("why")

    def clean_prevention(self) -> str:
        return self._clean_text("prevention")

    def clean_known(self) -> str:
        text = self._clean_text("known")
        if len(text) > KNOWN_MAX_CHARS:
            raise ValidationError(
                f"People and places you mentioned must be {KNOWN_MAX_CHARS:,} characters or fewer"
            )
        for number, line in enumerate(text.splitlines(), start=1):
            try:
                parse_known(line)
            except InputError:
                raise ValidationError(
                    f"Line {number} of people and places has no name. Write a name, then a "
                    "dash and who or what it is"
                ) from None
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("confidentiality") == Confidentiality.CONFIDENTIAL:
            self._check_contact(data)
        else:  # anonymous (or not chosen yet): contact details are never kept
            for name in ("contact_name", "contact_email", "contact_phone"):
                data[name] = ""
        try:
            services.check_submission(self._submission(data, known=[]))
        except ValidationError as exc:
            self.add_service_errors(exc)
        return data

    def _check_contact(self, data: dict[str, Any]) -> None:
        name = data.get("contact_name", "").strip()
        email = data.get("contact_email", "").strip()
        phone = data.get("contact_phone", "").strip()
        data.update(contact_name=name, contact_email=email, contact_phone=phone)
        if len(name) > CONTACT_MAX_CHARS:
            self.add_error(
                "contact_name", f"Your name must be {CONTACT_MAX_CHARS} characters or fewer"
            )
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.add_error(
                    "contact_email",
                    "Enter an email address in the correct format, like name@example.com",
                )
        if phone and not _PHONE.match(phone):
            self.add_error(
                "contact_phone",
                "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
            )

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put ``check_submission``'s errors (keyed by field name) on this form's fields."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for key, errors in exc.error_dict.items():
            name = key if key in self.fields else None
            if name is not None and self.has_error(name):
                continue  # this field already says what is wrong with it
            for error in errors:
                self.add_error(name, error)

    # --- What the services need -------------------------------------------------------

    def _submission(self, data: dict[str, Any], *, known: list[Any]) -> services.Submission:
        today = timezone.localdate()
        return services.Submission(
            kind=data.get("kind") or "",
            service_area=data.get("service_area") or "",
            occurred_month=data.get("occurred_month") or today.month,
            occurred_year=data.get("occurred_year") or today.year,
            narrative={key: data.get(key) or "" for key in NARRATIVE_KEYS},
            harm=data.get("harm") or "",
            harm_physical="physical" in (data.get("harm_types") or []),
            harm_psychological="psychological" in (data.get("harm_types") or []),
            reporter_role=data.get("reporter_role") or "",
            consent_to_publish=bool(data.get("consent_to_publish")),
            confidentiality=data.get("confidentiality") or "",
            contact=services.Contact(
                name=data.get("contact_name", ""),
                email=data.get("contact_email", ""),
                phone=data.get("contact_phone", ""),
            ),
            known=known,
        )

    def submission(self) -> services.Submission:
        """The valid answers as a Submission, with the parsed list of known names."""
        return self._submission(self.cleaned_data, known=parse_known(self.cleaned_data["known"]))

    def carried(self) -> list[tuple[str, str]]:
        """Every answer as (name, value) pairs for hidden inputs on the check page."""
        data = self.cleaned_data
        pairs = [
            ("kind", data["kind"]),
            ("service_area", data["service_area"]),
            ("occurred_month", str(data["occurred_month"])),
            ("occurred_year", str(data["occurred_year"])),
            *((key, data[key]) for key in NARRATIVE_KEYS),
            ("harm", data["harm"]),
            *(("harm_types", value) for value in data["harm_types"]),
            ("reporter_role", data["reporter_role"]),
            ("known", data["known"]),
            ("consent_to_publish", "yes" if data["consent_to_publish"] else "no"),
            ("confidentiality", data["confidentiality"]),
        ]
        if data["confidentiality"] == Confidentiality.CONFIDENTIAL:
            pairs += [(n, data[n]) for n in ("contact_name", "contact_email", "contact_phone")]
        return pairs

    def summary(self) -> list[dict[str, Any]]:
        """The check-answers page: sections of (question, answer, field to change)."""
        data = self.cleaned_data
        not_given = ""

        def row(key: str, value: str, anchor: str, change: str) -> dict[str, str]:
            return {"key": key, "value": value, "anchor": anchor, "change": change}

        harm_types = dict(HARM_TYPES)
        sections: list[dict[str, Any]] = [
            {
                "title": "About the event",
                "rows": [
                    row("Kind of event", Kind(data["kind"]).label, "kind", "kind of event"),
                    row(
                        "Service area",
                        ServiceArea(data["service_area"]).label,
                        "service_area",
                        "service area",
                    ),
                    row(
                        "When it happened",
                        f"{month_name(data['occurred_month'])} {data['occurred_year']}",
                        "occurred_month",
                        "when it happened",
                    ),
                ],
            },
            {
                "title": "What happened",
                "rows": [
                    row(label, data[key] or not_given, key, label.lower())
                    for key, label in NARRATIVE_FIELDS
                ],
            },
            {
                "title": "People and places to hide",
                "rows": [
                    row(
                        "People and places you mentioned",
                        data["known"] or not_given,
                        "known",
                        "people and places you mentioned",
                    )
                ],
            },
            {
                "title": "Harm",
                "rows": [
                    row("Harm caused", Harm(data["harm"]).label, "harm", "harm caused"),
                    row(
                        "Kind of harm",
                        "\n".join(harm_types[v] for v in data["harm_types"]) or not_given,
                        "harm_types",
                        "kind of harm",
                    ),
                ],
            },
            {
                "title": "About you",
                "rows": [
                    row(
                        "Your role",
                        ReporterRole(data["reporter_role"]).label,
                        "reporter_role",
                        "your role",
                    )
                ],
            },
            {
                "title": "Sharing and contact",
                "rows": [
                    row(
                        "Share a de-identified lesson",
                        "Yes" if data["consent_to_publish"] else "No",
                        "consent_to_publish",
                        "whether we can share a lesson",
                    ),
                    row(
                        "Confidential or anonymous",
                        Confidentiality(data["confidentiality"]).label,
                        "confidentiality",
                        "confidential or anonymous",
                    ),
                ],
            },
        ]
        if data["confidentiality"] == Confidentiality.CONFIDENTIAL:
            sections[-1]["rows"] += [
                row("Your name", data["contact_name"] or not_given, "contact_name", "your name"),
                row(
                    "Email address",
                    data["contact_email"] or not_given,
                    "contact_email",
                    "email address",
                ),
                row(
                    "Phone number",
                    data["contact_phone"] or not_given,
                    "contact_phone",
                    "phone number",
                ),
            ]
        return sections


class SubmitReportForm(ReportForm):
    """The check-answers page posts every answer again, with the idempotency key."""

    idempotency_key = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": NOT_SENT},
    )

    def clean_idempotency_key(self) -> str:
        key: str = self.cleaned_data["idempotency_key"]
        if not _IDEMPOTENCY_KEY.match(key):
            raise ValidationError(NOT_SENT)
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.has_error("idempotency_key"):  # hidden: say so at the top of the page
            self.errors.pop("idempotency_key")
            self.add_error(None, NOT_SENT)
        return data


class ReceiptForm(GovukForm):
    receipt = forms.CharField(
        label="Receipt code",
        help_text=(
            "The 16-digit code you were given when you made your report, like 1234 5678 9012 3456"
        ),
        max_length=100,
        error_messages={"required": "Enter your receipt code", "max_length": RECEIPT_REFUSED},
    )


class ReplyForm(GovukForm):
    body = forms.CharField(
        label="Send a message",
        help_text=(
            "For example, to answer a question or to add something you remembered. Do not "
            "include your name or contact details unless you want the programme to know them."
        ),
        widget=forms.Textarea,
        error_messages={"required": "Enter a message"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_chars: int = settings.CANDOUR_REPORT_FIELD_MAX_CHARS
        self.max_chars_display = f"{self.max_chars:,}"
