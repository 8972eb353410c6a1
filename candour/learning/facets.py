"""Search filters as words in the full-text index, so that filtering is a full-text lookup.

A report's kind, service area, harm, detection, codes, year and authority are written as
words beside its text (SQLite: FTS5's ``scope`` column; PostgreSQL: a second, GIN-indexed
vector), and a filter becomes a query for those words. Then a filter alone, or a filter with
a common word, is answered from the index's lists of reports, newest first, however few of a
million reports it allows; walking the reports and testing each one read the whole table
for a rare combination (ADR 0019). Typed words are never looked for among these words.

Every word is a letter, the value's letters and digits, and a final ``0``: FTS5's porter
stemmer leaves a word ending in a digit alone, so two values never stem to one word.
No Django here: the index writer, the search and the benchmark all use these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# The years a search period may give (the search form's bounds).
FIRST_YEAR = 2000
LAST_YEAR = 2100

KIND, SERVICE_AREA, HARM, DETECTION, SCIE, LONDON, YEAR = "k", "a", "h", "d", "s", "l", "y"
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]")

Clause = tuple[str, ...]  # any one of these words


def word(facet: str, value: str | int) -> str:
    """The index word for one value of one facet."""
    return f"{facet}{_NOT_ALPHANUMERIC.sub('', str(value).lower())}0"


def authority_word(organisation_id: int) -> str:
    """The word that stands for the report's authority: an authority's own search asks
    for it, so the index reads that authority's matches only."""
    return f"org{organisation_id}"


def report_words(
    *,
    organisation_id: int,
    kind: str,
    service_area: str,
    harm: str,
    detection: str,
    scie_patterns: Iterable[str],
    london_factors: Iterable[str],
    year: int,
) -> str:
    """The words written beside one report's text, space-separated."""
    words = [
        authority_word(organisation_id),
        word(KIND, kind),
        word(SERVICE_AREA, service_area),
        word(HARM, harm),
        word(YEAR, year),
    ]
    if detection:
        words.append(word(DETECTION, detection))
    words += [word(SCIE, value) for value in scie_patterns]
    words += [word(LONDON, value) for value in london_factors]
    return " ".join(words)


def period_years(from_year: int | None, to_year: int | None) -> range:
    """The years of a search period, open ends taken to the form's bounds."""
    first = max(from_year if from_year is not None else FIRST_YEAR, FIRST_YEAR)
    last = min(to_year if to_year is not None else LAST_YEAR, LAST_YEAR)
    return range(first, last + 1)


def filter_clauses(
    *,
    kind: str = "",
    service_area: str = "",
    harm: str = "",
    detection: str = "",
    scie_pattern: str = "",
    london_factor: str = "",
    from_year: int | None = None,
    to_year: int | None = None,
) -> list[Clause]:
    """The filters as clauses that must all hold (each: any one of its words); none if
    nothing is filtered on."""
    clauses: list[Clause] = [
        (word(facet, value),)
        for facet, value in (
            (KIND, kind),
            (SERVICE_AREA, service_area),
            (HARM, harm),
            (DETECTION, detection),
            (SCIE, scie_pattern),
            (LONDON, london_factor),
        )
        if value
    ]
    if from_year is not None or to_year is not None:
        years = tuple(word(YEAR, year) for year in period_years(from_year, to_year))
        clauses.append(years or (word(YEAR, "none"),))  # no year: a word no report has
    return clauses


def fts5_expression(clauses: Sequence[Clause]) -> str:
    """The clauses as an FTS5 expression over the ``scope`` column (words are alphanumeric,
    so none is an operator)."""
    return "scope : (" + " AND ".join(f"({' OR '.join(c)})" for c in clauses) + ")"


def tsquery(clauses: Sequence[Clause]) -> str:
    """The clauses as a PostgreSQL ``to_tsquery`` text for the ``simple`` configuration."""
    return " & ".join(f"({' | '.join(c)})" for c in clauses)
