"""The timeout warning in Chromium: it opens two minutes before the idle sign-out, is
accessible, keeps the user signed in (button or Esc) without losing what they typed, and when
time runs out goes to the signed-out page, from which signing in returns to the same page.

The browser's clock is Playwright's fake clock, moved forward by hand; the server's idle clock
is moved by ageing the session, so the two agree without waiting.
"""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, Response, expect

from candour.accounts.tests.factories import PASSWORD
from candour.core.tests.browser.conftest import (
    add_session,
    age_session,
    assert_accessible,
    session_cookie_for,
    visit,
)
from conftest import current_code

pytestmark = pytest.mark.browser

DIALOG = "#timeout-warning"
HEADING = "You\N{RIGHT SINGLE QUOTATION MARK}re about to be signed out"


def _timeout() -> int:
    return settings.CANDOUR_IDLE_TIMEOUT_SECONDS


def _bring_up_the_warning(page: Page, session_key: str, *, seconds_left: int = 110) -> None:
    """Make the server's idle clock read ``seconds_left`` and the browser reach its warning."""
    age_session(session_key, seconds=_timeout() - seconds_left)
    page.clock.fast_forward((_timeout() - 120) * 1000)
    expect(page.locator(DIALOG)).to_be_visible()


def _keep_alive_post(response: Response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/account/session")


def _last_seen(session_key: str) -> int:
    session = SessionStore(session_key=session_key)
    assert session.load()
    return int(session["last_seen"])


def test_warning_opens_two_minutes_before_and_is_accessible(axe_page, sign_in_as, alice):
    key = sign_in_as(alice)
    axe_page.clock.install()
    visit(axe_page, "/users/invite", heading="Invite a user")
    dialog = axe_page.locator(DIALOG)
    expect(dialog).to_be_hidden()
    # A minute before the warning is due nothing shows.
    age_session(key, seconds=_timeout() - 180)
    axe_page.clock.fast_forward((_timeout() - 180) * 1000)
    expect(dialog).to_be_hidden()
    _bring_up_the_warning(axe_page, key)
    expect(dialog.get_by_role("heading")).to_have_text(HEADING)
    expect(dialog).to_contain_text("we will sign you out in 2 minutes")
    announcement = axe_page.locator("#timeout-warning-announcement")
    expect(announcement).to_have_text("For your security, we will sign you out in 2 minutes.")
    expect(announcement).to_have_attribute("aria-live", "polite")
    expect(dialog).to_be_focused()  # so screen readers read its title and message
    expect(axe_page.get_by_role("dialog", name=HEADING)).to_be_visible()
    assert_accessible(axe_page)


def test_stay_signed_in_keeps_the_session_and_what_was_typed(axe_page, sign_in_as, alice):
    key = sign_in_as(alice)
    axe_page.clock.install()
    visit(axe_page, "/users/invite", heading="Invite a user")
    name = axe_page.get_by_label("Full name")
    name.fill("Half-typed Name")
    _bring_up_the_warning(axe_page, key)
    before = _last_seen(key)
    with axe_page.expect_response(_keep_alive_post) as answer:
        axe_page.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 204
    expect(axe_page.locator(DIALOG)).to_be_hidden()
    expect(name).to_be_focused()  # focus goes back where it was
    expect(name).to_have_value("Half-typed Name")
    assert _last_seen(key) > before  # the server's idle clock restarted
    # The timer restarted too: the warning stays away until the next two minutes before.
    axe_page.clock.fast_forward((_timeout() - 180) * 1000)
    expect(axe_page.locator(DIALOG)).to_be_hidden()


def test_escape_means_stay_signed_in(axe_page, sign_in_as, bob):
    key = sign_in_as(bob)
    axe_page.clock.install()
    visit(axe_page, "/account", heading="Your account")
    _bring_up_the_warning(axe_page, key)
    before = _last_seen(key)
    with axe_page.expect_response(_keep_alive_post) as answer:
        axe_page.keyboard.press("Escape")
    assert answer.value.status == 204
    expect(axe_page.locator(DIALOG)).to_be_hidden()
    expect(axe_page).to_have_url(re.compile(r"/account$"))
    assert _last_seen(key) > before


def test_another_tab_keeping_the_session_alive_stops_the_warning(axe_page, sign_in_as, bob):
    key = sign_in_as(bob)
    axe_page.clock.install()
    visit(axe_page, "/account", heading="Your account")
    # The session was used 10 seconds ago elsewhere: at this tab's warning time the server
    # still has almost the whole idle period left, so no warning.
    age_session(key, seconds=10)
    with axe_page.expect_response(lambda r: r.url.endswith("/account/session")):
        axe_page.clock.fast_forward((_timeout() - 120) * 1000)
    expect(axe_page.locator(DIALOG)).to_be_hidden()


def test_when_time_runs_out_the_page_goes_to_signed_out_and_back_after_sign_in(
    axe_page, sign_in_as, alice
):
    key = sign_in_as(alice)
    axe_page.clock.install()
    visit(axe_page, "/users/?page=1", heading="Users")
    _bring_up_the_warning(axe_page, key)
    age_session(key, seconds=_timeout() + 5)
    axe_page.clock.fast_forward(121_000)
    expect(axe_page).to_have_url(re.compile(r"/signed-out$"))
    expect(axe_page.locator("h1")).to_have_text("You have been signed out")
    assert_accessible(axe_page)
    axe_page.get_by_role("button", name="Sign in again").click()
    axe_page.get_by_label("Email address").fill(alice.email)
    axe_page.get_by_label("Password").fill(PASSWORD)
    axe_page.get_by_role("button", name="Continue").click()
    axe_page.get_by_label("Security code").fill(current_code(alice))
    axe_page.get_by_role("button", name="Continue").click()
    expect(axe_page).to_have_url(re.compile(r"/users/\?page=1$"))


def test_sign_out_in_the_warning_signs_out(axe_page, sign_in_as, bob):
    key = sign_in_as(bob)
    axe_page.clock.install()
    visit(axe_page, "/account", heading="Your account")
    _bring_up_the_warning(axe_page, key)
    axe_page.locator(DIALOG).get_by_role("button", name="Sign out").click()
    expect(axe_page.locator("h1")).to_have_text("You have signed out")


def test_the_module_runs_under_the_real_csp(page, watcher, live_server, bob):
    key = session_cookie_for(bob)
    add_session(page.context, live_server.url, key)
    page.clock.install()
    visit(page, "/account", heading="Your account")
    _bring_up_the_warning(page, key)
    watcher.assert_clean()


def test_without_javascript_nothing_changes(browser, live_server, bob):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        key = session_cookie_for(bob)
        add_session(context, live_server.url, key)
        page = context.new_page()
        visit(page, "/account", heading="Your account")
        expect(page.locator(DIALOG)).to_have_count(1)  # the markup is there, never shown
        expect(page.locator(DIALOG)).to_be_hidden()
        expect(page.get_by_role("button", name="Stay signed in")).to_be_hidden()
    finally:
        context.close()


def _end_session_in(session_key: str, seconds: int) -> None:
    """Move the session's absolute end to ``seconds`` from now, as if signed in long ago."""
    session = SessionStore(session_key=session_key)
    assert session.load()
    session["ends_at"] = int(time.time()) + seconds
    session["last_seen"] = int(time.time())
    session.save()


def test_near_the_session_limit_the_warning_says_why_and_lets_the_time_run_out(
    axe_page, sign_in_as, bob
):
    key = sign_in_as(bob)
    axe_page.clock.install()
    visit(axe_page, "/account", heading="Your account")
    _end_session_in(key, 110)
    axe_page.clock.fast_forward((_timeout() - 120) * 1000)
    dialog = axe_page.locator(DIALOG)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("the longest a session can last")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_hidden()
    expect(dialog).to_be_focused()
    assert_accessible(axe_page)
    dialog.get_by_role("button", name="Continue").click()
    expect(dialog).to_be_hidden()
    _end_session_in(key, -1)
    axe_page.clock.fast_forward(111_000)
    expect(axe_page).to_have_url(re.compile(r"/signed-out$"))
    expect(axe_page.locator("main")).to_contain_text(
        "you had been signed in for 8 hours, the longest a session can last"
    )
    assert_accessible(axe_page)
