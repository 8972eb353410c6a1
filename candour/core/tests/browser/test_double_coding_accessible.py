"""axe-core on double coding's pages, in the states analysts, leaders and administrators
meet them: the list, the blind second coding (and its error summary), the reconciliation
before both codings exist, with both and after, the agreement figures (and a bad period),
and the administrator's share (and its error summary)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from candour.accounts.models import Role
from candour.core.tests.browser.conftest import assert_accessible, visit
from candour.learning.selectors import double_coding as selectors
from candour.learning.services import double_coding as service
from candour.reporting.models import Programme
from candour.reporting.services import analysis
from candour.reporting.services import intake as intake_service
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import submission

pytestmark = pytest.mark.browser

SUMMARY = ".govuk-error-summary"
CODING = {
    "scie_patterns": ["human_tool"],
    "london_factors": ["team"],
    "detection": "supervision",
    "mitigation": "",
    "harm": "none",
    "synopsis": "The chronology was not read.",
}


@pytest.fixture
def people(organisation, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    service.set_share(admin=admin, share_percent=100)
    return {
        "admin": admin,
        "intake": make_user(Role.INTAKE_OFFICER),
        "first": make_user(Role.ANALYST, full_name="Ana Analyst"),
        "second": make_user(Role.ANALYST, full_name="Ben Analyst"),
        "leader": make_user(Role.LEADER),
    }


@pytest.fixture
def release(organisation, people):
    programme = Programme.objects.create(
        organisation=organisation, slug="northbrook", duty_contact="d", emergency_contact="e"
    )

    def make(text: str):
        report, _ = submission_service.submit_report(programme=programme, submission=submission())
        intake_service.open_narrative(
            user=people["intake"], report=report, reason="Reviewing it to release it"
        )
        report = intake_service.release_report(
            user=people["intake"], report=report, texts={"what_happened": text}
        )
        analysis.code_report(user=people["first"], report=report, **CODING)
        return selectors.find_for_report(report=report)

    return make


def test_double_coding_list_and_blind_second_coding(axe_page, sign_in_as, people, release):
    sign_in_as(people["second"])
    visit(axe_page, "/learning/double-coding/", heading="Double coding")
    assert_accessible(axe_page)
    chosen = release("The chronology was not read before the strategy meeting.")
    reference = chosen.report.reference
    visit(axe_page, "/learning/double-coding/", heading="Double coding")
    expect(axe_page.get_by_role("link", name=f"Code it a second time: report {reference}"))
    assert_accessible(axe_page)
    visit(axe_page, f"/learning/double-coding/{reference}/second", heading=f"Report {reference}")
    expect(axe_page.get_by_text("The chronology was not read.")).to_have_count(0)
    assert_accessible(axe_page)
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Save second coding").click()
    expect(axe_page.locator(SUMMARY)).to_contain_text("Select how it was detected")
    assert_accessible(axe_page)
    axe_page.get_by_label("A colleague").check()
    axe_page.get_by_label("Low harm").check()
    axe_page.get_by_label("Synopsis").fill("A different reading of it.")
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Save second coding").click()
    expect(axe_page.locator("h1")).to_have_text("Double coding")
    assert_accessible(axe_page)


def test_reconciliation_pages(axe_page, sign_in_as, people, release):
    chosen = release("The strategy meeting went ahead without the school.")
    reference = chosen.report.reference
    sign_in_as(people["first"])
    address = f"/learning/double-coding/{reference}/reconcile"
    visit(axe_page, address, heading=f"Report {reference}")
    expect(axe_page.get_by_text("Both codings are needed")).to_be_visible()
    assert_accessible(axe_page)
    service.record_second_coding(
        user=people["second"],
        double_coding=chosen,
        **{**CODING, "detection": "colleague", "synopsis": "A different reading of it."},
    )
    visit(axe_page, address, heading=f"Report {reference}")
    expect(axe_page.get_by_text("A different reading of it.")).to_be_visible()
    assert_accessible(axe_page)
    axe_page.get_by_label("Synopsis").fill("")
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Save agreed coding").click()
    expect(axe_page.locator(SUMMARY)).to_contain_text("Select how it was detected")
    assert_accessible(axe_page)
    axe_page.get_by_label("Supervision").check()
    axe_page.get_by_label("Synopsis").fill("The agreed reading.")
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Save agreed coding").click()
    expect(axe_page.get_by_role("cell", name="The agreed reading.")).to_be_visible()
    assert_accessible(axe_page)


def test_agreement_page(axe_page, sign_in_as, people, release):
    for n in range(5):
        chosen = release(f"Report number {n} about a missed chronology.")
        service.record_second_coding(
            user=people["second"],
            double_coding=chosen,
            **{**CODING, "detection": "colleague" if n % 2 else "supervision"},
        )
    sign_in_as(people["leader"])
    visit(axe_page, "/learning/double-coding/agreement", heading="Coding agreement")
    expect(axe_page.get_by_text("5 reports coded twice")).to_be_visible()
    assert_accessible(axe_page)
    visit(axe_page, "/learning/double-coding/agreement?from_year=2030&to_year=2020", status=400)
    expect(axe_page.locator(SUMMARY)).to_contain_text("To year must be the same as or after")
    assert_accessible(axe_page)


def test_share_setting(axe_page, sign_in_as, people):
    sign_in_as(people["admin"])
    visit(axe_page, "/learning/double-coding/settings", heading="Double coding")
    assert_accessible(axe_page)
    axe_page.get_by_label("Percentage of released reports to code twice").fill("150")
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Save").click()
    expect(axe_page.locator(SUMMARY)).to_contain_text("The percentage must be 100 or less")
    assert_accessible(axe_page)
    axe_page.get_by_label("Percentage of released reports to code twice").fill("20")
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Save").click()
    expect(
        axe_page.get_by_text("Currently 20% of released reports are coded twice.")
    ).to_be_visible()
    assert_accessible(axe_page)
