"""axe-core (WCAG 2.0-2.2 A and AA) on every page of the service, in the state a user meets it.

Each test opens a page in Chromium in a real signed-in or signed-out state, checks it is the
page it should be (status and heading), then runs axe-core over the whole document.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import RequestFactory
from playwright.sync_api import Page, expect

from candour.accounts import services as accounts
from candour.accounts.models import Role
from candour.accounts.tests.factories import PASSWORD, TeamFactory
from candour.audit import services as audit
from candour.core import views as core_views
from candour.core.tests.browser.conftest import (
    age_session,
    assert_accessible,
    assert_heading,
    axe_violations,
    visit,
)
from conftest import current_code

pytestmark = pytest.mark.browser

SUMMARY = ".govuk-error-summary"


def summary_errors(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(f"{SUMMARY} li").all_inner_texts()]


def submit(page: Page, button: str, *, status: int) -> None:
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button, exact=True).click()
    response = navigation.value
    assert response is not None
    assert response.status == status, f"{page.url} answered {response.status}, not {status}"


BAD_PAGE = """<!DOCTYPE html><html><head><title>Bad</title></head><body><main>
<h1>Bad</h1><img src="/assets/rebrand/images/govuk-crest.svg"><input type="text">
<p style="color: #ccc; background: #fff">Faint text</p></main></body></html>"""


def test_the_axe_check_can_fail(axe_page, live_server):
    """The check is real: a page with known faults fails it, naming rules and elements."""
    axe_page.route(
        f"{live_server.url}/bad",
        lambda route: route.fulfill(content_type="text/html; charset=utf-8", body=BAD_PAGE),
    )
    visit(axe_page, "/bad")
    found = {v["id"] for v in axe_violations(axe_page)}
    assert {"html-has-lang", "image-alt", "label", "color-contrast"} <= found
    with pytest.raises(AssertionError, match=r"image-alt \(critical\).*\n.*at img"):
        assert_accessible(axe_page)


# --- Signed out ----------------------------------------------------------------------------


def test_sign_in_page(axe_page, watcher):
    visit(axe_page, "/sign-in", heading="Sign in to candour")
    expect(axe_page.locator(SUMMARY)).to_have_count(0)
    expect(axe_page.get_by_label("Email address")).to_be_visible()
    expect(axe_page.get_by_label("Password")).to_be_visible()
    assert_accessible(axe_page)
    watcher.assert_clean()


def test_sign_in_page_with_error_summary(axe_page):
    visit(axe_page, "/sign-in")
    submit(axe_page, "Continue", status=400)
    assert axe_page.title().startswith("Error: ")
    assert summary_errors(axe_page) == ["Enter an email address", "Enter your password"]
    assert_accessible(axe_page)


def test_sign_in_page_after_wrong_credentials(axe_page, bob):
    visit(axe_page, "/sign-in")
    axe_page.get_by_label("Email address").fill(bob.email)
    axe_page.get_by_label("Password").fill("not-the-password")
    submit(axe_page, "Continue", status=401)
    assert summary_errors(axe_page) == ["Enter a correct email address and password"]
    assert_accessible(axe_page)


def test_sign_in_page_when_this_client_must_wait(axe_page, bob, settings):
    settings.CANDOUR_SIGN_IN_CLIENT_FREE_FAILURES = 1
    visit(axe_page, "/sign-in")
    for status in (401, 429):
        axe_page.get_by_label("Email address").fill(bob.email)
        axe_page.get_by_label("Password").fill("not-the-password")
        submit(axe_page, "Continue", status=status)
    assert summary_errors(axe_page)[0].startswith(
        "There have been too many attempts to sign in from here. Wait 2 seconds"
    )
    assert_accessible(axe_page)


def test_sign_in_page_asking_for_the_code_with_the_password(axe_page, bob, settings):
    settings.CANDOUR_SIGN_IN_STEP_UP_AFTER = 1
    visit(axe_page, "/sign-in")
    axe_page.get_by_label("Email address").fill(bob.email)
    axe_page.get_by_label("Password").fill("not-the-password")
    submit(axe_page, "Continue", status=401)
    axe_page.get_by_label("Password").fill(PASSWORD)
    submit(axe_page, "Continue", status=401)
    assert_heading(axe_page, "Sign in to candour")
    expect(axe_page.locator(SUMMARY)).to_have_count(0)
    expect(axe_page.locator(".govuk-inset-text")).to_contain_text("wrong attempts")
    expect(axe_page.get_by_label("Email address")).to_have_value(bob.email)
    assert_accessible(axe_page)
    axe_page.get_by_label("Password").fill(PASSWORD)
    axe_page.get_by_label("Security code").fill(current_code(bob))
    submit(axe_page, "Continue", status=200)
    expect(axe_page).not_to_have_url(re.compile(r"/sign-in"))


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accessibility", "Accessibility statement for candour"),
        ("/privacy", "Privacy notice"),
        ("/feedback", "Give feedback on candour"),
    ],
)
def test_public_information_pages(axe_page, watcher, path, heading):
    visit(axe_page, path, heading=heading)
    assert_accessible(axe_page)
    watcher.assert_clean()


def test_page_not_found(axe_page):
    visit(axe_page, "/no-such-page", status=404, heading="Page not found")
    assert_accessible(axe_page)


def test_page_not_found_signed_in(axe_page, sign_in_as, alice):
    sign_in_as(alice)
    visit(axe_page, f"/users/{uuid.uuid4()}", status=404, heading="Page not found")
    expect(axe_page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(axe_page)


def test_csrf_failure_page(axe_page, bob):
    visit(axe_page, "/sign-in")
    axe_page.get_by_label("Email address").fill(bob.email)
    axe_page.get_by_label("Password").fill(PASSWORD)
    axe_page.locator("input[name=csrfmiddlewaretoken]").evaluate(
        "input => { input.value = 'x'.repeat(64) }"
    )
    submit(axe_page, "Continue", status=403)
    assert_heading(axe_page, "Sorry, we could not accept that form")
    assert_accessible(axe_page)


def test_request_too_large_page(axe_page, settings):
    settings.CANDOUR_MAX_REQUEST_BYTES = 2048
    visit(axe_page, "/sign-in")
    axe_page.get_by_label("Email address").fill("someone@example.com")
    axe_page.get_by_label("Password").evaluate("input => { input.value = 'a'.repeat(4096) }")
    submit(axe_page, "Continue", status=413)
    assert_heading(axe_page, "What you sent is too large")
    expect(axe_page.get_by_text("up to 2 KB")).to_be_visible()
    assert_accessible(axe_page)


@pytest.mark.parametrize(
    ("view", "status", "heading"),
    [
        (core_views.bad_request, 400, "Sorry, there is a problem with the request"),
        (core_views.server_error, 500, "Sorry, there is a problem with the service"),
    ],
)
def test_error_pages_a_browser_cannot_provoke(axe_page, live_server, view, status, heading):
    """No request a browser can make reaches these; serve the real view's answer instead."""
    response = view(RequestFactory().get("/broken"))
    assert response.status_code == status
    axe_page.route(
        f"{live_server.url}/broken",
        lambda route: route.fulfill(
            status=status, content_type="text/html; charset=utf-8", body=response.content
        ),
    )
    visit(axe_page, "/broken", status=status, heading=heading)
    assert_accessible(axe_page)


