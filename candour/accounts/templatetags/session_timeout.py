"""The values the timeout warning needs, for the page being rendered."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse

from candour.accounts.middleware import can_stay, seconds_remaining, session_limit_text
from candour.accounts.models import User

register = template.Library()

# GOV.UK's timeout warning appears two minutes before the sign-out.
WARNING_SECONDS = 120


@register.simple_tag(takes_context=True)
def session_timeout(context: template.Context) -> dict[str, Any] | None:
    """Return the idle limit, the time left and whether staying signed in would give more
    (not near the session's absolute limit) for a signed-in, verified user, else None."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not isinstance(user, User) or not user.is_verified():
        return None
    idle: int = settings.CANDOUR_IDLE_TIMEOUT_SECONDS
    return {
        "idle_seconds": idle,
        "remaining_seconds": seconds_remaining(request),
        "can_stay": can_stay(request),
        "limit": session_limit_text(),
        "warning_seconds": min(WARNING_SECONDS, idle // 2),
        "keep_alive_url": reverse("accounts:keep_alive"),
        "signed_out_url": reverse("accounts:session_ended"),
    }
