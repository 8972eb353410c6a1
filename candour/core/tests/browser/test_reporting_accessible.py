"""axe-core (WCAG 2.0-2.2 A and AA) on every page of the reporting programme, in each state a
person meets it: the reporter's journey and inbox, the intake officer's pages, the analyst's
and the administrator's. Every page is also checked at 320 CSS pixels (WCAG 1.4.10: nothing
but a wide table in its own scrolling region may scroll sideways).

The pages are opened in contexts that enforce the Content-Security-Policy, so the watcher sees
any refusal. axe-core is put into each page through DevTools (``page.evaluate``), which the
page's policy does not govern, rather than by a script tag, which needs ``bypass_csp``.

The helpers here are shared with ``test_reporting_loop.py``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from candour.accounts.models import Organisation, Role, User
from candour.core.tests.browser.conftest import (
    AXE_JS,
    PageWatcher,
    _new_context,
    add_session,
    assert_accessible,
    assert_heading,
    session_cookie_for,
    visit,
)
from candour.reporting.forms.inbox import RECEIPT_REFUSED
from candour.reporting.forms.report_questions import QUESTIONS_BY_SLUG
from candour.reporting.models import Disclosure, Programme, Report
from candour.reporting.services import analysis as analysis_service
from candour.reporting.services import disclosure as disclosure_service
from candour.reporting.services import inbox as inbox_service
from candour.reporting.services import intake as intake_service
from candour.reporting.services import retention as retention_service
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import confidential_submission, submission

pytestmark = pytest.mark.browser

SLUG = "northbrook"
SUMMARY = ".govuk-error-summary"
NARROW = 320
REASON = "Reviewing the redactions before release"
CHECK_ANSWERS = "Check your answers before sending your report"
# A phone held upright: the reporter's form is often filled in on one, at the end of a day.
ON_A_PHONE: dict[str, object] = {
    "viewport": {"width": 375, "height": 667},
    "is_mobile": True,
    "has_touch": True,
}


# --- Shared helpers --------------------------------------------------------------------------


def create_programme(organisation: Organisation) -> Programme:
    return Programme.objects.create(
        organisation=organisation,
        slug=SLUG,
        duty_contact="Front door: 01632 960010",
        emergency_contact="Emergency duty team: 01632 960999",
        safety_lead_email="safety-lead@northbrook.example",
    )


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text()


def assert_accessible_under_csp(page: Page) -> None:
    """Run axe-core in a page whose Content-Security-Policy is enforced."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())  # through DevTools: not a script the policy refuses
    assert_accessible(page)


def assert_fits(page: Page, width: int = NARROW) -> None:
    """The page reflows at ``width`` CSS pixels: the document itself does not scroll sideways."""
    viewport = page.viewport_size
    page.set_viewport_size({"width": width, "height": 640})
    try:
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    finally:
        if viewport is not None:
            page.set_viewport_size(viewport)
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide at a {width}px viewport"


def check(page: Page, heading: str | None = None) -> None:
    """The page is the one expected, passes axe-core and fits a 320px-wide screen."""
    if heading is not None:
        assert_heading(page, heading)
    assert_accessible_under_csp(page)
    assert_fits(page)


def summary_errors(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(f"{SUMMARY} li").all_inner_texts()]


def assert_error_state(page: Page, errors: list[str]) -> None:
    """A GOV.UK error state: "Error: " title, the errors listed, each linking to its field."""
    assert page.title().startswith("Error: "), page.title()
    assert summary_errors(page) == errors
    unresolved = page.eval_on_selector_all(
        f"{SUMMARY} a",
        "links => links.map((a) => a.getAttribute('href'))"
        ".filter((href) => !document.getElementById(href.slice(1)))",
    )
    assert not unresolved, f"error summary links to nothing: {unresolved}"


def submit(page: Page, button: str, *, status: int) -> None:
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button, exact=True).click()
    response = navigation.value
    assert response is not None
    assert response.status == status, f"{page.url} answered {response.status}, not {status}"


def banner(page: Page) -> str:
    return page.locator(".govuk-notification-banner--success").inner_text()


def title_of(slug: str) -> str:
    return QUESTIONS_BY_SLUG[slug].title


