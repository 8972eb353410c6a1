"""The idle time-out: the warning's keep-alive endpoint, the signed-out page, and returning to
the page the user was on after signing in again (password, then security code)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client, RequestFactory

from candour.accounts.middleware import NEXT_KEY, safe_return_path
from candour.accounts.models import Role
from candour.accounts.tests.factories import PASSWORD
from candour.audit.models import AuditEntry
from conftest import current_code, sign_in_client

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TIMEOUT = 30 * 60


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def _idle(clock, seconds: int = TIMEOUT + 1) -> None:
    clock.shift(dt.timedelta(seconds=seconds))


def _sign_in_again(client: Client, user) -> str:
    """Sign in through both steps; return where the code step sends the user."""
    assert client.get("/sign-in").status_code == 200
    response = client.post("/sign-in", {"email": user.email, "password": PASSWORD})
    assert response["Location"] == "/sign-in/two-factor"
    response = client.post("/sign-in/two-factor", {"code": current_code(user)})
    assert response.status_code == 302
    return response["Location"]


# --- Returning to the page after signing in again ---------------------------------------------


def test_signing_in_after_an_idle_timeout_returns_to_the_page(clock, signed_in, alice):
    client = signed_in(alice)
    assert client.get("/users/?page=2").status_code == 200
    _idle(clock)
    response = client.get("/users/?page=2")
    assert response.status_code == 401
    assert "You have been signed out" in response.content.decode()
    assert _sign_in_again(client, alice) == "/users/?page=2"
    assert client.get("/users/").status_code == 200


def test_first_two_factor_set_up_also_returns_to_the_page(clock, client, make_user):
    carol = make_user(Role.ADMINISTRATOR, two_factor=False)
    client.get(client.get("/users/")["Location"])  # sent to sign in, with next=/users/
    client.post("/sign-in", {"email": carol.email, "password": PASSWORD})
    assert "Set up two-factor authentication" in client.get("/sign-in/two-factor").content.decode()
    response = client.post("/sign-in/two-factor", {"code": current_code(carol)})
    assert response["Location"] == "/users/"


def test_a_wrong_password_or_code_does_not_lose_the_page(clock, signed_in, alice):
    client = signed_in(alice)
    client.get("/users/")
    _idle(clock)
    client.get("/users/")
    wrong_password = {"email": alice.email, "password": "wrong-one-1234"}
    assert client.post("/sign-in", wrong_password).status_code == 401
    client.post("/sign-in", {"email": alice.email, "password": PASSWORD})
    wrong = "000000" if current_code(alice) != "000000" else "111111"
    assert client.post("/sign-in/two-factor", {"code": wrong}).status_code == 401
    _idle(clock, 5)  # django-otp makes the next try wait a moment after a wrong code
    response = client.post("/sign-in/two-factor", {"code": current_code(alice)})
    assert response["Location"] == "/users/"


def test_a_timed_out_form_returns_to_its_page_without_its_answers(clock, signed_in, alice):
    client = signed_in(alice)
    client.get("/users/invite")
    _idle(clock)
    response = client.post(
        "/users/invite",
        {"email": "new.person@testshire.example", "full_name": "New Person", "role": "analyst"},
        HTTP_REFERER="http://testserver/users/invite",
    )
    assert response.status_code == 401
    stored = dict(client.session.items())
    assert stored[NEXT_KEY] == "/users/invite"
    assert "new.person@testshire.example" not in json.dumps(stored, default=str)
    assert _sign_in_again(client, alice) == "/users/invite"


def test_a_post_only_url_is_never_returned_to(clock, signed_in, bob):
    client = signed_in(bob)
    client.get("/account")
    _idle(clock)
    # A restored tab asks for a POST-only URL with GET.
    assert client.get("/account/sign-out-everywhere").status_code == 401
    assert NEXT_KEY not in client.session
    assert _sign_in_again(client, bob) == "/"


def test_an_offsite_referer_is_never_returned_to(clock, signed_in, alice):
    client = signed_in(alice)
    client.get("/users/")
    _idle(clock)
    client.post("/users/invite", {}, HTTP_REFERER="https://evil.example/users/")
    assert _sign_in_again(client, alice) == "/"


def test_someone_else_signing_in_is_not_sent_to_the_page(clock, signed_in, alice, bob):
    client = signed_in(alice)
    client.get(f"/users/{bob.reference}")
    _idle(clock)
    client.get(f"/users/{bob.reference}")
    assert _sign_in_again(client, bob) == "/"


def test_a_next_parameter_to_a_post_only_url_is_ignored(client, bob):
    client.get("/sign-in?next=/account/sign-out-everywhere")
    assert NEXT_KEY not in client.session
    client.get("/sign-in?next=/account")
    assert client.session[NEXT_KEY] == "/account"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/users/", "/users/"),
        ("/users/?page=2", "/users/?page=2"),
        ("http://testserver/account", "/account"),
        ("https://evil.example/account", None),
        ("//evil.example/account", None),
        ("/\\evil.example/account", None),
        ("javascript:alert(1)", None),
        ("/privacy", None),  # not a staff page: nothing to come back to
        ("/sign-in", None),
        ("/account/sign-out-everywhere", None),  # POST only
        ("/sign-out", None),  # POST only, and not a staff page
        ("/account/session", None),  # the warning's own endpoint
        ("/api/v1/me", None),
        ("/no-such-page", None),
        ("", None),
    ],
)
def test_return_paths_are_same_site_staff_pages_that_answer_get(url, expected):
    request = RequestFactory().get("/")
    assert safe_return_path(request, url) == expected


# --- The keep-alive endpoint -------------------------------------------------------------------


def test_stay_signed_in_restarts_the_idle_clock(clock, bob):
    client = sign_in_client(Client(enforce_csrf_checks=True), bob)
    page = client.get("/account")
    token = page.context["csrf_token"]
    _idle(clock, TIMEOUT - 60)
    response = client.post("/account/session", HTTP_X_CSRFTOKEN=str(token))
    assert response.status_code == 204
    assert client.get("/account/session").json() == {"seconds_remaining": TIMEOUT, "can_stay": True}
    _idle(clock, TIMEOUT - 60)  # long after the first page's deadline
    assert client.get("/account").status_code == 200


def test_stay_signed_in_needs_the_csrf_token(clock, bob):
    client = sign_in_client(Client(enforce_csrf_checks=True), bob)
    client.get("/account")
    assert client.post("/account/session").status_code == 403


def test_asking_the_time_left_is_not_activity(clock, signed_in, bob):
    client = signed_in(bob)
    client.get("/account")
    _idle(clock, TIMEOUT - 100)
    assert client.get("/account/session").json() == {"seconds_remaining": 100, "can_stay": True}
    _idle(clock, 90)
    assert client.get("/account/session").json() == {"seconds_remaining": 10, "can_stay": True}
    _idle(clock, 11)
    response = client.get("/account/session", HTTP_REFERER="http://testserver/account")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert AuditEntry.objects.filter(action="accounts.session_timed_out").count() == 1
    # The warning's check ended the session: signing in returns to the page it was on.
    assert client.session[NEXT_KEY] == "/account"


def test_keep_alive_refuses_a_half_signed_in_user(client, bob):
    client.post("/sign-in", {"email": bob.email, "password": PASSWORD})
    assert client.post("/account/session")["Location"] == "/sign-in/two-factor"


# --- The signed-out page and the warning's markup ----------------------------------------------


def test_signed_out_page_says_why(client, settings):
    settings.CANDOUR_IDLE_TIMEOUT_SECONDS = 20 * 60
    response = client.get("/signed-out")
    assert response.status_code == 200
    assert "had not done anything for 20 minutes" in response.content.decode()


def test_signed_out_page_sends_a_signed_in_user_home(signed_in, bob):
    assert signed_in(bob).get("/signed-out")["Location"] == "/"


def test_every_staff_page_carries_the_warning_with_the_time_left(clock, signed_in, bob):
    client = signed_in(bob)
    client.get("/account")
    _idle(clock, 50)  # under a minute: the idle clock was not written again
    page = client.get("/account").content.decode()
    assert 'data-module="candour-timeout-warning"' in page
    assert f'data-idle-seconds="{TIMEOUT}"' in page
    assert f'data-remaining-seconds="{TIMEOUT - 50}"' in page
    assert 'data-warning-seconds="120"' in page
    assert 'data-keep-alive-url="/account/session"' in page
    assert 'data-signed-out-url="/signed-out"' in page
    assert "Stay signed in" in page
    assert "<script>" not in page  # values travel as data attributes, never inline script


def test_no_warning_for_signed_out_or_half_signed_in_users(client, bob):
    assert "timeout-warning" not in client.get("/sign-in").content.decode()
    client.post("/sign-in", {"email": bob.email, "password": PASSWORD})
    assert "timeout-warning" not in client.get("/sign-in/two-factor").content.decode()
