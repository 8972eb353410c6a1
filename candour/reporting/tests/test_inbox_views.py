"""The reporter's inbox over HTTP: a receipt code opens it, the browser holds a sealed pass
(no server session), and leaving ends access."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from candour.reporting import inbox_pass, receipts
from candour.reporting.forms.inbox import RECEIPT_REFUSED
from candour.reporting.models import Message, Report, Status
from candour.reporting.services import intake as intake_service
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import MARKER, submission

pytestmark = pytest.mark.django_db

INBOX = reverse("reporting:inbox")
MESSAGES = reverse("reporting:inbox_messages")
REPLY = reverse("reporting:inbox_reply")
LEAVE = reverse("reporting:inbox_leave")


@pytest.fixture
def filed(programme) -> tuple[Report, str]:
    return submission_service.submit_report(programme=programme, submission=submission())


def summary_errors(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def error_summary(response) -> str:
    html = response.content.decode()
    return html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]


def open_inbox(client, receipt: str):
    response = client.post(INBOX, {"receipt": receipt})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == MESSAGES
    return response


def test_the_inbox_asks_for_the_receipt_code(client):
    response = client.get(INBOX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Go to your report inbox" in html
    assert '<label class="govuk-label" for="receipt">Receipt code</label>' in html
    assert 'autocomplete="off"' in html
    assert 'inputmode="numeric"' in html
    assert 'aria-describedby="receipt-hint"' in html


def test_a_wrong_receipt_is_refused_with_one_generic_message(client, filed):
    _report, receipt = filed
    wrong = "0000000000000000" if receipt != "0000000000000000" else "1111111111111111"
    response = client.post(INBOX, {"receipt": wrong})
    assert response.status_code == 400
    assert response.content.decode().startswith("<!DOCTYPE html>")
    assert "<title>Error: Go to your report inbox" in response.content.decode()
    assert summary_errors(response) == [("receipt", RECEIPT_REFUSED)]
    assert inbox_pass.COOKIE not in response.cookies


@pytest.mark.parametrize("attempt", ["1234", "abcd efgh ijkl mnop", "1" * 17, "x" * 500])
def test_a_malformed_receipt_gets_the_same_message(client, filed, attempt):
    wrong = client.post(INBOX, {"receipt": "0000 0000 0000 0001"})
    malformed = client.post(INBOX, {"receipt": attempt})
    assert malformed.status_code == wrong.status_code == 400
    assert error_summary(malformed) == error_summary(wrong)
    assert summary_errors(malformed) == [("receipt", RECEIPT_REFUSED)]


def test_an_empty_receipt_asks_for_one(client):
    response = client.post(INBOX, {"receipt": "  "})
    assert response.status_code == 400
    assert summary_errors(response) == [("receipt", "Enter your receipt code")]


def test_the_right_receipt_with_spaces_opens_the_messages(client, filed):
    report, receipt = filed
    client.get(INBOX)
    response = open_inbox(client, receipts.display(receipt))
    assert inbox_pass.read(response.cookies[inbox_pass.COOKIE].value) == report.pk
    assert "candour_session" not in response.cookies  # no server session at all
    pass_cookie = response.cookies[inbox_pass.COOKIE]
    assert not pass_cookie["expires"]
    assert not pass_cookie["max-age"]

    page = client.get(MESSAGES)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>Your report inbox" in html
    assert report.reference in html
    assert '<strong class="govuk-tag govuk-tag--blue">Received</strong>' in html
    assert "There are no messages yet" in html
    assert MARKER not in html  # the raw narrative is never shown here
    assert "Kayden" not in html
    assert f'action="{REPLY}"' in html
    assert f'action="{LEAVE}"' in html


def test_opening_the_inbox_again_gives_a_new_pass(client, filed):
    _report, receipt = filed
    first = open_inbox(client, receipt).cookies[inbox_pass.COOKIE].value
    second = open_inbox(client, receipt).cookies[inbox_pass.COOKIE].value
    assert first != second  # sealed afresh each time: one pass cannot be told from another


def test_the_conversation_shows_questions_replies_and_feedback(client, filed, intake):
    report, receipt = filed
    intake_service.ask_reporter(user=intake, report=report, body="Which team was it?")
    open_inbox(client, receipt)

    page = client.get(MESSAGES).content.decode()
    assert "Question from the programme" in page
    assert "Which team was it?" in page
    assert "Waiting for your reply" in page

    response = client.post(REPLY, {"body": "The <assessment> team."})
    assert response.status_code == 302
    assert response["Location"] == MESSAGES
    page = client.get(MESSAGES).content.decode()
    assert "Your reply has been sent" in page
    assert "Your reply" in page
    assert "The &lt;assessment&gt; team." in page
    assert Report.objects.get(pk=report.pk).status == Status.IN_REVIEW
    assert Message.objects.filter(report=report).count() == 2

    report.refresh_from_db()
    intake_service.release_report(user=intake, report=report, texts={"what_happened": "Released."})
    intake_service.give_feedback(
        user=intake, report=report, body="We now check chronologies twice."
    )
    page = client.get(MESSAGES).content.decode()
    banner = page.split('class="govuk-notification-banner"', 1)[1].split(">Messages</h2>", 1)[0]
    assert "You said, we did" in banner
    assert "We now check chronologies twice." in banner
    assert "Feedback given" in page


def test_an_empty_reply_is_refused(client, filed):
    _report, receipt = filed
    open_inbox(client, receipt)
    response = client.post(REPLY, {"body": "   "})
    assert response.status_code == 400
    assert "<title>Error: Your report inbox" in response.content.decode()
    assert summary_errors(response) == [("body", "Enter a message")]
    assert Message.objects.count() == 0


def test_a_reply_over_the_maximum_is_refused(client, filed, settings):
    _report, receipt = filed
    open_inbox(client, receipt)
    settings.CANDOUR_REPORT_FIELD_MAX_CHARS = 100
    response = client.post(REPLY, {"body": "x" * 101})
    assert response.status_code == 400
    assert summary_errors(response) == [("body", "The message must be 100 characters or fewer")]
    assert Message.objects.count() == 0


def test_leaving_the_inbox_ends_access(client, filed):
    _report, receipt = filed
    open_inbox(client, receipt)
    response = client.post(LEAVE)
    assert response.status_code == 200
    assert "You have left your report inbox" in response.content.decode()
    assert response.cookies[inbox_pass.COOKIE].value == ""
    assert client.get(MESSAGES)["Location"] == INBOX
    reply = client.post(REPLY, {"body": "Still here?"})
    assert reply.status_code == 302
    assert reply["Location"] == INBOX
    assert Message.objects.count() == 0


def test_without_an_inbox_session_the_pages_send_you_to_the_receipt_page(client):
    response = client.get(MESSAGES)
    assert response.status_code == 302
    assert response["Location"] == INBOX
    assert client.post(REPLY, {"body": "Hello"})["Location"] == INBOX


def test_a_receipt_that_no_longer_opens_the_inbox_ends_the_session(client, filed):
    report, receipt = filed
    open_inbox(client, receipt)
    Report.objects.filter(pk=report.pk).update(receipt_active=False)  # shredded, say
    assert client.get(MESSAGES)["Location"] == INBOX


def test_leave_and_reply_by_get_go_back_to_the_inbox(client):
    """A restored tab or a bookmark: back to the inbox, never an empty 405."""
    for url in (LEAVE, REPLY):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == INBOX


def test_after_closure_the_reporter_cannot_reply_and_is_told_why(client, filed, intake):
    report, receipt = filed
    intake_service.close_report(user=intake, report=report)
    open_inbox(client, receipt)
    page = client.get(MESSAGES).content.decode()
    assert "This report is closed" in page
    assert f'action="{REPLY}"' not in page
    response = client.post(REPLY, {"body": "One more thing."})
    assert response.status_code == 409
    assert "Your reply has been sent" not in response.content.decode()
    assert not Message.objects.filter(report=report).exists()


def test_a_reply_after_release_keeps_the_report_released(client, filed, intake):
    report, receipt = filed
    intake_service.open_narrative(user=intake, report=report, reason="Reviewing before release")
    intake_service.release_report(user=intake, report=report, texts={"what_happened": "Released."})
    intake_service.ask_reporter(user=intake, report=report, body="Which team was it?")
    open_inbox(client, receipt)
    client.post(REPLY, {"body": "The assessment team."})
    assert Report.objects.get(pk=report.pk).status == Status.RELEASED
    page = client.get(MESSAGES).content.decode()
    assert "Being analysed" in page
    assert "removing anything that could identify" not in page


def test_signed_in_staff_are_asked_to_sign_out_first(signed_in, bob, filed):
    _report, receipt = filed
    client = signed_in(bob)
    page = client.get(INBOX)
    assert page.status_code == 200
    assert "Sign out to go to a report inbox" in page.content.decode()
    response = client.post(INBOX, {"receipt": receipt})
    assert response.status_code == 403
    assert inbox_pass.COOKIE not in response.cookies
    assert client.post(LEAVE).status_code == 200
    assert client.get(reverse("accounts:account")).status_code == 200  # still signed in
