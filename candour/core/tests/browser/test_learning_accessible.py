"""axe-core on learning's pages, in the states analysts and administrators meet them:
search (empty, with highlighted results, with an error), a released report, saved searches,
and the national sharing setting (with its error summary)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from candour.accounts.models import OrganisationKind, Role
from candour.accounts.tests.factories import OrganisationFactory, UserFactory
from candour.core.tests.browser.conftest import assert_accessible, visit
from candour.learning.services import saved_searches
from candour.learning.services import sharing as sharing_service
from candour.reporting.models import Programme
from candour.reporting.services import intake as intake_service
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import submission

pytestmark = pytest.mark.browser

SUMMARY = ".govuk-error-summary"


@pytest.fixture
def released(organisation, make_user):
    programme = Programme.objects.create(
        organisation=organisation, slug="northbrook", duty_contact="d", emergency_contact="e"
    )
    officer = make_user(Role.INTAKE_OFFICER)
    report, _ = submission_service.submit_report(programme=programme, submission=submission())
    intake_service.open_narrative(user=officer, report=report, reason="Reviewing it")
    return intake_service.release_report(
        user=officer,
        report=report,
        texts={"what_happened": "The chronology was not read before the strategy meeting."},
    )


def test_search_pages(axe_page, sign_in_as, make_user, released, watcher):
    analyst = make_user(Role.ANALYST)
    sign_in_as(analyst)
    visit(axe_page, "/learning/search", heading="Search released reports")
    assert_accessible(axe_page)
    visit(axe_page, "/learning/search?q=chronology", heading="Search released reports")
    expect(axe_page.locator("mark").first).to_have_text("chronology")
    expect(axe_page.get_by_role("link", name=released.reference)).to_be_visible()
    assert_accessible(axe_page)
    visit(axe_page, "/learning/search?q=-chronology", status=400)
    expect(axe_page.locator(SUMMARY)).to_contain_text("not only words to leave out")
    assert_accessible(axe_page)
    visit(axe_page, f"/learning/reports/{released.reference}", heading=released.reference)
    assert_accessible(axe_page)
    watcher.assert_clean()


def test_saved_search_pages(axe_page, sign_in_as, make_user, released):
    analyst = make_user(Role.ANALYST)
    sign_in_as(analyst)
    visit(axe_page, "/learning/saved", heading="Saved searches")
    assert_accessible(axe_page)
    visit(axe_page, "/learning/search?q=chronology")
    axe_page.get_by_label("Name this search").fill("Chronologies")
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Save this search").click()
    expect(axe_page.locator("h1")).to_have_text("Saved searches")
    assert_accessible(axe_page)
    saved = saved_searches.save_search(user=analyst, name="Letters", criteria={"q": "letter"})
    visit(axe_page, f"/learning/saved/{saved.reference}", heading="Letters")
    assert_accessible(axe_page)
    visit(axe_page, "/learning/search?q=chronology")
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Save this search").click()
    expect(axe_page.locator(SUMMARY)).to_contain_text("Enter a name for this search")
    assert_accessible(axe_page)


def test_sharing_page_and_national_view(axe_page, sign_in_as, make_user, released, browser):
    admin = make_user(Role.ADMINISTRATOR)
    sign_in_as(admin)
    visit(axe_page, "/learning/sharing", heading="National learning")
    assert_accessible(axe_page)
    axe_page.get_by_label("Yes").first.check()
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Save").click()
    expect(axe_page.locator(SUMMARY)).to_contain_text("Select your region")
    assert_accessible(axe_page)
    sharing_service.update_sharing(
        admin=admin, share_nationally=True, region="north_east", name_shown=False
    )
    national = OrganisationFactory(kind=OrganisationKind.NATIONAL_PROGRAMME)
    sign_in_as(UserFactory(role=Role.ANALYST, organisation=national))
    visit(axe_page, "/learning/search?q=chronology")
    expect(axe_page.get_by_text("An authority in North East").first).to_be_visible()
    assert_accessible(axe_page)


def test_error_trap_pages(axe_page, sign_in_as, make_user, organisation, released):
    from candour.demo.reports import THEMES
    from candour.learning.services import discovery

    analyst = make_user(Role.ANALYST)
    sign_in_as(analyst)
    visit(axe_page, "/learning/traps", heading="Error traps")
    assert_accessible(axe_page)
    officer = make_user(Role.INTAKE_OFFICER)
    programme = Programme.objects.get(organisation=organisation)
    for texts in THEMES.values():
        for text in texts:
            report, _ = submission_service.submit_report(
                programme=programme, submission=submission()
            )
            intake_service.open_narrative(user=officer, report=report, reason="Reviewing it")
            intake_service.release_report(
                user=officer, report=report, texts={"what_happened": text}
            )
    discovery.run_discovery(organisation=organisation)
    visit(axe_page, "/learning/traps", heading="Error traps")
    expect(axe_page.get_by_text("Candidates found by the last run")).to_be_visible()
    assert_accessible(axe_page)
    axe_page.get_by_role("link", name="T-1").click()
    expect(axe_page.locator("h1")).to_have_text("T-1")
    assert_accessible(axe_page)
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Confirm error trap").click()
    expect(axe_page.locator(SUMMARY)).to_contain_text("Enter a name for the error trap")
    assert_accessible(axe_page)
    axe_page.get_by_label("Name of the error trap").fill("A recurring trap")
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Confirm error trap").click()
    expect(axe_page.locator("h1")).to_have_text("T-1: A recurring trap")
    assert_accessible(axe_page)
    # A newly released report suggested to the named trap, answered on its page.
    from candour.learning.models.search import IndexedReport
    from candour.learning.models.traps import ErrorTrap
    from candour.learning.services import suggestions

    trap_one = axe_page.url
    first = ErrorTrap.objects.get(organisation=organisation, number=1).representatives[0]
    text = IndexedReport.objects.get(reference=first).body
    late, _ = submission_service.submit_report(programme=programme, submission=submission())
    intake_service.open_narrative(user=officer, report=late, reason="Reviewing it")
    late = intake_service.release_report(
        user=officer, report=late, texts={"what_happened": text + " It happened again."}
    )
    suggestions.suggest_traps(report=late)
    visit(axe_page, "/learning/traps", heading="Error traps")
    assert_accessible(axe_page)
    expect(axe_page.get_by_text("1 suggested report waiting")).to_be_visible()
    axe_page.goto(trap_one)
    expect(axe_page.get_by_role("heading", name="Suggested reports")).to_be_visible()
    assert_accessible(axe_page)
    # Merging with no trap chosen: the error summary; then the split page and its error.
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Merge").click()
    expect(axe_page.locator(SUMMARY)).to_contain_text("Choose an open error trap")
    assert_accessible(axe_page)
    axe_page.get_by_role("link", name="Split this trap").click()
    expect(axe_page.locator("h1")).to_have_text("Split this trap")
    assert_accessible(axe_page)
    with axe_page.expect_navigation():
        axe_page.get_by_role("button", name="Make a new trap").click()
    expect(axe_page.locator(SUMMARY)).to_contain_text("Choose the reports to move")
    assert_accessible(axe_page)


def test_leaders_dashboard_and_its_error(axe_page, sign_in_as, make_user, released, watcher):
    sign_in_as(make_user(Role.LEADER))
    # The year asked for: the clock may pass midnight on 31 December during the test.
    visit(axe_page, f"/dashboard?year={released.received_on.year}", heading="Dashboard")
    # One report: shown as fewer than 10 everywhere, the charts with their words.
    expect(axe_page.get_by_role("img", name="Reports by kind").first).to_be_visible()
    expect(axe_page.locator("table").first).to_contain_text("fewer than 10")
    assert_accessible(axe_page)
    visit(axe_page, "/dashboard?year=1999", status=400)
    expect(axe_page.locator(SUMMARY)).to_contain_text("Select a year from the list")
    assert_accessible(axe_page)
    watcher.assert_clean()
