"""Number the search copies in the order reports were first released (``position``), make
it SQLite's FTS5 row id, give the FTS5 table a ``scope`` column (the authority's token, so
an authority's search reads only its own matches), and index the newest-released order
(ADR 0019)."""

from django.db import migrations, models

SEQUENCE = "learning_indexedreport_position_seq"
TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"


def _rebuild_fts(schema_editor, columns: str, rows: str) -> None:  # type: ignore[no-untyped-def]
    """SQLite: the FTS5 table made again with ``columns``, filled with ``rows`` (rowid first)."""
    schema_editor.execute("DROP TABLE learning_fts")
    schema_editor.execute(f"CREATE VIRTUAL TABLE learning_fts USING fts5({columns}, {TOKENIZE})")
    schema_editor.execute(
        f"INSERT INTO learning_fts (rowid, {columns}) SELECT {rows} FROM learning_indexedreport"
    )


def number_by_release(apps, schema_editor):  # type: ignore[no-untyped-def]
    indexed = apps.get_model("learning", "IndexedReport")
    ordered = indexed.objects.order_by("released_on", "pk").values_list("pk", flat=True)
    for position, pk in enumerate(ordered.iterator(), start=1):
        indexed.objects.filter(pk=pk).update(position=position)
    if schema_editor.connection.vendor == "sqlite":
        # The FTS5 rows were keyed by report id: key them by position, with the scope.
        _rebuild_fts(schema_editor, "body, scope", "position, body, 'org' || organisation_id")


def back_to_report_ids(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        _rebuild_fts(schema_editor, "body", "report_id, body")


def create_sequence(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE {SEQUENCE} OWNED BY learning_indexedreport.position")
        schema_editor.execute(
            f"SELECT setval('{SEQUENCE}', COALESCE(MAX(position), 0) + 1, false)"
            " FROM learning_indexedreport"
        )


def drop_sequence(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0005_suggestions_merges"),
    ]

    operations = [
        migrations.AddField(
            model_name="indexedreport",
            name="position",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.RunPython(number_by_release, back_to_report_ids),
        migrations.AlterField(
            model_name="indexedreport",
            name="position",
            field=models.PositiveBigIntegerField(unique=True),
        ),
        migrations.RunPython(create_sequence, drop_sequence),
        migrations.AddIndex(
            model_name="indexedreport",
            index=models.Index(
                fields=["-released_on", "reference"], name="learning_newest_released"
            ),
        ),
        migrations.AddIndex(
            model_name="indexedreport",
            index=models.Index(
                fields=["organisation", "position"], name="learning_authority_position"
            ),
        ),
    ]
