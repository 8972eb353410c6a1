"""Candidate spans and the entities they become: which claim on each character wins
(recall first: the uncovered rest of a weaker span is kept), which mentions are one person
or thing and so share a label, and what the label says.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from candour.deidentify import budget
from candour.deidentify.types import LABELS, Entity, EntityType

# How many candidates a step takes between two looks at the budget's clock.
CHECK_EVERY = 1024

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
TITLE_BEFORE = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|Dr|MR|MRS|MS|MISS|DR)\.?[ \t]+$")


@dataclass
class Candidate:
    type: EntityType
    start: int
    end: int
    score: float
    source: str
    cluster: str = ""  # filled in when labelling
    role: str = ""  # the reporter's role for a known entity


def to_entity(candidate: Candidate, replacement: str, *, suspect: bool = False) -> Entity:
    return Entity(
        type=candidate.type,
        start=candidate.start,
        end=candidate.end,
        score=round(candidate.score, 3),
        replacement=replacement,
        source=candidate.source,
        suspect=suspect or candidate.source == "residual",
    )


def label_for(candidate: Candidate) -> str:
    if candidate.role and candidate.role not in PLACE_ROLES:
        return candidate.role[:1].upper() + candidate.role[1:]
    return LABELS[candidate.type]


def _priority(candidate: Candidate) -> int:
    if candidate.source == "known" and candidate.type not in (EntityType.EMAIL, EntityType.URL):
        return PRIORITY["known"]
    return PRIORITY[candidate.type]


def resolve_overlaps(text: str, candidates: list[Candidate]) -> list[Candidate]:
    """Keep the strongest claim on every character; keep what is left of weaker spans."""
    ordered = sorted(
        candidates, key=lambda c: (-_priority(c), -(c.end - c.start), -c.score, c.start)
    )
    accepted: list[Candidate] = []
    # What is taken so far: disjoint spans in order (their starts and ends), so each
    # candidate looks only at the spans it overlaps, not at every span before it (with
    # thousands of dates in one text that was quadratic: seconds per text).
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    for number, candidate in enumerate(ordered):
        if number % CHECK_EVERY == CHECK_EVERY - 1:
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


def _worth_keeping(piece: Candidate) -> bool:
    """A leftover piece of a weaker span is kept only if it is more than a letter or two."""
    return piece.end - piece.start >= 3


def coverage(text: str, accepted: list[Candidate]) -> bytearray:
    """One byte per character of the text: 1 where an accepted entity covers it."""
    covered = bytearray(len(text) + 1)
    for candidate in accepted:
        covered[candidate.start : candidate.end] = b"\x01" * (candidate.end - candidate.start)
    return covered


def is_covered(covered: bytearray, start: int, end: int) -> bool:
    return any(covered[start:end])


def cluster_key(text: str, candidate: Candidate) -> str:
    value = text[candidate.start : candidate.end]
    if candidate.cluster:
        return candidate.cluster
    if candidate.type in (EntityType.NHS_NUMBER, EntityType.PHONE):
        normal = re.sub(r"\D", "", value)
    else:
        normal = " ".join(re.sub(r"[^\w\s]", "", value).lower().split())
    return f"{candidate.type.value}:{normal}"


def person_clusters(
    text: str, accepted: list[Candidate], name_tokens: Callable[[str], list[str]]
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
        title = TITLE_BEFORE.search(text, max(0, candidate.start - 12), candidate.start)
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
