"""The corpus: ``generate(n, seed)`` writes ``n`` paragraphs, each from its own seeded
generator, with the role words, labels, ages and times in them marked as plain text."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from candour.deidentify.synthetic.case import Case
from candour.deidentify.synthetic.gold import Builder, Document, GoldSpan, check_document
from candour.deidentify.synthetic.templates import (
    BODY,
    CLOSERS,
    HEADERS,
    KEEP_SENTENCES,
    OPENERS,
)

MIN_CHARS = 400
MAX_CHARS = 900
# Non-identifiers worth keeping (precision): role words, labels, ages, times, relative dates.
_PLAIN_PATTERNS = re.compile(
    r"\b(?:GP|MASH|IRO|EDT|Ofsted|LADO|CAMHS|A&E|NHS|NI|EHCP|CIN|DSL|Section 47|"
    r"Child Protection Plan|Early Help|Children in Need|Assessment Team|"
    r"Designated Safeguarding Lead|National Insurance|Child Abuse Investigation Team|"
    r"social worker|health visitor|team manager|kinship carer|foster carer|police|"
    r"Mosaic ID:?|Mosaic number|front door|DOB:?|DoB|D\.O\.B\.|d\.o\.b\.|date of birth:?|"
    r"aged \d+(?: months)?|age \d+|\d+-year-old|\d{1,2}(?:[.:]\d{2})?(?:am|pm)|\d{2}:\d{2}|"
    r"within 24 hours|three weeks|the same afternoon|the following week|three times|999)"
)


def _build_document(rng: random.Random) -> Document:
    case = Case(rng)
    out = Builder()
    target = rng.randint(MIN_CHARS + 20, MAX_CHARS - 40)
    if rng.random() < 0.25:
        case.render(rng.choice(HEADERS), out)
    scenario = rng.choice(sorted(OPENERS))
    if scenario == "nursery":
        case.child_age = rng.randint(1, 4)
    case.render(rng.choice(OPENERS[scenario]), out)
    used: set[str] = set()
    keep_budget = 1 if rng.random() < 0.55 else 0
    if rng.random() < 0.15:
        keep_budget += 1
    failures = 0
    while out.length < target and failures < 8:
        if keep_budget and rng.random() < 0.4:
            template = rng.choice(KEEP_SENTENCES)
        elif rng.random() < 0.08:
            template = rng.choice(CLOSERS)
        else:
            template = rng.choice(BODY)
        if template in used:
            failures += 1
            continue
        mark, snap = out.mark(), case.snapshot()
        out.lit(" ")
        case.render(template, out)
        if out.length > MAX_CHARS:
            out.reset(mark)
            case.restore(snap)
            failures += 1
            continue
        used.add(template)
        if template in KEEP_SENTENCES:
            keep_budget -= 1
    while keep_budget:  # place the kept-word sentence even in a long paragraph, if it fits
        mark, snap = out.mark(), case.snapshot()
        out.lit(" ")
        case.render(rng.choice(KEEP_SENTENCES), out)
        keep_budget -= 1
        if out.length > MAX_CHARS:
            out.reset(mark)
            case.restore(snap)
    text = out.text()
    plain = _plain_ranges(text, out.spans)
    known = [case.known[k] for k in sorted(case.known)]
    doc = Document(text=text, spans=list(out.spans), known=known, keep=list(out.keep), plain=plain)
    check_document(doc)
    return doc


def _plain_ranges(text: str, spans: Sequence[GoldSpan]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for match in _PLAIN_PATTERNS.finditer(text):
        start, end = match.span()
        if any(s.start < end and start < s.end for s in spans):
            continue
        out.append((start, end))
    return out


def generate(n: int, seed: int) -> list[Document]:
    """``n`` synthetic case-note paragraphs; the same ``seed`` always gives the same corpus."""
    # Synthetic test data, not security: a seeded pseudo-random generator is what is wanted.
    rngs = (random.Random(f"candour-synth:{seed}:{i}") for i in range(n))  # noqa: S311
    return [_build_document(rng) for rng in rngs]
