"""End idle sessions, and sessions past their absolute limit (``SESSION_COOKIE_AGE`` from
sign-in, whatever the activity), and tell the user why instead of silently bouncing them;
remember the page they were on, so that signing in again takes them back to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from candour.accounts import services
from candour.accounts.models import User
from candour.accounts.sessions import ENDS_AT_KEY, LAST_SEEN_KEY, now_seconds, start_session_clock
from candour.core.access import policy_of
from candour.core.problems import problem

# Write the session at most once a minute rather than on every request.
_TOUCH_EVERY_SECONDS = 60
# Where to go after signing in again, and (after a time-out) whose page it was: another
# person signing in on the same browser is not sent to it.
NEXT_KEY = "sign_in_next"
NEXT_USER_KEY = "sign_in_next_user"
KEEP_ALIVE_VIEW = "accounts:keep_alive"
# Why the last session ended ("idle" or "limit"), for the signed-out page the timeout warning
# goes to after the session has gone.
ENDED_REASON_KEY = "session_ended_reason"


def _idle_remaining(request: HttpRequest) -> int:
    timeout: int = settings.CANDOUR_IDLE_TIMEOUT_SECONDS
    last_seen = request.session.get(LAST_SEEN_KEY)
    if last_seen is None:
        return timeout
    return max(0, timeout - (now_seconds() - int(last_seen)))


def _limit_remaining(request: HttpRequest) -> int:
    ends_at = request.session.get(ENDS_AT_KEY)
    if not isinstance(ends_at, int):
        limit: int = settings.SESSION_COOKIE_AGE
        return limit
    return max(0, ends_at - now_seconds())


def seconds_remaining(request: HttpRequest) -> int:
    """Return how long this session has before it is signed out: the idle time left, or
    less if its absolute limit comes first."""
    return min(_idle_remaining(request), _limit_remaining(request))


def can_stay(request: HttpRequest) -> bool:
    """Whether "Stay signed in" would give the session more time (not near its limit)."""
    return _idle_remaining(request) < _limit_remaining(request)


def keep_alive(request: HttpRequest) -> None:
    """Restart the idle clock now (the timeout warning's "Stay signed in")."""
    request.session[LAST_SEEN_KEY] = now_seconds()


def _is_keep_alive(request: HttpRequest) -> bool:
    return request.path == reverse(KEEP_ALIVE_VIEW)


def _allows_get(view: Callable[..., Any]) -> bool:
    """Whether a view answers GET. Django's ``require_http_methods`` (and ``require_POST``)
    keeps its list of methods in the closure of the wrapper it returns; a view without one
    takes any method."""
    func: Any = view
    while func is not None:
        code = getattr(func, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = func.__closure__[code.co_freevars.index("request_method_list")]
            return "GET" in cell.cell_contents
        func = getattr(func, "__wrapped__", None)
    return True


def safe_return_path(request: HttpRequest, url: str) -> str | None:
    """Return the path (and query) of ``url`` if it is a staff page of this site that answers
    GET, else None: never another host, a public page, an API call or a POST-only URL."""
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(url)
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    policy = policy_of(match.func)
    if policy is None or policy.kind != "staff" or match.view_name == KEEP_ALIVE_VIEW:
        return None
    if not _allows_get(match.func):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _page_they_were_on(request: HttpRequest) -> str | None:
    """The page a timed-out request came from: itself for a page load, else the page that sent
    it (a form's POST, or the timeout warning's check), which the browser loaded with GET."""
    if request.method in ("GET", "HEAD") and not _is_keep_alive(request):
        return safe_return_path(request, request.get_full_path())
    return safe_return_path(request, request.META.get("HTTP_REFERER", ""))


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User):
            now = now_seconds()
            ends_at = request.session.get(ENDS_AT_KEY)
            if not isinstance(ends_at, int):
                # A session signed in before the limit was kept in it: it starts now.
                start_session_clock(request.session)
            elif now >= ends_at:
                return self._sign_out(request, user, reason="limit")
            last_seen = request.session.get(LAST_SEEN_KEY)
            if (
                last_seen is not None
                and now - int(last_seen) > settings.CANDOUR_IDLE_TIMEOUT_SECONDS
            ):
                return self._sign_out(request, user, reason="idle")
            # The timeout warning's check must not itself count as activity.
            checking = request.method in ("GET", "HEAD") and _is_keep_alive(request)
            if not checking and (last_seen is None or now - int(last_seen) >= _TOUCH_EVERY_SECONDS):
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    def _sign_out(self, request: HttpRequest, user: User, *, reason: str) -> HttpResponse:
        target = _page_they_were_on(request)
        services.record_session_end(user=user, reason=reason)
        logout(request)
        # Kept in the new, signed-out session: no form data, only why the session ended and
        # where to go back to.
        request.session[ENDED_REASON_KEY] = reason
        if target:
            request.session[NEXT_KEY] = target
            request.session[NEXT_USER_KEY] = str(user.reference)
        if request.path.startswith("/api/") or _is_keep_alive(request):
            return problem(status=401, title="Your session has ended. Sign in again")
        return render(request, "accounts/session_ended.html", ended_context(reason), status=401)


def ended_context(reason: str | None) -> dict[str, object]:
    """What the signed-out page says: the idle limit, or the longest a session lasts."""
    return {
        "reason": "limit" if reason == "limit" else "idle",
        "minutes": settings.CANDOUR_IDLE_TIMEOUT_SECONDS // 60,
        "limit": session_limit_text(),
    }


def session_limit_text() -> str:
    """The longest a session lasts, for people: "8 hours", or "90 minutes"."""
    seconds: int = settings.SESSION_COOKIE_AGE
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
