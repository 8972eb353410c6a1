"""Issue 4's whole loop in Chromium, through the real pages, with the Content-Security-Policy
enforced: an anonymous report, its review and release, a question and a reply, feedback, and
the analyst's coding. Each person has their own browser context; staff sign in through the
real sign-in form. Every page on the way is checked with axe-core and at 320px wide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from candour.accounts.models import Role, User
from candour.accounts.tests.factories import PASSWORD
from candour.core.tests.browser.conftest import PageWatcher, visit
from candour.core.tests.browser.test_reporting_accessible import (
    CHECK_ANSWERS,
    ON_A_PHONE,
    SLUG,
    Browsers,
    answer_report,
    banner,
    check,
    create_programme,
    submit_in_a_new_tab,
)
from candour.reporting.models import Coding, Report, Status
from conftest import current_code

pytestmark = pytest.mark.browser

NAME = "Zyxandra Quellingford"
PHONE = "07700 900982"
WHAT_HAPPENED = (
    f"{NAME} was nearly sent home to an empty flat after a contact visit. "
    f"Her foster carer rang {PHONE} to check the plan."
)
HOW_NOTICED = "The duty manager read the chronology before agreeing the plan."
KNOWN = f"{NAME} \N{EM DASH} child"
MENU = "nav[aria-label=Menu]"
RECEIPT = re.compile(r"^\d{4} \d{4} \d{4} \d{4}$")
QUESTION = "Which team arranged the contact visit?"
REPLY = "The north locality team arranged it."
FEEDBACK = "Contact plans are now checked by a second worker before a child goes home."
ADDED = " The plan was changed the same day."
SYNOPSIS = "A child was nearly returned to an empty home; caught by a manager reading notes."


class FormWatcher(PageWatcher):
    """The shared watcher, except for one thing a person can do: a second press of a form's
    button (without JavaScript, nothing stops it) starts a new navigation, and Chromium
    cancels the first (``net::ERR_ABORTED``). That cancelled navigation is noted, not counted;
    every other failed request, an asset above all, still is."""

    def __init__(self) -> None:
        super().__init__()
        self.cancelled_navigations: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", self._response)
        page.on("requestfailed", self._request_failed)

    def _request_failed(self, request: Request) -> None:
        if request.is_navigation_request() and request.failure == "net::ERR_ABORTED":
            self.cancelled_navigations.append(request.url)
        else:
            self.failed_assets.append(f"{request.failure} {request.url}")


@pytest.fixture
def watcher() -> FormWatcher:
    return FormWatcher()


@pytest.fixture
def open_page(browser: Browser, live_server, watcher: PageWatcher) -> Iterator[Callable[..., Page]]:
    """A page in a new context (each person's own browser) that enforces CSP."""
    browsers = Browsers(browser, live_server.url, watcher)
    yield browsers.open
    browsers.close()


def arrive(page: Page, heading: str, *, axe: bool) -> None:
    """The page with this heading has loaded: check it with axe (and at 320px) if asked."""
    if axe:
        check(page, heading)
    else:
        expect(page.locator("h1")).to_have_text(heading)


def go(page: Page, path: str, heading: str) -> None:
    visit(page, path)
    check(page, heading)


def click(
    page: Page,
    name: str,
    *,
    role: str = "button",
    heading: str | None = None,
    within: str = "main",
) -> None:
    """Follow a link or press a button (in <main>, or ``within`` a landmark), wait for the
    next page and check it."""
    with page.expect_navigation() as navigation:
        page.locator(within).get_by_role(role, name=name, exact=True).click()
    response = navigation.value
    assert response is not None, f"no response to {name!r}"
    assert response.status == 200, f"{name!r} answered {response.status}"
    if heading is not None:
        check(page, heading)


def sign_in(page: Page, user: User) -> None:
    """Through the real sign-in form: password, then the authenticator's current code."""
    go(page, "/sign-in", "Sign in to candour")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    click(page, "Continue", heading="Enter your security code")
    page.get_by_label("Security code").fill(current_code(user))
    click(page, "Continue", heading=f"Welcome, {user.full_name}")


def report_as_reporter(page: Page, *, axe: bool = True) -> str:
    """Start, no immediate risk, every question page, check answers, submit: returns the
    receipt."""
    page.goto(f"/report/{SLUG}")
    arrive(page, "Report a near miss or incident", axe=axe)
    click(page, "Start now")
    arrive(page, "Is a child at immediate risk of harm now?", axe=axe)
    page.get_by_label("No", exact=True).check()
    click(page, "Continue")
    answer_report(
        page,
        what_happened=WHAT_HAPPENED,
        how_noticed=HOW_NOTICED,
        known=KNOWN,
        on_page=(lambda heading: check(page, heading)) if axe else None,
    )
    arrive(page, CHECK_ANSWERS, axe=axe)
    expect(page.locator("main")).to_contain_text(NAME)  # the reporter's own words, unchanged
    click(page, "Submit report")
    arrive(page, "Report received", axe=axe)
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert RECEIPT.match(receipt), receipt
    return receipt


def open_inbox(page: Page, receipt: str, *, axe: bool = True) -> None:
    page.goto("/inbox")
    page.get_by_label("Receipt code").fill(receipt)
    click(page, "Continue")
    arrive(page, "Your report inbox", axe=axe)


def test_the_whole_loop(open_page, watcher, organisation, make_user):
    programme = create_programme(organisation)
    officer = make_user(Role.INTAKE_OFFICER, full_name="Ivy Intake")
    analyst = make_user(Role.ANALYST, full_name="Ana Analyst")

    # An anonymous reporter files a report on a phone, and keeps the receipt.
    reporter = open_page(**ON_A_PHONE)
    receipt = report_as_reporter(reporter)
    report = Report.objects.get()
    assert report.organisation == programme.organisation
    reporter.context.close()

    # The intake officer finds it in the queue, and reviews it with a reason.
    intake = open_page()
    sign_in(intake, officer)
    click(intake, "Intake queue", role="link", heading="Intake queue", within=MENU)
    queue = intake.get_by_role("region", name="1 report")
    expect(queue).to_contain_text("Received")
    expect(queue).to_contain_text("Anonymous")
    click(intake, report.reference, role="link", heading=f"Report {report.reference}")
    assert NAME not in intake.content()  # the original is shown only after a reason
    click(intake, "Review the account and release it for analysis", role="link")
    check(intake, "Review and release")
    intake.get_by_label("Why are you opening the original account?").fill(
        "Reviewing the redactions before release"
    )
    click(intake, "Open the original account", heading="Review and release")

    # The original and the de-identified draft, side by side.
    original = intake.locator(
        ".govuk-grid-column-one-half", has=intake.locator("#original-what_happened")
    )
    draft = intake.locator(
        ".govuk-grid-column-one-half", has=intake.locator("#draft-what_happened")
    )
    expect(original).to_contain_text(NAME)
    expect(original).to_contain_text(PHONE)
    expect(draft).to_contain_text("[Child 1]")
    expect(draft).not_to_contain_text("Zyxandra")
    expect(draft).not_to_contain_text("900982")
    found = intake.get_by_role("region", name="What the draft found in “What happened”")
    expect(found).to_contain_text(NAME)
    to_release = intake.get_by_label("What happened: text to release")
    expect(to_release).to_have_value(re.compile(r"^\[Child 1\] was nearly sent home"))
    released_text = to_release.input_value() + ADDED
    to_release.fill(released_text)
    click(intake, "Continue", heading="Check the account before you release it")
    expect(intake.locator("main")).to_contain_text(ADDED.strip())
    click(intake, "Release for analysis", heading=f"Report {report.reference}")
    assert f"Report {report.reference} released for analysis" in banner(intake)

    # ...and asks the reporter a question.
    click(intake, "Ask the reporter a question", role="link", heading="Ask the reporter a question")
    intake.get_by_label("Your question").fill(QUESTION)
    click(intake, "Send question", heading=f"Report {report.reference}")
    assert "Question sent to the reporter" in banner(intake)
    report.refresh_from_db()
    assert report.status == Status.RELEASED  # a question never sends a report backwards

    # The reporter, in a new browser with no cookies, opens the inbox and replies.
    reporter = open_page()
    open_inbox(reporter, receipt)
    expect(reporter.locator("main")).to_contain_text("Being analysed")
    expect(reporter.locator(".govuk-inset-text")).to_have_text(QUESTION)
    reporter.get_by_label("Send a message").fill(REPLY)
    click(reporter, "Send message", heading="Your report inbox")
    assert "Your reply has been sent" in banner(reporter)
    expect(reporter.locator("main")).to_contain_text(REPLY)
    reporter.context.close()

    # The intake officer sees the reply in the conversation and gives feedback.
    go(intake, f"/intake/{report.reference}", f"Report {report.reference}")
    reply = intake.locator(".govuk-summary-card", has_text="Reply from the reporter")
    expect(reply).to_contain_text(REPLY)
    click(intake, "Give feedback: you said, we did", role="link", heading="You said, we did")
    intake.get_by_label("What has been done as a result of this report").fill(FEEDBACK)
    click(intake, "Send feedback", heading=f"Report {report.reference}")
    assert "Feedback sent to the reporter" in banner(intake)

    # The analyst sees only the released, de-identified report, and codes it.
    analysis = open_page()
    sign_in(analysis, analyst)
    click(analysis, "Released reports", role="link", heading="Released reports", within=MENU)
    click(analysis, report.reference, role="link", heading=f"Report {report.reference}")
    expect(analysis.locator("main")).to_contain_text("[Child 1] was nearly sent home")
    expect(analysis.locator("main")).to_contain_text(ADDED.strip())
    html = analysis.content()
    for trace in ("Zyxandra", "Quellingford", PHONE, "900982", QUESTION, REPLY, FEEDBACK):
        assert trace not in html, f"the analyst's page shows {trace!r}"
    analysis.get_by_label("Human judgement and reasoning").check()
    analysis.get_by_label("Individual staff", exact=True).check()
    analysis.get_by_label("Supervision", exact=True).check()
    analysis.get_by_role("group", name="Harm").get_by_label("No harm").check()
    analysis.get_by_label("Synopsis").fill(SYNOPSIS)
    click(analysis, "Save coding", heading=f"Report {report.reference}")
    assert f"Coding of report {report.reference} saved" in banner(analysis)
    coding = Coding.objects.get(report=report)
    assert coding.scie_patterns == ["human_judgement"]
    assert coding.london_factors == ["individual"]
    assert (coding.detection, coding.harm, coding.synopsis) == ("supervision", "none", SYNOPSIS)
    assert "Zyxandra" not in analysis.content()

    # The reporter comes back with the receipt and reads the feedback.
    reporter = open_page()
    open_inbox(reporter, receipt)
    expect(reporter.get_by_role("region", name="You said, we did")).to_contain_text(FEEDBACK)
    expect(reporter.locator("main")).to_contain_text("Feedback given")
    assert Report.objects.count() == 1
    watcher.assert_clean()


def test_the_reporter_journey_works_without_javascript(open_page, watcher, organisation):
    create_programme(organisation)
    page = open_page(java_script_enabled=False)
    receipt = report_as_reporter(page, axe=False)
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
    assert Report.objects.count() == 1
    open_inbox(page, receipt, axe=False)
    expect(page.get_by_text("There are no messages yet.")).to_be_visible()
    watcher.assert_clean()


def test_a_child_at_immediate_risk_is_sent_to_the_duty_team(open_page, watcher, organisation):
    create_programme(organisation)
    page = open_page()
    go(page, f"/report/{SLUG}", "Report a near miss or incident")
    click(page, "Start now", heading="Is a child at immediate risk of harm now?")
    page.get_by_label("Yes", exact=True).check()
    click(page, "Continue", heading="Get help for the child now")
    contacts = page.locator("main dl")
    expect(contacts).to_contain_text("Front door: 01632 960010")
    expect(contacts).to_contain_text("Emergency duty team: 01632 960999")
    expect(page.get_by_text("In an emergency call 999.")).to_be_visible()
    assert Report.objects.count() == 0
    watcher.assert_clean()


def test_submitting_twice_files_one_report(open_page, watcher, organisation):
    create_programme(organisation)
    page = open_page()

    def check_answers(on: Page) -> None:
        on.goto(f"/report/{SLUG}/kind")
        answer_report(on, what_happened=WHAT_HAPPENED)

    sent: list[str] = []
    page.context.on("request", lambda r: sent.append(r.url) if r.url.endswith("/submit") else None)

    # A double click: GOV.UK Frontend sends the form once.
    check_answers(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit report").dblclick()
    expect(page.locator("h1")).to_have_text("Report received")
    assert len(sent) == 1
    assert Report.objects.count() == 1

    # The same form really sent twice (a retry, or a browser without JavaScript): the second
    # time shows the same receipt and files nothing new.
    check_answers(page)
    first = submit_in_a_new_tab(page)
    expect(first.locator("h1")).to_have_text("Report received")
    receipt = first.locator("#receipt-code").inner_text()
    second = submit_in_a_new_tab(page)
    expect(second.locator("h1")).to_have_text("Report received")
    expect(second.locator("#receipt-code")).to_have_text(receipt)
    assert len(sent) == 3
    assert Report.objects.count() == 2

    # Without JavaScript nothing catches a double click: Chromium sends the form twice and
    # cancels its first navigation (which the watcher notes, not counts). One report all
    # the same, whichever sending the server saw first.
    no_js = open_page(java_script_enabled=False)
    check_answers(no_js)
    no_js.get_by_role("button", name="Submit report").dblclick()
    expect(no_js.locator("h1")).to_have_text("Report received")
    assert Report.objects.count() == 3
    watcher.assert_clean()


def test_the_watcher_counts_a_failed_asset_but_not_a_cancelled_navigation(
    open_page, watcher, organisation
):
    """The double-click allowance cannot hide a real fault: a stylesheet that fails to load,
    or one the server cannot find, is still reported."""
    create_programme(organisation)
    page = open_page()
    page.route("**/assets/core/candour.css", lambda route: route.abort())
    page.route("**/assets/core/init.mjs", lambda route: route.fulfill(status=404, body=""))
    page.goto(f"/report/{SLUG}")
    expect(page.locator("h1")).to_have_text("Report a near miss or incident")
    page.wait_for_load_state("load")
    with pytest.raises(AssertionError) as failed:
        watcher.assert_clean()
    assert "candour.css" in str(failed.value)
    assert "404" in str(failed.value)
    assert "init.mjs" in str(failed.value)
    assert not watcher.cancelled_navigations

    # A navigation the browser itself cancels for the next one is noted, not counted.
    watcher.failed_assets.clear()
    watcher.console_errors.clear()
    page.unroute("**/assets/core/candour.css")
    page.unroute("**/assets/core/init.mjs")
    page.route(f"**/report/{SLUG}/emergency", lambda route: None)  # held: never answered
    with page.expect_request(f"**/report/{SLUG}/emergency"):
        page.evaluate(f"() => {{ location.href = '/report/{SLUG}/emergency'; }}")
    with page.expect_event("requestfailed") as cancelled:
        page.goto(f"/report/{SLUG}/immediate-risk")
    assert cancelled.value.url.endswith(f"/report/{SLUG}/emergency")
    expect(page.locator("h1")).to_have_text("Is a child at immediate risk of harm now?")
    assert watcher.cancelled_navigations == [cancelled.value.url]
    watcher.assert_clean()