def test_session_ended_page(axe_page, sign_in_as, bob, settings):
    settings.CANDOUR_IDLE_TIMEOUT_SECONDS = 60
    key = sign_in_as(bob)
    visit(axe_page, "/", heading="Welcome, Bob Practitioner")
    age_session(key, seconds=61)
    visit(axe_page, "/", status=401, heading="You have been signed out")
    expect(axe_page.get_by_text("for 1 minute.", exact=False)).to_be_visible()
    assert_accessible(axe_page)
    # The session really has ended: the next request is sent to sign in.
    axe_page.get_by_role("button", name="Sign in again").click()
    expect(axe_page).to_have_url(re.compile(r"/sign-in$"))


def test_signed_out_page(axe_page, sign_in_as, bob):
    sign_in_as(bob)
    visit(axe_page, "/account", heading="Your account")
    submit(axe_page, "Sign out", status=200)
    assert_heading(axe_page, "You have signed out")
    assert_accessible(axe_page)


def test_signed_out_everywhere_page(axe_page, sign_in_as, bob):
    sign_in_as(bob)
    visit(axe_page, "/account", heading="Your account")
    submit(axe_page, "Sign out everywhere", status=200)
    assert_heading(axe_page, "You have signed out")
    expect(axe_page.get_by_text("Every session on every device has ended")).to_be_visible()
    assert_accessible(axe_page)


