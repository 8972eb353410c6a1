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
from candour.reporting import services
from candour.reporting.forms_report import RECEIPT_REFUSED
from candour.reporting.models import Disclosure, Programme, Report
from candour.reporting.tests.conftest import confidential_submission, submission

pytestmark = pytest.mark.browser

SLUG = "northbrook"
SUMMARY = ".govuk-error-summary"
NARROW = 320
LAST_YEAR = str(timezone.localdate().year - 1)
REASON = "Reviewing the redactions before release"
DOUBLE_CLICK_MS = 1_100


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


def fill_report(
    page: Page,
    *,
    what_happened: str,
    how_noticed: str = "",
    known: str = "",
) -> None:
    """Answer the report form: a near miss in assessment last March, no harm, anonymous."""
    page.get_by_label("A near miss: something nearly went wrong").check()
    page.get_by_label("Assessment", exact=True).check()
    page.get_by_label("Month", exact=True).select_option(label="March")
    page.get_by_label("Year", exact=True).select_option(LAST_YEAR)
    page.get_by_label("What happened", exact=True).fill(what_happened)
    if how_noticed:
        page.get_by_label("How it was noticed or caught (optional)").fill(how_noticed)
    if known:
        page.get_by_label("People and places you mentioned (optional)").fill(known)
    page.get_by_label("No harm", exact=True).check()
    page.get_by_label("Social worker", exact=True).check()
    page.get_by_role(
        "group", name="Can we share a de-identified lesson from your report?"
    ).get_by_label("Yes", exact=True).check()
    page.get_by_label("Anonymous", exact=True).check()


def submit_in_a_new_tab(page: Page) -> Page:
    """Press "Submit report" with its form aimed at a new tab, so that this tab keeps the very
    same form (and idempotency key) to send again. Returns the new tab, loaded."""
    page.eval_on_selector("form[action$='/submit']", "form => { form.target = '_blank'; }")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Submit report").click()
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
    report, _receipt = services.submit_report(programme=programme, submission=submission())
    return report


@pytest.fixture
def confidential(programme) -> Report:
    report, _receipt = services.submit_report(
        programme=programme, submission=confidential_submission()
    )
    return report


def _shred(officer: User, report: Report, programme: Programme) -> None:
    services.close_report(user=officer, report=report)
    programme.retention_days = 0
    programme.save(update_fields=["retention_days"])
    assert services.shred_due_reports() == 1


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


