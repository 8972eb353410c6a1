"""Sessions that really end (issue 10; ADR 0016): a new session key after two-factor, an
absolute limit of 8 hours from sign-in whatever the activity (Django moved a row's expiry 8
hours on at every save, and the idle middleware saves once a minute), and a daily job that
deletes expired session rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from candour.accounts.sessions import ENDS_AT_KEY
from candour.accounts.tests.factories import PASSWORD
from candour.audit.models import AuditEntry
from candour.notifications.models import Job
from candour.notifications.schedule import bring_forward, daily_kinds
from candour.notifications.services import run_due_jobs
from conftest import current_code

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LIMIT = 8 * 3600


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def _sign_in(client: Client, user) -> None:
    assert client.post("/sign-in", {"email": user.email, "password": PASSWORD}).status_code == 302
    assert client.post("/sign-in/two-factor", {"code": current_code(user)}).status_code == 302


def _stay_busy(client: Client, clock, *, until: int) -> None:
    """Load a page every 20 minutes until ``until`` seconds after START."""
    while (timezone.now() - START).total_seconds() + 1200 < until:
        clock.shift(dt.timedelta(minutes=20))
        assert client.get("/account").status_code == 200
    clock.move_to(START + dt.timedelta(seconds=until), tick=False)


def _row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_two_factor_gives_the_session_a_new_key(clock, bob):
    client = Client()
    client.post("/sign-in", {"email": bob.email, "password": PASSWORD})
    after_password = client.session.session_key
    client.post("/sign-in/two-factor", {"code": current_code(bob)})
    assert client.session.session_key != after_password
    assert not Session.objects.filter(session_key=after_password).exists()
    assert client.get("/account").status_code == 200


def test_the_step_up_sign_in_gives_a_new_key_too(clock, bob, settings):
    settings.CANDOUR_SIGN_IN_STEP_UP_AFTER = 1
    client = Client()
    client.post("/sign-in", {"email": bob.email, "password": "wrong-password-1"})
    client.session.save()
    before = client.session.session_key
    fields = {"email": bob.email, "password": PASSWORD, "step_up": "yes"}
    client.post("/sign-in", {**fields, "code": current_code(bob)})
    assert client.session.session_key != before
    assert client.get("/account").status_code == 200


def test_an_active_session_ends_eight_hours_after_sign_in(clock, bob):
    client = Client()
    _sign_in(client, bob)
    for _ in range(8 * 6 - 1):  # busy all day: a page every ten minutes
        clock.shift(dt.timedelta(minutes=10))
        assert client.get("/account").status_code == 200
    clock.shift(dt.timedelta(minutes=10))  # 8 hours since signing in
    ended = client.get("/account")
    assert ended.status_code == 401
    page = ended.content.decode()
    assert "You have been signed out" in page
    assert "you had been signed in for 8 hours, the longest a session can last" in page
    assert client.get("/account").status_code == 302
    assert AuditEntry.objects.filter(action="accounts.session_expired").count() == 1
    assert not AuditEntry.objects.filter(action="accounts.session_timed_out").exists()


def test_the_session_row_expires_with_the_session_not_eight_hours_after_each_save(clock, bob):
    client = Client()
    _sign_in(client, bob)
    ends = START + dt.timedelta(seconds=LIMIT)
    for _ in range(19):
        clock.shift(dt.timedelta(minutes=25))
        assert client.get("/account").status_code == 200
    # Django alone would now say "8 hours from the last save", 16 hours after signing in.
    assert _row(client).expire_date <= ends + dt.timedelta(minutes=30)


def test_the_timeout_warning_counts_down_to_the_limit_and_cannot_extend_it(clock, bob):
    client = Client()
    _sign_in(client, bob)
    _stay_busy(client, clock, until=LIMIT - 100)
    client.get("/account")
    answer = client.get("/account/session").json()
    assert answer == {"seconds_remaining": 100, "can_stay": False}
    page = client.get("/account").content.decode()
    assert 'data-can-stay="false"' in page
    assert 'data-remaining-seconds="100"' in page
    assert "signed in for almost 8 hours, the longest a session can last" in page
    # "Stay signed in" restarts the idle clock, but the limit stays where it was.
    token = client.cookies["candour_csrftoken"].value
    assert client.post("/account/session", HTTP_X_CSRFTOKEN=token).status_code == 204
    assert client.get("/account/session").json()["seconds_remaining"] == 100
    clock.shift(dt.timedelta(seconds=100))
    assert client.get("/account/session").status_code == 401
    # The warning then goes to the signed-out page, which says why.
    page = client.get("/signed-out").content.decode()
    assert "signed in for 8 hours" in page


def test_far_from_the_limit_staying_signed_in_helps(clock, bob):
    client = Client()
    _sign_in(client, bob)
    clock.shift(dt.timedelta(minutes=28))
    assert client.get("/account/session").json() == {"seconds_remaining": 120, "can_stay": True}


def test_a_session_from_before_the_limit_gets_one_from_its_next_request(clock, signed_in, bob):
    client = signed_in(bob)  # force_login: no sign-in time in the session
    assert client.get("/account").status_code == 200
    assert client.session[ENDS_AT_KEY] == int(START.timestamp()) + LIMIT


def test_expired_sessions_are_cleared_by_a_daily_job(clock, bob, alice):
    assert "accounts.clear_sessions" in daily_kinds()
    gone, kept = Client(), Client()
    _sign_in(gone, bob)
    gone_key = gone.session.session_key
    clock.shift(dt.timedelta(hours=9))
    _sign_in(kept, alice)
    kept_key = kept.session.session_key
    assert Session.objects.filter(expire_date__lt=timezone.now()).count() == 1
    assert bring_forward(["accounts.clear_sessions"]) == ["accounts.clear_sessions"]
    run_due_jobs()
    assert not Session.objects.filter(session_key=gone_key).exists()
    assert Session.objects.filter(session_key=kept_key).exists()
    assert Job.objects.filter(kind="accounts.clear_sessions", status="done").count() == 1
