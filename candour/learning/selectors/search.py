"""Full-text search over released, de-identified reports, on SQLite (FTS5) and PostgreSQL
(tsvector with a GIN index), read from the same parsed query (``learning.query``).

Results are ranked (BM25 on SQLite, ``ts_rank`` on PostgreSQL: higher ``score`` is better),
newest first among equals, or newest first when only filters are given. Filters are asked
of the full-text index too (``learning.facets``), so it reads only what they allow. A broad
search ranks only its most recent ``RANKED_LIMIT`` matches and says so (``Found.bounded``):
ranking every match of a common word is what made a search over a million reports slow
(ADR 0019).
Snippets are built for one page of results at a time.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import overload

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, Max, QuerySet, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from candour.accounts.models import User
from candour.learning import facets
from candour.learning.models.search import IndexedReport
from candour.learning.models.traps import Membership
from candour.learning.query import Query, Term, fts5
from candour.learning.selectors.pool import is_national, visible_reports
from candour.learning.services.index import FACETS_CONFIG, MARK_END, MARK_START, SEARCH_CONFIG

SNIPPET_WORDS = 24
PLAIN_SNIPPET_CHARACTERS = 240
# A search that matches more than this ranks the most recent this many of its matches.
RANKED_LIMIT = 1000
# PostgreSQL reads matches a window of release positions at a time, newest first: the first
# window this many positions wide; the next as wide as the matches found so far say it must
# be (with a margin), at least twice and at most MAX_GROWTH times as wide as the last.
FIRST_WINDOW = 16_384
MAX_GROWTH = 16


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    service_area: str = ""
    harm: str = ""
    scie_pattern: str = ""
    london_factor: str = ""
    detection: str = ""
    from_year: int | None = None  # the year the event occurred in
    to_year: int | None = None
    authority: str = ""  # national analysts: "org:<reference>" or "region:<code>"
    trap: str = ""  # an error trap's reference: the reports in it

    def clauses(self) -> list[facets.Clause]:
        """The filters asked of the full-text index (all but authority and trap)."""
        return facets.filter_clauses(
            kind=self.kind,
            service_area=self.service_area,
            harm=self.harm,
            detection=self.detection,
            scie_pattern=self.scie_pattern,
            london_factor=self.london_factor,
            from_year=self.from_year,
            to_year=self.to_year,
        )


def _by_authority(reports: QuerySet[IndexedReport], filters: Filters) -> QuerySet[IndexedReport]:
    kind, _, value = filters.authority.partition(":")
    if kind == "org":
        reports = reports.filter(
            organisation__reference=value, organisation__learning_sharing__name_shown=True
        )
    elif kind == "region":
        reports = reports.filter(organisation__learning_sharing__region=value)
    return reports


def _postgres_query(query: Query) -> SearchQuery:
    def one(term: Term) -> SearchQuery:
        kind = "phrase" if term.is_phrase else "plain"
        return SearchQuery(term.text, search_type=kind, config=SEARCH_CONFIG)

    included = functools.reduce(
        operator.and_,
        (functools.reduce(operator.or_, (one(t) for t in clause)) for clause in query.clauses),
    )
    for term in query.excluded:
        included = included & ~one(term)
    return included


class Ranked(Sequence[IndexedReport]):
    """Reports in a ranked order of ids, read from the database a slice (a page) at a time."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> IndexedReport: ...
    @overload
    def __getitem__(self, index: slice) -> list[IndexedReport]: ...
    def __getitem__(self, index: int | slice) -> IndexedReport | list[IndexedReport]:
        if isinstance(index, slice):
            ids = self.ids[index]
            rows = IndexedReport.objects.in_bulk(ids)
            return [rows[pk] for pk in ids if pk in rows]
        return IndexedReport.objects.get(pk=self.ids[index])


@dataclass(frozen=True)
class Found:
    """What a search found, best first; ``bounded`` if it matched more reports than it
    ranked, in which case only the most recent ``RANKED_LIMIT`` matches are in ``reports``."""

    reports: QuerySet[IndexedReport] | Ranked
    bounded: bool = False


