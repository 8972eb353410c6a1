"""Password and two-factor sign-in, lockout, idle timeout and signing out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from candour.accounts.models import Role, SignInThrottle, User
from candour.accounts.tests.factories import PASSWORD
from candour.audit.models import AuditEntry
from conftest import UK_JUST_PAST_MIDNIGHT, current_code

# Security codes, lock-outs and idle time all follow the clock: freeze it.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clock,
    pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT),
]


def _password_step(client: Client, email: str, password: str = PASSWORD):
    return client.post("/sign-in", {"email": email, "password": password})


def test_full_sign_in_needs_password_then_code(client, bob):
    response = _password_step(client, bob.email)
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/two-factor"
    # Half signed in: protected pages send the user back to the code step.
    assert client.get("/account")["Location"] == "/sign-in/two-factor"
    response = client.post("/sign-in/two-factor", {"code": current_code(bob)})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert AuditEntry.objects.filter(
        action="accounts.sign_in", object_ref=str(bob.reference)
    ).exists()


def test_sign_in_returns_to_the_page_first_asked_for(client, alice):
    first = client.get("/users/")
    assert first["Location"] == "/sign-in?next=/users/"
    client.get(first["Location"])
    _password_step(client, alice.email)
    response = client.post("/sign-in/two-factor", {"code": current_code(alice)})
    assert response["Location"] == "/users/"


def test_sign_in_ignores_an_offsite_next(client, bob):
    client.get("/sign-in?next=https://evil.example/")
    _password_step(client, bob.email)
    response = client.post("/sign-in/two-factor", {"code": current_code(bob)})
    assert response["Location"] == "/"


def test_email_is_case_insensitive(client, bob):
    assert _password_step(client, bob.email.upper()).status_code == 302


def test_wrong_password_gets_a_clear_error_and_401(client, bob):
    response = _password_step(client, bob.email, "wrong-password-here")
    assert response.status_code == 401
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter a correct email address and password" in body
    assert "<title>Error: Sign in" in body


def test_unknown_email_gets_the_same_message(client):
    response = _password_step(client, "nobody@testshire.example", "whatever-password")
    assert response.status_code == 401
    assert "Enter a correct email address and password" in response.content.decode()


def test_empty_form_lists_every_missing_field(client):
    response = client.post("/sign-in", {"email": "", "password": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#id_email"' in body
    assert "Enter an email address" in body
    assert "Enter your password" in body


def test_repeated_failures_ask_for_the_code_with_the_password_never_lock(client, bob, settings):
    settings.CANDOUR_SIGN_IN_STEP_UP_AFTER = 3
    settings.CANDOUR_SIGN_IN_CLIENT_FREE_FAILURES = 10  # the address's count, not the client's
    for _ in range(3):
        assert _password_step(client, bob.email, "wrong-password-here").status_code == 401
    # The right password alone no longer signs in: the page asks for the code as well.
    asked = _password_step(client, bob.email)
    assert asked.status_code == 401
    assert 'name="code"' in asked.content.decode()
    assert client.get("/account").status_code == 302
    response = client.post(
        "/sign-in",
        {"email": bob.email, "password": PASSWORD, "step_up": "yes", "code": current_code(bob)},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert AuditEntry.objects.filter(action="accounts.sign_in.stepped_up").count() == 1


def test_the_step_up_ends(client, bob, settings):
    settings.CANDOUR_SIGN_IN_STEP_UP_AFTER = 1
    _password_step(client, bob.email, "wrong-password-here")
    assert _password_step(client, bob.email).status_code == 401
    SignInThrottle.objects.update(step_up_until=timezone.now() - timezone.timedelta(seconds=1))
    assert _password_step(client, bob.email).status_code == 302


def test_unknown_addresses_step_up_too_so_it_reveals_nothing(client, settings):
    settings.CANDOUR_SIGN_IN_STEP_UP_AFTER = 2
    email = "nobody@testshire.example"
    _password_step(client, email, "wrong-password-1")
    _password_step(client, email, "wrong-password-2")
    assert 'name="code"' in _password_step(client, email, "wrong-password-3").content.decode()


def test_throttle_stores_no_email_address(client, bob):
    _password_step(client, bob.email, "wrong-password-here")
    row = SignInThrottle.objects.get()
    assert bob.email not in row.key
    assert len(row.key) == 64


def test_wrong_codes_count_towards_the_step_up(client, bob, settings, time_machine):
    settings.CANDOUR_SIGN_IN_STEP_UP_AFTER = 2
    _password_step(client, bob.email)
    wrong = "000000" if current_code(bob) != "000000" else "111111"
    assert client.post("/sign-in/two-factor", {"code": wrong}).status_code == 401
    time_machine.shift(5)  # django-otp makes the next try wait a moment after a wrong code
    assert client.post("/sign-in/two-factor", {"code": wrong}).status_code == 401
    client.post("/sign-out")
    assert 'name="code"' in _password_step(client, bob.email).content.decode()


def test_malformed_code_gets_a_format_error(client, bob):
    _password_step(client, bob.email)
    response = client.post("/sign-in/two-factor", {"code": "12ab"})
    assert response.status_code == 400
    assert "The security code must be 6 digits" in response.content.decode()


def test_first_sign_in_sets_up_an_authenticator(client, make_user):
    carol = make_user(Role.PRACTITIONER, two_factor=False)
    _password_step(client, carol.email)
    page = client.get("/sign-in/two-factor").content.decode()
    assert "Set up two-factor authentication" in page
    assert "<svg" in page  # the QR code
    response = client.post("/sign-in/two-factor", {"code": current_code(carol)})
    assert response.status_code == 302
    assert carol.totpdevice_set.get().confirmed
    assert AuditEntry.objects.filter(action="accounts.two_factor.set_up").exists()


def test_demo_code_hint_only_in_demo_mode(client, bob, settings):
    _password_step(client, bob.email)
    assert "Demo only" not in client.get("/sign-in/two-factor").content.decode()
    settings.CANDOUR_DEMO_MODE = True
    page = client.get("/sign-in/two-factor").content.decode()
    assert f"the current code is <strong>{current_code(bob)}</strong>" in page


def test_inactive_user_cannot_sign_in(client, make_user):
    gone = make_user(is_active=False)
    assert _password_step(client, gone.email).status_code == 401


def test_sign_out_ends_the_session(signed_in, bob):
    client = signed_in(bob)
    response = client.post("/sign-out")
    assert response.status_code == 200
    assert "You have signed out" in response.content.decode()
    assert client.get("/account").status_code == 302


def test_sign_out_needs_post(signed_in, bob):
    client = signed_in(bob)
    assert client.get("/sign-out").status_code == 405
    assert client.get("/account").status_code == 200


def test_sign_out_everywhere_ends_other_sessions(signed_in, bob):
    laptop = signed_in(bob)
    phone = signed_in(bob)
    assert phone.get("/account").status_code == 200
    response = laptop.post("/account/sign-out-everywhere")
    assert response.status_code == 200
    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 302
    bob.refresh_from_db()
    assert bob.session_generation == 1


def test_idle_session_ends_with_a_clear_page(signed_in, bob, settings):
    client = signed_in(bob)
    assert client.get("/account").status_code == 200
    session = client.session
    session["last_seen"] = (
        int(timezone.now().timestamp()) - settings.CANDOUR_IDLE_TIMEOUT_SECONDS - 5
    )
    session.save()
    response = client.get("/account")
    assert response.status_code == 401
    assert "You have been signed out" in response.content.decode()
    assert client.get("/account").status_code == 302
    assert AuditEntry.objects.filter(action="accounts.session_timed_out").exists()


def test_idle_api_session_gets_problem_json(signed_in, bob, settings):
    client = signed_in(bob)
    client.get("/account")
    session = client.session
    session["last_seen"] = 0
    session.save()
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_session_cookie_is_httponly_and_samesite(client, bob):
    _password_step(client, bob.email)
    cookie = client.cookies["candour_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["max-age"]  # ends with the browser session


def test_passwords_are_stored_with_argon2id(bob):
    assert User.objects.get(pk=bob.pk).password.startswith("argon2$argon2id$")
