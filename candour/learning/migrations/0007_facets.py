"""The search filters as words in the full-text index (``learning.facets``, ADR 0019):
``facets`` on every search copy, copied into the FTS5 table's scope column on SQLite and
into a GIN-indexed ``facet_vector`` on PostgreSQL, where the single-valued filters also get
an index with the release position."""

import django.contrib.postgres.search
from django.db import migrations, models

from candour.learning import facets as facet_words

GIN_INDEX = "learning_indexedreport_facets_gin"
# PostgreSQL: a filter on one of a report's single values reads a window of positions of
# that value from one of these (selectors.search).
BY_VALUE = ("kind", "service_area", "harm", "detection", "occurred")
TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"
BATCH = 2000


def _codes(codes: str, prefix: str) -> list[str]:
    return [token.split(":", 1)[1] for token in codes.split() if token.startswith(prefix)]


def _rebuild_fts(schema_editor, scope: str) -> None:  # type: ignore[no-untyped-def]
    schema_editor.execute("DROP TABLE learning_fts")
    schema_editor.execute(f"CREATE VIRTUAL TABLE learning_fts USING fts5(body, scope, {TOKENIZE})")
    schema_editor.execute(
        "INSERT INTO learning_fts (rowid, body, scope)"  # noqa: S608 - our own column names
        f" SELECT position, body, {scope} FROM learning_indexedreport"
    )


def write_facets(apps, schema_editor):  # type: ignore[no-untyped-def]
    indexed = apps.get_model("learning", "IndexedReport")
    rows = indexed.objects.order_by("pk").only(
        "pk", "organisation_id", "kind", "service_area", "harm", "detection", "codes", "occurred"
    )
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        row.facets = facet_words.report_words(
            organisation_id=row.organisation_id,
            kind=row.kind,
            service_area=row.service_area,
            harm=row.harm,
            detection=row.detection,
            scie_patterns=_codes(row.codes, "scie:"),
            london_factors=_codes(row.codes, "london:"),
            year=row.occurred // 100,
        )
        batch.append(row)
        if len(batch) == BATCH:
            indexed.objects.bulk_update(batch, ["facets"])
            batch = []
    indexed.objects.bulk_update(batch, ["facets"])
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "UPDATE learning_indexedreport SET facet_vector = to_tsvector('simple', facets)"
        )
        # The updates queue deferred foreign-key checks; an index cannot be built over them.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(
            f"CREATE INDEX {GIN_INDEX} ON learning_indexedreport USING gin (facet_vector)"
        )
        for column in BY_VALUE:
            schema_editor.execute(
                f"CREATE INDEX learning_{column}_position"
                f" ON learning_indexedreport ({column}, position)"
            )
    elif vendor == "sqlite":
        _rebuild_fts(schema_editor, "facets")


def back_to_authority_words(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
        for column in BY_VALUE:
            schema_editor.execute(f"DROP INDEX IF EXISTS learning_{column}_position")
    elif vendor == "sqlite":
        _rebuild_fts(schema_editor, "'org' || organisation_id")


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0006_release_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="indexedreport",
            name="facet_vector",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        migrations.AddField(
            model_name="indexedreport",
            name="facets",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(write_facets, back_to_authority_words),
    ]
