"""The de-identification engine: Presidio analysis with UK recognisers, then consistent
labels ("[Child 1]", "[School 2]") applied with Presidio's anonymizer.

Order of work for one text:
1. known people and places (listed by the reporter) are matched exactly, names also by
   each of their parts;
2. Presidio runs the pattern, NER and gazetteer recognisers over a spaCy document;
3. names found anywhere are propagated to every other occurrence, and a name is extended
   over a neighbouring capitalised word that is not an English word;
4. overlaps are resolved by priority (recall first: the uncovered rest of a span is kept);
5. each entity gets a label, the same one for every mention of the same thing; dates keep
   month and year, or are removed, per the date policy;
6. a last pass flags capitalised, non-dictionary words left behind as possible names.

Every step takes time linear (or n log n) in the length of the text, and a caller may give
a time budget (``budget_seconds``): a text the engine cannot finish within it is returned
*missing*, never half-done (ADR 0014).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig
from presidio_anonymizer.entities import RecognizerResult as AnonymizerResult
from spacy.language import Language
from spacy.tokens import Doc, Token

from candour.deidentify import budget, lexicon, offline, patterns
from candour.deidentify.dates import date_replacement
from candour.deidentify.lexicon import KEEP, TITLES, Lexicon
from candour.deidentify.recognizers import (
    GazetteerRecognizer,
    NerRecognizer,
    pattern_recognizers,
    sentence_initial,
)
from candour.deidentify.types import (
    LABELS,
    DatePolicy,
    Entity,
    EntityType,
    KnownEntity,
    Result,
)

DEFAULT_MAX_CHARS = 100_000
SCORE_THRESHOLD = 0.35
# spaCy components the engine does not use: the parser is the slowest part of the pipeline.
# The tagger stays: its NNP tag tells a sentence-initial name from an ordinary word.
EXCLUDED_COMPONENTS = ["parser", "lemmatizer", "senter", "attribute_ruler"]
# spaCy's tokenizer asks its URL pattern about every whitespace-free run of characters, and
# that pattern is quadratic in the run's length (16,000 characters of "a:a:…" take 0.7 s,
# 100,000 would take half a minute). No web address is this long, and candour finds web
# addresses with its own pattern, not with spaCy's tokens, so a longer run is not asked.
URL_MATCH_MAX_CHARS = 300
# How many candidates a step takes between two looks at the budget's clock.
_CHECK_EVERY = 1024
# The most spaCy parses in one go (see _pieces): 5,000 characters of prose take it ~0.15 s,
# of punctuation ~1 s. Most narrative answers are shorter, and are parsed whole.
PIECE_CHARS = 5_000

PRIORITY = {
    # An e-mail address or web address that contains a known name is replaced whole.
    EntityType.EMAIL: 110,
    EntityType.URL: 110,
    "known": 100,
    EntityType.NHS_NUMBER: 90,
    EntityType.NI_NUMBER: 90,
    EntityType.PHONE: 88,
    EntityType.POSTCODE: 88,
    EntityType.CASE_REFERENCE: 87,
    EntityType.DATE_OF_BIRTH: 85,
    EntityType.DATE: 80,
    EntityType.ADDRESS: 75,
    EntityType.SCHOOL: 70,
    EntityType.HEALTH_SETTING: 70,
    EntityType.PERSON: 60,
    EntityType.ORGANISATION: 40,
    EntityType.LOCATION: 40,
}
PLACE_ROLES = {
    "address": EntityType.ADDRESS,
    "street": EntityType.ADDRESS,
    "home": EntityType.ADDRESS,
    "school": EntityType.SCHOOL,
    "nursery": EntityType.SCHOOL,
    "college": EntityType.SCHOOL,
    "hospital": EntityType.HEALTH_SETTING,
    "gp": EntityType.HEALTH_SETTING,
    "gp surgery": EntityType.HEALTH_SETTING,
    "surgery": EntityType.HEALTH_SETTING,
    "health centre": EntityType.HEALTH_SETTING,
    "clinic": EntityType.HEALTH_SETTING,
    "place": EntityType.LOCATION,
    "town": EntityType.LOCATION,
    "organisation": EntityType.ORGANISATION,
    "employer": EntityType.ORGANISATION,
}
_DOB_CONTEXT = re.compile(patterns.DOB_CONTEXT)
# Letters after a name that belong to it: "Giovanna Rodrigues MD".
_NAME_SUFFIXES = frozenset(
    {"MD", "DDS", "PhD", "Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV", "QC", "KC", "MBE", "OBE"}
)
# What may sit between two parts of one name: a space, a hyphen, middle initials, particles.
_NAME_GAP = re.compile(
    r"[ -]|\s(?:[A-Z]\.?\s)+|\s(?:van|von|de|da|di|du|del|della|der|den|ten|ter|le|la|bin|bint"
    r"|al|el|ibn|ap|mac|ó|ni|nic)\s"
)
_TITLE_BEFORE = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|Dr|MR|MRS|MS|MISS|DR)\.?[ \t]+$")


@dataclass
class _Candidate:
    type: EntityType
    start: int
    end: int
    score: float
    source: str
    cluster: str = ""  # filled in when labelling
    role: str = ""  # the reporter's role for a known entity


class _NoContextEnhancer(ContextAwareEnhancer):
    """Our recognisers score their own context; Presidio's lemma-based pass is skipped."""

    def __init__(self) -> None:
        super().__init__(
            context_similarity_factor=0,
            min_score_with_context_similarity=0,
            context_prefix_count=0,
            context_suffix_count=0,
        )

    def enhance_using_context(
        self, text: str, raw_results: list[RecognizerResult], *args: object, **kwargs: object
    ) -> list[RecognizerResult]:
        return raw_results


