"""Presidio recognisers for UK social-care text.

Pattern recognisers run their regular expressions case-sensitively (the patterns say where
case does not matter); the spaCy-based recognisers read the parsed document that the
engine passes in as Presidio NLP artefacts.

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
from spacy.tokens import Doc, Token

from candour.deidentify import budget, patterns
from candour.deidentify.lexicon import KEEP, TITLES, Lexicon
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


# spaCy labels worth redacting, and what they become.
_NER_TYPES = {
    "PERSON": EntityType.PERSON,
    "ORG": EntityType.ORGANISATION,
    "GPE": EntityType.LOCATION,
    "LOC": EntityType.LOCATION,
    "FAC": EntityType.LOCATION,
}


def _doc(nlp_artifacts: NlpArtifacts | None) -> Doc | None:
    if nlp_artifacts is None:
        return None
    tokens = nlp_artifacts.tokens
    return tokens if isinstance(tokens, Doc) else None


_SENTENCE_END = set('.!?:;"“(•-*')


def sentence_initial(token: Token) -> bool:
    """Whether the token starts a sentence, line or list item (from the tokens before it)."""
    doc = token.doc
    i = token.i
    while i > 0:
        previous = doc[i - 1]
        if "\n" in previous.whitespace_ or "\n" in previous.text:
            return True
        if not previous.is_space:
            return previous.text[-1] in _SENTENCE_END
        i -= 1
    return True


class NerRecognizer(EntityRecognizer):
    """spaCy's named entities. Every label is kept: names are often tagged ORG or GPE."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        super().__init__(
            supported_entities=[t.value for t in set(_NER_TYPES.values())], name="NerRecognizer"
        )

    def load(self) -> None:
        return None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        budget.check()
        doc = _doc(nlp_artifacts)
        if doc is None:
            return []
        results = []
        for ent in doc.ents:
            kind = _NER_TYPES.get(ent.label_)
            if kind is None:
                continue
            tokens = [t for t in ent if not (t.is_punct or t.is_space)]
            # Leading determiners and titles are not part of the name.
            while tokens and (
                tokens[0].lower_ in ("the", "a", "an") or tokens[0].lower_.rstrip(".") in TITLES
            ):
                tokens = tokens[1:]
            while tokens and tokens[-1].lower_ in ("'s", "’s"):
                tokens = tokens[:-1]
            if not tokens:
                continue
            span_text = text[tokens[0].idx : tokens[-1].idx + len(tokens[-1])]
            if span_text.lower() in KEEP or all(t.lower_ in KEEP for t in tokens):
                continue
            if not any(t.text[:1].isupper() for t in tokens) or any(t.like_num for t in tokens):
                continue
            words = [t.text for t in tokens if t.is_alpha]
            if (
                kind is not EntityType.PERSON
                and words
                and all(self.lexicon.is_word(w) for w in words)
            ):
                if len(words) <= 2 and all(self.lexicon.is_name(w) for w in words):
                    kind = EntityType.PERSON  # "Grace" tagged ORG: a name that is a word
                else:
                    continue  # "Assessment Team", "National Insurance": generic
            if (
                kind is not EntityType.PERSON
                and words
                and all(self.lexicon.is_name(w) and not self.lexicon.is_word(w) for w in words)
            ):
                kind = EntityType.PERSON  # "Faith Adeyemi" tagged LOC is still a person
            score = 0.85 if kind is EntityType.PERSON else 0.5
            results.append(
                RecognizerResult(kind.value, tokens[0].idx, tokens[-1].idx + len(tokens[-1]), score)
            )
        return results


_INITIAL = re.compile(r"[A-Z]\.?")


def _is_initial(token: Token) -> bool:
    return _INITIAL.fullmatch(token.text) is not None


