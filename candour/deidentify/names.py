"""Names beyond what the recognisers found, read against the lexicon: the parts of a name
and their other occurrences, a name grown over a neighbouring word that is not English or
joined with its other part, and capitalised non-words left behind (possible names).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from spacy.tokens import Doc, Token

from candour.deidentify import budget
from candour.deidentify.lexicon import KEEP, TITLES, Lexicon
from candour.deidentify.spacy_recognizers import sentence_initial
from candour.deidentify.spans import CHECK_EVERY, Candidate, coverage, is_covered
from candour.deidentify.types import EntityType

# Letters after a name that belong to it: "Giovanna Rodrigues MD".
_NAME_SUFFIXES = frozenset(
    {"MD", "DDS", "PhD", "Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV", "QC", "KC", "MBE", "OBE"}
)
# What may sit between two parts of one name: a space, a hyphen, middle initials, particles.
_NAME_GAP = re.compile(
    r"[ -]|\s(?:[A-Z]\.?\s)+|\s(?:van|von|de|da|di|du|del|della|der|den|ten|ter|le|la|bin|bint"
    r"|al|el|ibn|ap|mac|ó|ni|nic)\s"
)
_SMALL_WORDS = {"and", "of", "the", "de", "la", "van", "von", "der", "da", "di", "bin", "al"}


class NameFinder:
    """The engine's steps about names, for one lexicon (``Deidentifier.names``)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def name_tokens(self, name: str) -> list[str]:
        """The parts of a name worth matching on their own (no titles or small words)."""
        tokens = []
        for part in re.split(r"[\s]+", name):
            part = re.sub(r"(?:'s|’s|')$", "", part.strip('.,;:()"“”'))
            pieces = [part, *part.split("-")] if "-" in part else [part]
            for piece in pieces:
                lowered = piece.lower()
                if len(piece) < 2 or not re.search(r"[A-Za-z]", piece):
                    continue
                if lowered in TITLES or lowered in KEEP or lowered in _SMALL_WORDS:
                    continue
                tokens.append(piece)
        return list(dict.fromkeys(tokens))

    def name_occurrences(self, text: str, token: str) -> list[tuple[int, int]]:
        """Where a name appears: any case if it is not an English word, else capitalised.

        Plain string search with word-boundary checks: compiling a regular expression for
        every name in every text costs more than the search itself.
        """
        if self.lexicon.is_word(token):
            return sorted(
                {*_word_positions(text, token.title()), *_word_positions(text, token.upper())}
            )
        lowered = text.lower()
        if len(lowered) != len(text):  # a character whose lower case is longer: rare
            return [
                (m.start(), m.end())
                for m in re.finditer(rf"(?<!\w){re.escape(token)}(?!\w)", text, re.IGNORECASE)
            ]
        return _word_positions(lowered, token.lower())

    def propagate_names(self, text: str, candidates: list[Candidate]) -> list[Candidate]:
        """Every other occurrence of each part of each name found (residual names stay
        flagged as suspects wherever they are propagated)."""
        propagated = []
        seen: set[str] = set()
        # Sure names first, so a word found by a recogniser is not marked a mere suspect.
        ordered = sorted(candidates, key=lambda c: c.source == "residual")
        for number, candidate in enumerate(ordered):
            if number % CHECK_EVERY == CHECK_EVERY - 1:
                budget.check()
            if candidate.type is not EntityType.PERSON or candidate.source == "known":
                continue
            suspect = candidate.source == "residual"
            for token in self.name_tokens(text[candidate.start : candidate.end]):
                if token.lower() in seen:
                    continue
                seen.add(token.lower())
                source, score = ("residual", 0.3) if suspect else ("propagation", 0.5)
                for start, end in self.name_occurrences(text, token):
                    propagated.append(Candidate(EntityType.PERSON, start, end, score, source))
        return propagated

    def extend_names(self, text: str, doc: Doc, accepted: list[Candidate]) -> list[Candidate]:
        """Grow a name over a neighbouring capitalised word that is not an English word."""
        covered = coverage(text, accepted)
        by_start = {t.idx: t for t in doc}
        by_end = {t.idx + len(t): t for t in doc}
        for candidate in accepted:
            if candidate.type is not EntityType.PERSON:
                continue
            while True:
                following = _next_token(by_start, text, candidate.end)
                if (
                    following is None
                    or not (
                        self._could_be_name(following.text)
                        or self._surname_after(following)
                        or following.text in _NAME_SUFFIXES
                    )
                    or is_covered(covered, following.idx, following.idx + len(following))
                ):
                    break
                candidate.end = following.idx + len(following)
            while True:
                previous = _previous_token(by_end, text, candidate.start)
                if previous is None or is_covered(
                    covered, previous.idx, previous.idx + len(previous)
                ):
                    break
                unknown_word = self._could_be_name(previous.text) and not sentence_initial(previous)
                # "Lucky Nagi": a first name that is also a word, right before a surname.
                first_name = previous.text.istitle() and self.lexicon.is_first_name(previous.text)
                if not (unknown_word or (first_name and previous.text.lower() not in KEEP)):
                    break
                candidate.start = previous.idx
        return accepted

    def merge_names(self, text: str, accepted: list[Candidate]) -> list[Candidate]:
        """Join name parts found separately ("Faith" + "Adeyemi") into one person.

        A neighbouring organisation or place span made of capitalised non-words is taken
        as part of the name too (NER often tags an unfamiliar first name ORG).
        """
        ordered = sorted(accepted, key=lambda c: c.start)
        merged: list[Candidate] = []
        for candidate in ordered:
            if merged and self._joins(text, merged[-1], candidate):
                last = merged[-1]
                last.end = candidate.end
                last.type = EntityType.PERSON
                last.score = max(last.score, candidate.score)
                if candidate.source == "known" and last.source != "known":
                    last.source, last.cluster, last.role = (
                        "known",
                        candidate.cluster,
                        candidate.role,
                    )
                continue
            merged.append(candidate)
        return merged

    def _joins(self, text: str, left: Candidate, right: Candidate) -> bool:
        gap = text[left.end : right.start]
        both_clustered = bool(left.cluster and right.cluster)
        if not _NAME_GAP.fullmatch(gap) or (both_clustered and left.cluster != right.cluster):
            return False
        kinds = {left.type, right.type}
        if kinds == {EntityType.PERSON}:
            return True
        if EntityType.PERSON in kinds and kinds <= {
            EntityType.PERSON,
            EntityType.ORGANISATION,
            EntityType.LOCATION,
        }:
            other = right if left.type is EntityType.PERSON else left
            words = text[other.start : other.end].split()
            return bool(words) and all(self._could_be_name(w) for w in words)
        return False

    def _surname_after(self, token: Token) -> bool:
        """A known surname that is also a word, straight after a name: "Duncan May"."""
        word = token.text
        return (
            word.isalpha()
            and word.istitle()
            and word.title() in self.lexicon.surnames
            and word.lower() not in KEEP
            and not sentence_initial(token)
        )

    def _could_be_name(self, word: str) -> bool:
        return (
            word.isalpha()
            and len(word) >= 2
            and (word.istitle() or (word.isupper() and len(word) >= 3))
            and not self.lexicon.is_word(word)
        )

    def residual(self, doc: Doc, accepted: list[Candidate]) -> list[Candidate]:
        """Capitalised words left behind that are neither English words nor known terms.

        A second look for names no recogniser knew ("Qwelbrin"). At the start of a sentence
        a word counts only if the tagger calls it a proper noun.
        """
        covered = coverage(doc.text, accepted)
        residual = []
        for token in doc:
            word = token.text
            if not word.istitle() or not self._could_be_name(word) or word.lower() in KEEP:
                continue
            if covered[token.idx]:
                continue
            if sentence_initial(token) and token.tag_ != "NNP" and not self.lexicon.is_name(word):
                continue
            end = token.idx + len(token)
            residual.append(Candidate(EntityType.PERSON, token.idx, end, 0.3, "residual"))
        return residual


def _word_positions(text: str, word: str) -> list[tuple[int, int]]:
    """Start and end of every whole-word occurrence of ``word`` in ``text``."""
    positions = []
    size = len(word)
    start = text.find(word)
    while start != -1:
        end = start + size
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            positions.append((start, end))
        start = text.find(word, start + 1)
    return positions


def _next_token(by_start: Mapping[int, Token], text: str, position: int) -> Token | None:
    index = position
    if index < len(text) and text[index] == " ":
        index += 1
    elif index < len(text):
        return None
    token = by_start.get(index)
    return token


def _previous_token(by_end: Mapping[int, Token], text: str, position: int) -> Token | None:
    if position == 0 or text[position - 1] != " ":
        return None
    return by_end.get(position - 1)
