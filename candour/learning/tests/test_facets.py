"""The filters' words: one distinct word per value, which no stemmer changes."""

from __future__ import annotations

import pytest

from candour.learning import facets
from candour.reporting import vocabulary


@pytest.mark.parametrize(
    ("facet", "choices"),
    [
        (facets.KIND, vocabulary.Kind),
        (facets.SERVICE_AREA, vocabulary.ServiceArea),
        (facets.HARM, vocabulary.Harm),
        (facets.DETECTION, vocabulary.Detection),
        (facets.SCIE, vocabulary.SciePattern),
        (facets.LONDON, vocabulary.LondonFactor),
    ],
)
def test_every_value_has_its_own_word_ending_in_a_digit(facet, choices):
    words = [facets.word(facet, value) for value in choices.values]
    assert len(set(words)) == len(words)
    assert all(w.isalnum() and w.isascii() and w[-1].isdigit() for w in words)


def test_a_report_has_a_word_for_each_of_its_values():
    words = facets.report_words(
        organisation_id=7,
        kind="near_miss",
        service_area="assessment",
        harm="none",
        detection="",
        scie_patterns=["human_judgement"],
        london_factors=["team", "task"],
        year=2026,
    ).split()
    assert words == [
        "org7",
        "knearmiss0",
        "aassessment0",
        "hnone0",
        "y20260",
        "shumanjudgement0",
        "lteam0",
        "ltask0",
    ]


def test_filters_become_clauses_and_a_period_its_years():
    assert facets.filter_clauses() == []
    assert facets.filter_clauses(kind="incident", from_year=2024, to_year=2025) == [
        ("kincident0",),
        ("y20240", "y20250"),
    ]
    assert facets.filter_clauses(to_year=2001) == [("y20000", "y20010")]
    assert facets.filter_clauses(from_year=2026, to_year=2025) == [("ynone0",)]
    assert facets.fts5_expression([("a0",), ("b0", "c0")]) == "scope : ((a0) AND (b0 OR c0))"
    assert facets.tsquery([("a0",), ("b0", "c0")]) == "(a0) & (b0 | c0)"
