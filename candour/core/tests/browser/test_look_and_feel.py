"""The pages look and behave like GOV.UK pages: styles and fonts load, they reflow, and the
keyboard reaches everything in order. Screenshots go to /tmp for a person to look at."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from candour.accounts import services as accounts
from candour.accounts.models import Role
from candour.audit import services as audit
from candour.core.tests.browser.conftest import add_session, session_cookie_for, visit
from conftest import current_code

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(tempfile.gettempdir()) / "candour-screenshots"


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000, "the screenshot is suspiciously small"
    return path


def computed(page: Page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")


def test_sign_in_page_looks_like_gov_uk(page, watcher):
    assets: dict[str, int] = {}
    page.on("response", lambda r: assets.setdefault(r.url.split("/assets/")[-1], r.status))
    visit(page, "/sign-in", heading="Sign in to candour")
    page.evaluate("() => document.fonts.ready")

    assert assets.get("govuk/govuk-frontend.min.css") == 200
    assert assets.get("core/candour.css") == 200
    fonts = [name for name in assets if name.startswith("fonts/")]
    assert fonts, "no GOV.UK font was requested"
    assert all(assets[name] == 200 for name in fonts)
    assert "GDS Transport" in computed(page, "h1", "fontFamily")
    loaded = page.evaluate(
        "() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family)"
    )
    assert any("GDS Transport" in family for family in loaded), loaded
    # The GOV.UK look: bold 1-level heading, green primary button, black text.
    assert computed(page, "h1", "fontWeight") == "700"
    assert computed(page, ".govuk-button", "backgroundColor") == "rgb(0, 112, 60)"
    assert computed(page, "p.govuk-body", "color") == "rgb(11, 12, 12)"
    screenshot(page, "sign-in")
    watcher.assert_clean()


def test_home_page_screenshots(page, context, live_server, watcher, alice):
    add_session(context, live_server.url, session_cookie_for(alice))
    visit(page, "/", heading="Welcome, Alice Admin")
    screenshot(page, "home-administrator")
    page.get_by_role("link", name="Users").first.click()
    expect(page.locator("h1")).to_have_text("Users")
    screenshot(page, "users")
    page.get_by_role("button", name="Invite a user").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    screenshot(page, "invite-errors")
    watcher.assert_clean()


def test_pages_reflow_at_320_pixels(page, context, live_server, alice, bob, make_user):
    """WCAG 1.4.10: nothing but a wide table scrolls sideways at 320 CSS pixels, and such a
    table scrolls in its own region that a keyboard user can reach and scroll."""
    accounts.invite_user(
        admin=alice,
        email="someone.with.a.rather.long.address@testshire.example",
        full_name="Someone Withalongname",
        role=Role.ANALYST,
    )
    make_user(Role.LEADER, full_name="Ed Needs Setup", two_factor=False, is_auditor=True)
    audit.record(actor=alice, action="accounts.user.two_factor_reset", object_ref=bob.reference)
    add_session(context, live_server.url, session_cookie_for(alice))
    page.set_viewport_size({"width": 320, "height": 640})
    paths = ["/", "/users/", "/users/invite", f"/users/{bob.reference}", "/audit/", "/account"]
    for path in paths:
        visit(page, path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width}px wide at a 320px viewport"
    screenshot(page, "account-320px")

    visit(page, "/users/")
    region = page.get_by_role("region", name="4 users")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth"), "expected a wide table"
    page.keyboard.press("Tab")  # skip link
    while not region.evaluate("e => e === document.activeElement"):
        page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    screenshot(page, "users-320px-scrolled")


def test_navigation_collapses_behind_a_menu_button_on_a_small_screen(
    page, context, live_server, alice
):
    add_session(context, live_server.url, session_cookie_for(alice))
    page.set_viewport_size({"width": 320, "height": 640})
    visit(page, "/")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#navigation")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#navigation").get_by_role("link", name="Audit log")).to_be_visible()
    screenshot(page, "home-320px-menu-open")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page):
    visit(page, "/sign-in")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # it appears when focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()


@pytest.mark.clock  # a security code: see test_sign_in_journey
def test_keyboard_user_can_sign_in_without_a_mouse(page, bob):
    visit(page, "/sign-in")
    page.get_by_label("Email address").focus()
    page.keyboard.type(bob.email)
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery-staple")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Enter your security code")
    page.keyboard.press("Tab")  # skip link
    page.get_by_label("Security code").focus()
    page.keyboard.type(current_code(bob))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Welcome, Bob Practitioner")


def test_every_tab_stop_shows_a_focus_indicator(page, context, live_server, alice):
    """WCAG 2.4.7: each element the keyboard reaches on the home page visibly changes when
    it has focus (GOV.UK's yellow focus state), including the Sign out button."""
    add_session(context, live_server.url, session_cookie_for(alice))
    visit(page, "/")
    reached, seen = [], set()
    for _ in range(30):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """() => {
                const e = document.activeElement;
                if (!e || e === document.body) return null;
                const look = () => {
                    const s = getComputedStyle(e);
                    return [s.backgroundColor, s.outlineStyle, s.outlineColor, s.boxShadow]
                        .join("|");
                };
                const focused = look();
                e.blur();
                const unfocused = look();
                e.focus();
                return {name: e.textContent.trim(), html: e.outerHTML, focused, unfocused};
            }"""
        )
        if stop is None or stop["html"] in seen:
            break
        seen.add(stop["html"])
        assert stop["focused"] != stop["unfocused"], f"{stop['name']!r} shows no focus"
        assert "rgb(255, 221, 0)" in stop["focused"], f"{stop['name']!r}: not GOV.UK focus"
        reached.append(stop["name"])
    assert {"Skip to main content", "Users", "Sign out", "Privacy notice"} <= set(reached)
