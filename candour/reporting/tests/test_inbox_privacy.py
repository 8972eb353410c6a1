"""The inbox neither locks reporters out nor dates them (issue 10, items 3 and 9; ADR 0016).

Wrong receipts slow the client that sends them, never everyone; nothing about an attempt is
stored; the inbox keeps no server session (a sealed cookie instead of a ``django_session``
row holding the report's key and a microsecond expiry); reports and messages have random
keys, so the Nth report is not the Nth POST of a time-stamped access log.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from candour.accounts.models import Role
from candour.audit.models import AuditEntry
from candour.notifications.services import run_due_jobs
from candour.reporting import inbox_pass
from candour.reporting.models import Message, Report
from candour.reporting.services import intake as intake_service
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import submission

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

INBOX = reverse("reporting:inbox")
MESSAGES = reverse("reporting:inbox_messages")
REPLY = reverse("reporting:inbox_reply")
LEAVE = reverse("reporting:inbox_leave")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
REPORTER = "198.51.100.20"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def filed(programme) -> tuple[Report, str]:
    return submission_service.submit_report(programme=programme, submission=submission())


def _wrong(receipt: str, n: int) -> str:
    guess = f"{(int(receipt) + 1 + n) % 10**16:016d}"
    assert guess != receipt
    return guess


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed
    }


# --- Lock-outs ---------------------------------------------------------------------------


@pytest.mark.parametrize("clients", [1, 100], ids=["one client", "a hundred clients"])
def test_a_hundred_wrong_receipts_do_not_stop_a_reporter(clock, filed, clients):
    """The old global lock refused every receipt for a minute after 100 wrong ones."""
    report, receipt = filed
    for n in range(100):
        attacker = Client(REMOTE_ADDR=f"203.0.113.{n % clients + 1}")
        assert attacker.post(INBOX, {"receipt": _wrong(receipt, n)}).status_code in (400, 429)
    reporter = Client(REMOTE_ADDR=REPORTER)
    opened = reporter.post(INBOX, {"receipt": receipt})
    assert opened.status_code == 302
    assert opened["Location"] == MESSAGES
    assert report.reference in reporter.get(MESSAGES).content.decode()


def test_the_client_that_keeps_guessing_waits_longer_each_time(clock, filed, settings):
    settings.CANDOUR_RECEIPT_CLIENT_FREE_FAILURES = 3
    _report, receipt = filed
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(3):
        assert attacker.post(INBOX, {"receipt": _wrong(receipt, n)}).status_code == 400
    waiting = attacker.post(INBOX, {"receipt": receipt})  # even a right one waits
    assert waiting.status_code == 429
    assert waiting["Retry-After"] == "2"
    page = waiting.content.decode()
    assert "You have entered too many receipt codes that were not recognised" in page
    assert "Wait 2 seconds, then try again." in page
    assert '<a href="#receipt">' in page  # in the error summary, linked to the field
    clock.shift(dt.timedelta(seconds=2))
    assert attacker.post(INBOX, {"receipt": _wrong(receipt, 9)}).status_code == 400
    assert attacker.post(INBOX, {"receipt": receipt})["Retry-After"] == "4"
    # A reporter elsewhere is not slowed at all.
    assert Client(REMOTE_ADDR=REPORTER).post(INBOX, {"receipt": receipt}).status_code == 302


def test_a_right_receipt_does_not_reset_the_guessers_count(clock, filed, settings):
    """An attacker with a receipt of their own must not use it to start afresh."""
    settings.CANDOUR_RECEIPT_CLIENT_FREE_FAILURES = 2
    _report, receipt = filed
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    attacker.post(INBOX, {"receipt": _wrong(receipt, 0)})
    assert attacker.post(INBOX, {"receipt": receipt}).status_code == 302
    attacker.post(INBOX, {"receipt": _wrong(receipt, 1)})
    assert attacker.post(INBOX, {"receipt": _wrong(receipt, 2)}).status_code == 429


def test_a_wrong_receipt_leaves_no_trace_in_the_database(clock, filed):
    _report, receipt = filed
    before = _row_counts()
    for n in range(3):
        Client(REMOTE_ADDR="203.0.113.9").post(INBOX, {"receipt": _wrong(receipt, n)})
    Client(REMOTE_ADDR="203.0.113.9").post(INBOX, {"receipt": "not a receipt"})
    assert _row_counts() == before


def test_many_wrong_receipts_a_minute_alert_the_administrators(clock, filed, make_user, settings):
    settings.CANDOUR_RECEIPT_ALERT_FAILURES_PER_MINUTE = 10
    admin = make_user(Role.ADMINISTRATOR, full_name="Ada Admin")
    _report, receipt = filed
    for n in range(25):
        Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post(INBOX, {"receipt": _wrong(receipt, n)})
    assert AuditEntry.objects.filter(action="reporting.receipt_guessing_suspected").count() == 1
    run_due_jobs()
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "receipt codes a minute" in mail.outbox[0].body
    assert "203.0.113" not in mail.outbox[0].body


# --- No session, no time -----------------------------------------------------------------


def test_the_inbox_keeps_no_session_on_the_server(clock, filed, intake):
    report, receipt = filed
    intake_service.ask_reporter(user=intake, report=report, body="Which team was it?")
    reporter = Client(REMOTE_ADDR=REPORTER)
    reporter.get(INBOX)
    opened = reporter.post(INBOX, {"receipt": receipt})
    assert opened.status_code == 302
    assert not Session.objects.exists()  # was: {"inbox_report": pk}, expiry to the microsecond
    assert reporter.get(MESSAGES).status_code == 200
    assert reporter.post(REPLY, {"body": "The assessment team."}).status_code == 302
    assert "Your reply has been sent" in reporter.get(MESSAGES).content.decode()
    assert not Session.objects.exists()
    assert reporter.post(LEAVE).status_code == 200
    assert not Session.objects.exists()
    cookie = opened.cookies[inbox_pass.COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/inbox"
    assert not cookie["expires"]
    assert not cookie["max-age"]  # a browser-session cookie
    assert str(report.pk) not in cookie.value


def test_leaving_ends_the_pass(clock, filed):
    _report, receipt = filed
    reporter = Client()
    reporter.post(INBOX, {"receipt": receipt})
    left = reporter.post(LEAVE)
    assert left.cookies[inbox_pass.COOKIE].value == ""
    assert reporter.get(MESSAGES)["Location"] == INBOX


@pytest.mark.parametrize("forged", ["", "x", "A" * 60, "not-base64-at-all!!", "A" * 500])
def test_a_forged_pass_opens_nothing(clock, filed, forged):
    client = Client()
    client.cookies[inbox_pass.COOKIE] = forged
    assert client.get(MESSAGES)["Location"] == INBOX
    assert client.post(REPLY, {"body": "hello"})["Location"] == INBOX
    assert not Message.objects.exists()


def test_an_altered_pass_opens_nothing(clock, filed):
    _report, receipt = filed
    client = Client()
    client.post(INBOX, {"receipt": receipt})
    value = client.cookies[inbox_pass.COOKIE].value
    flipped = value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]
    client.cookies[inbox_pass.COOKIE] = flipped
    assert client.get(MESSAGES)["Location"] == INBOX


def test_the_pass_ends_with_the_session_age(clock, filed):
    _report, receipt = filed
    client = Client()
    client.post(INBOX, {"receipt": receipt})
    clock.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 1))
    assert client.get(MESSAGES).status_code == 200
    clock.shift(dt.timedelta(seconds=1))
    assert client.get(MESSAGES)["Location"] == INBOX


# --- Keys that date nothing ----------------------------------------------------------------


def test_reports_and_messages_have_random_keys(clock, programme, intake):
    reports = [
        submission_service.submit_report(programme=programme, submission=submission())[0]
        for _ in range(6)
    ]
    keys = [report.pk for report in reports]
    assert all(0 < key < 2**63 for key in keys)
    assert max(keys) - min(keys) > 10**6  # not a sequence, not close together
    for report in reports[:3]:
        intake_service.ask_reporter(user=intake, report=report, body="A question")
    message_keys = list(Message.objects.values_list("pk", flat=True))
    assert max(message_keys) - min(message_keys) > 10**6
