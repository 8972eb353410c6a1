"""How reporting pages show things: display formatting only, never queries.

Kept out of views and forms so that the wording of a page can change without touching
validation: the reporter's check answers and start pages stay in step with the question
pages they describe, and intake pages offer only the actions the report's state allows.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse

from candour.deidentify.types import LABELS, EntityType
from candour.reporting.forms.report_questions import HARM_TYPES, QUESTION_OF_FIELD, QUESTIONS
from candour.reporting.lifecycle import REPORT
from candour.reporting.models import Report, Status
from candour.reporting.services.intake import can_review
from candour.reporting.vocabulary import (
    KIND_SHORT,
    NARRATIVE_FIELDS,
    Confidentiality,
    Harm,
    Kind,
    ReporterRole,
    ServiceArea,
)


@dataclass(frozen=True)
class AnswerRow:
    """One answer on check answers, and the page (and field on it) that changes it."""

    key: str
    value: str
    question: str
    field: str
    change: str  # completes "Change …" for screen readers


@dataclass(frozen=True)
class AnswerSection:
    title: str
    rows: tuple[AnswerRow, ...]


def month_and_year(month: int, year: int) -> str:
    """Return e.g. "March 2025": the only precision a report is given (never a day)."""
    return f"{calendar.month_name[month]} {year}" if 1 <= month <= 12 else str(year)


def required_answers() -> list[str]:
    """What a reporter must answer, as the start page lists it (from the question pages)."""
    return [question.required for question in QUESTIONS if question.required]


def _row(key: str, value: str, field: str, change: str) -> AnswerRow:
    return AnswerRow(key, value, QUESTION_OF_FIELD[field].slug, field, change)


def check_answers(data: Mapping[str, Any]) -> list[AnswerSection]:
    """The check answers page, from valid (cleaned) answers: sections of rows, in the order
    the question pages ask them. An optional answer not given is shown as empty."""
    harm_types = dict(HARM_TYPES)
    labels = dict(NARRATIVE_FIELDS)
    narrative = [name for question in QUESTIONS for name in question.fields if name in labels]
    sharing = [
        _row(
            "Share a de-identified lesson",
            "Yes" if data["consent_to_publish"] else "No",
            "consent_to_publish",
            "whether we can share a lesson",
        ),
        _row(
            "Confidential or anonymous",
            Confidentiality(data["confidentiality"]).label,
            "confidentiality",
            "confidential or anonymous",
        ),
    ]
    if data["confidentiality"] == Confidentiality.CONFIDENTIAL:
        sharing += [
            _row("Your name", data["contact_name"], "contact_name", "your name"),
            _row("Email address", data["contact_email"], "contact_email", "email address"),
            _row("Phone number", data["contact_phone"], "contact_phone", "phone number"),
        ]
    return [
        AnswerSection(
            "About the event",
            (
                _row("Kind of event", Kind(data["kind"]).label, "kind", "kind of event"),
                _row(
                    "Service area",
                    ServiceArea(data["service_area"]).label,
                    "service_area",
                    "service area",
                ),
                _row(
                    "When it happened",
                    month_and_year(data["occurred_month"], data["occurred_year"]),
                    "occurred_month",
                    "when it happened",
                ),
            ),
        ),
        AnswerSection(
            "What happened",
            tuple(_row(labels[key], data[key], key, labels[key].lower()) for key in narrative),
        ),
        AnswerSection(
            "People and places to hide",
            (
                _row(
                    "People and places to hide",
                    data["known"],
                    "known",
                    "people and places to hide",
                ),
            ),
        ),
        AnswerSection(
            "Harm",
            (
                _row("Harm caused", Harm(data["harm"]).label, "harm", "harm caused"),
                _row(
                    "Kind of harm",
                    "\n".join(harm_types[value] for value in data["harm_types"]),
                    "harm_types",
                    "kind of harm",
                ),
            ),
        ),
        AnswerSection(
            "About you",
            (
                _row(
                    "Your role",
                    ReporterRole(data["reporter_role"]).label,
                    "reporter_role",
                    "your role",
                ),
            ),
        ),
        AnswerSection("Sharing and contact", tuple(sharing)),
    ]


# --- Intake officers' pages ------------------------------------------------------------

# A report still open after this many days is flagged in the queue.
OVERDUE_DAYS = 14


@dataclass(frozen=True)
class Action:
    text: str
    url: str
    warning: bool = False


def intake_actions(report: Report) -> list[Action]:
    """The links a report's page offers: only what its state allows now."""
    allowed = REPORT.allowed(report)
    ref = report.reference

    def url(name: str) -> str:
        return reverse(f"reporting:intake_{name}", kwargs={"reference": ref})

    actions: list[Action] = []
    if can_review(report):
        text = (
            "Correct the released account"
            if report.was_released
            else "Review the account and release it for analysis"
        )
        actions.append(Action(text, url("review")))
    if report.is_intact and "ask" in allowed:
        actions.append(Action("Ask the reporter a question", url("question")))
    if report.is_intact and "give_feedback" in allowed:
        actions.append(Action("Give feedback: you said, we did", url("feedback")))
    actions.append(Action("Alert the safety lead to a hazard", url("alert")))
    if report.confidentiality == Confidentiality.CONFIDENTIAL and report.contact is not None:
        actions.append(Action("See the reporter's contact details", url("contact")))
        actions.append(Action("Ask to disclose the reporter's identity", url("disclosure")))
    if "close" in allowed:
        actions.append(Action("Close the report", url("close"), warning=True))
    if "reopen" in allowed:
        actions.append(Action("Reopen the report", url("reopen")))
    return actions


def occurred(report: Report) -> str:
    return month_and_year(report.occurred_month, report.occurred_year)


def harm_detail(report: Report) -> str:
    kinds = [
        name
        for name, present in (
            ("physical", report.harm_physical),
            ("psychological", report.harm_psychological),
        )
        if present
    ]
    return " and ".join(kinds).capitalize()


def released_sections(report: Report) -> list[tuple[str, str]]:
    return [
        (label, report.released[key])
        for key, label in NARRATIVE_FIELDS
        if report.released and report.released.get(key)
    ]


@dataclass(frozen=True)
class QueueRow:
    report: Report
    kind: str
    age_days: int
    is_open: bool
    is_overdue: bool

    @property
    def age(self) -> str:
        if self.age_days == 0:
            return "Today"
        return f"{self.age_days} day{'s' if self.age_days != 1 else ''}"


def queue_rows(reports: list[Report], *, today: date) -> list[QueueRow]:
    rows = []
    for report in reports:
        age = max(0, (today - report.received_on).days)
        is_open = report.status != Status.CLOSED
        rows.append(
            QueueRow(
                report=report,
                kind=KIND_SHORT.get(report.kind, report.kind),
                age_days=age,
                is_open=is_open,
                is_overdue=is_open and not report.was_released and age > OVERDUE_DAYS,
            )
        )
    return rows


def entity_rows(original: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the automatic draft found in one answer, for the side-by-side review."""
    rows = []
    for entity in entities:
        try:
            kind = LABELS[EntityType(entity["type"])]
        except (KeyError, ValueError):
            kind = str(entity["type"])
        rows.append(
            {
                "type": kind,
                "found": original[entity["start"] : entity["end"]],
                "replacement": entity["replacement"],
                "suspect": entity["suspect"],
            }
        )
    return rows
