"""The reporter's forms: the immediate-risk question, and the report as question pages.

The report is asked on GOV.UK question pages (``QUESTIONS``): one thing, or a few short
related questions, a page. Nothing is kept on the server between pages (ADR 0011): each page
posts every answer so far in hidden inputs, with its own answers in visible ones, and is
validated by the one ``ReportForm`` (so by ``submission.check_submission``) with only its own
errors kept; check answers and submit validate every answer again.

Templates render the fields by hand (``reporting/report/_*.html``) with GOV.UK markup: every
input's id is its field name (``kind``, then ``kind-2``... for the other radios), so the error
summary can link to ``#<field name>`` for every kind of field.

The question pages and moving between them are in ``report_questions``, the kinds of
field in ``report_fields``, the check answers page's form in ``report_submit``.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import QueryDict
from django.utils import timezone

from candour.core.forms import GovukForm
from candour.deidentify.cli import InputError, parse_known
from candour.reporting.forms.report_fields import (
    MONTHS,
    NARRATIVE_HINTS,
    radio_field,
    text_field,
    yes_no_field,
)
from candour.reporting.forms.report_questions import (
    CONTACT_FIELDS,
    HARM_TYPES,
    QUESTIONS,
    Question,
    is_returning,
    next_question,
)
from candour.reporting.services import submission
from candour.reporting.vocabulary import (
    NARRATIVE_KEYS,
    Confidentiality,
    Harm,
    Kind,
    ReporterRole,
    ServiceArea,
)

YEARS_OFFERED = 20
KNOWN_MAX_CHARS = 2_000
CONTACT_MAX_CHARS = 200
_PHONE = re.compile(r"^\+?[\d\s().-]{7,25}$")


def after(question: Question, answers: QueryDict) -> Question | None:
    """Where a page's valid answers lead: on through the questions, or, back from a Change
    link, to the first page still needing an answer (None: check answers)."""
    if is_returning(answers):
        return ReportForm(answers).first_invalid_question()
    return next_question(question, answers)


class ImmediateRiskForm(GovukForm):
    immediate_risk = yes_no_field(
        label="Is a child at immediate risk of harm now?",
        hint=(
            "For example, a child is in danger now, or will be before the end of today, "
            "unless someone acts."
        ),
        required="Select yes if a child is at immediate risk now",
    )


class ReportForm(GovukForm):
    """Every answer of a report, validated by ``submission.check_submission``.

    With ``question``, the form is one question page: it still sees every answer (the
    contact page needs the choice of confidential), but keeps only that page's errors.
    """

    kind = radio_field(
        Kind.choices,
        label="What kind of event was it?",
        required="Select what kind of event it was",
    )
    service_area = radio_field(
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
    what_happened = text_field(
        label="What happened?",
        hint=NARRATIVE_HINTS["what_happened"],
        required="Enter what happened",
    )
    lead_up = text_field(label="What led up to it (optional)", hint=NARRATIVE_HINTS["lead_up"])
    how_noticed = text_field(
        label="How it was noticed or caught (optional)", hint=NARRATIVE_HINTS["how_noticed"]
    )
    what_was_done = text_field(
        label="What was done (optional)", hint=NARRATIVE_HINTS["what_was_done"]
    )
    outcome = text_field(label="What the outcome was (optional)", hint=NARRATIVE_HINTS["outcome"])
    why = text_field(label="Why you think it happened (optional)", hint=NARRATIVE_HINTS["why"])
    prevention = text_field(
        label="What might stop it happening again (optional)",
        hint=NARRATIVE_HINTS["prevention"],
    )
    known = text_field(
        label="People and places to hide (optional)",
        hint=(
            "If you used names of people or places, write one on each line, with who or what "
            "they are, like \N{LEFT DOUBLE QUOTATION MARK}Kayden Walsh \N{EM DASH} child"
            "\N{RIGHT DOUBLE QUOTATION MARK} or \N{LEFT DOUBLE QUOTATION MARK}27 Elm Grove "
            "\N{EM DASH} address\N{RIGHT DOUBLE QUOTATION MARK}. We use this list only to "
            "hide them in your report, then throw it away."
        ),
    )
    harm = radio_field(
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
    reporter_role = radio_field(
        ReporterRole.choices,
        label="What is your role?",
        hint="This helps us understand the work. It is not used to identify you.",
        required="Select your role",
    )
    consent_to_publish = yes_no_field(
        label="Can we share a de-identified lesson from your report?",
        hint=(
            "We may share what was learned with other teams and services, after removing "
            "anything that could identify a child, a family, you or anyone else."
        ),
        required="Select yes if we can share a de-identified lesson from your report",
    )
    confidentiality = radio_field(
        Confidentiality.choices,
        label="Do you want to report confidentially or anonymously?",
        required="Select confidential or anonymous",
    )
    contact_name = forms.CharField(label="Your name (optional)", required=False)
    contact_email = forms.CharField(label="Email address", required=False)
    contact_phone = forms.CharField(label="Phone number", required=False)

    def __init__(self, *args: Any, question: Question | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        this_year = timezone.localdate().year
        years = [str(year) for year in range(this_year, this_year - YEARS_OFFERED, -1)]
        year_field = cast(forms.TypedChoiceField, self.fields["occurred_year"])
        year_field.choices = [("", "Select year"), *((y, y) for y in years)]
        self.max_chars: int = settings.CANDOUR_REPORT_FIELD_MAX_CHARS
        self.max_chars_display = f"{self.max_chars:,}"
        self.known_max_chars = KNOWN_MAX_CHARS
        self.known_max_chars_display = f"{KNOWN_MAX_CHARS:,}"

    def question_fields(self) -> list[forms.BoundField]:
        """The fields of this form's question page, in the order the page asks them."""
        names = self.question.fields if self.question is not None else ()
        return [self[name] for name in names]

    # --- Errors, page by page ---------------------------------------------------------

    def full_clean(self) -> None:
        super().full_clean()
        if self.question is not None:
            self.keep_errors_of(self.question)

    def keep_errors_of(self, question: Question) -> None:
        """Keep only ``question``'s errors: a page says only what is wrong with its own
        answers (the others are checked on their pages, and all again at check answers)."""
        self.question = question
        for name in list(self.errors):
            if name not in question.fields:
                del self.errors[name]

    def first_invalid_question(self) -> Question | None:
        """The first page, in the journey's order, with an answer missing or wrong."""
        return next(
            (
                q
                for q in QUESTIONS
                if q.applies(self.data) and any(name in self.errors for name in q.fields)
            ),
            None,
        )

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
                f"People and places to hide must be {KNOWN_MAX_CHARS:,} characters or fewer"
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
        typed = dict.fromkeys(CONTACT_FIELDS, "")
        if data.get("confidentiality") == Confidentiality.CONFIDENTIAL:
            typed = self._check_contact(data)
        else:  # anonymous (or not chosen yet): contact details are never kept
            data.update(typed)
        try:
            # The contact details as typed: a phone number in the wrong format is not also
            # "no phone number".
            submission.check_submission(self._submission({**data, **typed}, known=[]))
        except ValidationError as exc:
            self.add_service_errors(exc)
        return data

    def _check_contact(self, data: dict[str, Any]) -> dict[str, str]:
        """Check the contact details and return them as typed (without spaces around)."""
        name = data.get("contact_name", "").strip()
        email = data.get("contact_email", "").strip()
        phone = data.get("contact_phone", "").strip()
        typed = {"contact_name": name, "contact_email": email, "contact_phone": phone}
        data.update(typed)
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
        return typed

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

    def _submission(self, data: dict[str, Any], *, known: list[Any]) -> submission.Submission:
        today = timezone.localdate()
        return submission.Submission(
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
            contact=submission.Contact(
                name=data.get("contact_name", ""),
                email=data.get("contact_email", ""),
                phone=data.get("contact_phone", ""),
            ),
            known=known,
        )

    def submission(self) -> submission.Submission:
        """The valid answers as a Submission, with the parsed list of known names."""
        return self._submission(self.cleaned_data, known=parse_known(self.cleaned_data["known"]))

    def carried(self) -> list[tuple[str, str]]:
        """Every valid answer, as cleaned, as (name, value) pairs for hidden inputs on the
        check answers page."""
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
            pairs += [(name, data[name]) for name in CONTACT_FIELDS]
        return pairs