def _matching(
    reports: QuerySet[IndexedReport],
    query: Query | None,
    filters: Filters,
    *,
    organisation_id: int | None = None,
) -> QuerySet[IndexedReport]:
    """The reports with the words (if any) that the filters allow, with a ``score`` (0
    without words). On SQLite the filters, and ``organisation_id`` (an authority's own
    search), are asked of FTS5 itself, so it reads only the matches they allow."""
    if connection.vendor == "postgresql":
        return _postgres_matching(reports, query, filters)
    clauses = filters.clauses()
    table = IndexedReport._meta.db_table
    # One join with the FTS5 table, so bm25 is read from the match itself: a correlated
    # MATCH per row (the obvious ORM form) costs a full-text lookup for every match. The
    # unary + keeps the join from being used to look up the FTS table by rowid, so SQLite
    # always starts from the match and reads each matched report by its key; otherwise,
    # given an authority's index, it runs the whole MATCH once per report of the authority
    # (30 times slower at 20,000 reports; benchmarks/learning_scale.py). The FTS5 row id is
    # the report's position in release order.
    return reports.extra(  # noqa: S610 - the table names are the models' own; text is a parameter
        tables=["learning_fts"],
        where=[f"{table}.position = +learning_fts.rowid", "learning_fts MATCH %s"],
        params=[_fts5_match(query, clauses, organisation_id)],
        # bm25 is lower for better matches; the scope column does not count.
        select={"score": "-bm25(learning_fts, 1.0, 0.0)" if query is not None else "0.0"},
    )


def _postgres_matching(
    reports: QuerySet[IndexedReport], query: Query | None, filters: Filters
) -> QuerySet[IndexedReport]:
    """A filter on one of a report's single values is asked of its column, whose index
    on (value, position) reads only a window's reports of that value; codes (several to a
    report) are asked of the GIN-indexed ``facet_vector``. A GIN index reads every report
    with the word however narrow the window: 300,000 for a common kind (ADR 0019)."""
    for field in ("kind", "service_area", "harm", "detection"):
        if value := getattr(filters, field):
            reports = reports.filter(**{field: value})
    if filters.from_year is not None or filters.to_year is not None:
        # Each month of the period, so the (occurred, position) index is read month by
        # month within the window rather than over the whole period.
        years = facets.period_years(filters.from_year, filters.to_year)
        months = [y * 100 + m for y in years for m in range(1, 13)]
        reports = reports.filter(occurred__in=months)
    codes = facets.filter_clauses(
        scie_pattern=filters.scie_pattern, london_factor=filters.london_factor
    )
    if codes:
        allowed = SearchQuery(facets.tsquery(codes), search_type="raw", config=FACETS_CONFIG)
        reports = reports.filter(facet_vector=allowed)
    if query is None:
        return reports.annotate(score=Value(0.0, output_field=FloatField()))
    wanted = _postgres_query(query)
    return reports.filter(vector=wanted).annotate(score=SearchRank(F("vector"), wanted))


def _fts5_match(
    query: Query | None, clauses: list[facets.Clause], organisation_id: int | None
) -> str:
    """The FTS5 expression: typed words looked for in the text only, filters' words and
    the authority's word in the scope column only."""
    scope = list(clauses)
    if organisation_id is not None:
        scope.append((facets.authority_word(organisation_id),))
    parts = [f"{{body}} : ({fts5(query)})"] if query is not None else []
    if scope:
        parts.append(facets.fts5_expression(scope))
    return " AND ".join(parts)


Row = tuple[int, float, date, str]  # a match's key, score, release date and reference


def _columns(matching: QuerySet[IndexedReport]) -> QuerySet[IndexedReport, Row]:
    # The stubs do not know the score that extra() or annotate() selects.
    return matching.values_list("pk", "score", "released_on", "reference")  # type: ignore[misc]


def _newest(matching: QuerySet[IndexedReport], count: int) -> list[Row]:
    """The ``count`` most recently released matches, newest first."""
    if connection.vendor == "postgresql":
        return _newest_by_window(matching, count)
    # By the FTS table's rowid, which FTS5 returns in order: no sort of every match.
    return list(_columns(matching.extra(order_by=["-learning_fts.rowid"]))[:count])


def _newest_by_window(matching: QuerySet[IndexedReport], count: int) -> list[Row]:
    """PostgreSQL's GIN index finds every match of a word but not in any order, so the
    newest matches of a common word meant fetching all of them to sort (ADR 0019). Asking
    one window of release positions at a time, from the newest back, each window wider
    than the last, lets PostgreSQL combine the GIN index with the position index and fetch
    only the matches in the window: a common word is answered from the first window, a
    rare one after a few."""
    top = IndexedReport.objects.aggregate(top=Max("position"))["top"]
    found: list[Row] = []
    newest = upper = (top or 0) + 1
    width = FIRST_WINDOW
    while upper > 0 and len(found) < count:
        lower = max(upper - width, 0)
        window = matching.filter(position__gte=lower, position__lt=upper)
        found += _columns(window.order_by("-position"))[: count - len(found)]
        upper, width = lower, _next_width(width, newest - lower, len(found), count)
    return found