# --- Invitation link -----------------------------------------------------------------------


@pytest.fixture
def invited(alice):
    return accounts.invite_user(
        admin=alice, email="dee@testshire.example", full_name="Dee Invited", role=Role.ANALYST
    )


def test_activation_pages(axe_page, invited):
    token = default_token_generator.make_token(invited)
    visit(axe_page, f"/account/activate/{invited.reference}/{token}", heading="Create a password")
    assert token not in axe_page.url
    assert_accessible(axe_page)

    axe_page.get_by_label("Create a password").fill("short")
    axe_page.get_by_label("Type the password again").fill("different")
    submit(axe_page, "Save password", status=400)
    assert axe_page.title().startswith("Error: ")
    assert summary_errors(axe_page) == [
        "This password is too short. It must contain at least 12 characters."
    ]
    assert_accessible(axe_page)

    axe_page.get_by_label("Create a password").fill(PASSWORD)
    axe_page.get_by_label("Type the password again").fill(PASSWORD)
    submit(axe_page, "Save password", status=200)
    assert_heading(axe_page, "Sign in to candour")
    expect(axe_page.locator(".govuk-notification-banner")).to_contain_text("Your password is set")
    assert_accessible(axe_page)


def test_activation_link_invalid(axe_page, invited):
    visit(
        axe_page,
        f"/account/activate/{invited.reference}/set-password",
        status=404,
        heading="This link has expired or has been used",
    )
    assert_accessible(axe_page)


# --- Two-factor authentication --------------------------------------------------------------


def test_two_factor_enter_code_page(axe_page, sign_in_as, bob):
    sign_in_as(bob, verified=False)
    visit(axe_page, "/sign-in/two-factor", heading="Enter your security code")
    expect(axe_page.locator(".candour-qr")).to_have_count(0)
    assert_accessible(axe_page)

    axe_page.get_by_label("Security code").fill("000000")
    submit(axe_page, "Continue", status=401)
    assert summary_errors(axe_page) == [
        "The security code is wrong or has expired. Enter the newest code"
    ]
    assert_accessible(axe_page)


def test_two_factor_set_up_page(axe_page, sign_in_as, make_user):
    newcomer = make_user(Role.PRACTITIONER, two_factor=False)
    sign_in_as(newcomer, verified=False)
    visit(axe_page, "/sign-in/two-factor", heading="Set up two-factor authentication")
    expect(axe_page.locator(".candour-qr svg")).to_be_visible()
    assert_accessible(axe_page)
    axe_page.get_by_text("I cannot scan the QR code").click()
    expect(axe_page.locator(".candour-secret")).to_be_visible()
    assert_accessible(axe_page)


# --- Signed in -----------------------------------------------------------------------------


def test_home_page_for_practitioner(axe_page, watcher, sign_in_as, bob):
    sign_in_as(bob)
    visit(axe_page, "/", heading="Welcome, Bob Practitioner")
    expect(axe_page.get_by_role("link", name="Users")).to_have_count(0)
    assert_accessible(axe_page)
    watcher.assert_clean()


def test_home_page_for_administrator(axe_page, watcher, sign_in_as, alice):
    sign_in_as(alice)
    visit(axe_page, "/", heading="Welcome, Alice Admin")
    navigation = axe_page.get_by_role("navigation", name="Menu")
    expect(navigation.get_by_role("link", name="Users")).to_be_visible()
    expect(navigation.get_by_role("link", name="Audit log")).to_be_visible()
    assert_accessible(axe_page)
    watcher.assert_clean()


def test_account_page(axe_page, sign_in_as, bob):
    sign_in_as(bob)
    visit(axe_page, "/account", heading="Your account")
    expect(axe_page.get_by_text(bob.email)).to_be_visible()
    assert_accessible(axe_page)


def test_forbidden_page(axe_page, sign_in_as, bob):
    sign_in_as(bob)
    visit(axe_page, "/users/", status=403, heading="You do not have access to this page")
    assert_accessible(axe_page)


# --- Administration of users ----------------------------------------------------------------


@pytest.fixture
def team(organisation):
    return TeamFactory(organisation=organisation, name="North locality team")


