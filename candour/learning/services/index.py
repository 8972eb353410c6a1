"""The search copy of each released report, kept in step with the report.

Called (through ``reporting.signals``) inside the transaction that releases, corrects or
codes a report, so search never shows a report that is not released, nor misses one that is.
Only released, de-identified text and the analyst's codes are copied (ADR 0019).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Max

from candour.learning import facets
from candour.learning.models.search import IndexedReport
from candour.notifications import services as outbox
from candour.reporting import signals
from candour.reporting.models import Coding, Report
from candour.reporting.vocabulary import NARRATIVE_KEYS

# Marks around matched words in snippets; text never holds them (control characters are
# refused at the edge, and stripped here too), so after HTML-escaping they become <mark>.
MARK_START = "\x02"
MARK_END = "\x03"
SEARCH_CONFIG = "english"
FACETS_CONFIG = "simple"  # the filters' words are codes: not stemmed
# PostgreSQL numbers first releases from a sequence (migration 0006); SQLite takes the next
# number inside its write lock (transactions begin IMMEDIATE).
POSITION_SEQUENCE = "learning_indexedreport_position_seq"


def _clean(text: str) -> str:
    return text.replace(MARK_START, " ").replace(MARK_END, " ")


def _coding(report: Report) -> Coding | None:
    """The coding search may show: none while a blind second coding is awaited."""
    if signals.coding_hidden(None, report):
        return None
    return getattr(report, "coding", None)


def _codes(coding: Coding | None) -> str:
    if coding is None:
        return ""
    tokens = [f"scie:{v}" for v in coding.scie_patterns]
    tokens += [f"london:{v}" for v in coding.london_factors]
    return " " + " ".join(tokens) + " " if tokens else ""


def index_report(report: Report) -> IndexedReport | None:
    """Write the report's search copy (or remove it if the report is not released)."""
    if report.released is None:
        remove_report(report)
        return None
    coding = _coding(report)
    synopsis = _clean(coding.synopsis) if coding is not None else ""
    released = report.released
    parts = [_clean(str(released[key])) for key in NARRATIVE_KEYS if released.get(key)]
    body = "\n\n".join([synopsis, *parts] if synopsis else parts)
    assert report.released_on is not None  # noqa: S101 - released reports have a date
    with transaction.atomic():
        return _write(report, body=body, synopsis=synopsis, coding=coding)


def _next_position() -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [POSITION_SEQUENCE])
            return int(cursor.fetchone()[0])
    highest = IndexedReport.objects.aggregate(highest=Max("position"))["highest"]
    return (highest or 0) + 1


def _write(report: Report, *, body: str, synopsis: str, coding: Coding | None) -> IndexedReport:
    harm = coding.harm if coding is not None else report.harm
    detection = coding.detection if coding is not None else ""
    words = facets.report_words(
        organisation_id=report.organisation_id,
        kind=report.kind,
        service_area=report.service_area,
        harm=harm,
        detection=detection,
        scie_patterns=coding.scie_patterns if coding is not None else [],
        london_factors=coding.london_factors if coding is not None else [],
        year=report.occurred_year,
    )
    fields = {
        "organisation_id": report.organisation_id,
        "reference": report.reference,
        "body": body,
        "synopsis": synopsis,
        "kind": report.kind,
        "service_area": report.service_area,
        "harm": harm,
        "detection": detection,
        "codes": _codes(coding),
        "facets": words,
        "occurred": report.occurred_year * 100 + report.occurred_month,
        "released_on": report.released_on,
    }
    # A report keeps the position of its first release; only a new copy takes the next.
    indexed, _ = IndexedReport.objects.update_or_create(
        report=report, defaults=fields, create_defaults={**fields, "position": _next_position}
    )
    position = indexed.position
    if connection.vendor == "postgresql":
        IndexedReport.objects.filter(pk=report.pk).update(
            vector=SearchVector("body", config=SEARCH_CONFIG),
            facet_vector=SearchVector("facets", config=FACETS_CONFIG),
        )
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM learning_fts WHERE rowid = %s", [position])
            cursor.execute(
                "INSERT INTO learning_fts (rowid, body, scope) VALUES (%s, %s, %s)",
                [position, body, words],
            )
    return indexed


def remove_report(report: Report) -> None:
    position = IndexedReport.objects.filter(pk=report.pk).values_list("position", flat=True).first()
    if position is None:
        return
    IndexedReport.objects.filter(pk=report.pk).delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM learning_fts WHERE rowid = %s", [position])


def on_released(report: Report, *, first: bool) -> None:
    """Index a released report; a first release is also checked against saved searches
    and suggested to the confirmed error traps it resembles (both in the worker)."""
    index_report(report)
    if first:
        outbox.enqueue(
            kind="learning.match_saved_searches",
            payload={"report": report.reference},
            idempotency_key=f"saved-searches:{report.reference}",
        )
        outbox.enqueue(
            kind="learning.suggest_traps",
            payload={"report": report.reference},
            idempotency_key=f"suggest-traps:{report.reference}",
        )