def answer_report(
    page: Page,
    *,
    what_happened: str,
    how_noticed: str = "",
    known: str = "",
    email: str = "",
    on_page: Callable[[str], None] | None = None,
) -> None:
    """Answer every question page from the first: a near miss in assessment, in March of
    last year (the year picked from the page, so any date works), no harm, a lesson may be
    shared; anonymous, or confidential with ``email``. ``on_page`` is called with each page's
    heading before it is answered (to check it); otherwise only the heading is checked."""

    def step(slug: str, fill: Callable[[], object]) -> None:
        if on_page is not None:
            on_page(title_of(slug))
        else:
            expect(page.locator("h1")).to_have_text(title_of(slug))
        fill()
        submit(page, "Continue", status=200)

    step("kind", lambda: page.get_by_label("A near miss: something nearly went wrong").check())
    step("service-area", lambda: page.get_by_label("Assessment", exact=True).check())

    def when() -> None:
        page.get_by_label("Month", exact=True).select_option(label="March")
        page.get_by_label("Year", exact=True).select_option(index=2)  # last year

    step("when", when)
    step("what-happened", lambda: page.get_by_label("What happened?").fill(what_happened))
    step(
        "more-about-it",
        lambda: (
            how_noticed
            and page.get_by_label("How it was noticed or caught (optional)").fill(how_noticed)
        ),
    )
    step("why-it-happened", lambda: None)
    step(
        "names-to-hide",
        lambda: known and page.get_by_label("People and places to hide (optional)").fill(known),
    )
    step("harm", lambda: page.get_by_label("No harm", exact=True).check())
    step("your-role", lambda: page.get_by_label("Social worker", exact=True).check())
    step("sharing", lambda: page.get_by_label("Yes", exact=True).check())
    choice = "Confidential" if email else "Anonymous"
    step(
        "confidential-or-anonymous",
        lambda: page.get_by_label(choice, exact=True).check(),
    )
    if email:
        step("contact-details", lambda: page.get_by_label("Email address").fill(email))
    expect(page.locator("h1")).to_have_text(CHECK_ANSWERS)


def submit_in_a_new_tab(page: Page) -> Page:
    """Send the check answers form with its target a new tab, so that this tab keeps the very
    same form (and idempotency key) to send again. ``form.submit()`` sends it as a retry or a
    browser without JavaScript would, past GOV.UK Frontend's double-click guard, so there is
    no second to wait between two sends. Returns the new tab, loaded."""
    with page.context.expect_page() as opened:
        page.eval_on_selector(
            "form[action$='/submit']", "form => { form.target = '_blank'; form.submit(); }"
        )
    tab = opened.value
    tab.wait_for_load_state()
    return tab


def sign_in_with_cookie(context: BrowserContext, base_url: str, user: User) -> None:
    add_session(context, base_url, session_cookie_for(user))


class Browsers:
    """New contexts, each a person's own browser, watched and closed at the end of a test."""

    def __init__(self, browser: Browser, base_url: str, watcher: PageWatcher) -> None:
        self.browser, self.base_url, self.watcher = browser, base_url, watcher
        self.contexts: list[BrowserContext] = []

    def open(self, user: User | None = None, **options: object) -> Page:
        """A page in a new context that enforces CSP; signed in as ``user`` if given."""
        context = _new_context(self.browser, self.base_url, **options)
        self.contexts.append(context)
        if user is not None:
            sign_in_with_cookie(context, self.base_url, user)
        context.on("page", self.watcher.watch)  # new tabs too
        return context.new_page()

    def close(self) -> None:
        for context in self.contexts:
            context.close()


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def open_page(browser: Browser, live_server, watcher: PageWatcher) -> Iterator[Callable[..., Page]]:
    """A page in a new context (a second person, or a second browser) that enforces CSP."""
    browsers = Browsers(browser, live_server.url, watcher)
    yield browsers.open
    browsers.close()


@pytest.fixture
def programme(organisation) -> Programme:
    return create_programme(organisation)


@pytest.fixture
def officer(make_user) -> User:
    return make_user(Role.INTAKE_OFFICER, full_name="Ivy Intake")


@pytest.fixture
def second_officer(make_user) -> User:
    return make_user(Role.INTAKE_OFFICER, full_name="Isaac Intake")


@pytest.fixture
def analyst(make_user) -> User:
    return make_user(Role.ANALYST, full_name="Ana Analyst")


@pytest.fixture
def as_officer(context, live_server, officer) -> User:
    sign_in_with_cookie(context, live_server.url, officer)
    return officer


@pytest.fixture
def anonymous(programme) -> Report:
    report, _receipt = submission_service.submit_report(
        programme=programme, submission=submission()
    )
    return report


@pytest.fixture
def confidential(programme) -> Report:
    report, _receipt = submission_service.submit_report(
        programme=programme, submission=confidential_submission()
    )
    return report


def _shred(officer: User, report: Report, programme: Programme) -> None:
    report.refresh_from_db()  # the browser has moved it on since the fixture read it
    intake_service.close_report(user=officer, report=report)
    programme.retention_days = 0
    programme.save(update_fields=["retention_days"])
    assert retention_service.shred_due_reports(today=timezone.localdate()) == 1


