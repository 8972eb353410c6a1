"""axe-core on the start page, the explaining page for a form's address opened directly, and
the demo mailbox (empty, listing and one message), each in the state a newcomer meets it."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from candour.core.tests.browser.conftest import assert_accessible, visit
from candour.demo.mailbox_reader import read_mail
from candour.reporting.models import Programme

pytestmark = pytest.mark.browser


@pytest.fixture
def maildir(tmp_path: Path, settings, live_server) -> Path:
    settings.CANDOUR_DEMO_MAIL_DIR = tmp_path / "demo-mail"
    settings.CANDOUR_BASE_URL = live_server.url
    return settings.CANDOUR_DEMO_MAIL_DIR


def _deliver(directory: Path, *, to: str, subject: str, body: str) -> None:
    for part in ("tmp", "new", "cur"):
        (directory / part).mkdir(parents=True, exist_ok=True)
    message = mailbox.MaildirMessage()
    message["From"] = "candour <no-reply@candour.invalid>"
    message["To"] = to
    message["Subject"] = subject
    message.set_payload(body, charset="utf-8")
    mailbox.Maildir(directory, create=False).add(message)


def test_start_page_for_a_practitioner(axe_page, watcher, organisation):
    Programme.objects.create(
        organisation=organisation, slug="northbrook", duty_contact="d", emergency_contact="e"
    )
    visit(axe_page, "/", heading="Report a near miss or an incident")
    link = axe_page.get_by_role("link", name="Northbrook Council Children's Services")
    expect(link).to_have_attribute("href", "/report/northbrook")
    expect(axe_page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(axe_page.get_by_role("link", name="give your feedback")).to_be_visible()
    assert_accessible(axe_page)
    watcher.assert_clean()


def test_page_for_a_form_address_opened_directly(axe_page, live_server, db):
    """Every form address a browser can open redirects; render the page another method gets."""
    response = Client().post("/demo/mail")
    assert response.status_code == 405
    axe_page.route(
        f"{live_server.url}/explained",
        lambda route: route.fulfill(
            status=405, content_type="text/html; charset=utf-8", body=response.content
        ),
    )
    visit(axe_page, "/explained", status=405, heading="You cannot open this page directly")
    assert_accessible(axe_page)


def test_empty_demo_mailbox(axe_page, watcher, maildir):
    visit(axe_page, "/demo/mail", heading="Demo mailbox")
    expect(axe_page.get_by_text("No e-mails yet.")).to_be_visible()
    assert_accessible(axe_page)
    watcher.assert_clean()


def test_demo_mailbox_and_one_message(axe_page, watcher, maildir, live_server):
    _deliver(
        maildir,
        to="newcomer@northbrook.example",
        subject="Your candour account",
        body=f"Set your password here:\n{live_server.url}/sign-in\n\nThe link works once.",
    )
    visit(axe_page, "/demo/mail", heading="Demo mailbox")
    assert_accessible(axe_page)
    axe_page.get_by_role("link", name="Open the e-mail").click()
    (stored,) = read_mail(maildir)
    expect(axe_page).to_have_url(f"{live_server.url}/demo/mail/{stored.ident}")
    expect(axe_page.locator("h1")).to_have_text("Your candour account")
    assert_accessible(axe_page)
    axe_page.get_by_role("link", name=f"{live_server.url}/sign-in").click()
    expect(axe_page.locator("h1")).to_have_text("Sign in to candour")
    watcher.assert_clean()
