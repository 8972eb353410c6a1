"""Headers, error pages and request limits that every response must honour."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client, override_settings
from django.urls import path

from candour.config import urls as project_urls
from candour.core.access import public
from candour.core.logging import JsonFormatter, ReferencesOnlyFilter

pytestmark = pytest.mark.django_db


@public
def _explode(request):
    raise RuntimeError("secret-canary-in-exception sk_live_123")


urlpatterns = [path("explode", _explode), *project_urls.urlpatterns]
handler500 = "candour.core.views.server_error"


def _assert_security_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "default-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"  # nothing leaves the site
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/sign-in", "/accessibility", "/no-such-page", "/healthz"])
def test_public_responses_carry_security_headers(client, url):
    _assert_security_headers(client.get(url))


@pytest.mark.parametrize("url", ["/", "/account", "/users/", "/audit/", "/users/not-a-uuid"])
def test_signed_in_responses_are_never_cached(signed_in, alice, url):
    _assert_security_headers(signed_in(alice).get(url))


def test_403_is_not_cached(signed_in, bob):
    response = signed_in(bob).get("/users/")
    assert response.status_code == 403
    _assert_security_headers(response)


def test_unknown_url_gets_govuk_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "govuk-template" in body


def test_oversized_request_gets_413_and_nothing_is_read(client, settings):
    body = "x" * (settings.CANDOUR_MAX_REQUEST_BYTES + 1)
    response = client.post("/sign-in", {"email": body, "password": "p"})
    assert response.status_code == 413
    assert "What you sent is too large" in response.content.decode()


def test_oversized_body_without_length_header_gets_413(client, settings):
    # Form data read by the CSRF check raises RequestDataTooBig inside the middleware.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.CANDOUR_MAX_REQUEST_BYTES = 10_000_000
    response = client.post("/sign-in", {"email": "e" * 5000, "password": "p"})
    assert response.status_code == 413


def test_csrf_failure_gets_a_clear_page():
    client = Client(enforce_csrf_checks=True)
    client.get("/sign-in")
    response = client.post("/sign-in", {"email": "a@b.example", "password": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Sorry, we could not accept that form" in body
    assert "CSRF" not in body


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_shows_no_stack_trace():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ReferencesOnlyFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = Client(raise_request_exception=False).get("/explode")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "Traceback" not in body
    assert "secret-canary" not in body
    # The JSON log keeps the exception type and frames, never its message.
    logged = stream.getvalue()
    assert '"exc_info": "Traceback (message withheld)' in logged
    assert "RuntimeError" in logged
    assert "secret-canary" not in logged


def test_views_without_a_policy_are_denied(rf):
    from candour.core.middleware import AccessPolicyMiddleware

    def undecorated(request):  # pragma: no cover - must never run
        raise AssertionError("ran")

    request = rf.get("/x")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = AccessPolicyMiddleware(lambda r: None).process_view(request, undecorated, (), {})
    assert response is not None
    assert response.status_code == 404


def test_every_routed_view_declares_an_access_policy():
    from candour.core.checks import check_views_declare_access

    assert check_views_declare_access(None) == []


def test_static_govuk_assets_are_served(client):
    css = client.get("/assets/govuk/govuk-frontend.min.css")
    assert css.status_code == 200
    # Every font the stylesheet asks for is served (names change with each release).
    import re

    fonts = set(re.findall(r"/assets/fonts/[\w.-]+\.woff2", css.getvalue().decode()))
    assert fonts
    for font in fonts:
        assert client.get(font).status_code == 200, font
    assert client.get("/assets/core/init.mjs").status_code == 200


def test_api_errors_are_always_problem_json(client, settings):
    unknown = client.get("/api/v1/no-such-thing")
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == "application/problem+json"
    assert unknown.json()["status"] == 404
    wrong_method = client.delete("/api/v1/me")
    assert wrong_method.status_code in (401, 405)
    assert wrong_method["Content-Type"] == "application/problem+json"
    big = client.post(
        "/api/v1/reports",
        data="x" * (settings.CANDOUR_MAX_REQUEST_BYTES + 1),
        content_type="application/json",
    )
    assert big.status_code == 413
    assert big["Content-Type"] == "application/problem+json"