def _next_width(width: int, read: int, found: int, count: int) -> int:
    """The next window: as wide as the density of matches so far says the rest need
    (+25 %), between twice and MAX_GROWTH times the last. Each window reads each word's
    whole GIN list again, so a few wide windows cost less than many narrow ones."""
    if found == 0:
        return width * MAX_GROWTH
    wanted = (count - found) * read // found * 5 // 4  # at the density found so far, + 25 %
    return max(width * 2, min(wanted, width * MAX_GROWTH))


def _in_trap(reports: QuerySet[IndexedReport], user: User, trap: str) -> QuerySet[IndexedReport]:
    """Reports in one of the user's organisation's traps (never another's)."""
    members = Membership.objects.filter(
        trap__reference=trap,
        trap__organisation_id=user.organisation_id,
        state=Membership.State.MEMBER,
    ).values("report_id")
    return reports.filter(pk__in=members)


def _own_authority(user: User) -> int | None:
    """The authority whose reports alone the user reads, if any (not national analysts)."""
    return None if is_national(user) else user.organisation_id


def _readable(user: User, filters: Filters) -> QuerySet[IndexedReport]:
    reports = _by_authority(visible_reports(user=user), filters)
    if filters.trap:
        reports = _in_trap(reports, user, filters.trap)
    return reports


def _best_first(reports: QuerySet[IndexedReport]) -> QuerySet[IndexedReport]:
    return reports.order_by("-score", "-released_on", "reference")


def _newest_released(reports: QuerySet[IndexedReport]) -> QuerySet[IndexedReport]:
    return reports.annotate(score=Value(0.0, output_field=FloatField())).order_by(
        "-released_on", "reference"
    )


def search(*, user: User, query: Query | None, filters: Filters) -> QuerySet[IndexedReport]:
    """Every released report this user may read that matches, best first."""
    reports = _readable(user, filters)
    clauses = filters.clauses()
    if query is None and not clauses:
        return _newest_released(reports)
    matching = _matching(reports, query, filters, organisation_id=_own_authority(user))
    return _best_first(matching)


def ranked(
    *, user: User, query: Query | None, filters: Filters, limit: int = RANKED_LIMIT
) -> Found:
    """The search page's results: as ``search``, but of a broad search only the most recent
    ``limit`` matches are ranked. The matches are read once, newest first, stopping after
    ``limit + 1``, so the cost follows the limit, not the number of matches; they are
    counted and ranked from that one read. Filters are read from the full-text index too,
    so filters alone are bounded in the same way, newest first."""
    reports = _readable(user, filters)
    clauses = filters.clauses()
    if query is None and not clauses:
        return Found(_newest_released(reports))
    matching = _matching(reports, query, filters, organisation_id=_own_authority(user))
    newest = _newest(matching, limit + 1)
    bounded = len(newest) > limit
    best = sorted(newest[:limit], key=lambda row: (-row[1], -row[2].toordinal(), row[3]))
    return Found(Ranked([row[0] for row in best]), bounded=bounded)


def matches(*, user: User, query: Query | None, filters: Filters, report_id: int) -> bool:
    """Whether one report matches: for saved searches, when a report is released."""
    return search(user=user, query=query, filters=filters).filter(pk=report_id).exists()


def _marked(text: str) -> SafeString:
    """HTML-escape the text, then turn the match marks into <mark>."""
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own marks become tags


def _plain(indexed: IndexedReport) -> SafeString:
    text = indexed.synopsis or indexed.body
    if len(text) > PLAIN_SNIPPET_CHARACTERS:
        text = text[:PLAIN_SNIPPET_CHARACTERS].rsplit(" ", 1)[0] + " …"
    return _marked(text)


def snippets(*, page: list[IndexedReport], query: Query | None) -> dict[int, SafeString]:
    """A highlighted extract of each report on the page, by report id."""
    ids = [indexed.pk for indexed in page]
    found: dict[int, str] = {}  # by report id
    if query is not None and ids:
        if connection.vendor == "postgresql":
            headlines = IndexedReport.objects.filter(pk__in=ids).annotate(
                headline=SearchHeadline(
                    "body",
                    _postgres_query(query),
                    config=SEARCH_CONFIG,
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                )
            )
            found = {row.pk: row.headline for row in headlines}
        else:
            by_position = {indexed.position: indexed.pk for indexed in page}
            words = _fts5_match(query, [], None)
            placeholders = ", ".join(["%s"] * len(ids))
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT rowid, snippet(learning_fts, 0, %s, %s, ' … ', %s)"  # noqa: S608
                    " FROM learning_fts WHERE learning_fts MATCH %s"
                    f" AND rowid IN ({placeholders})",
                    [MARK_START, MARK_END, SNIPPET_WORDS, words, *by_position],
                )
                found = {by_position[row]: text for row, text in cursor.fetchall()}
    return {
        indexed.pk: _marked(found[indexed.pk]) if found.get(indexed.pk) else _plain(indexed)
        for indexed in page
    }