class GazetteerRecognizer(EntityRecognizer):
    """Capitalised words that are known first names or surnames.

    A name that is not an English word ("Okafor") counts anywhere it is capitalised. One
    that is ("Grace", "Hall") needs evidence: a title before it, another name beside it,
    or, for first names, a capital letter in the middle of a sentence.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        super().__init__(supported_entities=[EntityType.PERSON.value], name="GazetteerRecognizer")

    def load(self) -> None:
        return None

    def _candidate(self, token: Token) -> bool:
        text = token.text
        if not token.is_alpha or len(text) < 2:
            return False
        if not (text.istitle() or (text.isupper() and len(text) >= 3)):
            return False
        return self.lexicon.is_name(text) and text.lower() not in KEEP

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        budget.check()
        doc = _doc(nlp_artifacts)
        if doc is None:
            return []
        candidates = [self._candidate(t) for t in doc]
        strong = [
            c and not self.lexicon.is_word(t.text) for c, t in zip(candidates, doc, strict=True)
        ]
        results = self._unknown_full_names(doc)
        for token in doc:
            if self._lower_case_name(token):
                end = token.idx + len(token)
                results.append(RecognizerResult(EntityType.PERSON.value, token.idx, end, 0.4))
        budget.check()
        results.extend(self._lower_case_full_names(doc))
        results.extend(self._speaker_labels(doc))
        budget.check()
        for i, token in enumerate(doc):
            if not candidates[i]:
                continue
            if strong[i]:
                score = 0.6
            elif self._word_used_as_name(doc, i, candidates, strong):
                score = 0.55
            else:
                continue
            results.append(
                RecognizerResult(EntityType.PERSON.value, token.idx, token.idx + len(token), score)
            )
        return results

    def _lower_case_name(self, token: Token) -> bool:
        """A name typed in lower case ("spoke to patricia"): known name, not a word."""
        text = token.text
        return (
            token.is_alpha
            and len(text) >= 3
            and text.islower()
            and self.lexicon.is_name(text)
            and not self.lexicon.is_word(text)
            and text not in KEEP
        )

    def _speaker_labels(self, doc: Doc) -> list[RecognizerResult]:
        """ "Elizabeth: I'm her daughter": a name at the start of a line, before a colon."""
        results = []
        for token in doc[:-1]:
            if doc[token.i + 1].text != ":" or not token.is_alpha or len(token.text) < 2:
                continue
            if not sentence_initial(token) or token.text.lower() in KEEP:
                continue
            word = self.lexicon.is_word(token.text)
            if self.lexicon.is_name(token.text) or not word:
                end = token.idx + len(token)
                results.append(RecognizerResult(EntityType.PERSON.value, token.idx, end, 0.5))
        return results

    def _lower_case_full_names(self, doc: Doc) -> list[RecognizerResult]:
        """ "lena andersson": a first name then a surname, in lower case, one not a word."""
        results = []
        for index, first in enumerate(doc[:-1]):
            second = doc[index + 1]
            if len(second.text) == 1 and index + 2 < len(doc):
                second = doc[index + 2]  # "benjamin a seiler"
            a, b = first.text, second.text
            if not (a.isalpha() and b.isalpha() and a.islower() and b.islower()):
                continue
            if len(a) < 2 or len(b) < 2 or first.whitespace_ != " ":
                continue
            if second.i == first.i + 2 and not doc[first.i + 1].text.isalpha():
                continue
            if not self.lexicon.is_first_name(a):
                continue
            surname = b.title() in self.lexicon.surnames or not self.lexicon.is_word(b)
            if surname and not (self.lexicon.is_word(a) and self.lexicon.is_word(b)):
                end = second.idx + len(second)
                results.append(RecognizerResult(EntityType.PERSON.value, first.idx, end, 0.45))
        return results

    def _unknown_full_names(self, doc: Doc) -> list[RecognizerResult]:
        """Two or more capitalised words together, none an English word: "Daawood Sadan".

        Middle initials may sit inside: "Szabina J Gelencsér", "Sari J. Paavolainen".
        """
        results = []
        run: list[Token] = []
        for token in [*doc, None]:
            if token is not None and self._unknown_name_word(token):
                run.append(token)
                continue
            if token is not None and run and _is_initial(token):
                run.append(token)
                continue
            while run and _is_initial(run[-1]):
                run.pop()
            if sum(1 for t in run if not _is_initial(t)) >= 2:
                start, end = run[0].idx, run[-1].idx + len(run[-1])
                results.append(RecognizerResult(EntityType.PERSON.value, start, end, 0.5))
            run = []
        return results

    def _unknown_name_word(self, token: Token) -> bool:
        text = token.text
        return (
            token.is_alpha
            and len(text) >= 2
            and text.istitle()
            and not self.lexicon.is_word(text)
            and text.lower() not in KEEP
            and (
                token.i == 0
                or bool(token.doc[token.i - 1].whitespace_)
                or token.doc[token.i - 1].is_space
            )
        )

    def _word_used_as_name(
        self, doc: Doc, i: int, candidates: list[bool], strong: list[bool]
    ) -> bool:
        token = doc[i]
        previous = doc[i - 1] if i > 0 else None
        following = doc[i + 1] if i + 1 < len(doc) else None
        if previous is not None and previous.lower_.rstrip(".") in TITLES:
            return True
        if following is not None and following.text in ("'s", "’s") and token.text.istitle():
            return self.lexicon.is_first_name(token.text)  # "Hope's mother"
        after = i + 1
        while after < len(doc) and _is_initial(doc[after]):
            after += 1  # "Sari J. Paavolainen": look past middle initials
        if after < len(doc) and after > i + 1:
            following_name = doc[after]
            if candidates[after] or self._unknown_name_word(following_name):
                return self.lexicon.is_first_name(token.text)
        if following is not None and self._unknown_name_word(following):
            return self.lexicon.is_first_name(token.text)  # "Precious Olubode"
        if following is not None and following.text == ":" and sentence_initial(token):
            return self.lexicon.is_first_name(token.text)  # "Matthew: remember me"
        if (
            previous is not None
            and candidates[i - 1]
            and self.lexicon.is_first_name(previous.text)
            and token.text.title() in self.lexicon.surnames
            and (token.text.istitle() == previous.text.istitle())
        ):
            return True  # "Mark Cross", "MARK CROSS"
        if (previous is not None and strong[i - 1]) or (following is not None and strong[i + 1]):
            return True
        if following is not None and candidates[i + 1]:
            # "Grace Hall", "MARK CROSS": two capitalised names together.
            return self.lexicon.is_first_name(token.text)
        is_month = token.lower_ in ("may", "june", "april", "august")
        return (
            self.lexicon.is_first_name(token.text)
            and token.text.istitle()
            and not sentence_initial(token)
            and not is_month
        )