@pytest.fixture
def everyone(alice, bob, invited, make_user, team):
    """Users in every status the users list shows."""
    bob.team = team
    bob.save(update_fields=["team"])
    make_user(Role.ANALYST, full_name="Ed Needs Setup", two_factor=False, is_auditor=True)
    gone = make_user(Role.LEADER, full_name="Fay Deactivated")
    accounts.deactivate_user(admin=alice, user=gone)
    return [alice, bob, invited]


def test_users_list(axe_page, sign_in_as, alice, everyone):
    sign_in_as(alice)
    visit(axe_page, "/users/", heading="Users")
    rows = axe_page.locator("tbody tr")
    expect(rows).to_have_count(5)
    for tag in ("Active", "Invited", "Needs 2FA set-up", "Deactivated"):
        expect(axe_page.locator(".govuk-tag", has_text=tag).first).to_be_visible()
    assert_accessible(axe_page)


def test_invite_form(axe_page, sign_in_as, alice, team):
    sign_in_as(alice)
    visit(axe_page, "/users/invite", heading="Invite a user")
    assert_accessible(axe_page)

    submit(axe_page, "Send invitation", status=400)
    assert axe_page.title().startswith("Error: ")
    assert summary_errors(axe_page) == [
        "Enter the user's full name",
        "Enter an email address",
        "Select a role",
    ]
    assert_accessible(axe_page)


@pytest.mark.parametrize("subject", ["bob", "invited"])
def test_user_details(axe_page, sign_in_as, alice, everyone, request, subject):
    user = request.getfixturevalue(subject)
    sign_in_as(alice)
    visit(axe_page, f"/users/{user.reference}", heading=user.full_name)
    assert_accessible(axe_page)


def test_edit_form(axe_page, sign_in_as, alice, bob, team):
    sign_in_as(alice)
    visit(axe_page, f"/users/{bob.reference}/edit", heading="Change user details")
    expect(axe_page.get_by_label("Full name")).to_have_value("Bob Practitioner")
    assert_accessible(axe_page)

    axe_page.get_by_label("Full name").fill("")
    submit(axe_page, "Save changes", status=400)
    assert summary_errors(axe_page) == ["Enter the user's full name"]
    assert_accessible(axe_page)


def test_confirm_action_page(axe_page, sign_in_as, alice, bob):
    sign_in_as(alice)
    visit(axe_page, f"/users/{bob.reference}/deactivate", heading="Deactivate this account?")
    assert_accessible(axe_page)


def test_confirm_action_page_with_error(axe_page, sign_in_as, alice):
    sign_in_as(alice)
    visit(axe_page, f"/users/{alice.reference}/deactivate", heading="Deactivate this account?")
    submit(axe_page, "Yes, continue", status=400)
    assert summary_errors(axe_page) == ["You cannot deactivate your own account"]
    assert axe_page.title().startswith("Error: ")
    assert_accessible(axe_page)


# --- Audit log -----------------------------------------------------------------------------


def test_audit_log(axe_page, sign_in_as, alice, bob):
    for n in range(55):  # more than a page, so the pagination shows
        audit.record(actor=alice, action="test.viewed", object_type="user", object_ref=n)
    audit.record(actor=bob, action="test.changed", reason="Because a test said so")
    sign_in_as(alice)
    visit(axe_page, "/audit/", heading="Audit log")
    expect(axe_page.locator("tbody tr")).to_have_count(50)
    expect(axe_page.get_by_role("navigation", name="Pagination")).to_be_visible()
    assert_accessible(axe_page)

    axe_page.get_by_role("link", name="Next page").click()
    expect(axe_page.locator("tbody tr")).to_have_count(6)
    assert_accessible(axe_page)


def test_audit_log_with_filter_errors(axe_page, sign_in_as, alice):
    sign_in_as(alice)
    visit(axe_page, "/audit/?actor_ref=nobody&from_day=31&from_month=2&from_year=2026", status=400)
    assert_heading(axe_page, "Audit log")
    assert axe_page.title().startswith("Error: ")
    assert summary_errors(axe_page) == [
        "Enter a user reference in the correct format",
        "The from date must be a real date",
    ]
    assert_accessible(axe_page)


def test_audit_log_with_no_matching_entries(axe_page, sign_in_as, alice):
    sign_in_as(alice)
    visit(axe_page, "/audit/?action=&object_ref=nothing-has-this", heading="Audit log")
    expect(axe_page.get_by_text("No entries match these filters.")).to_be_visible()
    assert_accessible(axe_page)
