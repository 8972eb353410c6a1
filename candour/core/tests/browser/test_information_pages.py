"""The privacy notice as a signed-in user sees it (naming their organisation), checked by axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from candour.core.tests.browser.conftest import assert_accessible, visit

pytestmark = pytest.mark.browser


def test_privacy_notice_signed_in(axe_page, sign_in_as, bob):
    sign_in_as(bob)
    visit(axe_page, "/privacy", heading="Privacy notice")
    expect(axe_page.locator("#your-organisation")).to_contain_text(bob.organisation.name)
    expect(axe_page.locator("#report-retention")).to_contain_text("30 days")
    assert_accessible(axe_page)
