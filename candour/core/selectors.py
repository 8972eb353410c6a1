from __future__ import annotations

from django.db import DatabaseError, connection


def database_answers() -> bool:
    """Return whether the default database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False
