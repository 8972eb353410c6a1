"""presidio-research's labelled set (``synth_dataset_v2.json``), read as documents to score
the engine on text it was not written against."""

from __future__ import annotations

import json
from pathlib import Path

from candour.deidentify.synthetic.gold import Document, GoldSpan
from candour.deidentify.types import EntityType

PRESIDIO_SYNTH_TYPES: dict[str, EntityType] = {
    "PERSON": EntityType.PERSON,
    "DATE_TIME": EntityType.DATE,
    "PHONE_NUMBER": EntityType.PHONE,
    "EMAIL_ADDRESS": EntityType.EMAIL,
    "STREET_ADDRESS": EntityType.ADDRESS,
}


def load_presidio_synth(path: str | Path) -> list[Document]:
    """Read presidio-research's ``synth_dataset_v2.json``.

    Only the types in ``PRESIDIO_SYNTH_TYPES`` become gold spans; the ranges of other labelled
    types (ORGANIZATION, GPE, CREDIT_CARD...) go to ``ignore``: neither scored as misses nor
    counted against precision when redacted.
    """
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    docs: list[Document] = []
    for item in items:
        text: str = item["full_text"]
        spans: list[GoldSpan] = []
        ignore: list[tuple[int, int]] = []
        for raw in item.get("spans") or []:
            kind = PRESIDIO_SYNTH_TYPES.get(raw["entity_type"])
            start, end = int(raw["start_position"]), int(raw["end_position"])
            if kind is None:
                ignore.append((start, end))
                continue
            # trim surrounding whitespace so that offsets and value agree exactly
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                spans.append(GoldSpan(kind, start, end, text[start:end]))
        spans.sort(key=lambda s: (s.start, s.end))
        docs.append(Document(text=text, spans=spans, ignore=sorted(ignore)))
    return docs
