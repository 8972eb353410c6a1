"""HTTP methods, handled once in core middleware: HEAD answers wherever GET does, and a GET
on an address that only takes a form (a restored tab, a bookmark) is sent to the form's page
or gets a GOV.UK page that explains, never Django's empty 405. The JSON API and FHIR keep
their own error formats."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from candour.accounts.models import Role
from candour.core.middleware import GET_REDIRECTS
from candour.core.tests import test_routes as routes

pytestmark = pytest.mark.django_db

report_reference = routes.report_reference  # the fixture, shared with the route table
EXPLAINED = "You cannot open this page directly"


def _clients_for(name: str, *, make_user, signed_in) -> list[tuple[str, Client]]:
    """Anonymous, and someone whose level lets them reach the route."""
    clients = [("anonymous", Client())]
    level = routes.EXPECTED[name]
    if level == routes.PENDING:
        half = Client()
        half.force_login(make_user(Role.PRACTITIONER))
        clients.append(("past the password only", half))
    elif level == routes.ANY_STAFF:
        clients.append(("practitioner", signed_in(make_user(Role.PRACTITIONER))))
    elif level == routes.AUDITOR:
        clients.append(("auditor", signed_in(make_user(Role.ADMINISTRATOR, is_auditor=True))))
    elif isinstance(level, frozenset):
        role = sorted(level)[0]
        clients.append((role, signed_in(make_user(role))))
    return clients


def _is_govuk_page(body: str) -> bool:
    return (
        "govuk-template" in body and re.search(r"<h1 class=\"govuk-heading-l\">", body) is not None
    )


@pytest.mark.parametrize("name", sorted(routes.EXPECTED))
def test_head_answers_with_the_status_get_does(name, make_user, signed_in, bob, report_reference):
    url = routes._url(name, bob, report_reference)
    if not url:
        return  # the invitation link needs a real token (tested with the accounts views)
    for who, client in _clients_for(name, make_user=make_user, signed_in=signed_in):
        head = client.head(url)
        get = client.get(url)
        assert head.status_code == get.status_code, (name, who)
        assert head.content == b"", (name, who)
        assert head.get("Location") == get.get("Location"), (name, who)
        if get.status_code == 405 and not url.startswith(("/api/", "/fhir/")):
            assert _is_govuk_page(get.content.decode()), (name, who)


@pytest.mark.parametrize("name", sorted(routes.POST_ONLY))
def test_get_on_a_form_address_goes_to_the_form_page_or_explains(
    name, make_user, signed_in, bob, report_reference
):
    url = routes._url(name, bob, report_reference)
    clients = _clients_for(name, make_user=make_user, signed_in=signed_in)
    who, client = clients[-1]  # someone allowed to use it
    response = client.get(url)
    if response.status_code == 302:
        target, arguments = GET_REDIRECTS[name]
        kwargs = {key: response.wsgi_request.resolver_match.kwargs[key] for key in arguments}
        assert response["Location"] == reverse(target, kwargs=kwargs), (name, who)
    else:
        assert response.status_code == 405, (name, who)
        assert _is_govuk_page(response.content.decode()), (name, who)
        assert EXPLAINED in response.content.decode()


def test_the_reporter_restoring_a_reply_tab_is_sent_to_the_inbox(client):
    response = client.get(reverse("reporting:inbox_reply"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:inbox")


def test_an_intake_action_opened_directly_goes_back_to_the_report(
    signed_in, make_user, report_reference
):
    intake = signed_in(make_user(Role.INTAKE_OFFICER))
    response = intake.get(
        reverse("reporting:intake_release", kwargs={"reference": report_reference})
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "reporting:intake_report", kwargs={"reference": report_reference}
    )


def test_an_outsider_learns_nothing_from_a_form_address(client):
    """The access policy runs first: anonymous users are sent to sign in, not to the page."""
    reference = "00000000-0000-4000-8000-000000000000"
    response = client.get(reverse("flags:revoke_client", kwargs={"reference": reference}))
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")


def test_the_explaining_page_is_a_full_govuk_page_with_the_service_headers(client):
    response = client.post(reverse("demo:mail"))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert _is_govuk_page(body)
    assert EXPLAINED in body
    assert "no-store" in response["Cache-Control"]
    policy = response["Content-Security-Policy"]
    nonce = re.search(r'<script nonce="([^"]+)"', body)
    assert nonce is not None
    assert f"'nonce-{nonce.group(1)}'" in policy


def test_other_methods_on_a_form_address_get_the_explaining_page(signed_in, alice):
    response = signed_in(alice).put(reverse("accounts:sign_out"))
    assert response.status_code == 405
    assert EXPLAINED in response.content.decode()


def test_static_assets_answer_head(client):
    # WhiteNoise answers before the middleware that turns HEAD into GET; it handles HEAD.
    response = client.head("/assets/core/candour.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b""


# --- Machine interfaces keep their own formats ---------------------------------------------


def test_fhir_answers_head_like_get_and_keeps_operation_outcome_for_405(client):
    get = client.get("/fhir/metadata")
    head = client.head("/fhir/metadata")
    assert head.status_code == get.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head["Content-Type"].startswith("application/fhir+json")
    assert head.content == b""
    refused = client.post("/fhir/Flag")
    assert refused.status_code == 405
    assert refused["Content-Type"].startswith("application/fhir+json")
    assert refused.json()["resourceType"] == "OperationOutcome"


def test_the_json_api_answers_head_like_get_and_keeps_problem_json_for_405(client):
    get = client.get("/api/v1/openapi.json")
    head = client.head("/api/v1/openapi.json")
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    refused = client.delete("/api/v1/flags/notifications")
    assert refused.status_code == 405
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["status"] == 405
