"""A labelled document (its text and ``GoldSpan``s, the words to keep), its check, and the
builder that records the spans as a paragraph is written."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from candour.deidentify.types import EntityType, KnownEntity

# Case-reference formats used by the generator, one regex per format; each matches exactly the
# gold span (for Mosaic IDs the number after the label).
CASE_REFERENCE_PATTERNS: list[str] = [
    r"\bNB-20\d{2}-\d{5}\b",
    r"\bCR/20\d{2}/\d{4}\b",
    r"(?:(?<=Mosaic ID )|(?<=Mosaic ID: )|(?<=Mosaic number ))\d{7}\b",
]


@dataclass(frozen=True)
class GoldSpan:
    type: EntityType
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class Document:
    text: str
    spans: list[GoldSpan]
    known: list[KnownEntity] = field(default_factory=list)
    # Ordinary words that look like names and must be kept ("faith in the plan").
    keep: list[tuple[int, int]] = field(default_factory=list)
    # Other non-identifiers that should be kept: role words, labels, ages, times.
    plain: list[tuple[int, int]] = field(default_factory=list)
    # Ranges left out of scoring altogether (labelled types outside EntityType in external sets).
    ignore: list[tuple[int, int]] = field(default_factory=list)


Seg = tuple[str, EntityType | None]


class Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[GoldSpan] = []
        self.keep: list[tuple[int, int]] = []

    def lit(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def span(self, kind: EntityType, value: str) -> None:
        self.spans.append(GoldSpan(kind, self.length, self.length + len(value), value))
        self.lit(value)

    def kept(self, value: str) -> None:
        self.keep.append((self.length, self.length + len(value)))
        self.lit(value)

    def mark(self) -> tuple[int, int, int, int]:
        return (len(self.parts), self.length, len(self.spans), len(self.keep))

    def reset(self, mark: tuple[int, int, int, int]) -> None:
        del self.parts[mark[0] :]
        self.length = mark[1]
        del self.spans[mark[2] :]
        del self.keep[mark[3] :]

    def text(self) -> str:
        return "".join(self.parts)


def check_document(doc: Document) -> None:
    """Raise ValueError unless every span matches its value and no ranges collide."""
    spans = sorted(doc.spans, key=lambda s: s.start)
    for span in spans:
        if doc.text[span.start : span.end] != span.value:
            raise ValueError(f"span {span} does not match {doc.text[span.start : span.end]!r}")
        if span.value != span.value.strip() or not span.value:
            raise ValueError(f"span {span} has surrounding space or is empty")
    for a, b in itertools.pairwise(spans):
        if b.start < a.end:
            raise ValueError(f"overlapping spans {a} and {b}")
    for start, end in doc.keep:
        if any(s.start < end and start < s.end for s in spans):
            raise ValueError(f"kept range {doc.text[start:end]!r} overlaps a gold span")
