"""Wrong passwords cannot lock anyone out (issue 10, item 3; ADR 0016).

A client that keeps getting an address wrong is slowed (2 s, 4 s, ... up to 15 minutes),
and only that client: the real user at their own device signs in at once. Enough failures
for an address from anywhere make it ask for the security code with the password (a
step-up, never a lock), and the user and their administrators are told.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from candour.accounts.models import SignInThrottle
from candour.accounts.tests.factories import PASSWORD
from candour.audit.models import AuditEntry
from candour.notifications.services import run_due_jobs
from conftest import current_code

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ATTACKER = "203.0.113.66"
CLINICIAN = "198.51.100.20"
WRONG = "not-the-password-1"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def _password(client: Client, email: str, password: str, **extra: str):
    return client.post("/sign-in", {"email": email, "password": password, **extra})


def _wrong_code(user) -> str:
    return "000000" if current_code(user) != "000000" else "111111"


def test_five_wrong_passwords_from_one_client_do_not_lock_the_user_out(clock, bob):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        assert _password(attacker, bob.email, WRONG).status_code == 401
        clock.shift(dt.timedelta(seconds=10))  # past this client's wait, which is all it gets
    # Bob, at his own computer, is not slowed; the address now asks for his code as well.
    own_device = Client(REMOTE_ADDR=CLINICIAN)
    asked = _password(own_device, bob.email, PASSWORD)
    assert asked.status_code == 401
    page = asked.content.decode()
    assert 'name="code"' in page
    assert "enter the security code from your authenticator app with your password" in page
    assert "There is a problem" not in page  # not his mistake
    signed_in = _password(own_device, bob.email, PASSWORD, step_up="yes", code=current_code(bob))
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/"
    assert own_device.get("/account").status_code == 200  # fully signed in, no second step
    assert not SignInThrottle.objects.exists()  # a full sign-in starts the address afresh


def test_the_client_that_keeps_failing_waits_longer_each_time(clock, bob, settings):
    settings.CANDOUR_SIGN_IN_CLIENT_FREE_FAILURES = 3
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(2):
        assert _password(attacker, bob.email, WRONG).status_code == 401
    third = _password(attacker, bob.email, WRONG)
    assert third.status_code == 401  # the third failure is still answered
    waiting = _password(attacker, bob.email, PASSWORD)  # even the right password now waits
    assert waiting.status_code == 429
    assert waiting["Retry-After"] == "2"
    assert "Wait 2 seconds, then try again" in waiting.content.decode()
    clock.shift(dt.timedelta(seconds=2))
    assert _password(attacker, bob.email, WRONG).status_code == 401  # the fourth failure
    waiting = _password(attacker, bob.email, WRONG)
    assert waiting.status_code == 429
    assert waiting["Retry-After"] == "4"
    clock.shift(dt.timedelta(seconds=4))
    _password(attacker, bob.email, WRONG)
    assert _password(attacker, bob.email, WRONG)["Retry-After"] == "8"


def test_waits_stop_at_the_maximum_and_are_forgotten_after_an_hour(clock, bob, settings):
    settings.CANDOUR_SIGN_IN_CLIENT_FREE_FAILURES = 1
    settings.CANDOUR_SIGN_IN_CLIENT_MAX_DELAY_SECONDS = 60
    settings.CANDOUR_SIGN_IN_STEP_UP_AFTER = 100  # only the client's waits, here
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(10):
        _password(attacker, bob.email, WRONG)
        clock.shift(dt.timedelta(seconds=61))
    _password(attacker, bob.email, WRONG)
    refused = _password(attacker, bob.email, WRONG)
    assert refused["Retry-After"] == "60"
    assert "Wait 1 minute, then try again" in refused.content.decode()
    clock.shift(dt.timedelta(hours=1))
    assert _password(attacker, bob.email, WRONG).status_code == 401


def test_another_address_from_the_same_client_is_not_slowed(clock, alice, bob, settings):
    settings.CANDOUR_SIGN_IN_CLIENT_FREE_FAILURES = 1
    shared = Client(REMOTE_ADDR=ATTACKER)  # a hospital's one public address, say
    _password(shared, bob.email, WRONG)
    assert _password(shared, bob.email, WRONG).status_code == 429
    assert _password(shared, alice.email, PASSWORD)["Location"] == "/sign-in/two-factor"


def test_the_step_up_refuses_the_password_without_the_right_code(clock, bob, settings):
    settings.CANDOUR_SIGN_IN_STEP_UP_AFTER = 2
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(2):
        _password(attacker, bob.email, WRONG)
    other = Client(REMOTE_ADDR=CLINICIAN)
    for code in ("", _wrong_code(bob)):
        refused = _password(other, bob.email, PASSWORD, step_up="yes", code=code)
        assert refused.status_code == 401
        assert "Enter a correct email address, password and security code" in (
            refused.content.decode()
        )
        assert other.get("/account").status_code == 302  # not signed in, not half signed in
    # A wrong password with the right code says the same: nothing tells which was wrong.
    other_again = Client(REMOTE_ADDR="198.51.100.21")
    refused = _password(other_again, bob.email, WRONG, step_up="yes", code=current_code(bob))
    assert "Enter a correct email address, password and security code" in (refused.content.decode())


def test_unknown_addresses_step_up_exactly_like_real_ones(clock, settings):
    settings.CANDOUR_SIGN_IN_STEP_UP_AFTER = 2
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(2):
        _password(attacker, "nobody@testshire.example", WRONG)
    asked = _password(Client(REMOTE_ADDR=CLINICIAN), "nobody@testshire.example", WRONG)
    assert asked.status_code == 401
    assert 'name="code"' in asked.content.decode()


def test_failures_spread_out_over_time_do_not_step_up(clock, bob, settings):
    settings.CANDOUR_SIGN_IN_STEP_UP_AFTER = 3
    settings.CANDOUR_SIGN_IN_FAILURE_MEMORY_SECONDS = 15 * 60
    client = Client(REMOTE_ADDR=CLINICIAN)
    for _ in range(4):
        _password(client, bob.email, WRONG)
        clock.shift(dt.timedelta(minutes=16))  # a typo each quarter of an hour
    assert _password(client, bob.email, PASSWORD)["Location"] == "/sign-in/two-factor"


def test_the_step_up_alerts_the_user_and_their_administrators_once(clock, alice, bob):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(7):
        _password(attacker, bob.email, WRONG)
        clock.shift(dt.timedelta(minutes=10))  # past every client wait
    assert AuditEntry.objects.filter(action="accounts.sign_in.stepped_up").count() == 1
    run_due_jobs()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([alice.email, bob.email])
    to_admin = next(m for m in mail.outbox if m.to == [alice.email])
    assert f"/users/{bob.reference}" in to_admin.body
    assert ATTACKER not in to_admin.body + mail.outbox[0].body


def test_wrong_codes_slow_the_client_not_the_account(clock, bob, settings):
    settings.CANDOUR_SIGN_IN_CLIENT_FREE_FAILURES = 2
    half = Client(REMOTE_ADDR=ATTACKER)  # knows the password, guesses codes
    _password(half, bob.email, PASSWORD)
    assert half.post("/sign-in/two-factor", {"code": _wrong_code(bob)}).status_code == 401
    clock.shift(dt.timedelta(seconds=5))  # past django-otp's own wait after a wrong code
    assert half.post("/sign-in/two-factor", {"code": _wrong_code(bob)}).status_code == 401
    waiting = half.post("/sign-in/two-factor", {"code": current_code(bob)})
    assert waiting.status_code == 429
    assert "There have been too many wrong security codes" in waiting.content.decode()
    # Bob, elsewhere, signs in as usual.
    clock.shift(dt.timedelta(seconds=30))
    bob_client = Client(REMOTE_ADDR=CLINICIAN)
    assert _password(bob_client, bob.email, PASSWORD)["Location"] == "/sign-in/two-factor"
    response = bob_client.post("/sign-in/two-factor", {"code": current_code(bob)})
    assert response.status_code == 302
    assert bob_client.get("/account").status_code == 200


def test_throttle_stores_neither_address_nor_client(clock, bob):
    _password(Client(REMOTE_ADDR=ATTACKER), bob.email, WRONG)
    row = SignInThrottle.objects.get()
    stored = f"{row.key} {row.failures} {row.step_up_until}"
    assert bob.email not in stored
    assert ATTACKER not in stored
    assert len(row.key) == 64