# --- The checks themselves ------------------------------------------------------------------


def test_the_checks_can_fail_under_the_policy(page, watcher, programme):
    """axe-core finds faults in a page whose policy is enforced, and a page too wide for a
    320px screen is caught; neither injection trips the policy."""
    visit(page, f"/report/{SLUG}")
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "/assets/rebrand/images/govuk-crest.svg";
            document.querySelector("main").append(img);
        }"""
    )
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        assert_accessible_under_csp(page)
    page.evaluate("() => { document.querySelector('h1').style.width = '400px'; }")
    with pytest.raises(AssertionError, match="wide at a 320px viewport"):
        assert_fits(page)
    watcher.assert_clean()


# --- The reporter's journey ------------------------------------------------------------------


def test_start_page(page, watcher, programme):
    visit(page, f"/report/{SLUG}")
    check(page, "Report a near miss or incident")
    expect(page.get_by_role("button", name="Start now")).to_be_visible()
    expect(page.locator("main")).to_contain_text("It takes about 10 minutes")
    expect(page.locator("#required-answers li")).to_have_count(9)
    watcher.assert_clean()


def test_immediate_risk_page_and_its_error(page, watcher, programme):
    visit(page, f"/report/{SLUG}/immediate-risk")
    check(page, "Is a child at immediate risk of harm now?")
    submit(page, "Continue", status=400)
    assert_error_state(page, ["Select yes if a child is at immediate risk now"])
    expect(page.locator(SUMMARY)).to_be_focused()
    check(page, "Is a child at immediate risk of harm now?")
    watcher.assert_clean()


def test_emergency_page(page, watcher, programme):
    visit(page, f"/report/{SLUG}/immediate-risk")
    page.get_by_label("Yes", exact=True).check()
    submit(page, "Continue", status=200)
    check(page, "Get help for the child now")
    expect(page.get_by_text("Emergency duty team: 01632 960999")).to_be_visible()
    watcher.assert_clean()


def test_every_question_page_and_its_errors_on_a_phone(open_page, watcher, programme):
    """Each question page, on a phone: empty first where an answer is required (the GOV.UK
    error state, focused), then answered; axe-core and the 320px check on every state."""
    page = open_page(**ON_A_PHONE)
    visit(page, f"/report/{SLUG}/kind")

    def refused(slug: str, errors: list[str]) -> None:
        check(page, title_of(slug))
        submit(page, "Continue", status=400)
        assert_error_state(page, errors)
        expect(page.locator(SUMMARY)).to_be_focused()
        check(page, title_of(slug))

    def answered(slug: str, fill: Callable[[], object]) -> None:
        fill()
        submit(page, "Continue", status=200)

    refused("kind", ["Select what kind of event it was"])
    answered(
        "kind", lambda: page.get_by_label("A good catch: someone noticed and stopped it").check()
    )
    refused("service-area", ["Select the service area it happened in"])
    answered("service-area", lambda: page.get_by_label("Fostering", exact=True).check())
    refused("when", ["Select the month it happened", "Select the year it happened"])

    def when() -> None:
        page.get_by_label("Month", exact=True).select_option(label="March")
        page.get_by_label("Year", exact=True).select_option(index=2)

    answered("when", when)
    refused("what-happened", ["Enter what happened"])
    answered("what-happened", lambda: page.get_by_label("What happened?").fill("A visit slipped."))
    check(page, title_of("more-about-it"))  # optional: nothing to refuse
    answered("more-about-it", lambda: None)
    check(page, title_of("why-it-happened"))
    answered("why-it-happened", lambda: None)
    page.get_by_label("People and places to hide (optional)").fill("Kayden Walsh\n\N{EM DASH} mum")
    refused(
        "names-to-hide",
        [
            "Line 2 of people and places has no name. Write a name, then a dash and who or "
            "what it is"
        ],
    )
    answered(
        "names-to-hide",
        lambda: page.get_by_label("People and places to hide (optional)").fill("Kayden Walsh"),
    )
    refused("harm", ["Select how much harm was caused"])
    answered("harm", lambda: page.get_by_label("No harm", exact=True).check())
    refused("your-role", ["Select your role"])
    answered("your-role", lambda: page.get_by_label("Business support", exact=True).check())
    refused("sharing", ["Select yes if we can share a de-identified lesson from your report"])
    answered("sharing", lambda: page.get_by_label("No", exact=True).check())
    refused("confidential-or-anonymous", ["Select confidential or anonymous"])
    answered(
        "confidential-or-anonymous", lambda: page.get_by_label("Confidential", exact=True).check()
    )
    # Only now, having chosen confidential, is the reporter asked how to contact them.
    refused("contact-details", ["Enter an email address or phone number, or choose anonymous"])
    page.get_by_label("Email address").fill("not an email address")
    page.get_by_label("Phone number").fill("call me")
    refused(
        "contact-details",
        [
            "Enter an email address in the correct format, like name@example.com",
            "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        ],
    )
    page.get_by_label("Phone number").fill("")
    answered("contact-details", lambda: page.get_by_label("Email address").fill("sam@example.org"))
    check(page, CHECK_ANSWERS)
    expect(page.locator("main")).to_contain_text("sam@example.org")
    assert Report.objects.count() == 0
    watcher.assert_clean()


def test_back_links_keep_the_answers(open_page, watcher, programme):
    page = open_page(**ON_A_PHONE)
    visit(page, f"/report/{SLUG}/kind")
    check(page, title_of("kind"))
    expect(page.get_by_role("link", name="Back", exact=True)).to_have_attribute(
        "href", f"/report/{SLUG}/immediate-risk"
    )
    page.get_by_label("An incident: something went wrong").check()
    submit(page, "Continue", status=200)
    check(page, title_of("service-area"))
    submit(page, "Back", status=200)  # a button: it takes the answers so far with it
    check(page, title_of("kind"))
    expect(page.get_by_label("An incident: something went wrong")).to_be_checked()
    watcher.assert_clean()


def test_check_answers_change_and_confirmation_pages(open_page, watcher, programme):
    page = open_page(**ON_A_PHONE)
    visit(page, f"/report/{SLUG}/kind")
    answer_report(page, what_happened="A visit was nearly missed.", known="Kayden Walsh - child")
    check(page, CHECK_ANSWERS)
    expect(page.get_by_role("button", name="Change confidential or anonymous")).to_be_visible()

    # Change goes to the page with its answer kept; Back returns to check answers unchanged.
    submit(page, "Change what happened", status=200)
    check(page, title_of("what-happened"))
    expect(page.get_by_label("What happened?")).to_have_value("A visit was nearly missed.")
    submit(page, "Back", status=200)
    check(page, CHECK_ANSWERS)

    # ... and Continue after a change comes straight back to check answers.
    submit(page, "Change what happened", status=200)
    page.get_by_label("What happened?").fill("A home visit was nearly missed.")
    submit(page, "Continue", status=200)
    check(page, CHECK_ANSWERS)
    expect(page.locator("main")).to_contain_text("A home visit was nearly missed.")
    expect(page.locator("main")).to_contain_text("Kayden Walsh - child")

    submit(page, "Submit report", status=200)
    check(page, "Report received")
    expect(page.locator("#receipt-code")).to_have_text(re.compile(r"^\d{4} \d{4} \d{4} \d{4}$"))
    assert Report.objects.get().narrative is not None
    watcher.assert_clean()


def test_a_restored_check_answers_page_says_nothing_was_kept(page, watcher, programme):
    visit(page, f"/report/{SLUG}/check-answers")
    check(page, "This page cannot be shown again")
    watcher.assert_clean()


def test_already_received_page(open_page, watcher, programme):
    """The same check answers form sent again once its receipt can no longer be shown."""
    page = open_page()
    visit(page, f"/report/{SLUG}/kind")
    answer_report(page, what_happened="A visit was nearly missed.")
    first = submit_in_a_new_tab(page)
    expect(first.locator("h1")).to_have_text("Report received")

    two_days_on = timezone.localdate() + timedelta(days=2)
    assert retention_service.forget_sealed_receipts(today=two_days_on) == 1
    again = submit_in_a_new_tab(page)
    check(again, "Your report has already been received")
    assert Report.objects.count() == 1
    watcher.assert_clean()


# --- The reporter's inbox --------------------------------------------------------------------


def test_inbox_pages_and_their_errors(page, watcher, programme):
    report, receipt = submission_service.submit_report(programme=programme, submission=submission())
    visit(page, "/inbox")
    check(page, "Go to your report inbox")
    submit(page, "Continue", status=400)
    assert_error_state(page, ["Enter your receipt code"])
    check(page, "Go to your report inbox")

    wrong = "1111 1111 1111 1111" if receipt != "1" * 16 else "2222 2222 2222 2222"
    page.get_by_label("Receipt code").fill(wrong)
    submit(page, "Continue", status=400)
    assert_error_state(page, [RECEIPT_REFUSED])
    check(page, "Go to your report inbox")

    page.get_by_label("Receipt code").fill(receipt)
    submit(page, "Continue", status=200)
    check(page, "Your report inbox")
    expect(page.get_by_text("There are no messages yet.")).to_be_visible()
    expect(page.get_by_text(report.reference)).to_be_visible()
    watcher.assert_clean()


def test_inbox_page_when_this_browser_must_wait(page, watcher, programme, settings):
    """Too many wrong receipts from one place: that client waits, with a clear error."""
    settings.CANDOUR_RECEIPT_CLIENT_FREE_FAILURES = 1
    _report, receipt = submission_service.submit_report(
        programme=programme, submission=submission()
    )
    wrong = "1111 1111 1111 1111" if receipt != "1" * 16 else "2222 2222 2222 2222"
    visit(page, "/inbox")
    page.get_by_label("Receipt code").fill(wrong)
    submit(page, "Continue", status=400)
    page.get_by_label("Receipt code").fill(receipt)
    submit(page, "Continue", status=429)
    assert_error_state(
        page,
        [
            "You have entered too many receipt codes that were not recognised. "
            "Wait 2 seconds, then try again."
        ],
    )
    check(page, "Go to your report inbox")
    watcher.assert_clean()


def test_inbox_with_question_reply_and_feedback(page, watcher, programme, officer):
    report, receipt = submission_service.submit_report(programme=programme, submission=submission())
    intake_service.ask_reporter(user=officer, report=report, body="Which team was the visit with?")
    inbox_service.reply_as_reporter(report=report, body="The north locality team.")
    intake_service.open_narrative(user=officer, report=report, reason=REASON)
    intake_service.release_report(user=officer, report=report, texts={"what_happened": "Released."})
    intake_service.give_feedback(
        user=officer, report=report, body="Visits now have a second check."
    )
    visit(page, "/inbox")
    page.get_by_label("Receipt code").fill(receipt)
    submit(page, "Continue", status=200)
    check(page, "Your report inbox")
    feedback = page.get_by_role("region", name="You said, we did")
    expect(feedback).to_contain_text("Visits now have a second check.")
    expect(page.get_by_text("Which team was the visit with?")).to_be_visible()
    expect(page.get_by_text("The north locality team.")).to_be_visible()

    submit(page, "Send message", status=400)
    assert_error_state(page, ["Enter a message"])
    check(page, "Your report inbox")

    page.get_by_label("Send a message").fill("One more thing: it was a Friday.")
    submit(page, "Send message", status=200)
    assert "Your reply has been sent" in banner(page)
    check(page, "Your report inbox")

    submit(page, "Leave the inbox", status=200)
    check(page, "You have left your report inbox")
    watcher.assert_clean()


def test_inbox_asks_staff_to_sign_out_first(page, context, live_server, watcher, officer):
    sign_in_with_cookie(context, live_server.url, officer)
    visit(page, "/inbox")
    check(page, "Sign out to go to a report inbox")
    watcher.assert_clean()


# --- Intake officers -------------------------------------------------------------------------


def test_intake_queue_empty_and_with_reports(page, watcher, programme, as_officer):
    visit(page, "/intake/")
    check(page, "Intake queue")
    expect(page.get_by_text("There are no open reports.")).to_be_visible()

    first = submission_service.submit_report(programme=programme, submission=submission())[0]
    second = submission_service.submit_report(
        programme=programme, submission=confidential_submission()
    )[0]
    intake_service.ask_reporter(user=as_officer, report=first, body="Which team was it?")
    intake_service.close_report(user=as_officer, report=second)
    visit(page, "/intake/")
    check(page, "Intake queue")
    expect(page.get_by_role("region", name="1 report")).to_be_visible()

    page.get_by_label("Status").select_option("all")
    submit(page, "Filter reports", status=200)
    check(page, "Intake queue")
    expect(page.get_by_role("region", name="2 reports")).to_be_visible()
    page.get_by_label("Received").select_option("28")
    submit(page, "Filter reports", status=200)
    check(page, "Intake queue")
    expect(page.get_by_text("No reports match these filters.")).to_be_visible()
    visit(page, "/intake/?state=nonsense", status=400)
    assert_error_state(page, ["Select a status from the list"])
    watcher.assert_clean()


def test_intake_report_page_with_everything_on_it(
    page, watcher, as_officer, second_officer, confidential
):
    report = confidential
    intake_service.ask_reporter(user=as_officer, report=report, body="Which team was it?")
    inbox_service.reply_as_reporter(report=report, body="The north locality team.")
    intake_service.open_narrative(user=as_officer, report=report, reason=REASON)
    intake_service.release_report(
        user=as_officer, report=report, texts={"what_happened": "[Child 1] was nearly sent home."}
    )
    intake_service.give_feedback(user=as_officer, report=report, body="Visits now have a check.")
    disclosure_service.request_disclosure(
        user=second_officer, report=report, reason="Police request under section 29"
    )
    approved = disclosure_service.request_disclosure(
        user=as_officer, report=report, reason="Court order received this morning"
    )
    disclosure_service.decide_disclosure(user=second_officer, disclosure=approved, approve=True)
    visit(page, f"/intake/{report.reference}")
    check(page, f"Report {report.reference}")
    expect(
        page.get_by_role("link", name="Approve or refuse this disclosure request")
    ).to_be_visible()
    expect(
        page.get_by_text("Disclosure of the reporter's identity has been approved.")
    ).to_be_visible()
    watcher.assert_clean()


def test_review_pages_and_release_error(page, watcher, as_officer, anonymous):
    reference = anonymous.reference
    visit(page, f"/intake/{reference}/review")
    check(page, "Review and release")
    submit(page, "Open the original account", status=400)
    assert_error_state(page, ["Enter a reason for opening this"])
    check(page, "Review and release")
    page.get_by_label("Why are you opening the original account?").fill("Because")
    submit(page, "Open the original account", status=400)
    assert_error_state(page, ["Give a reason of at least 10 characters"])
    check(page, "Review and release")

    page.get_by_label("Why are you opening the original account?").fill(REASON)
    submit(page, "Open the original account", status=200)
    check(page, "Review and release")
    expect(
        page.get_by_role("region", name="What the draft found in “What happened”")
    ).to_be_visible()

    page.get_by_label("What happened: text to release").fill("")
    submit(page, "Continue", status=400)
    assert_error_state(page, ["Enter the de-identified account of what happened"])
    check(page, "Review and release")

    # Save and finish later: the saved text comes back when the review is opened again.
    page.get_by_label("What happened: text to release").fill("[Child 1] was nearly")
    submit(page, "Save and finish later", status=200)
    assert "Your review has been saved" in banner(page)
    check(page, f"Report {reference}")
    visit(page, f"/intake/{reference}/review")
    page.get_by_label("Why are you opening the original account?").fill(REASON)
    submit(page, "Open the original account", status=200)
    check(page, "Review and release")
    expect(page.get_by_label("What happened: text to release")).to_have_value(
        "[Child 1] was nearly"
    )

    page.get_by_label("What happened: text to release").fill("[Child 1] was nearly sent home.")
    submit(page, "Continue", status=200)
    check(page, "Check the account before you release it")
    expect(page.get_by_text("[Child 1] was nearly sent home.")).to_be_visible()
    submit(page, "Go back and change it", status=200)
    check(page, "Review and release")
    submit(page, "Continue", status=200)
    submit(page, "Release for analysis", status=200)
    assert f"Report {reference} released for analysis" in banner(page)
    check(page, f"Report {reference}")
    expect(page.get_by_role("link", name="Correct the released account")).to_be_visible()
    watcher.assert_clean()


def test_review_of_a_destroyed_account_and_the_refused_page(
    page, watcher, programme, as_officer, confidential
):
    # A release sent after the original account was destroyed is refused, on a GOV.UK page.
    visit(page, f"/intake/{confidential.reference}/review")
    page.get_by_label("Why are you opening the original account?").fill(REASON)
    submit(page, "Open the original account", status=200)
    submit(page, "Continue", status=200)
    _shred(as_officer, confidential, programme)
    submit(page, "Release for analysis", status=403)
    check(page, "You cannot do this")

    # Reviewing it afterwards says the account is gone, and asks for no reason.
    visit(page, f"/intake/{confidential.reference}/review")
    check(page, "Review and release")
    expect(
        page.get_by_text("The original account of this report has been destroyed.")
    ).to_be_visible()
    visit(page, f"/intake/{confidential.reference}")
    check(page, f"Report {confidential.reference}")
    watcher.assert_clean()


@pytest.mark.parametrize(
    ("which", "title", "label", "button", "required", "done"),
    [
        (
            "question",
            "Ask the reporter a question",
            "Your question",
            "Send question",
            "Enter your question",
            "Question sent to the reporter",
        ),
        (
            "feedback",
            "You said, we did",
            "What has been done as a result of this report",
            "Send feedback",
            "Enter what has been done",
            "Feedback sent to the reporter",
        ),
    ],
)
@pytest.mark.parametrize("kind", ["anonymous", "confidential"])
def test_message_pages_and_their_errors(
    page, watcher, as_officer, request, kind, which, title, label, button, required, done
):
    report = request.getfixturevalue(kind)
    if which == "feedback":  # feedback follows release
        _release(as_officer, report)
    visit(page, f"/intake/{report.reference}/{which}")
    check(page, title)
    submit(page, button, status=400)
    assert_error_state(page, [required])
    check(page, title)
    page.get_by_label(label).fill("Thank you. What changed is written here.")
    submit(page, button, status=200)
    assert done in banner(page)
    check(page, f"Report {report.reference}")
    watcher.assert_clean()


def test_alert_page_and_its_error(page, watcher, as_officer, anonymous):
    visit(page, f"/intake/{anonymous.reference}/alert")
    check(page, "Alert the safety lead")
    submit(page, "Send the alert", status=400)
    assert_error_state(page, ["Describe the hazard"])
    check(page, "Alert the safety lead")
    page.get_by_label("Describe the hazard").fill("Case notes filed in the wrong record.")
    submit(page, "Send the alert", status=200)
    assert "Alert sent to the safety lead" in banner(page)
    watcher.assert_clean()


def test_close_page_and_its_error(page, watcher, as_officer, anonymous):
    path = f"/intake/{anonymous.reference}/close"
    visit(page, path)
    check(page, "Close this report?")
    # A second tab still shows the form after the report is closed in the first.
    other = page.context.new_page()
    watcher.watch(other)
    visit(other, path)
    submit(page, "Close the report", status=200)
    assert f"Report {anonymous.reference} closed" in banner(page)
    check(page, f"Report {anonymous.reference}")

    submit(other, "Close the report", status=400)
    assert other.title().startswith("Error: ")
    assert summary_errors(other) == ["This report is closed, so you cannot close it."]
    check(other, "Close this report?")
    visit(page, path)
    check(page, "Close this report?")
    expect(page.get_by_role("button", name="Close the report")).to_have_count(0)
    watcher.assert_clean()


def test_reopen_page_and_a_closed_report_s_pages(page, watcher, as_officer, anonymous):
    intake_service.close_report(user=as_officer, report=anonymous)
    visit(page, f"/intake/{anonymous.reference}/question")
    check(page, "Ask the reporter a question")
    expect(
        page.get_by_text("This report is closed, so you cannot ask the reporter a question.")
    ).to_be_visible()
    visit(page, f"/intake/{anonymous.reference}")
    page.get_by_role("link", name="Reopen the report").click()
    check(page, "Reopen this report?")
    submit(page, "Reopen the report", status=200)
    assert f"Report {anonymous.reference} reopened" in banner(page)
    check(page, f"Report {anonymous.reference}")
    expect(page.get_by_role("link", name="Close the report")).to_be_visible()
    watcher.assert_clean()


def test_contact_pages_and_their_errors(page, watcher, as_officer, anonymous, confidential):
    visit(page, f"/intake/{confidential.reference}/contact")
    check(page, "Contact details")
    submit(page, "Show contact details", status=400)
    assert_error_state(page, ["Enter a reason for opening this"])
    check(page, "Contact details")
    page.get_by_label("Why do you need the reporter's contact details?").fill(
        "To ask which team made the visit"
    )
    submit(page, "Show contact details", status=200)
    check(page, "Contact details")
    expect(page.get_by_text("sam.reporter@northbrook.example")).to_be_visible()

    visit(page, f"/intake/{anonymous.reference}/contact")
    check(page, "Contact details")
    expect(page.get_by_text("This report is anonymous.")).to_be_visible()
    watcher.assert_clean()


def test_disclosure_request_pages_and_their_errors(
    page, watcher, as_officer, anonymous, confidential
):
    visit(page, f"/intake/{confidential.reference}/disclosure")
    check(page, "Ask to disclose the reporter's identity")
    submit(page, "Send the request", status=400)
    assert_error_state(page, ["Enter a reason for opening this"])
    check(page, "Ask to disclose the reporter's identity")
    page.get_by_label("Why must the reporter's identity be disclosed outside the programme?").fill(
        "Police request under section 29"
    )
    submit(page, "Send the request", status=200)
    assert "A second intake officer must now decide" in banner(page)
    check(page, f"Report {confidential.reference}")
    expect(
        page.get_by_text("You asked for this. A second intake officer must decide.")
    ).to_be_visible()

    visit(page, f"/intake/{anonymous.reference}/disclosure")
    check(page, "Ask to disclose the reporter's identity")
    expect(page.get_by_text("There is no identity to disclose.")).to_be_visible()
    watcher.assert_clean()


def test_disclosure_decision_page(
    page, open_page, watcher, as_officer, second_officer, confidential
):
    asked = disclosure_service.request_disclosure(
        user=second_officer, report=confidential, reason="Police request under section 29"
    )
    path = f"/intake/disclosures/{asked.reference}"
    visit(page, path)
    check(page, "Disclose the reporter's identity?")
    submit(page, "Save decision", status=400)
    assert_error_state(page, ["Select whether you approve or refuse the request"])
    check(page, "Disclose the reporter's identity?")

    # The officer who asked sees the request but cannot decide it.
    asker = open_page(second_officer)
    visit(asker, path)
    check(asker, "Disclose the reporter's identity?")
    expect(asker.get_by_role("button", name="Save decision")).to_have_count(0)

    page.get_by_label("No, refuse").check()
    submit(page, "Save decision", status=200)
    assert "Disclosure refused" in banner(page)
    check(page, f"Report {confidential.reference}")
    visit(page, path)
    check(page, "Disclose the reporter's identity?")
    expect(page.get_by_text("This request has already been decided.")).to_be_visible()
    assert Disclosure.objects.get(pk=asked.pk).state == Disclosure.State.REFUSED
    watcher.assert_clean()


# --- Analysts --------------------------------------------------------------------------------


def _release(officer: User, report: Report) -> Report:
    if report.status == "received":
        intake_service.open_narrative(user=officer, report=report, reason=REASON)
    return intake_service.release_report(
        user=officer,
        report=report,
        texts={
            "what_happened": "[Child 1] was nearly sent home to [Address 1].",
            "how_noticed": "A manager checked the chronology.",
        },
    )


def test_analysis_list_empty_and_with_reports(
    page, context, live_server, watcher, programme, officer, analyst
):
    sign_in_with_cookie(context, live_server.url, analyst)
    visit(page, "/analysis/")
    check(page, "Released reports")
    expect(page.get_by_text("No reports have been released for analysis yet.")).to_be_visible()

    for _ in range(2):
        report = submission_service.submit_report(programme=programme, submission=submission())[0]
        _release(officer, report)
    analysis_service.code_report(
        user=analyst,
        report=report,
        scie_patterns=["human_judgement"],
        london_factors=["team"],
        detection="supervision",
        mitigation="",
        harm="none",
        synopsis="A near miss caught in supervision.",
    )
    visit(page, "/analysis/")
    check(page, "Released reports")
    expect(page.get_by_role("region", name="2 reports")).to_be_visible()
    watcher.assert_clean()


def test_analysis_report_coding_form_and_its_errors(
    page, context, live_server, watcher, officer, analyst, anonymous
):
    report = _release(officer, anonymous)
    sign_in_with_cookie(context, live_server.url, analyst)
    visit(page, f"/analysis/{report.reference}")
    check(page, f"Report {report.reference}")
    submit(page, "Save coding", status=400)
    assert_error_state(page, ["Select how it was detected", "Select the harm", "Enter a synopsis"])
    check(page, f"Report {report.reference}")

    page.get_by_label("Human judgement and reasoning").check()
    page.get_by_label("Team", exact=True).check()
    page.get_by_label("Supervision", exact=True).check()
    page.get_by_role("group", name="Harm").get_by_label("No harm").check()
    page.get_by_label("Synopsis").fill("A near miss caught in supervision.")
    submit(page, "Save coding", status=200)
    assert f"Coding of report {report.reference} saved" in banner(page)
    check(page, f"Report {report.reference}")
    expect(page.get_by_role("heading", name="Current coding")).to_be_visible()
    watcher.assert_clean()


# --- Administrators --------------------------------------------------------------------------


def test_programme_settings_and_their_errors(page, context, live_server, watcher, alice, programme):
    sign_in_with_cookie(context, live_server.url, alice)
    visit(page, "/programme")
    check(page, "Reporting programme")
    page.get_by_label("The non-punitive promise").fill("")
    page.get_by_label("Safety lead's email address (for immediate alerts)").fill("nope")
    page.get_by_label("Days after closure before raw reports and contacts are destroyed").fill(
        "99999"
    )
    threshold = page.get_by_label("Smallest number shown to leaders and in published lessons")
    threshold.fill("4")
    submit(page, "Save", status=400)
    assert_error_state(
        page,
        [
            "Enter the promise reporters are given",
            "Enter an email address in the correct format, like name@example.com",
            "The number of days must be 3,650 (ten years) or fewer",
            "The smallest number shown must be 5 or more",
        ],
    )
    check(page, "Reporting programme")

    page.get_by_label("The non-punitive promise").fill("We never use a good-faith report.")
    page.get_by_label("Safety lead's email address (for immediate alerts)").fill(
        "lead@northbrook.example"
    )
    page.get_by_label("Days after closure before raw reports and contacts are destroyed").fill("45")
    threshold.fill("10")
    submit(page, "Save", status=200)
    assert "Reporting programme saved" in banner(page)
    check(page, "Reporting programme")
    watcher.assert_clean()
