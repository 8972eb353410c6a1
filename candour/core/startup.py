"""Refuse to serve what cannot work: unapplied migrations, missing or malformed keys, static
files not collected. Each refusal names what to fix."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def migration_problem() -> str:
    pending = pending_migrations()
    if not pending:
        return ""
    return (
        f"the database has {len(pending)} unapplied migration(s), first {pending[0]}: "
        "run 'manage.py migrate' (DATABASE_URL selects the database) before starting"
    )


def assert_ready_to_serve() -> None:
    """Called by the WSGI application before it takes a request: every problem at once, so
    an operator fixes them in one go."""
    from candour.core import readiness

    # The development and demo keys are published in the repository: their length is moot.
    problems = readiness.key_problems(production=not (settings.DEBUG or settings.CANDOUR_DEMO_MODE))
    problems += [p for p in (readiness.static_problem(), migration_problem()) if p]
    if problems:
        raise ImproperlyConfigured("Start-up stopped: " + "; ".join(problems) + ".")
