"""The report's question pages (``QUESTIONS``) and the journey through them: which page
comes next or before for the answers so far, which answers a page carries on in hidden
inputs, and what it shows filled in. Where valid answers lead (``after``) needs the form,
so is in ``report``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from candour.reporting.vocabulary import Confidentiality

HARM_TYPES = (("physical", "Physical"), ("psychological", "Psychological or emotional"))
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")

# The hidden inputs that steer the journey (never answers, never carried on).
ANSWERED = "question"  # the page whose own answers these are
RETURN = "return"  # "check-answers": go back there once this page is answered
RETURN_TO_CHECK = "check-answers"


@dataclass(frozen=True)
class Question:
    """One question page: its address, its title (the page's one <h1>), the answers it asks
    for and, if one must be given, how the start page lists it."""

    slug: str
    title: str
    fields: tuple[str, ...]
    required: str = ""
    only_if_confidential: bool = False

    @property
    def template(self) -> str:
        return f"reporting/report/questions/{self.slug.replace('-', '_')}.html"

    def applies(self, answers: Mapping[str, Any]) -> bool:
        """Contact questions are never shown to someone who chose to report anonymously."""
        return not self.only_if_confidential or (
            answers.get("confidentiality") != Confidentiality.ANONYMOUS
        )


QUESTIONS: tuple[Question, ...] = (
    Question("kind", "What kind of event was it?", ("kind",), "what kind of event it was"),
    Question(
        "service-area",
        "Which service area did it happen in?",
        ("service_area",),
        "which service area it happened in",
    ),
    Question(
        "when",
        "Roughly when did it happen?",
        ("occurred_month", "occurred_year"),
        "roughly when it happened: the month and year",
    ),
    Question(
        "what-happened", "What happened?", ("what_happened",), "what happened, in your own words"
    ),
    Question(
        "more-about-it",
        "More about what happened",
        ("lead_up", "how_noticed", "what_was_done", "outcome"),
    ),
    Question("why-it-happened", "Why it happened and what might help", ("why", "prevention")),
    Question("names-to-hide", "People and places to hide (optional)", ("known",)),
    Question(
        "harm",
        "How much harm was caused to anyone?",
        ("harm", "harm_types"),
        "how much harm was caused",
    ),
    Question("your-role", "What is your role?", ("reporter_role",), "your role"),
    Question(
        "sharing",
        "Can we share a de-identified lesson from your report?",
        ("consent_to_publish",),
        "whether we can share a de-identified lesson from your report",
    ),
    Question(
        "confidential-or-anonymous",
        "Do you want to report confidentially or anonymously?",
        ("confidentiality",),
        "whether you report confidentially or anonymously",
    ),
    Question(
        "contact-details",
        "How can we contact you?",
        CONTACT_FIELDS,
        "if you report confidentially, an email address or phone number",
        only_if_confidential=True,
    ),
)
QUESTIONS_BY_SLUG = {question.slug: question for question in QUESTIONS}
QUESTION_OF_FIELD = {name: question for question in QUESTIONS for name in question.fields}
ANSWER_FIELDS = tuple(QUESTION_OF_FIELD)
_MULTIPLE = frozenset({"harm_types"})


def is_answering(question: Question, answers: QueryDict) -> bool:
    """Whether these are this page's own answers, sent from it (rather than a page arriving
    with the answers so far: forward, back, or from a Change link)."""
    return answers.get(ANSWERED) == question.slug


def is_returning(answers: QueryDict) -> bool:
    """Whether the reporter came from check answers (a Change link) and goes back there."""
    return answers.get(RETURN) == RETURN_TO_CHECK


def next_question(question: Question, answers: Mapping[str, Any]) -> Question | None:
    """The page after this one that applies to these answers; None for check answers."""
    following = QUESTIONS[QUESTIONS.index(question) + 1 :]
    return next((q for q in following if q.applies(answers)), None)


def previous_question(question: Question, answers: Mapping[str, Any]) -> Question | None:
    """The page before this one that applies; None before the first (immediate risk)."""
    earlier = reversed(QUESTIONS[: QUESTIONS.index(question)])
    return next((q for q in earlier if q.applies(answers)), None)


def last_question(answers: Mapping[str, Any]) -> Question:
    """The page before check answers: contact details only for a confidential report."""
    return next(q for q in reversed(QUESTIONS) if q.applies(answers))


def carried_answers(answers: QueryDict, *, leave_out: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Every answer so far as (name, value) pairs for hidden inputs, as it was sent (each is
    checked on its own page and again at check answers). Contact details travel only while
    the reporter chooses to be confidential."""
    skip = set(leave_out)
    if answers.get("confidentiality") != Confidentiality.CONFIDENTIAL:
        skip.update(CONTACT_FIELDS)
    return [
        (name, value)
        for name in ANSWER_FIELDS
        if name not in skip
        for value in answers.getlist(name)
    ]


def initial_answers(question: Question, answers: QueryDict) -> dict[str, Any]:
    """A page's own answers so far, to show it filled in (without errors) when arriving."""
    return {
        name: answers.getlist(name) if name in _MULTIPLE else answers.get(name, "")
        for name in question.fields
        if name in answers
    }
