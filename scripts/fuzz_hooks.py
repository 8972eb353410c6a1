"""schemathesis hooks for scripts/fuzz_api.py: a session needs its CSRF token on unsafe calls.

A browser's script sends the CSRF cookie and the X-CSRFToken header with every call that
carries the session cookie; schemathesis knows the session cookie (the VerifiedSessionAuth
scheme) but not the CSRF pair, so this adds it, and only where the session cookie is sent:
a call schemathesis strips of its credentials (to check that they are not ignored) stays
without them.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis

SESSION_COOKIE = os.environ.get("CANDOUR_FUZZ_SESSION_COOKIE", "candour_session")
CSRF_COOKIE = os.environ.get("CANDOUR_FUZZ_CSRF_COOKIE", "candour_csrftoken")
CSRF_TOKEN = os.environ.get("CANDOUR_FUZZ_CSRF_TOKEN", "")


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    cookies = dict(case.cookies or {})
    if not CSRF_TOKEN or SESSION_COOKIE not in cookies:
        return
    cookies[CSRF_COOKIE] = CSRF_TOKEN
    case.cookies = cookies
    case.headers = {**(case.headers or {}), "X-CSRFToken": CSRF_TOKEN}
