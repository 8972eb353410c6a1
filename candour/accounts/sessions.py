"""Database sessions whose row cannot outlive the session's absolute end.

Django's database backend sets a row's expiry to "now + SESSION_COOKIE_AGE" every time the
session is saved, and the idle-timeout middleware saves it about once a minute, so an active
session's row was never due to expire and the 8-hour cap of ADR 0007 was not real. The cap
is now kept in the session itself (``ENDS_AT_KEY``, set at sign-in) and enforced by
``IdleTimeoutMiddleware``; this store makes the row expire soon after it as well, so the
daily clean-up (``accounts.clear_sessions``) deletes it even if the user never comes back.
The cookie stays a browser-session cookie: nothing here sets its expiry.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.utils import timezone

# When this session ends whatever its activity: seconds since the epoch (set at sign-in).
ENDS_AT_KEY = "ends_at"
# When the user last did something (the idle clock): seconds since the epoch.
LAST_SEEN_KEY = "last_seen"


def now_seconds() -> int:
    return int(timezone.now().timestamp())


def start_session_clock(session: SessionBase) -> None:
    """At sign-in: the session ends ``SESSION_COOKIE_AGE`` from now, however it is used."""
    session[ENDS_AT_KEY] = now_seconds() + settings.SESSION_COOKIE_AGE


class SessionStore(DatabaseSessionStore):
    def create_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        """The row, expiring at the usual time or, if sooner, just after the session's
        absolute end: late enough for the middleware to tell a returning user why they were
        signed out (within the idle limit), never later."""
        row = super().create_model_instance(data)
        ends_at = data.get(ENDS_AT_KEY)
        if isinstance(ends_at, int):
            latest = datetime.fromtimestamp(ends_at + settings.CANDOUR_IDLE_TIMEOUT_SECONDS, UTC)
            row.expire_date = min(row.expire_date, latest)
        return row