class _PreloadedSpacyEngine(SpacyNlpEngine):
    """Presidio's spaCy engine around a pipeline we loaded ourselves (never downloads)."""

    def __init__(self, nlp: Language) -> None:
        labels = list(nlp.get_pipe("ner").labels)  # type: ignore[attr-defined]
        # Map every label to itself: the NER recogniser reads the spaCy document directly,
        # and an unmapped label makes Presidio warn on every text.
        configuration = NerModelConfiguration(
            model_to_presidio_entity_mapping={label: label for label in labels},
            labels_to_ignore=labels,
        )
        super().__init__(
            models=[{"lang_code": "en", "model_name": "preloaded"}],
            ner_model_configuration=configuration,
        )
        self.nlp = {"en": nlp}  # type: ignore[assignment]

    def load(self) -> None:
        return None


def _bounded_url_match(
    url_match: Callable[[str], object | None],
) -> Callable[[str], object | None]:
    def match(text: str) -> object | None:
        return url_match(text) if len(text) <= URL_MATCH_MAX_CHARS else None

    return match


@lru_cache(maxsize=2)
def load_pipeline(path: Path) -> Language:
    """The spaCy pipeline, loaded once per process and shared by every engine (~400 MB):
    engines differ only in their organisations' case-reference recognisers."""
    nlp = spacy.load(path, exclude=EXCLUDED_COMPONENTS)
    tokenizer: Any = nlp.tokenizer
    if getattr(tokenizer, "url_match", None) is not None:
        tokenizer.url_match = _bounded_url_match(tokenizer.url_match)
    return nlp


@lru_cache(maxsize=8)
def shared_engine(case_reference_patterns: tuple[str, ...] = ()) -> Deidentifier:
    """One loaded engine per set of case-reference patterns, per process."""
    for pattern in case_reference_patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(str(exc)) from None
    return Deidentifier(case_reference_patterns=case_reference_patterns)


