"""End idle sessions and tell the user why, instead of silently bouncing them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from candour.accounts import services
from candour.accounts.models import User
from candour.core.problems import problem

# Write the session at most once a minute rather than on every request.
_TOUCH_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User):
            now = int(timezone.now().timestamp())
            last_seen = request.session.get("last_seen")
            if (
                last_seen is not None
                and now - int(last_seen) > settings.CANDOUR_IDLE_TIMEOUT_SECONDS
            ):
                services.record_idle_timeout(user=user)
                logout(request)
                if request.path.startswith("/api/"):
                    return problem(status=401, title="Your session has ended. Sign in again")
                minutes = settings.CANDOUR_IDLE_TIMEOUT_SECONDS // 60
                return render(
                    request, "accounts/session_ended.html", {"minutes": minutes}, status=401
                )
            if last_seen is None or now - int(last_seen) >= _TOUCH_EVERY_SECONDS:
                request.session["last_seen"] = now
        return self.get_response(request)
