"""The JSON API (django-ninja): OpenAPI at /api/v1/openapi.json, interactive docs off."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import APIKeyCookie

from candour.accounts.api import router as accounts_router
from candour.core import problems
from candour.core.access import ATTRIBUTE, Policy
from candour.flags.api import ClientKeyAuth
from candour.flags.api import router as flags_router
from candour.reporting.api import router as reporting_router


class VerifiedSessionAuth(APIKeyCookie):
    """A signed-in browser session that has passed two-factor authentication (CSRF-checked)."""

    param_name = "candour_session"

    def __call__(self, request: HttpRequest) -> Any:
        # No verified session, nothing for CSRF to protect: answer 401, not a CSRF 403.
        user = request.user
        if not (user.is_authenticated and user.is_verified()):
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_verified():
            return user
        return None


api = NinjaAPI(
    title="candour API",
    version="1",
    urls_namespace="api",
    docs_url=None,
    auth=VerifiedSessionAuth(),
)
problems.install(api)
api.add_router("/", accounts_router)
api.add_router("/", reporting_router)
# A local authority's case system (its key) or one of its flag managers (a session).
api.add_router("/", flags_router, auth=[ClientKeyAuth(), VerifiedSessionAuth()])


def urls() -> Any:
    """The API's URL patterns, marked so AccessPolicyMiddleware leaves auth to the API."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        setattr(pattern.callback, ATTRIBUTE, Policy("api"))
    return patterns, app_name, namespace