class Deidentifier:
    """Find and replace UK personal identifiers in free text. Load once, reuse."""

    def __init__(
        self,
        *,
        case_reference_patterns: Sequence[str] = (),
        date_policy: DatePolicy = DatePolicy.MONTH_YEAR,
        replace_suspects: bool = True,
        model_path: Path | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        batch_size: int = 32,
    ) -> None:
        offline.prepare()
        path = model_path or offline.default_model_path()
        for pattern in case_reference_patterns:
            re.compile(pattern)  # a bad organisation pattern fails here, not mid-report
        self.date_policy = DatePolicy(date_policy)
        self.replace_suspects = replace_suspects
        self.max_chars = max_chars
        self.batch_size = batch_size
        self.nlp = load_pipeline(Path(path))
        self.lexicon: Lexicon = lexicon.load(Path(path))
        self._nlp_engine = _PreloadedSpacyEngine(self.nlp)
        registry = RecognizerRegistry(supported_languages=["en"])
        for recognizer in [
            *pattern_recognizers(list(case_reference_patterns)),
            NerRecognizer(self.lexicon),
            GazetteerRecognizer(self.lexicon),
        ]:
            registry.add_recognizer(recognizer)
        self.analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=self._nlp_engine,
            supported_languages=["en"],
            default_score_threshold=SCORE_THRESHOLD,
            context_aware_enhancer=_NoContextEnhancer(),
        )
        self.anonymizer = AnonymizerEngine()

    # --- Public API ---------------------------------------------------------------------

    def deidentify(
        self,
        text: str,
        known: Iterable[KnownEntity] = (),
        *,
        budget_seconds: float | None = None,
    ) -> Result:
        return self.deidentify_many([text], [list(known)], budget_seconds=budget_seconds)[0]

    def deidentify_many(
        self,
        texts: Sequence[str],
        known: Sequence[Sequence[KnownEntity]] | None = None,
        *,
        budget_seconds: float | None = None,
    ) -> list[Result]:
        """De-identify many texts, running spaCy in batches (much faster than one by one).

        With ``budget_seconds``, texts go one at a time, and each one not finished when the
        budget runs out (and every one after it) comes back ``missing``.
        """
        for text in texts:
            if len(text) > self.max_chars:
                raise ValueError(
                    f"A text is longer than the maximum of {self.max_chars} characters."
                )
        known_lists = list(known) if known is not None else [[] for _ in texts]
        if len(known_lists) != len(texts):
            raise ValueError("Give one list of known entities per text.")
        results: list[Result] = []
        pieces = [_pieces(text) for text in texts]
        with budget.limit(budget_seconds):
            # spaCy's pipe is lazy: a piece not reached is never parsed. Under a budget the
            # pieces go one by one, so no more than one piece's parse runs past it.
            batch_size = self.batch_size if budget_seconds is None else 1
            docs = iter(self.nlp.pipe((p for ps in pieces for p in ps), batch_size=batch_size))
            for text, text_pieces, known_entities in zip(texts, pieces, known_lists, strict=True):
                try:
                    parsed = []
                    for _piece in text_pieces:
                        budget.check()
                        parsed.append(next(docs))
                    doc = parsed[0]
                    if len(parsed) > 1:
                        doc = Doc.from_docs(parsed, ensure_whitespace=False)
                    results.append(self._deidentify_doc(text, doc, known_entities))
                except budget.BudgetExceeded:
                    break  # this text and every one after it: the budget is spent
        return results + [Result(text="", missing=True) for _ in texts[len(results) :]]

    # --- Steps --------------------------------------------------------------------------

    def _deidentify_doc(self, text: str, doc: Doc, known: Sequence[KnownEntity]) -> Result:
        if not text.strip():
            return Result(text=text, entities=[])
        budget.check()
        candidates = self._known_candidates(text, known)
        artifacts = self._nlp_engine._doc_to_nlp_artifact(doc, "en")
        found = self.analyzer.analyze(
            text, language="en", nlp_artifacts=artifacts, score_threshold=SCORE_THRESHOLD
        )
        candidates.extend(self._from_results(found))
        self._mark_dates_of_birth(text, candidates)
        budget.check()
        residual = self._residual(doc, _resolve_overlaps(text, candidates))
        if self.replace_suspects:
            candidates.extend(residual)
        candidates.extend(self._propagate_names(text, candidates))
        budget.check()
        accepted = _resolve_overlaps(text, candidates)
        accepted = self._extend_names(text, doc, accepted)
        accepted = self._merge_names(text, accepted)
        budget.check()
        entities = self._label(text, accepted)
        if not self.replace_suspects:
            covered = _coverage(text, accepted)
            entities.extend(_entity(c, "", suspect=True) for c in residual if not covered[c.start])
        return Result(text=self._apply(text, entities), entities=entities)

    def _known_candidates(self, text: str, known: Sequence[KnownEntity]) -> list[_Candidate]:
        candidates: list[_Candidate] = []
        # The same person listed twice adds nothing but work (a list is the reporter's input).
        for index, item in enumerate(dict.fromkeys(known)):
            budget.check()
            value = " ".join(item.text.split())
            if len(value) < 2:
                continue
            role = item.role.strip().lower()
            place_type = PLACE_ROLES.get(role)
            kind = place_type or EntityType.PERSON
            cluster = f"known:{index}"
            phrases = [value]
            if place_type is not None:
                # "27 Elm Grove, Northbrook" also matches "27 Elm Grove".
                phrases += [p.strip() for p in value.split(",") if len(p.strip().split()) >= 2]
            for phrase in phrases:
                regex = r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)"
                for match in re.finditer(regex, text, re.IGNORECASE):
                    candidates.append(
                        _Candidate(kind, match.start(), match.end(), 1.0, "known", cluster, role)
                    )
            if place_type is None:
                for token in self._name_tokens(value):
                    for start, end in self._name_occurrences(text, token):
                        # "Mrs Walsh" beside "Kayden Walsh": likely a relative, not the child.
                        title = _TITLE_BEFORE.search(text, max(0, start - 12), start)
                        if title:
                            key = f"titled:{title.group(1).lower()} {token.lower()}"
                            candidates.append(_Candidate(kind, start, end, 1.0, "known", key))
                        else:
                            candidates.append(
                                _Candidate(kind, start, end, 1.0, "known", cluster, role)
                            )
        return candidates

    def _from_results(self, results: list[RecognizerResult]) -> list[_Candidate]:
        candidates = []
        places = {(r.start, r.end) for r in results if r.entity_type == EntityType.LOCATION.value}
        for result in results:
            name = (result.recognition_metadata or {}).get("recognizer_name", "")
            source = {
                "NerRecognizer": "ner",
                "GazetteerRecognizer": "gazetteer",
            }.get(name, "pattern")
            kind = EntityType(result.entity_type)
            if (
                kind is EntityType.PERSON
                and source != "ner"
                and (result.start, result.end) in places
            ):
                kind = EntityType.LOCATION  # "Bradford": a surname, but here NER says a place
            candidates.append(_Candidate(kind, result.start, result.end, result.score, source))
        return candidates

    @staticmethod
    def _mark_dates_of_birth(text: str, candidates: list[_Candidate]) -> None:
        for candidate in candidates:
            if candidate.type is EntityType.DATE:
                before = text[max(0, candidate.start - 30) : candidate.start]
                if _DOB_CONTEXT.search(before):
                    candidate.type = EntityType.DATE_OF_BIRTH

    def _name_tokens(self, name: str) -> list[str]:
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

    def _name_occurrences(self, text: str, token: str) -> list[tuple[int, int]]:
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

    def _propagate_names(self, text: str, candidates: list[_Candidate]) -> list[_Candidate]:
        """Every other occurrence of each part of each name found (residual names stay
        flagged as suspects wherever they are propagated)."""
        propagated = []
        seen: set[str] = set()
        # Sure names first, so a word found by a recogniser is not marked a mere suspect.
        ordered = sorted(candidates, key=lambda c: c.source == "residual")
        for number, candidate in enumerate(ordered):
            if number % _CHECK_EVERY == _CHECK_EVERY - 1:
                budget.check()
            if candidate.type is not EntityType.PERSON or candidate.source == "known":
                continue
            suspect = candidate.source == "residual"
            for token in self._name_tokens(text[candidate.start : candidate.end]):
                if token.lower() in seen:
                    continue
                seen.add(token.lower())
                source, score = ("residual", 0.3) if suspect else ("propagation", 0.5)
                for start, end in self._name_occurrences(text, token):
                    propagated.append(_Candidate(EntityType.PERSON, start, end, score, source))
        return propagated

    def _extend_names(self, text: str, doc: Doc, accepted: list[_Candidate]) -> list[_Candidate]:
        """Grow a name over a neighbouring capitalised word that is not an English word."""
        covered = _coverage(text, accepted)
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
                    or _is_covered(covered, following.idx, following.idx + len(following))
                ):
                    break
                candidate.end = following.idx + len(following)
            while True:
                previous = _previous_token(by_end, text, candidate.start)
                if previous is None or _is_covered(
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

    def _merge_names(self, text: str, accepted: list[_Candidate]) -> list[_Candidate]:
        """Join name parts found separately ("Faith" + "Adeyemi") into one person.

        A neighbouring organisation or place span made of capitalised non-words is taken
        as part of the name too (NER often tags an unfamiliar first name ORG).
        """
        ordered = sorted(accepted, key=lambda c: c.start)
        merged: list[_Candidate] = []
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

    def _joins(self, text: str, left: _Candidate, right: _Candidate) -> bool:
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

    def _label(self, text: str, accepted: list[_Candidate]) -> list[Entity]:
        clusters = _person_clusters(text, accepted, self._name_tokens)
        numbers: dict[str, int] = {}
        labels: dict[str, str] = {}
        entities = []
        for candidate in sorted(accepted, key=lambda c: c.start):
            key = clusters.get(id(candidate)) or _cluster_key(text, candidate)
            if candidate.type in (EntityType.DATE, EntityType.DATE_OF_BIRTH):
                replacement = date_replacement(
                    text[candidate.start : candidate.end],
                    is_birth=candidate.type is EntityType.DATE_OF_BIRTH,
                    policy=self.date_policy,
                )
                if replacement is not None:
                    entities.append(_entity(candidate, replacement))
                    continue
            if key not in labels:
                label = _label_for(candidate)
                numbers[label] = numbers.get(label, 0) + 1
                labels[key] = f"[{label} {numbers[label]}]"
            entities.append(_entity(candidate, labels[key]))
        return entities

    def _residual(self, doc: Doc, accepted: list[_Candidate]) -> list[_Candidate]:
        """Capitalised words left behind that are neither English words nor known terms.

        A second look for names no recogniser knew ("Qwelbrin"). At the start of a sentence
        a word counts only if the tagger calls it a proper noun.
        """
        covered = _coverage(doc.text, accepted)
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
            residual.append(_Candidate(EntityType.PERSON, token.idx, end, 0.3, "residual"))
        return residual

    def _apply(self, text: str, entities: list[Entity]) -> str:
        """Replace every entity that has a replacement, using Presidio's anonymizer."""
        chosen = [e for e in entities if e.replacement]
        if not chosen:
            return text
        by_span = {(e.start, e.end): e.replacement for e in chosen}
        results = [AnonymizerResult(f"E{i}", e.start, e.end, e.score) for i, e in enumerate(chosen)]
        operators = {
            f"E{i}": OperatorConfig("replace", {"new_value": by_span[(e.start, e.end)]})
            for i, e in enumerate(chosen)
        }
        return self.anonymizer.anonymize(
            text=text,
            analyzer_results=results,
            operators=operators,
        ).text


_SMALL_WORDS = {"and", "of", "the", "de", "la", "van", "von", "der", "da", "di", "bin", "al"}


def _pieces(text: str) -> list[str]:
    """The text in pieces of at most PIECE_CHARS for spaCy, joined again they are the text.

    spaCy cannot be stopped part-way through a text, and 20,000 characters of punctuation
    ("a-a-a…": a token each) take it seconds, so a long text is parsed piece by piece (and
    the pieces' documents joined), cut between paragraphs, else at a line break, else after
    a sentence, else at a space, else anywhere.
    """
    if len(text) <= PIECE_CHARS:
        return [text]
    pieces = []
    start = 0
    while len(text) - start > PIECE_CHARS:
        window = text[start : start + PIECE_CHARS]
        cut = _cut(window, PIECE_CHARS // 2) or _cut(window, 1) or PIECE_CHARS
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def _cut(window: str, earliest: int) -> int:
    """Where to end a piece: after the last, best separator from ``earliest`` on (0: none)."""
    for separator in ("\n\n", "\n", ". ", " "):
        found = window.rfind(separator, earliest)
        if found != -1:
            return found + len(separator)
    return 0


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


def _entity(candidate: _Candidate, replacement: str, *, suspect: bool = False) -> Entity:
    return Entity(
        type=candidate.type,
        start=candidate.start,
        end=candidate.end,
        score=round(candidate.score, 3),
        replacement=replacement,
        source=candidate.source,
        suspect=suspect or candidate.source == "residual",
    )


def _label_for(candidate: _Candidate) -> str:
    if candidate.role and candidate.role not in PLACE_ROLES:
        return candidate.role[:1].upper() + candidate.role[1:]
    return LABELS[candidate.type]


def _priority(candidate: _Candidate) -> int:
    if candidate.source == "known" and candidate.type not in (EntityType.EMAIL, EntityType.URL):
        return PRIORITY["known"]
    return PRIORITY[candidate.type]


def _resolve_overlaps(text: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep the strongest claim on every character; keep what is left of weaker spans."""
    ordered = sorted(
        candidates, key=lambda c: (-_priority(c), -(c.end - c.start), -c.score, c.start)
    )
    accepted: list[_Candidate] = []
    # What is taken so far: disjoint spans in order (their starts and ends), so each
    # candidate looks only at the spans it overlaps, not at every span before it (with
    # thousands of dates in one text that was quadratic: seconds per text).
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    for number, candidate in enumerate(ordered):
        if number % _CHECK_EVERY == _CHECK_EVERY - 1:
            budget.check()
        pieces = _uncovered(taken_starts, taken_ends, candidate.start, candidate.end)
        whole = pieces == [(candidate.start, candidate.end)]
        for piece_start, piece_end in pieces:
            segment = text[piece_start:piece_end]
            piece_start += len(segment) - len(segment.lstrip())
            piece_end -= len(segment) - len(segment.rstrip())
            if piece_end <= piece_start:
                continue
            piece = replace(candidate, start=piece_start, end=piece_end)
            if not whole and not _worth_keeping(piece):
                continue
            accepted.append(piece)
            index = bisect.bisect_left(taken_starts, piece_start)
            taken_starts.insert(index, piece_start)
            taken_ends.insert(index, piece_end)
    return accepted


def _uncovered(starts: list[int], ends: list[int], start: int, end: int) -> list[tuple[int, int]]:
    """The parts of [start, end) that no taken span (disjoint, sorted) covers, in order."""
    pieces = []
    index = bisect.bisect_right(ends, start)  # the first span ending after ``start``
    position = start
    while index < len(starts) and starts[index] < end:
        if starts[index] > position:
            pieces.append((position, starts[index]))
        position = max(position, ends[index])
        index += 1
    if position < end:
        pieces.append((position, end))
    return pieces


def _worth_keeping(piece: _Candidate) -> bool:
    """A leftover piece of a weaker span is kept only if it is more than a letter or two."""
    return piece.end - piece.start >= 3


def _coverage(text: str, accepted: list[_Candidate]) -> bytearray:
    """One byte per character of the text: 1 where an accepted entity covers it."""
    covered = bytearray(len(text) + 1)
    for candidate in accepted:
        covered[candidate.start : candidate.end] = b"\x01" * (candidate.end - candidate.start)
    return covered


def _is_covered(covered: bytearray, start: int, end: int) -> bool:
    return any(covered[start:end])


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


def _cluster_key(text: str, candidate: _Candidate) -> str:
    value = text[candidate.start : candidate.end]
    if candidate.cluster:
        return candidate.cluster
    if candidate.type in (EntityType.NHS_NUMBER, EntityType.PHONE):
        normal = re.sub(r"\D", "", value)
    else:
        normal = " ".join(re.sub(r"[^\w\s]", "", value).lower().split())
    return f"{candidate.type.value}:{normal}"


def _person_clusters(
    text: str, accepted: list[_Candidate], name_tokens: Callable[[str], list[str]]
) -> dict[int, str]:
    """Give every mention of one person the same cluster, so the same label.

    A full name is its own cluster; a single name ("Kayden") joins the one full name that
    contains it, if exactly one does.
    """
    people = [c for c in accepted if c.type is EntityType.PERSON]
    clusters: dict[int, str] = {}
    full_names: dict[str, set[str]] = {}
    for candidate in people:
        if candidate.cluster:
            clusters[id(candidate)] = candidate.cluster
            continue
        tokens = [t.lower() for t in name_tokens(text[candidate.start : candidate.end])]
        if len(tokens) >= 2:
            key = "person:" + " ".join(tokens)
            full_names[key] = set(tokens)
            clusters[id(candidate)] = key
    # Which full names each name token belongs to (a look-up, not a scan of every full name
    # for every single name: quadratic in a text of many names).
    full_names_of: dict[str, set[str]] = {}
    for key, parts in full_names.items():
        for part in parts:
            full_names_of.setdefault(part, set()).add(key)
    known_tokens: dict[str, set[str]] = {}
    for candidate in people:
        if candidate.cluster:
            for token in name_tokens(text[candidate.start : candidate.end]):
                known_tokens.setdefault(token.lower(), set()).add(candidate.cluster)
    for candidate in people:
        if id(candidate) in clusters:
            continue
        tokens = [t.lower() for t in name_tokens(text[candidate.start : candidate.end])]
        key = "person:" + " ".join(tokens)
        title = _TITLE_BEFORE.search(text, max(0, candidate.start - 12), candidate.start)
        if title and len(tokens) == 1:
            # "Mr Eze" and "Mrs Eze" are two people.
            clusters[id(candidate)] = f"titled:{title.group(1).lower()} {tokens[0]}"
            continue
        if len(tokens) == 1:
            owners = known_tokens.get(tokens[0]) or full_names_of.get(tokens[0], set())
            if len(owners) == 1:
                key = next(iter(owners))
        clusters[id(candidate)] = key
    return clusters
