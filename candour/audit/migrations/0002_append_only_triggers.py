"""Make the database itself refuse to change an audit entry.

PostgreSQL refuses UPDATE and DELETE (TRUNCATE, which needs the table owner, is left for
test teardown and documented as an operator-only action). SQLite refuses UPDATE; a
deleted row is still caught by chain verification (a missing sequence number).
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_entry_no_update;"]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE OR DELETE ON audit_auditentry
       FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry;",
    "DROP FUNCTION IF EXISTS audit_entry_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
