"""The privacy notice and accessibility statement: the sections the law and GOV.UK's model
statement ask for, and facts that come from the settings and code that enforce them."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape

from candour.flags.services import retention as retention_service
from candour.reporting.models import Programme

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200
    # Typographic apostrophes read as plain ones here, so the assertions stay plain ASCII.
    return re.sub(r"\s+", " ", response.content.decode()).replace(
        "\N{RIGHT SINGLE QUOTATION MARK}", "'"
    )


def _headings(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", page)
    ]


# --- Privacy notice ------------------------------------------------------------------------


def test_privacy_notice_has_every_section(client):
    headings = _headings(_text(client.get("/privacy")))
    for section in (
        "Who is responsible for your information",
        "What we hold",
        "Confidential reports",
        "Staff accounts",
        "The audit log",
        "Child protection flags",
        "How long we keep it",
        "How information is destroyed",
        "Why we can use it",
        "Your rights",
        "If you made a confidential report",
        "How to complain",
    ):
        assert section in headings, section


def test_privacy_notice_states_what_is_and_is_not_held(client):
    page = _text(client.get("/privacy"))
    for fact in (
        "stored encrypted",
        "sealed under a separate key",
        "de-identified version",
        "We do not record your IP address or the browser you use (user agent)",
        "only the date a report arrived, never the time",
        "Argon2id",
        "NHS, CHI or H&amp;C number, names, date of birth, the responsible local authority",
        "start and end dates",
        "access history",
        "keyed code made from the child's number, never the number itself",
        "crypto-shredding",
        "Article 6(1)(e)",
        "Schedule 1, paragraph 18",
    ):
        assert fact in page, fact


def test_privacy_notice_lists_the_rights_and_the_receipt_inbox_limit(client):
    page = _text(client.get("/privacy"))
    for right in ("(access)", "(rectification)", "erased", "restrict", "object"):
        assert right in page, right
    assert "cannot find your report from who you are" in page
    assert "in your receipt inbox with your receipt code" in page


def test_privacy_notice_says_how_to_complain_to_the_ico(client):
    page = _text(client.get("/privacy"))
    assert 'href="https://ico.org.uk/make-a-complaint/"' in page
    assert "0303 123 1113" in page


def test_report_retention_shown_is_the_programmes_default(client, monkeypatch):
    assert "Destroyed 30 days after the report is closed (the default" in _text(
        client.get("/privacy")
    )
    monkeypatch.setattr(Programme._meta.get_field("retention_days"), "default", 45)
    assert "Destroyed 45 days after the report is closed" in _text(client.get("/privacy"))


def test_flag_retention_shown_is_the_deletion_jobs_rule(client, monkeypatch):
    assert "Deleted 365 days after the child's last plan ends" in _text(client.get("/privacy"))
    monkeypatch.setattr(retention_service, "RETENTION_DAYS", 400)
    page = _text(client.get("/privacy"))
    assert "Deleted 400 days after the child's last plan ends" in page
    assert "last plan ended 400 days ago or more" in page


def test_idle_limit_shown_is_the_setting(client, settings):
    settings.CANDOUR_IDLE_TIMEOUT_SECONDS = 20 * 60
    assert "or after 20 minutes without activity" in _text(client.get("/privacy"))


def test_signed_in_users_see_their_organisation_and_its_retention(signed_in, bob, organisation):
    Programme.objects.create(
        organisation=organisation,
        slug="northbrook",
        duty_contact="d",
        emergency_contact="e",
        retention_days=60,
    )
    page = _text(signed_in(bob).get("/privacy"))
    assert f"You are signed in as a member of <strong>{escape(organisation.name)}</strong>" in page
    assert f"Destroyed 60 days after the report is closed ({escape(organisation.name)}'s" in page


def test_outsider_sees_only_their_own_organisation(signed_in, charlie, organisation):
    Programme.objects.create(
        organisation=organisation,
        slug="northbrook",
        duty_contact="d",
        emergency_contact="e",
        retention_days=60,
    )
    page = _text(signed_in(charlie).get("/privacy"))
    assert escape(charlie.organisation.name) in page
    assert escape(organisation.name) not in page
    assert "Destroyed 30 days after" in page


def test_signed_out_visitors_see_no_organisation(client, organisation):
    page = _text(client.get("/privacy"))
    assert "You are signed in as a member of" not in page
    assert escape(organisation.name) not in page


def test_the_operator_is_named_from_the_settings(client, settings):
    settings.CANDOUR_OPERATOR_NAME = "Northern Shared Services"
    settings.CANDOUR_OPERATOR_EMAIL = "privacy@shared.example"
    page = _text(client.get("/privacy"))
    assert "Northern Shared Services runs candour for these organisations as a processor" in page
    assert 'href="mailto:privacy@shared.example"' in page


def test_without_an_operator_address_people_are_sent_to_their_organisation(client):
    page = _text(client.get("/privacy"))
    assert "The organisation that hosts this service runs candour for these organisations" in page
    assert "concerned, or email" not in page


# --- Accessibility statement ---------------------------------------------------------------


def test_accessibility_statement_has_the_model_statement_sections(client):
    headings = _headings(_text(client.get("/accessibility")))
    for section in (
        "How accessible this website is",
        "What to do if you cannot access parts of this website",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website's accessibility",
        "Compliance status",
        "Non-accessible content",
        "What we're doing to improve accessibility",
        "Preparation of this accessibility statement",
    ):
        assert section in headings, section


def test_accessibility_statement_facts(client, settings):
    settings.CANDOUR_IDLE_TIMEOUT_SECONDS = 20 * 60
    settings.CANDOUR_ACCESSIBILITY_EMAIL = "access@shared.example"
    page = _text(client.get("/accessibility"))
    assert "partially compliant with the" in page
    assert "Web Content Accessibility Guidelines version 2.2</a> AA standard" in page
    assert "Equality and Human Rights Commission (EHRC)" in page
    assert "Equality Commission for Northern Ireland (ECNI)" in page
    assert "2.2.1 (Timing adjustable)" in page
    assert "after 20 minutes without activity without warning you first" in page
    assert 'href="mailto:access@shared.example"' in page
    assert re.search(r"This statement was prepared on \d{1,2} \w+ 20\d\d\.", page)
