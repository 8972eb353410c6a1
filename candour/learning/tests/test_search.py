"""Full-text search over released reports: the same answers on SQLite (FTS5) and
PostgreSQL (tsvector), whatever a person types."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from candour.learning import facets
from candour.learning import query as query_syntax
from candour.learning.models.search import IndexedReport
from candour.learning.selectors import search
from candour.learning.selectors.search import Filters
from candour.learning.tests.conftest import MARKER, code

pytestmark = pytest.mark.django_db

CHRONOLOGY = "The duty manager checked the chronology and the child was not sent home."
HOSPITAL = "A hospital discharge letter was filed without being read by the social worker."
BOTH = "The chronologies were late, and the chronology was not read before the hospital visit."


@pytest.fixture
def reports(programme, intake, release):
    return {
        "chronology": release(programme, intake, CHRONOLOGY),
        "hospital": release(programme, intake, HOSPITAL, kind="incident", harm="low"),
        "both": release(programme, intake, BOTH),
    }


def found(user, text: str, filters: Filters | None = None) -> list[str]:
    query = query_syntax.parse(text)
    return [
        r.reference for r in search.search(user=user, query=query, filters=filters or Filters())
    ]


def test_words_are_stemmed_and_ranked(reports, analyst):
    # "chronologies" finds "chronology"; the report that says it three times comes first.
    results = found(analyst, "chronologies")
    assert set(results) == {reports["chronology"].reference, reports["both"].reference}
    assert results[0] == reports["both"].reference


def test_phrases_or_and_exclusion(reports, analyst):
    assert found(analyst, '"discharge letter"') == [reports["hospital"].reference]
    assert found(analyst, '"letter discharge"') == []
    assert set(found(analyst, "discharge OR manager")) == {
        reports["hospital"].reference,
        reports["chronology"].reference,
    }
    assert found(analyst, "chronology -hospital") == [reports["chronology"].reference]
    assert found(analyst, "hospital chronology") == [reports["both"].reference]


def test_filters_narrow_the_results(reports, analyst):
    assert found(analyst, "", Filters(kind="incident")) == [reports["hospital"].reference]
    assert found(analyst, "hospital", Filters(harm="none")) == [reports["both"].reference]
    code(analyst, reports["chronology"], scie_patterns=["human_judgement"], detection="colleague")
    assert found(analyst, "", Filters(scie_pattern="human_judgement")) == [
        reports["chronology"].reference
    ]
    assert found(analyst, "", Filters(detection="colleague")) == [reports["chronology"].reference]
    assert found(analyst, "", Filters(from_year=2027)) == []
    assert len(found(analyst, "", Filters(from_year=2026, to_year=2026))) == 3
    assert len(found(analyst, "", Filters(to_year=2026))) == 3
    assert found(analyst, "", Filters(to_year=2025)) == []


def test_coding_is_searchable_and_the_raw_narrative_never_is(reports, analyst):
    code(analyst, reports["hospital"], synopsis="Unread discharge letters: a recurring trap.")
    assert found(analyst, "recurring trap") == [reports["hospital"].reference]
    # The raw narrative (with MARKER and the child's name) was never copied for search.
    assert found(analyst, MARKER) == []
    assert found(analyst, "Kayden") == []
    assert not IndexedReport.objects.filter(body__contains=MARKER).exists()


def test_a_corrected_release_replaces_the_searchable_text(reports, analyst, intake):
    from candour.reporting.services import intake as intake_service

    intake_service.release_report(
        user=intake, report=reports["hospital"], texts={"what_happened": "A referral was lost."}
    )
    assert found(analyst, "discharge") == []
    assert found(analyst, "referral") == [reports["hospital"].reference]


def test_snippets_highlight_matches_and_escape_the_text(programme, intake, release, analyst):
    report = release(
        programme, intake, "Risk & need: the <script>alert(1)</script> chronology was late."
    )
    query = query_syntax.parse("chronology")
    page = list(search.search(user=analyst, query=query, filters=Filters()))
    snippet = search.snippets(page=page, query=query)[report.pk]
    assert "<mark>chronology</mark>" in snippet
    assert "<script" not in snippet  # PostgreSQL drops tags from headlines; SQLite escapes
    assert "&amp;" in snippet


HOSTILE = [
    '"',
    '"unbalanced',
    "chronology*",
    "*",
    "NEAR(chronology hospital)",
    "chronology AND hospital",
    "chronology NOT hospital",
    "(chronology",
    "chronology)",
    "^chronology",
    "body:chronology",
    "chronology OR",
    "OR chronology",
    "- -- ---",
    "'; DROP TABLE learning_fts; --",
    "chronology 😀 hospital",
    "💥",
    "a" * 999,
    "\uff43\uff48\uff52\uff4f\uff4e\uff4f\uff4c\uff4f\uff47\uff59",  # full-width letters
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_gives_a_result_or_a_clear_message(reports, analyst, text):
    try:
        query = query_syntax.parse(text)
    except query_syntax.QueryError as error:
        message = str(error)
        query = None
    else:
        message = ""
    if message:
        return
    results = list(search.search(user=analyst, query=query, filters=Filters()))
    search.snippets(page=results, query=query)
    # Operators are read as plain words: a query of words the report holds still finds it.
    if query is not None and query.words <= {"chronology", "and", "not"} and not query.excluded:
        assert reports["chronology"].reference in [r.reference for r in results]


def test_limits_have_clear_messages():
    with pytest.raises(query_syntax.QueryError, match="1,000 characters"):
        query_syntax.parse("chronology " * 1000)
    with pytest.raises(query_syntax.QueryError, match="30 words"):
        query_syntax.parse(" ".join(f"word{n}" for n in range(31)))
    with pytest.raises(query_syntax.QueryError, match="not only words to leave out"):
        query_syntax.parse("-hospital")
    with pytest.raises(query_syntax.QueryError, match="letters or numbers"):
        query_syntax.parse("💥 ***")
    assert query_syntax.parse("   ") is None


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.text(max_size=200))
def test_any_text_is_a_result_or_a_message(reports, analyst, text):
    try:
        query = query_syntax.parse(text)
    except query_syntax.QueryError:
        return
    results = list(search.search(user=analyst, query=query, filters=Filters())[:20])
    search.snippets(page=results, query=query)


@pytest.mark.parametrize("text", ["chronology", '"discharge letter"', "hospital OR manager -x"])
def test_sqlite_starts_from_the_full_text_match(reports, analyst, text):
    # Given an authority's index, SQLite would otherwise read every report of the authority
    # and run the whole MATCH once for each (30 times slower at 20,000 reports): the count
    # of results did, before the join kept it from.
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query planner")
    results = search.search(user=analyst, query=query_syntax.parse(text), filters=Filters())
    with CaptureQueriesContext(connection) as queries:
        results.count()
        list(results[:20])
    assert len(queries.captured_queries) == 2
    for query in queries.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            steps = [row[-1] for row in cursor.fetchall()]
        scans = [step for step in steps if step.startswith(("SCAN", "SEARCH"))]
        assert scans[0].startswith("SCAN learning_fts VIRTUAL TABLE"), steps
        assert scans[1].startswith("SEARCH learning_indexedreport"), steps
        assert scans[1].endswith("position=?)"), steps  # by position, through either index


def test_a_broad_search_ranks_only_its_most_recent_matches(programme, intake, release, analyst):
    # The oldest says "chronology" most, so it would rank first if every match were ranked.
    oldest = release(programme, intake, "Chronology, chronology, chronology: all late.")
    newer = [
        release(programme, intake, f"The chronology was late for visit {n}.") for n in range(3)
    ]
    query = query_syntax.parse("chronology")
    everything = [r.reference for r in search.search(user=analyst, query=query, filters=Filters())]
    assert everything[0] == oldest.indexed.reference

    bounded = search.ranked(user=analyst, query=query, filters=Filters(), limit=3)
    assert bounded.bounded
    assert {r.reference for r in bounded.reports} == {r.indexed.reference for r in newer}
    # Still ranked among themselves, as the whole search ranks them.
    assert [r.reference for r in bounded.reports] == [
        ref for ref in everything if ref != oldest.indexed.reference
    ]

    whole = search.ranked(user=analyst, query=query, filters=Filters(), limit=4)
    assert not whole.bounded
    assert [r.reference for r in whole.reports] == everything


def test_the_most_recent_matches_are_those_the_filters_allow(programme, intake, release, analyst):
    incidents = [
        release(programme, intake, f"The chronology was late {n}.", kind="incident", harm="low")
        for n in range(2)
    ]
    for n in range(3):
        release(programme, intake, f"The chronology was late again {n}.")
    query = query_syntax.parse("chronology")
    found = search.ranked(user=analyst, query=query, filters=Filters(kind="incident"), limit=2)
    assert not found.bounded
    assert {r.reference for r in found.reports} == {r.indexed.reference for r in incidents}
    assert not search.ranked(user=analyst, query=None, filters=Filters(), limit=1).bounded


def test_sqlite_reads_a_broad_searchs_matches_once_newest_first_without_sorting_them(
    programme, intake, release, analyst
):
    # The matches are read once, newest first, stopping after the limit (no sort of every
    # match); the page is then read by key.
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query planner")
    for n in range(3):
        release(programme, intake, f"The chronology was late for visit {n}.")
    query = query_syntax.parse("chronology")
    with CaptureQueriesContext(connection) as queries:
        found = search.ranked(user=analyst, query=query, filters=Filters(), limit=2)
        assert len(found.reports) == 2
        assert len(found.reports[:20]) == 2
    assert found.bounded
    walk, page = (q["sql"] for q in queries.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {walk}")
        steps = [row[-1] for row in cursor.fetchall()]
    assert steps[0].startswith("SCAN learning_fts VIRTUAL TABLE"), steps
    assert not any("TEMP B-TREE" in step for step in steps), steps
    assert "LIMIT 3" in walk
    assert "learning_fts" not in page


def test_postgresql_reads_the_newest_matches_a_window_of_positions_at_a_time(
    programme, intake, release, analyst, monkeypatch
):
    # A GIN index gives matches in no order: PostgreSQL is asked for the newest matches one
    # window of release positions at a time, newest first, each window wider, and stops
    # once it has enough.
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's windows of positions")
    monkeypatch.setattr(search, "FIRST_WINDOW", 1)
    monkeypatch.setattr(search, "MAX_GROWTH", 2)
    matches = [release(programme, intake, f"The chronology was late {n}.") for n in range(4)]
    release(programme, intake, "The visit was on time.")  # the newest, and no match
    query = query_syntax.parse("chronology")
    with CaptureQueriesContext(connection) as queries:
        found = search.ranked(user=analyst, query=query, filters=Filters(), limit=2)
    assert found.bounded
    assert {r.reference for r in found.reports} == {r.indexed.reference for r in matches[2:]}
    windows = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
    # Widths 1, 2 and 4 back from the newest: none, then two, then the third (the limit + 1).
    assert len(windows) == 3, windows
    assert all('"position" >=' in sql and '"position" <' in sql for sql in windows)


def test_the_authority_scope_is_not_searchable_text(reports, analyst):
    # The FTS5 scope column holds the authority's token; a person typing it finds nothing.
    assert found(analyst, f"org{analyst.organisation_id}") == []
    assert found(analyst, "chronology") != []


def test_the_filters_words_are_not_searchable_text(reports, analyst):
    assert found(analyst, facets.word(facets.KIND, "incident")) == []
    assert found(analyst, facets.word(facets.HARM, "low")) == []


def test_filters_alone_are_read_from_the_index_newest_first_and_bounded(
    programme, intake, release, analyst
):
    incidents = [
        release(programme, intake, f"The chronology was late {n}.", kind="incident")
        for n in range(3)
    ]
    release(programme, intake, "The visit was on time.", kind="near_miss")
    found_ = search.ranked(user=analyst, query=None, filters=Filters(kind="incident"), limit=2)
    assert found_.bounded
    # The two most recently released (released the same day: then by reference).
    newest = sorted(r.indexed.reference for r in incidents[1:])
    assert [r.reference for r in found_.reports] == newest
    whole = search.ranked(user=analyst, query=None, filters=Filters(kind="incident"), limit=3)
    assert not whole.bounded
    assert len(whole.reports) == 3


def test_a_year_outside_the_period_bounds_finds_nothing(reports, analyst):
    assert found(analyst, "", Filters(from_year=2101)) == []
    assert len(found(analyst, "", Filters(from_year=1999, to_year=2100))) == 3


class _Editor:
    """What the migration's functions use of a schema editor: the vendor and execute()."""

    def __init__(self) -> None:
        self.connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_migration_0007_writes_the_filters_words_of_reports_already_released(reports, analyst):
    migration = importlib.import_module("candour.learning.migrations.0007_facets")
    code(analyst, reports["chronology"], scie_patterns=["human_judgement"], detection="colleague")
    editor = _Editor()
    # As before migration 0007: no filter words anywhere.
    IndexedReport.objects.update(facets="", facet_vector=None)
    migration.back_to_authority_words(django_apps, editor)
    assert found(analyst, "", Filters(scie_pattern="human_judgement")) == []
    migration.write_facets(django_apps, editor)
    assert found(analyst, "", Filters(kind="incident")) == [reports["hospital"].reference]
    assert found(analyst, "chronology", Filters(scie_pattern="human_judgement")) == [
        reports["chronology"].reference
    ]
    assert found(analyst, "", Filters(detection="colleague", from_year=2026)) == [
        reports["chronology"].reference
    ]
