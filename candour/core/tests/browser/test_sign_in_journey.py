"""Journeys through the real pages in Chromium, with the Content-Security-Policy enforced."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from candour.accounts.models import Role, User
from candour.accounts.tests.factories import PASSWORD
from candour.audit.models import AuditEntry
from candour.core.tests.browser.conftest import add_session, session_cookie_for
from conftest import current_code

pytestmark = pytest.mark.browser

# Tests marked `clock` enter security codes, which follow the clock: each is computed here
# and checked by the live server a moment later, within django-otp's one-step tolerance.
# They are not frozen, since Chromium keeps the real clock (cookie expiry) whatever we do.

SUMMARY = ".govuk-error-summary"


def sign_in_through_the_form(page: Page, user: User) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/sign-in/two-factor$"))
    expect(page.locator("h1")).to_have_text("Enter your security code")
    page.get_by_label("Security code").fill(current_code(user))
    page.get_by_role("button", name="Continue").click()


@pytest.mark.clock
def test_sign_in_with_password_and_code_lands_on_home(page, watcher, bob):
    sign_in_through_the_form(page, bob)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text("Welcome, Bob Practitioner")
    expect(page).to_have_title("Home \N{EN DASH} candour")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert AuditEntry.objects.filter(
        action="accounts.sign_in", actor_ref=str(bob.reference)
    ).exists()
    # The nonce'd inline script and the module script ran under the real CSP.
    body_class = page.locator("body").get_attribute("class") or ""
    assert "js-enabled" in body_class
    assert "govuk-frontend-supported" in body_class
    watcher.assert_clean()


@pytest.mark.clock
def test_sign_in_returns_to_the_page_asked_for(page, watcher, alice):
    page.goto("/audit/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/audit/$"))
    sign_in_through_the_form(page, alice)
    expect(page).to_have_url(re.compile(r"/audit/$"))
    expect(page.locator("h1")).to_have_text("Audit log")
    watcher.assert_clean()


@pytest.mark.clock
def test_first_sign_in_sets_up_two_factor(page, watcher, make_user):
    newcomer = make_user(Role.PRACTITIONER, full_name="Nia Newcomer", two_factor=False)
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(newcomer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Set up two-factor authentication")
    expect(page.locator(".candour-qr svg")).to_be_visible()
    page.get_by_label("Security code").fill(current_code(newcomer))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Welcome, Nia Newcomer")
    watcher.assert_clean()  # the inline QR code's SVG draws under the strict CSP


def test_empty_form_shows_error_summary_that_takes_focus(page, watcher):
    page.goto("/sign-in")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(SUMMARY)
    expect(summary).to_be_visible()
    expect(page).to_have_title("Error: Sign in \N{EN DASH} candour")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_text(["Enter an email address", "Enter your password"])
    expect(links.first).to_have_attribute("href", "#id_email")
    # Each field shows its own error too, tied to it for screen readers.
    expect(page.get_by_label("Email address")).to_have_accessible_description(
        "Error: Enter an email address"
    )
    expect(page.get_by_label("Password")).to_have_accessible_description(
        "Error: Enter your password"
    )
    for label in ("Email address", "Password"):  # the GOV.UK red border of a field in error
        expect(page.get_by_label(label)).to_have_css("border-color", "rgb(212, 53, 28)")

    links.first.click()
    expect(page.get_by_label("Email address")).to_be_focused()
    links.nth(1).click()
    expect(page.get_by_label("Password")).to_be_focused()
    watcher.assert_clean()


def test_wrong_password_is_refused(page, bob):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(bob.email)
    page.get_by_label("Password").fill("not-the-password")
    with page.expect_response(re.compile(r"/sign-in$")) as answer:
        page.get_by_role("button", name="Continue").click()
    assert answer.value.status == 401
    expect(page.locator(SUMMARY)).to_contain_text("Enter a correct email address and password")
    expect(page.locator(SUMMARY)).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_value(bob.email)
    expect(page.get_by_label("Password")).to_have_value("")  # never sent back to the browser
    expect(page.locator("h1")).to_have_text("Sign in to candour")


def test_form_posts_carry_an_origin_the_csrf_check_accepts(page, live_server, bob):
    """A Referrer-Policy of no-referrer makes Chromium send "Origin: null", refused as CSRF."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(bob.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_request(lambda r: r.method == "POST") as posted:
        page.get_by_role("button", name="Continue").click()
    assert posted.value.header_value("origin") == live_server.url
    expect(page.locator("h1")).to_have_text("Enter your security code")


def test_sign_out_from_the_navigation(page, context, live_server, watcher, bob):
    add_session(context, live_server.url, session_cookie_for(bob))
    page.goto("/account")
    expect(page.locator("h1")).to_have_text("Your account")
    page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("You have signed out")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    # The session is gone: a signed-in page now asks for sign-in.
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/account$"))
    watcher.assert_clean()


def test_administrator_invites_a_user(page, context, live_server, watcher, alice):
    add_session(context, live_server.url, session_cookie_for(alice))
    page.goto("/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Users").click()
    expect(page.locator("h1")).to_have_text("Users")
    page.get_by_role("button", name="Invite a user").click()
    expect(page.locator("h1")).to_have_text("Invite a user")

    page.get_by_label("Full name").fill("Gita Newstarter")
    page.get_by_label("Email address").fill("Gita.Newstarter@testshire.example")
    page.get_by_role("radio", name="Analyst").check()
    page.get_by_label("Can read the organisation's audit log").check()
    page.get_by_role("button", name="Send invitation").click()

    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Invitation sent to gita.newstarter@testshire.example")
    expect(page.locator("h1")).to_have_text("Gita Newstarter")
    expect(page.locator("main .govuk-tag")).to_have_text("Invited")
    invited = User.objects.get(email="gita.newstarter@testshire.example")
    assert invited.organisation_id == alice.organisation_id
    assert invited.role == Role.ANALYST
    assert invited.is_auditor
    assert not invited.has_usable_password()

    # The banner is shown once only.
    page.reload()
    expect(banner).to_have_count(0)
    watcher.assert_clean()


@pytest.mark.clock
def test_sign_in_works_without_javascript(browser, live_server, bob):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/sign-in")
        # Without JavaScript the error summary is still there, just not focused.
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(SUMMARY)).to_contain_text("Enter an email address")
        sign_in_through_the_form(page, bob)
        expect(page.locator("h1")).to_have_text("Welcome, Bob Practitioner")
        assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
        page.get_by_role("button", name="Sign out").click()
        expect(page.locator("h1")).to_have_text("You have signed out")
    finally:
        context.close()
