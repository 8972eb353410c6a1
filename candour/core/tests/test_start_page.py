"""The site root tells a practitioner that reporting needs no account and where their
authority's link is; signed-in staff still get their home. Every page asks for feedback."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candour.accounts.models import Role
from candour.accounts.tests.factories import OrganisationFactory
from candour.reporting.models import Programme

pytestmark = pytest.mark.django_db


def _programme(organisation, slug: str) -> Programme:
    return Programme.objects.create(
        organisation=organisation, slug=slug, duty_contact="d", emergency_contact="e"
    )


def test_an_anonymous_visitor_learns_reporting_needs_no_account(client, organisation):
    _programme(organisation, "northbrook")
    _programme(OrganisationFactory(name="Aldermoor Council", ods_code="XLA09"), "aldermoor")

    response = client.get("/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "You do not need an account to report" in body
    aldermoor = '<a class="govuk-link" href="/report/aldermoor">Aldermoor Council</a>'
    northbrook = (
        '<a class="govuk-link" href="/report/northbrook">'
        "Northbrook Council Children&#x27;s Services</a>"
    )
    assert aldermoor in body
    assert northbrook in body
    assert body.index(aldermoor) < body.index(northbrook)  # by authority name
    assert f'href="{reverse("accounts:sign_in")}"' in body
    assert f'href="{reverse("reporting:inbox")}"' in body


def test_the_start_page_says_when_no_authority_takes_reports_yet(client, db):
    body = client.get("/").content.decode()
    assert "No local authority has a reporting programme on this service yet" in body
    assert 'id="reporting-links"' not in body


def test_the_links_on_the_start_page_open(client, organisation):
    _programme(organisation, "northbrook")
    assert client.get("/report/northbrook").status_code == 200


def test_signed_in_staff_still_see_their_home(signed_in, alice):
    body = signed_in(alice).get("/").content.decode()
    assert "Welcome, Alice Admin" in body
    assert "You do not need an account to report" not in body


def test_a_user_who_has_not_finished_signing_in_sees_the_start_page(client, make_user):
    client.force_login(make_user(Role.PRACTITIONER))
    body = client.get("/").content.decode()
    assert "You do not need an account to report" in body
    assert "Welcome," not in body


def test_the_phase_banner_asks_for_feedback(client, db):
    body = client.get(reverse("core:accessibility")).content.decode()
    banner = body[body.index('class="govuk-phase-banner"') :][:800]
    assert "This is a new service." in banner
    assert (
        f'Help us improve it and <a class="govuk-link" href="{reverse("core:feedback")}">'
        "give your feedback</a>"
    ) in banner


def test_the_feedback_page_gives_the_configured_address(client, db, settings):
    settings.CANDOUR_FEEDBACK_EMAIL = "improve@northbrook.example"
    response = client.get(reverse("core:feedback"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<h1 class="govuk-heading-l">Give feedback on candour</h1>' in body
    assert 'href="mailto:improve@northbrook.example"' in body
    assert "Do not put the name or any detail of a child" in body
