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

This module holds the engine and runs the steps; ``pipeline`` loads spaCy and cuts long
texts, ``recognizers`` and ``spacy_recognizers`` find candidates, ``names`` finds more
names (steps 1, 3 and 6), ``spans`` resolves overlaps and groups mentions for labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig
from presidio_anonymizer.entities import RecognizerResult as AnonymizerResult
from spacy.tokens import Doc

from candour.deidentify import budget, lexicon, offline, patterns
from candour.deidentify.dates import date_replacement
from candour.deidentify.lexicon import Lexicon
from candour.deidentify.names import NameFinder
from candour.deidentify.pipeline import (
    NoContextEnhancer,
    PreloadedSpacyEngine,
    cut_into_pieces,
    load_pipeline,
)
from candour.deidentify.recognizers import pattern_recognizers
from candour.deidentify.spacy_recognizers import GazetteerRecognizer, NerRecognizer
from candour.deidentify.spans import (
    PLACE_ROLES,
    TITLE_BEFORE,
    Candidate,
    cluster_key,
    coverage,
    label_for,
    person_clusters,
    resolve_overlaps,
    to_entity,
)
from candour.deidentify.types import DatePolicy, Entity, EntityType, KnownEntity, Result

DEFAULT_MAX_CHARS = 100_000
SCORE_THRESHOLD = 0.35
_DOB_CONTEXT = re.compile(patterns.DOB_CONTEXT)


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
        self.names = NameFinder(self.lexicon)
        self._nlp_engine = PreloadedSpacyEngine(self.nlp)
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
            context_aware_enhancer=NoContextEnhancer(),
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
        pieces = [cut_into_pieces(text) for text in texts]
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
        residual = self.names.residual(doc, resolve_overlaps(text, candidates))
        if self.replace_suspects:
            candidates.extend(residual)
        candidates.extend(self.names.propagate_names(text, candidates))
        budget.check()
        accepted = resolve_overlaps(text, candidates)
        accepted = self.names.extend_names(text, doc, accepted)
        accepted = self.names.merge_names(text, accepted)
        budget.check()
        entities = self._label(text, accepted)
        if not self.replace_suspects:
            covered = coverage(text, accepted)
            entities.extend(
                to_entity(c, "", suspect=True) for c in residual if not covered[c.start]
            )
        return Result(text=self._apply(text, entities), entities=entities)

    def _known_candidates(self, text: str, known: Sequence[KnownEntity]) -> list[Candidate]:
        candidates: list[Candidate] = []
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
                        Candidate(kind, match.start(), match.end(), 1.0, "known", cluster, role)
                    )
            if place_type is None:
                for token in self.names.name_tokens(value):
                    for start, end in self.names.name_occurrences(text, token):
                        # "Mrs Walsh" beside "Kayden Walsh": likely a relative, not the child.
                        title = TITLE_BEFORE.search(text, max(0, start - 12), start)
                        if title:
                            key = f"titled:{title.group(1).lower()} {token.lower()}"
                            candidates.append(Candidate(kind, start, end, 1.0, "known", key))
                        else:
                            candidates.append(
                                Candidate(kind, start, end, 1.0, "known", cluster, role)
                            )
        return candidates

    def _from_results(self, results: list[RecognizerResult]) -> list[Candidate]:
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
            candidates.append(Candidate(kind, result.start, result.end, result.score, source))
        return candidates

    @staticmethod
    def _mark_dates_of_birth(text: str, candidates: list[Candidate]) -> None:
        for candidate in candidates:
            if candidate.type is EntityType.DATE:
                before = text[max(0, candidate.start - 30) : candidate.start]
                if _DOB_CONTEXT.search(before):
                    candidate.type = EntityType.DATE_OF_BIRTH

    def _label(self, text: str, accepted: list[Candidate]) -> list[Entity]:
        clusters = person_clusters(text, accepted, self.names.name_tokens)
        numbers: dict[str, int] = {}
        labels: dict[str, str] = {}
        entities = []
        for candidate in sorted(accepted, key=lambda c: c.start):
            key = clusters.get(id(candidate)) or cluster_key(text, candidate)
            if candidate.type in (EntityType.DATE, EntityType.DATE_OF_BIRTH):
                replacement = date_replacement(
                    text[candidate.start : candidate.end],
                    is_birth=candidate.type is EntityType.DATE_OF_BIRTH,
                    policy=self.date_policy,
                )
                if replacement is not None:
                    entities.append(to_entity(candidate, replacement))
                    continue
            if key not in labels:
                label = label_for(candidate)
                numbers[label] = numbers.get(label, 0) + 1
                labels[key] = f"[{label} {numbers[label]}]"
            entities.append(to_entity(candidate, labels[key]))
        return entities

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
