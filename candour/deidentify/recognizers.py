"""Presidio's pattern recognisers for UK social-care text (the ones that read spaCy's
document are in ``spacy_recognizers``).

Pattern recognisers run their regular expressions case-sensitively (the patterns say where
case does not matter).

candour's own patterns run in Python's ``re``, not in Presidio's ``PatternRecognizer``
(ADR 0014): that one uses the ``regex`` package, which is itself quadratic in the length of
a long repeated group (a host name of 10,000 labels: "a.a.a…"), and on its timeout drops
the pattern's findings with only a log line. Ours are linear in ``re``
(``tests/test_linear_patterns.py``). An organisation's own case-reference patterns cannot
be vetted, so they run in ``regex`` under the engine's time budget (``budget``). Every
recogniser checks the budget as it goes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TypeVar

import regex
from nhs_number import is_valid as nhs_number_is_valid
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from candour.deidentify import budget, patterns
from candour.deidentify.types import EntityType

FLAGS = re.DOTALL | re.MULTILINE
# How many matches a recogniser takes between two looks at the clock.
_CHECK_EVERY = 256
_Match = TypeVar("_Match")


def _checked(matches: Iterable[_Match]) -> Iterator[_Match]:
    """The matches, with the budget checked every few of them."""
    for index, match in enumerate(matches):
        if index % _CHECK_EVERY == _CHECK_EVERY - 1:
            budget.check()
        yield match


class LinearPatternRecognizer(EntityRecognizer):
    """Named regular expressions from ``patterns`` (each linear in ``re``), one entity type."""

    def __init__(
        self, entity: EntityType, named_patterns: dict[str, str], score: float, name: str
    ) -> None:
        self.patterns = [(key, re.compile(p, FLAGS)) for key, p in named_patterns.items()]
        self.score = score
        super().__init__(supported_entities=[entity.value], name=name)

    def load(self) -> None:
        return None

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Where each pattern matches, pattern by pattern."""
        for _key, compiled in self.patterns:
            budget.check()
            for match in _checked(compiled.finditer(text)):
                yield match.span()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        entity = self.supported_entities[0]
        results = [
            RecognizerResult(entity, start, end, self.score)
            for start, end in self.spans(text)
            if end > start
        ]
        # As Presidio's PatternRecognizer: one result per span, none inside another.
        return EntityRecognizer.remove_duplicates(results)


class UntrustedPatternRecognizer(LinearPatternRecognizer):
    """An organisation's own patterns, which nobody has shown to be linear: run in ``regex``
    with the time left in the budget, and out of time means out of budget."""

    def __init__(
        self, entity: EntityType, named_patterns: dict[str, str], score: float, name: str
    ) -> None:
        super().__init__(entity, {}, score, name)
        self.untrusted = [(key, regex.compile(p, FLAGS)) for key, p in named_patterns.items()]

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        for _key, compiled in self.untrusted:
            budget.check()
            try:
                for match in _checked(compiled.finditer(text, timeout=budget.remaining())):
                    yield match.span()
            except TimeoutError:
                raise budget.BudgetExceeded from None


def _pattern_recognizer(
    entity: EntityType, named_patterns: dict[str, str], score: float, name: str
) -> LinearPatternRecognizer:
    return LinearPatternRecognizer(entity, named_patterns, score, name)


def pattern_recognizers(case_reference_patterns: list[str]) -> list[EntityRecognizer]:
    recognizers: list[EntityRecognizer] = [
        _pattern_recognizer(EntityType.DATE, patterns.DATE_PATTERNS, 0.6, "UkDateRecognizer"),
        _pattern_recognizer(
            EntityType.NI_NUMBER, {"nino": patterns.NI_NUMBER}, 0.8, "UkNinoRecognizer"
        ),
        _pattern_recognizer(
            EntityType.POSTCODE, {"postcode": patterns.POSTCODE}, 0.7, "UkPostcodeRecognizer"
        ),
        _pattern_recognizer(EntityType.PHONE, patterns.PHONE_PATTERNS, 0.7, "UkPhoneRecognizer"),
        _pattern_recognizer(EntityType.URL, {"url": patterns.URL}, 0.7, "UrlRecognizer"),
        _pattern_recognizer(
            EntityType.ADDRESS, patterns.ADDRESS_PATTERNS, 0.6, "UkAddressRecognizer"
        ),
        _pattern_recognizer(
            EntityType.SCHOOL, {"school": patterns.SCHOOL}, 0.7, "SchoolRecognizer"
        ),
        _pattern_recognizer(
            EntityType.HEALTH_SETTING,
            {"health": patterns.HEALTH_SETTING},
            0.7,
            "HealthSettingRecognizer",
        ),
        # Not Presidio's EmailRecognizer: it asks tldextract whether the domain is real,
        # which rejects school addresses (*.sch.uk is itself a public suffix).
        _pattern_recognizer(EntityType.EMAIL, {"email": patterns.EMAIL}, 0.9, "EmailRecognizer"),
        NhsNumberRecognizer(),
        GroupRecognizer(EntityType.PERSON, patterns.TITLED_NAME, 0.9, "TitledNameRecognizer"),
        GroupRecognizer(
            EntityType.CASE_REFERENCE, patterns.GENERIC_REFERENCE, 0.7, "NamedReferenceRecognizer"
        ),
    ]
    if case_reference_patterns:
        recognizers.append(
            UntrustedPatternRecognizer(
                EntityType.CASE_REFERENCE,
                {f"case_ref_{i}": p for i, p in enumerate(case_reference_patterns)},
                0.95,
                "CaseReferenceRecognizer",
            )
        )
    return recognizers


class GroupRecognizer(EntityRecognizer):
    """A regular expression whose first group, not the whole match, is the entity."""

    def __init__(self, entity: EntityType, regex: str, score: float, name: str) -> None:
        self.regex = re.compile(regex, FLAGS)
        self.score = score
        super().__init__(supported_entities=[entity.value], name=name)

    def load(self) -> None:
        return None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        entity = self.supported_entities[0]
        budget.check()
        return [
            RecognizerResult(entity, m.start(1), m.end(1), self.score)
            for m in _checked(self.regex.finditer(text))
        ]


class NhsNumberRecognizer(EntityRecognizer):
    """Ten digits in 3-3-4 groups: certain with a valid modulus-11 check digit, else likely."""

    def __init__(self) -> None:
        self.regex = re.compile(patterns.NHS_NUMBER)
        super().__init__(supported_entities=[EntityType.NHS_NUMBER.value], name="NhsRecognizer")

    def load(self) -> None:
        return None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        budget.check()
        for match in _checked(self.regex.finditer(text)):
            digits = re.sub(r"\D", "", match.group())
            score = 1.0 if nhs_number_is_valid(digits) else 0.45
            results.append(
                RecognizerResult(EntityType.NHS_NUMBER.value, match.start(), match.end(), score)
            )
        return results
