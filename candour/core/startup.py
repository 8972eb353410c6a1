"""Refuse to serve on a database whose migrations have not all been applied."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def assert_database_ready() -> None:
    pending = pending_migrations()
    if pending:
        raise ImproperlyConfigured(
            f"The database has {len(pending)} unapplied migration(s), first {pending[0]}. "
            "Run 'manage.py migrate' (DATABASE_URL selects the database) before starting."
        )