def test_report_form_and_its_errors(page, watcher, programme):
    visit(page, f"/report/{SLUG}/new")
    check(page, "Tell us what happened")
    submit(page, "Continue", status=400)
    assert_error_state(
        page,
        [
            "Select what kind of event it was",
            "Select the service area it happened in",
            "Select the month it happened",
            "Select the year it happened",
            "Enter what happened",
            "Select how much harm was caused",
            "Select your role",
            "Select yes if we can share a de-identified lesson from your report",
            "Select confidential or anonymous",
        ],
    )
    check(page, "Tell us what happened")

    # A confidential report needs a way to contact the reporter, in the right format.
    fill_report(page, what_happened="A visit was nearly missed.")
    page.get_by_label("Confidential", exact=True).check()
    page.get_by_label("Email address").fill("not an email address")
    page.get_by_label("Phone number").fill("call me")
    submit(page, "Continue", status=400)
    assert_error_state(
        page,
        [
            "Enter an email address in the correct format, like name@example.com",
            "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        ],
    )
    check(page, "Tell us what happened")
    watcher.assert_clean()


def test_check_answers_and_confirmation_pages(page, watcher, programme):
    visit(page, f"/report/{SLUG}/new")
    fill_report(page, what_happened="A visit was nearly missed.", known="Kayden Walsh - child")
    submit(page, "Continue", status=200)
    check(page, "Check your answers before sending your report")

    # Changing an answer goes back to the form with every answer kept, then back here.
    page.get_by_role("button", name="Change what happened").click()
    expect(page.locator("h1")).to_have_text("Tell us what happened")
    expect(page.get_by_label("What happened", exact=True)).to_have_value(
        "A visit was nearly missed."
    )
    check(page, "Tell us what happened")
    submit(page, "Continue", status=200)

    submit(page, "Submit report", status=200)
    check(page, "Report received")
    expect(page.locator("#receipt-code")).to_have_text(re.compile(r"^\d{4} \d{4} \d{4} \d{4}$"))
    watcher.assert_clean()


def test_already_received_page(open_page, watcher, programme):
    """The same check-answers form sent again once its receipt can no longer be shown."""
    page = open_page()
    visit(page, f"/report/{SLUG}/new")
    fill_report(page, what_happened="A visit was nearly missed.")
    submit(page, "Continue", status=200)
    first = submit_in_a_new_tab(page)
    expect(first.locator("h1")).to_have_text("Report received")

    two_days_on = timezone.localdate() + timedelta(days=2)
    assert services.forget_sealed_receipts(today=two_days_on) == 1
    page.wait_for_timeout(DOUBLE_CLICK_MS)  # GOV.UK Frontend ignores a second click within 1s
    again = submit_in_a_new_tab(page)
    check(again, "Your report has already been received")
    assert Report.objects.count() == 1
    watcher.assert_clean()


# --- The reporter's inbox --------------------------------------------------------------------


def test_inbox_pages_and_their_errors(page, watcher, programme):
    report, receipt = services.submit_report(programme=programme, submission=submission())
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


def test_inbox_with_question_reply_and_feedback(page, watcher, programme, officer):
    report, receipt = services.submit_report(programme=programme, submission=submission())
    services.ask_reporter(user=officer, report=report, body="Which team was the visit with?")
    services.reply_as_reporter(report=report, body="The north locality team.")
    services.give_feedback(user=officer, report=report, body="Visits now have a second check.")
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
    expect(page.get_by_text("There are no reports yet.")).to_be_visible()

    first = services.submit_report(programme=programme, submission=submission())[0]
    services.submit_report(programme=programme, submission=confidential_submission())
    services.ask_reporter(user=as_officer, report=first, body="Which team was it?")
    visit(page, "/intake/")
    check(page, "Intake queue")
    expect(page.get_by_role("region", name="2 reports")).to_be_visible()
    watcher.assert_clean()


def test_intake_report_page_with_everything_on_it(
    page, watcher, as_officer, second_officer, confidential
):
    report = confidential
    services.ask_reporter(user=as_officer, report=report, body="Which team was it?")
    services.reply_as_reporter(report=report, body="The north locality team.")
    services.give_feedback(user=as_officer, report=report, body="Visits now have a check.")
    services.release_report(
        user=as_officer, report=report, texts={"what_happened": "[Child 1] was nearly sent home."}
    )
    services.request_disclosure(
        user=second_officer, report=report, reason="Police request under section 29"
    )
    approved = services.request_disclosure(
        user=as_officer, report=report, reason="Court order received this morning"
    )
    services.decide_disclosure(user=second_officer, disclosure=approved, approve=True)
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
    submit(page, "Release for analysis", status=400)
    assert_error_state(page, ["Enter the de-identified account of what happened"])
    check(page, "Review and release")

    page.get_by_label("What happened: text to release").fill("[Child 1] was nearly sent home.")
    submit(page, "Release for analysis", status=200)
    assert f"Report {reference} released for analysis" in banner(page)
    check(page, f"Report {reference}")
    watcher.assert_clean()


def test_review_of_a_destroyed_account_and_the_refused_page(
    page, watcher, programme, as_officer, confidential
):
    # A release sent after the original account was destroyed is refused, on a GOV.UK page.
    visit(page, f"/intake/{confidential.reference}/review")
    page.get_by_label("Why are you opening the original account?").fill(REASON)
    submit(page, "Open the original account", status=200)
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
    assert summary_errors(other) == ["This report is already closed"]
    check(other, "Close this report?")
    visit(page, path)
    check(page, "Close this report?")
    expect(page.get_by_role("button", name="Close the report")).to_have_count(0)
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
    asked = services.request_disclosure(
        user=second_officer, report=confidential, reason="Police request under section 29"
    )
    path = f"/intake/disclosures/{asked.pk}"
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
    return services.release_report(
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
        report = services.submit_report(programme=programme, submission=submission())[0]
        _release(officer, report)
    services.code_report(
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
    submit(page, "Save", status=400)
    assert_error_state(
        page,
        [
            "Enter the promise reporters are given",
            "Enter an email address in the correct format, like name@example.com",
            "The number of days must be 3,650 (ten years) or fewer",
        ],
    )
    check(page, "Reporting programme")

    page.get_by_label("The non-punitive promise").fill("We never use a good-faith report.")
    page.get_by_label("Safety lead's email address (for immediate alerts)").fill(
        "lead@northbrook.example"
    )
    page.get_by_label("Days after closure before raw reports and contacts are destroyed").fill("45")
    submit(page, "Save", status=200)
    assert "Reporting programme saved" in banner(page)
    check(page, "Reporting programme")
    watcher.assert_clean()
