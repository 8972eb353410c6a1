"""The spaCy pipeline and Presidio's wrappers around it, and a long text cut into pieces
for spaCy (ADR 0014).

``load_pipeline`` holds the one loaded pipeline per process (~400 MB), shared by every
engine; the engine (``engine.Deidentifier``) is built on it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from presidio_analyzer import RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from spacy.language import Language

# spaCy components the engine does not use: the parser is the slowest part of the pipeline.
# The tagger stays: its NNP tag tells a sentence-initial name from an ordinary word.
EXCLUDED_COMPONENTS = ["parser", "lemmatizer", "senter", "attribute_ruler"]
# spaCy's tokenizer asks its URL pattern about every whitespace-free run of characters, and
# that pattern is quadratic in the run's length (16,000 characters of "a:a:…" take 0.7 s,
# 100,000 would take half a minute). No web address is this long, and candour finds web
# addresses with its own pattern, not with spaCy's tokens, so a longer run is not asked.
URL_MATCH_MAX_CHARS = 300
# The most spaCy parses in one go (see cut_into_pieces): 5,000 characters of prose take it
# ~0.15 s, of punctuation ~1 s. Most narrative answers are shorter, and are parsed whole.
PIECE_CHARS = 5_000


class NoContextEnhancer(ContextAwareEnhancer):
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


class PreloadedSpacyEngine(SpacyNlpEngine):
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


def bounded_url_match(
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
        tokenizer.url_match = bounded_url_match(tokenizer.url_match)
    return nlp


def cut_into_pieces(text: str) -> list[str]:
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
