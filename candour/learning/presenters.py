"""How learning's pages show reports: labels for codes, rows of search results. No queries."""

from __future__ import annotations

import calendar
from dataclasses import dataclass

from django.utils.safestring import SafeString

from candour.learning.models.search import IndexedReport
from candour.reporting.vocabulary import (
    KIND_SHORT,
    Detection,
    Harm,
    LondonFactor,
    SciePattern,
    ServiceArea,
)


@dataclass(frozen=True)
class Summary:
    kind: str
    service_area: str
    harm: str
    detection: str
    scie_patterns: list[str]
    london_factors: list[str]


@dataclass(frozen=True)
class ResultRow:
    reference: str
    released_on: object
    snippet: SafeString
    summary: Summary
    authority: str


def _codes(indexed: IndexedReport, prefix: str) -> list[str]:
    return [token.split(":", 1)[1] for token in indexed.codes.split() if token.startswith(prefix)]


def summary(indexed: IndexedReport) -> Summary:
    scie = dict(SciePattern.choices)
    london = dict(LondonFactor.choices)
    return Summary(
        kind=KIND_SHORT.get(indexed.kind, indexed.kind),
        service_area=dict(ServiceArea.choices).get(indexed.service_area, indexed.service_area),
        harm=dict(Harm.choices).get(indexed.harm, indexed.harm),
        detection=dict(Detection.choices).get(indexed.detection, "Not coded yet"),
        scie_patterns=[scie.get(v, v) for v in _codes(indexed, "scie:")],
        london_factors=[london.get(v, v) for v in _codes(indexed, "london:")],
    )


def results(
    page: list[IndexedReport], *, snippets: dict[int, SafeString], authorities: dict[int, str]
) -> list[ResultRow]:
    return [
        ResultRow(
            reference=indexed.reference,
            released_on=indexed.released_on,
            snippet=snippets[indexed.pk],
            summary=summary(indexed),
            authority=authorities.get(indexed.organisation_id, ""),
        )
        for indexed in page
    ]


@dataclass(frozen=True)
class Trend:
    """A trap's reports a month over the last twelve months, and which way they go."""

    months: list[tuple[str, int]]
    direction: str  # "Rising", "Falling", "Steady" or "Too few reports to tell"


TREND_MONTHS = 12
TREND_MIN_REPORTS = 6


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{calendar.month_abbr[int(month)]} {year}"


def trend(months: list[list[object]]) -> Trend:
    """The last twelve months up to the latest with a report, gaps as zero, and the sign of
    a least-squares slope: rising or falling only when the fitted change over the year is
    at least two reports a month (a pointer for analysts; SPC charts come later)."""
    counts = {str(month): int(str(count)) for month, count in months}
    if not counts:
        return Trend([], "Too few reports to tell")
    last_year, last_month = (int(part) for part in max(counts).split("-"))
    keys = []
    for back in range(TREND_MONTHS - 1, -1, -1):
        index = last_year * 12 + last_month - 1 - back
        keys.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
    series = [counts.get(key, 0) for key in keys]
    labelled = [(_month_label(key), count) for key, count in zip(keys, series, strict=True)]
    if sum(series) < TREND_MIN_REPORTS:
        return Trend(labelled, "Too few reports to tell")
    n = len(series)
    mean_x, mean_y = (n - 1) / 2, sum(series) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(series)) / sum(
        (x - mean_x) ** 2 for x in range(n)
    )
    change = slope * (n - 1)
    direction = "Rising" if change >= 2 else "Falling" if change <= -2 else "Steady"
    return Trend(labelled, direction)


def code_label(code: str) -> str:
    kind, _, value = code.partition(":")
    names = dict(SciePattern.choices) if kind == "scie" else dict(LondonFactor.choices)
    return names.get(value, value)
