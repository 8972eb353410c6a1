"""The audit log's filters in Chromium: readable actions, GOV.UK date inputs and their errors."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from candour.audit import services as audit
from candour.core.tests.browser.conftest import assert_accessible, visit

pytestmark = pytest.mark.browser


def test_actions_read_in_plain_english_and_filter_by_description(axe_page, sign_in_as, alice):
    audit.record(actor=alice, action="reporting.narrative.opened", object_ref="R-1")
    audit.record(actor=alice, action="accounts.user.invited", object_ref="U-1")
    sign_in_as(alice)
    visit(axe_page, "/audit/", heading="Audit log")
    rows = axe_page.locator("tbody tr")
    expect(rows.filter(has_text="Opened a report's original account")).to_have_count(1)
    expect(axe_page.locator("tbody code", has_text="reporting.narrative.opened")).to_be_visible()
    axe_page.get_by_label("Action").select_option(label="Invited a new user")
    axe_page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Invited a new user")
    assert_accessible(axe_page)


def test_a_wrong_date_is_explained_and_its_link_moves_to_the_box(axe_page, sign_in_as, alice):
    sign_in_as(alice)
    visit(axe_page, "/audit/", heading="Audit log")
    start = axe_page.get_by_role("group", name="From")
    start.get_by_label("Day").fill("1")
    start.get_by_label("Year").fill("2026")
    end = axe_page.get_by_role("group", name="To")
    end.get_by_label("Day").fill("30")
    end.get_by_label("Month").fill("2")
    end.get_by_label("Year").fill("2026")
    axe_page.get_by_role("button", name="Apply filters").click()
    summary = axe_page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["The from date must include a month", "The to date must be a real date"]
    )
    expect(start.locator(".govuk-error-message")).to_have_text(
        "Error: The from date must include a month"
    )
    assert_accessible(axe_page)
    summary.get_by_role("link", name="The from date must include a month").click()
    expect(start.get_by_label("Month")).to_be_focused()
