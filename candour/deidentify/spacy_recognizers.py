"""Presidio recognisers that read the spaCy document the engine parsed (passed in as
Presidio's NLP artefacts): spaCy's named entities, and first names and surnames from the
lexicon's gazetteer. Each checks the engine's time budget (``budget``) as it goes.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.tokens import Doc, Token

from candour.deidentify import budget
from candour.deidentify.lexicon import KEEP, TITLES, Lexicon
from candour.deidentify.types import EntityType

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
