"""Intake officers' pages: who may open them, and what each one does.

Raw narrative (the MARKER) appears only on the review page, after a reason; contact details
only on the contact page, after a reason; both openings are audited with the reason.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from candour.accounts.models import Role
from candour.audit.models import AuditEntry
from candour.notifications.models import Job
from candour.reporting import services
from candour.reporting.models import Disclosure, Report, Status
from candour.reporting.tests.conftest import MARKER, confidential_submission, submission

pytestmark = pytest.mark.django_db

REPORT_PAGES = (
    "reporting:intake_report",
    "reporting:intake_review",
    "reporting:intake_question",
    "reporting:intake_feedback",
    "reporting:intake_alert",
    "reporting:intake_close",
    "reporting:intake_contact",
    "reporting:intake_disclosure",
)
REASON = "Reviewing the redactions before release"


@pytest.fixture
def report(programme) -> Report:
    report, _receipt = services.submit_report(programme=programme, submission=submission())
    return report


@pytest.fixture
def confidential(programme) -> Report:
    report, _receipt = services.submit_report(
        programme=programme, submission=confidential_submission()
    )
    return report


@pytest.fixture
def disclosure(confidential, intake2) -> Disclosure:
    return services.request_disclosure(
        user=intake2, report=confidential, reason="Police request under section 29"
    )


def _urls(report: Report, disclosure: Disclosure) -> list[tuple[str, str]]:
    """(method, url) for every intake page."""
    urls = [("get", reverse("reporting:intake_queue"))]
    urls += [("get", reverse(name, args=[report.reference])) for name in REPORT_PAGES]
    urls.append(("post", reverse("reporting:intake_release", args=[report.reference])))
    urls.append(("get", reverse("reporting:intake_disclosure_decide", args=[disclosure.pk])))
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
    services.release_report(
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
    assert "Release for analysis" in body
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

    monkeypatch.setattr(services, "open_narrative", fake_open)
    response = signed_in(intake).post(
        reverse("reporting:intake_review", args=[report.reference]), {"reason": REASON}
    )
    body = response.content.decode()
    assert "Possible name, check" in body
    assert '<td class="govuk-table__cell">Person</td>' in body
    assert '<td class="govuk-table__cell">Zanthe</td>' in body
    assert "The file was checked and [Person 1] agreed it was fine." in body


def test_review_of_a_destroyed_report_explains_instead_of_opening(signed_in, intake, report):
    services.close_report(user=intake, report=report)
    later = timezone.localdate() + timedelta(days=365)
    assert services.shred_due_reports(today=later) == 1
    url = reverse("reporting:intake_review", args=[report.reference])
    response = signed_in(intake).post(url, {"reason": REASON})
    assert response.status_code == 200
    assert "has been destroyed" in response.content.decode()
    assert _opened(report) == []


def test_release_stores_the_edited_text(signed_in, intake, report):
    edited = "[Child 1] was nearly sent home to an address that was not safe."
    response = signed_in(intake).post(
        reverse("reporting:intake_release", args=[report.reference]),
        {"reason": REASON, "what_happened": edited, "how_noticed": "A manager checked."},
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
        {"reason": REASON, "what_happened": "  ", "how_noticed": "My edited words."},
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
        {"reason": "", "what_happened": ""},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter a reason for opening this" in body
    assert MARKER not in body
    assert _opened(report) == []


def test_release_only_by_post(signed_in, intake, report):
    url = reverse("reporting:intake_release", args=[report.reference])
    assert signed_in(intake).get(url).status_code == 405


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


def test_feedback_changes_status_and_appears_in_the_conversation(signed_in, intake, confidential):
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


def test_close_asks_then_closes_once(signed_in, intake, report):
    client = signed_in(intake)
    url = reverse("reporting:intake_close", args=[report.reference])
    assert "Close this report?" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    closed_on = report.closed_on
    again = client.post(url)
    assert again.status_code == 400
    assert "This report is already closed" in again.content.decode()
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
    decide = reverse("reporting:intake_disclosure_decide", args=[disclosure.pk])
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
