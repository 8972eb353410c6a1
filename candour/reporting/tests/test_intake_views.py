"""Intake officers' pages: who may open them, and what each one does.

Raw narrative (the MARKER) appears only on the review page, after a reason; contact details
only on the contact page, after a reason; both openings are audited with the reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from candour.accounts.models import Role
from candour.audit.models import AuditEntry
from candour.notifications.models import Job
from candour.reporting.models import Disclosure, Report, Status
from candour.reporting.services import disclosure as disclosure_service
from candour.reporting.services import intake as intake_service
from candour.reporting.services import retention as retention_service
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import MARKER, confidential_submission, submission
from conftest import UK_JUST_PAST_MIDNIGHT

pytestmark = pytest.mark.django_db

REPORT_PAGES = (
    "reporting:intake_report",
    "reporting:intake_review",
    "reporting:intake_question",
    "reporting:intake_feedback",
    "reporting:intake_alert",
    "reporting:intake_close",
    "reporting:intake_reopen",
    "reporting:intake_contact",
    "reporting:intake_disclosure",
)
REASON = "Reviewing the redactions before release"


@pytest.fixture
def report(programme) -> Report:
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


@pytest.fixture
def released(confidential, intake) -> Report:
    intake_service.open_narrative(user=intake, report=confidential, reason=REASON)
    intake_service.release_report(
        user=intake, report=confidential, texts={"what_happened": "[Child 1] was nearly sent home."}
    )
    return confidential


@pytest.fixture
def disclosure(confidential, intake2) -> Disclosure:
    return disclosure_service.request_disclosure(
        user=intake2, report=confidential, reason="Police request under section 29"
    )


def _urls(report: Report, disclosure: Disclosure) -> list[tuple[str, str]]:
    """(method, url) for every intake page."""
    urls = [("get", reverse("reporting:intake_queue"))]
    urls += [("get", reverse(name, args=[report.reference])) for name in REPORT_PAGES]
    urls.append(("post", reverse("reporting:intake_release", args=[report.reference])))
    urls.append(("get", reverse("reporting:intake_disclosure_decide", args=[disclosure.reference])))
    return urls


def _opened(report: Report) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(action="reporting.narrative.opened", object_ref=report.reference)
    )


# --- Access ---------------------------------------------------------------------------------


def test_intake_officer_of_the_organisation_opens_every_page(
    signed_in, intake, confidential, disclosure
):
    client = signed_in(intake)
    for method, url in _urls(confidential, disclosure):
        data = {"reason": REASON, "what_happened": "[Child 1] was nearly sent home."}
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)


def test_outsider_intake_officer_gets_404_for_every_report_page(
    signed_in, make_user, other_organisation, confidential, disclosure
):
    outsider = make_user(Role.INTAKE_OFFICER, organisation=other_organisation)
    client = signed_in(outsider)
    for method, url in _urls(confidential, disclosure)[1:]:
        response = getattr(client, method)(url, {"reason": REASON})
        assert response.status_code == 404, url
        assert MARKER not in response.content.decode()
    queue = client.get(reverse("reporting:intake_queue"))
    assert queue.status_code == 200
    assert confidential.reference not in queue.content.decode()


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.INTAKE_OFFICER])
def test_every_other_role_gets_403(signed_in, make_user, role, confidential, disclosure):
    client = signed_in(make_user(role))
    for method, url in _urls(confidential, disclosure):
        response = getattr(client, method)(url, {"reason": REASON})
        assert response.status_code == 403, (role, url)
        assert MARKER not in response.content.decode()


def test_anonymous_users_are_sent_to_sign_in(client, confidential, disclosure):
    for method, url in _urls(confidential, disclosure):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:sign_in")), url


@pytest.mark.parametrize("role", [Role.LEADER, Role.ADMINISTRATOR])
def test_leaders_and_administrators_reach_no_report_content(
    signed_in, make_user, role, intake, confidential, disclosure
):
    intake_service.open_narrative(user=intake, report=confidential, reason=REASON)
    intake_service.release_report(
        user=intake, report=confidential, texts={"what_happened": f"Released {MARKER}"}
    )
    client = signed_in(make_user(role, is_auditor=True))
    urls = [
        *_urls(confidential, disclosure),
        ("get", reverse("reporting:analysis_list")),
        ("get", reverse("reporting:analysis_report", args=[confidential.reference])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 403, (role, url)
        assert MARKER not in response.content.decode()


def test_navigation_offers_the_queue_to_intake_officers_only(signed_in, intake, analyst, make_user):
    queue = reverse("reporting:intake_queue")
    assert f'href="{queue}"' in signed_in(intake).get("/").content.decode()
    assert f'href="{queue}"' not in signed_in(analyst).get("/").content.decode()
    assert f'href="{queue}"' not in signed_in(make_user(Role.LEADER)).get("/").content.decode()


# --- Queue and report -------------------------------------------------------------------------


def test_queue_lists_reports_without_content(signed_in, intake, report, confidential):
    response = signed_in(intake).get(reverse("reporting:intake_queue"))
    body = response.content.decode()
    assert response.status_code == 200
    assert report.reference in body
    assert confidential.reference in body
    for text in ("Near miss", "Assessment", "Received", "Anonymous", "Confidential"):
        assert text in body
    assert MARKER not in body
    assert "Kayden" not in body


def test_report_page_shows_answers_and_actions_but_no_narrative(signed_in, intake, confidential):
    body = signed_in(intake).get(reverse("reporting:intake_report", args=[confidential.reference]))
    page = body.content.decode()
    assert "A near miss: something nearly went wrong" in page
    assert "January 2026" in page
    assert "Social worker" in page
    assert "No harm" in page
    assert reverse("reporting:intake_review", args=[confidential.reference]) in page
    assert reverse("reporting:intake_contact", args=[confidential.reference]) in page
    assert MARKER not in page
    assert "Kayden" not in page
    assert "sam.reporter" not in page


# --- Review and release -----------------------------------------------------------------------


def test_review_needs_a_reason_and_audits_nothing_without_one(signed_in, intake, report):
    url = reverse("reporting:intake_review", args=[report.reference])
    client = signed_in(intake)
    first = client.get(url)
    assert first.status_code == 200
    assert "Why are you opening the original account?" in first.content.decode()
    response = client.post(url, {"reason": "why"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body
    assert "Give a reason of at least 10 characters" in body
    assert MARKER not in body
    assert _opened(report) == []
    report.refresh_from_db()
    assert report.status == Status.RECEIVED


def test_review_shows_original_beside_draft_and_audits_the_reason(signed_in, intake, report):
    client = signed_in(intake)
    response = client.post(
        reverse("reporting:intake_review", args=[report.reference]), {"reason": REASON}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kayden Walsh was nearly sent home to 27 Elm Grove." in body  # the original
    assert "[Address 1]" in body  # the draft
    assert body.count("govuk-grid-column-one-half") >= 4  # two answers, two columns each
    assert "Original, as the reporter wrote it" in body
    assert "De-identified draft" in body
    assert f'name="reason" value="{REASON}"' in body
    assert 'name="what_happened"' in body
    assert 'name="how_noticed"' in body
    assert reverse("reporting:intake_release", args=[report.reference]) in body
    assert 'name="action" value="continue"' in body
    assert 'name="action" value="save"' in body
    [entry] = _opened(report)
    assert entry.reason == REASON
    assert entry.actor_ref == str(intake.reference)
    report.refresh_from_db()
    assert report.status == Status.IN_REVIEW
    assert MARKER not in str(dict(client.session))  # nothing decrypted kept in the session


def test_review_lists_entities_and_flags_possible_names(signed_in, intake, report, monkeypatch):
    original = "The file was checked and Zanthe agreed it was fine."
    start = original.index("Zanthe")

    def fake_open(*, user, report, reason):
        return {
            "review": None,
            "narrative": {"what_happened": original},
            "draft": {
                "what_happened": {
                    "text": original.replace("Zanthe", "[Person 1]"),
                    "entities": [
                        {
                            "type": "PERSON",
                            "start": start,
                            "end": start + 6,
                            "replacement": "[Person 1]",
                            "suspect": True,
                        }
                    ],
                }
            },
        }

    monkeypatch.setattr(intake_service, "open_narrative", fake_open)
    response = signed_in(intake).post(
        reverse("reporting:intake_review", args=[report.reference]), {"reason": REASON}
    )
    body = response.content.decode()
    assert "Possible name, check" in body
    assert '<td class="govuk-table__cell">Person</td>' in body
    assert '<td class="govuk-table__cell">Zanthe</td>' in body
    assert "The file was checked and [Person 1] agreed it was fine." in body


@pytest.mark.clock
@pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT)  # closed today, shredded a year on
def test_review_of_a_destroyed_report_explains_instead_of_opening(signed_in, intake, report):
    intake_service.close_report(user=intake, report=report)
    later = timezone.localdate() + timedelta(days=365)
    assert retention_service.shred_due_reports(today=later) == 1
    url = reverse("reporting:intake_review", args=[report.reference])
    response = signed_in(intake).post(url, {"reason": REASON})
    assert response.status_code == 200
    assert "has been destroyed" in response.content.decode()
    assert _opened(report) == []


def test_release_stores_the_edited_text(signed_in, intake, report):
    edited = "[Child 1] was nearly sent home to an address that was not safe."
    client = signed_in(intake)
    client.post(reverse("reporting:intake_review", args=[report.reference]), {"reason": REASON})
    response = client.post(
        reverse("reporting:intake_release", args=[report.reference]),
        {
            "reason": REASON,
            "what_happened": edited,
            "how_noticed": "A manager checked.",
            "action": "release",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:intake_report", args=[report.reference])
    report.refresh_from_db()
    assert report.released == {"what_happened": edited, "how_noticed": "A manager checked."}
    assert report.status == Status.RELEASED
    assert AuditEntry.objects.filter(action="reporting.report.released").exists()


def test_release_error_shows_the_original_again_audited_and_keeps_edits(signed_in, intake, report):
    response = signed_in(intake).post(
        reverse("reporting:intake_release", args=[report.reference]),
        {
            "reason": REASON,
            "what_happened": "  ",
            "how_noticed": "My edited words.",
            "action": "continue",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body
    assert "Enter the de-identified account of what happened" in body
    assert "My edited words." in body
    assert "Kayden Walsh was nearly sent home" in body
    [entry] = _opened(report)
    assert entry.reason == REASON
    report.refresh_from_db()
    assert report.released is None


def test_release_error_without_a_reason_asks_for_one_again(signed_in, intake, report):
    response = signed_in(intake).post(
        reverse("reporting:intake_release", args=[report.reference]),
        {"reason": "", "what_happened": "", "action": "continue"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter a reason for opening this" in body
    assert MARKER not in body
    assert _opened(report) == []


def test_release_by_get_goes_back_to_the_report(signed_in, intake, report):
    url = reverse("reporting:intake_release", args=[report.reference])
    response = signed_in(intake).get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:intake_report", args=[report.reference])
    report.refresh_from_db()
    assert report.released is None


# --- Conversation, alert, closure -----------------------------------------------------------


def test_question_changes_status_and_appears_in_the_conversation(signed_in, intake, report):
    client = signed_in(intake)
    url = reverse("reporting:intake_question", args=[report.reference])
    empty = client.post(url, {"body": ""})
    assert empty.status_code == 400
    assert "Enter your question" in empty.content.decode()
    response = client.post(url, {"body": "Which team was it?"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.WAITING_FOR_REPORTER
    page = client.get(reverse("reporting:intake_report", args=[report.reference]))
    body = page.content.decode()
    assert "Which team was it?" in body
    assert "Question sent to the reporter" in body  # the success banner
    assert "Question from the programme" in body


def test_feedback_changes_status_and_appears_in_the_conversation(signed_in, intake, released):
    confidential = released
    client = signed_in(intake)
    url = reverse("reporting:intake_feedback", args=[confidential.reference])
    assert "You said, we did" in client.get(url).content.decode()
    response = client.post(url, {"body": "We changed the handover checklist."})
    assert response.status_code == 302
    confidential.refresh_from_db()
    assert confidential.status == Status.FEEDBACK_GIVEN
    assert Job.objects.filter(kind="reporting.notify_reporter").exists()
    body = client.get(
        reverse("reporting:intake_report", args=[confidential.reference])
    ).content.decode()
    assert "We changed the handover checklist." in body
    assert "Feedback (you said, we did)" in body


def test_alert_enqueues_a_job(signed_in, intake, report):
    client = signed_in(intake)
    url = reverse("reporting:intake_alert", args=[report.reference])
    short = client.post(url, {"summary": "Danger"})
    assert short.status_code == 400
    assert "Describe the hazard in at least 10 characters" in short.content.decode()
    assert not Job.objects.filter(kind="reporting.send_alert").exists()
    response = client.post(url, {"summary": "Handover checklist missing on the duty desk."})
    assert response.status_code == 302
    assert Job.objects.filter(kind="reporting.send_alert").count() == 1
    assert AuditEntry.objects.filter(action="reporting.alert.raised").exists()


def test_alert_without_a_safety_lead_is_an_error_not_a_crash(signed_in, intake, report, programme):
    programme.safety_lead_email = ""
    programme.save()
    response = signed_in(intake).post(
        reverse("reporting:intake_alert", args=[report.reference]),
        {"summary": "Handover checklist missing on the duty desk."},
    )
    assert response.status_code == 400
    assert "This programme has no safety lead to alert" in response.content.decode()
    assert not Job.objects.filter(kind="reporting.send_alert").exists()


@pytest.mark.clock
@pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT)
def test_close_asks_then_closes_once(signed_in, intake, report, time_machine):
    client = signed_in(intake)
    url = reverse("reporting:intake_close", args=[report.reference])
    assert "Close this report?" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    closed_on = report.closed_on
    # A second close the next day must not restart the retention clock.
    time_machine.shift(timedelta(days=1))
    client = signed_in(intake)  # a new session: the old one has been idle a day
    again = client.post(url)
    assert again.status_code == 400
    assert "This report is closed, so you cannot close it." in again.content.decode()
    report.refresh_from_db()
    assert report.closed_on == closed_on
    assert AuditEntry.objects.filter(action="reporting.report.closed").count() == 1


# --- Contact details --------------------------------------------------------------------------


def test_contact_needs_a_reason_then_shows_details(signed_in, intake, confidential):
    client = signed_in(intake)
    url = reverse("reporting:intake_contact", args=[confidential.reference])
    first = client.get(url).content.decode()
    assert "Why do you need the reporter" in first
    assert "sam.reporter" not in first
    short = client.post(url, {"reason": "because"})
    assert short.status_code == 400
    assert "sam.reporter" not in short.content.decode()
    assert not AuditEntry.objects.filter(action="reporting.contact.opened").exists()
    response = client.post(url, {"reason": "Asking about the team involved"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "sam.reporter@northbrook.example" in body
    entry = AuditEntry.objects.get(action="reporting.contact.opened")
    assert entry.reason == "Asking about the team involved"
    assert "sam.reporter" not in str(dict(client.session))


def test_anonymous_report_has_no_contact_details(signed_in, intake, report):
    response = signed_in(intake).get(reverse("reporting:intake_contact", args=[report.reference]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "This report is anonymous. There are no contact details." in body
    assert 'name="reason"' not in body


# --- Disclosure (two-person rule) ---------------------------------------------------------


def test_disclosure_needs_a_second_intake_officer(signed_in, intake, intake2, confidential):
    requester = signed_in(intake)
    response = requester.post(
        reverse("reporting:intake_disclosure", args=[confidential.reference]),
        {"reason": "Police request under section 29"},
    )
    assert response.status_code == 302
    disclosure = Disclosure.objects.get(report=confidential)
    decide = reverse("reporting:intake_disclosure_decide", args=[disclosure.reference])
    page = requester.get(reverse("reporting:intake_report", args=[confidential.reference]))
    assert "You asked for this. A second intake officer must decide." in page.content.decode()
    own = requester.get(decide).content.decode()
    assert "you cannot decide it" in own
    assert 'name="decision"' not in own
    refused = requester.post(decide, {"decision": "approve"})
    assert refused.status_code == 403
    body = refused.content.decode()
    assert "govuk-error-summary" in body
    assert "You asked for this disclosure, so you cannot decide it." in body
    disclosure.refresh_from_db()
    assert disclosure.state == Disclosure.State.REQUESTED

    second = signed_in(intake2)
    assert 'name="decision"' in second.get(decide).content.decode()
    assert second.post(decide, {}).status_code == 400
    approved = second.post(decide, {"decision": "approve"})
    assert approved.status_code == 302
    disclosure.refresh_from_db()
    assert disclosure.state == Disclosure.State.APPROVED
    assert disclosure.decided_by_ref == str(intake2.reference)
    report_page = second.get(reverse("reporting:intake_report", args=[confidential.reference]))
    assert "identity has been approved" in report_page.content.decode()
    again = second.post(decide, {"decision": "refuse"})
    assert again.status_code == 400
    assert "already been decided" in again.content.decode()


def test_disclosure_request_needs_a_reason(signed_in, intake, confidential):
    response = signed_in(intake).post(
        reverse("reporting:intake_disclosure", args=[confidential.reference]), {"reason": "x"}
    )
    assert response.status_code == 400
    assert "Give a reason of at least 10 characters" in response.content.decode()
    assert not Disclosure.objects.exists()


def test_anonymous_report_has_no_identity_to_disclose(signed_in, intake, report):
    client = signed_in(intake)
    url = reverse("reporting:intake_disclosure", args=[report.reference])
    body = client.get(url).content.decode()
    assert "There is no identity to disclose" in body
    client.post(url, {"reason": "Police request under section 29"})
    assert not Disclosure.objects.exists()


# --- Pages offer only what the report's state allows ---------------------------------------


def _actions(client, report: Report) -> str:
    page = client.get(reverse("reporting:intake_report", args=[report.reference])).content
    return page.decode().split(">Actions</h2>", 1)[1].split("</ul>", 1)[0]


def test_before_release_the_page_offers_review_and_release(signed_in, intake, report):
    actions = _actions(signed_in(intake), report)
    assert "Review the account and release it for analysis" in actions
    assert "Give feedback" not in actions  # nothing released yet, so nothing to feed back
    assert "Close the report" in actions
    assert "Reopen" not in actions


def test_after_release_the_page_offers_a_correction_not_a_second_release(
    signed_in, intake, released
):
    actions = _actions(signed_in(intake), released)
    assert "Correct the released account" in actions
    assert "release it for analysis" not in actions
    assert "Give feedback: you said, we did" in actions


def test_a_closed_report_offers_reopening_and_refuses_messages(signed_in, intake, released):
    intake_service.close_report(user=intake, report=released)
    client = signed_in(intake)
    actions = _actions(client, released)
    assert "Reopen the report" in actions
    for gone in ("Ask the reporter", "Give feedback", "Close the report", "Correct the released"):
        assert gone not in actions
    url = reverse("reporting:intake_question", args=[released.reference])
    page = client.get(url).content.decode()
    assert "This report is closed, so you cannot ask the reporter a question." in page
    assert 'name="body"' not in page
    refused = client.post(url, {"body": "Anything else?"})
    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.content.decode()
    assert not released.messages.exists()


def test_reopen_asks_then_reopens_and_clears_the_closing_date(signed_in, intake, report):
    intake_service.close_report(user=intake, report=report)
    client = signed_in(intake)
    url = reverse("reporting:intake_reopen", args=[report.reference])
    assert "Reopen this report?" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.closed_on) == (Status.IN_REVIEW, None)
    again = client.post(url)
    assert again.status_code == 400
    assert "so you cannot reopen it" in again.content.decode()
    assert AuditEntry.objects.filter(action="reporting.report.reopened").count() == 1


# --- Save a review, confirm before release ---------------------------------------------------


def test_a_saved_review_is_shown_again_when_the_review_is_reopened(signed_in, intake, report):
    client = signed_in(intake)
    client.post(reverse("reporting:intake_review", args=[report.reference]), {"reason": REASON})
    saved = client.post(
        reverse("reporting:intake_release", args=[report.reference]),
        {"reason": REASON, "what_happened": "Half way: [Child 1] was nearly", "action": "save"},
    )
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.released is None
    assert report.status == Status.IN_REVIEW
    assert "You have a saved review" in client.get(saved["Location"]).content.decode()
    again = client.post(
        reverse("reporting:intake_review", args=[report.reference]), {"reason": REASON}
    ).content.decode()
    assert "Half way: [Child 1] was nearly" in again
    assert "The boxes to edit hold the review you saved." in again
    assert AuditEntry.objects.filter(action="reporting.review.draft_saved").count() == 1


def test_continue_shows_exactly_what_analysts_will_read_before_release(signed_in, intake, report):
    client = signed_in(intake)
    client.post(reverse("reporting:intake_review", args=[report.reference]), {"reason": REASON})
    url = reverse("reporting:intake_release", args=[report.reference])
    texts = {"reason": REASON, "what_happened": "[Child 1] was nearly sent home."}
    confirm = client.post(url, {**texts, "action": "continue"})
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Check the account before you release it" in page
    assert "[Child 1] was nearly sent home." in page
    assert 'value="release"' in page
    assert MARKER not in page  # the original is not on the confirmation
    report.refresh_from_db()
    assert report.released is None  # nothing released until confirmed
    done = client.post(url, {**texts, "action": "release"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.released == {"what_happened": "[Child 1] was nearly sent home."}


# --- Queue filters and ageing ---------------------------------------------------------------


@pytest.mark.clock
@time_machine.travel(datetime(2026, 6, 15, 23, 59, tzinfo=UTC))
def test_the_queue_filters_by_status_and_age_and_shows_how_long_reports_wait(
    signed_in, intake, report, confidential
):
    # 23:59 UTC is 00:59 on the 16th in London: the age counts local days.
    Report.objects.filter(pk=report.pk).update(received_on=date(2026, 5, 27))
    # The fixtures ran at the real date, which may be any day: pin both reports' ages.
    Report.objects.filter(pk=confidential.pk).update(received_on=date(2026, 6, 10))
    intake_service.close_report(user=intake, report=confidential)
    client = signed_in(intake)
    url = reverse("reporting:intake_queue")
    default = client.get(url).content.decode()
    assert report.reference in default
    assert confidential.reference not in default  # open reports by default
    assert "20 days" in default
    assert "Over 14 days" in default
    closed = client.get(url, {"state": "closed"}).content.decode()
    assert confidential.reference in closed
    assert report.reference not in closed
    recent = client.get(url, {"state": "all", "older_than": "28"}).content.decode()
    assert "No reports match these filters." in recent
    bad = client.get(url, {"state": "nonsense"})
    assert bad.status_code == 400
    assert "Select a status from the list" in bad.content.decode()
