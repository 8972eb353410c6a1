"""Administrators manage the users of their own organisation, and only those."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client

from candour.accounts.models import OrganisationKind, Role, User
from candour.accounts.tests.factories import TeamFactory
from candour.audit.models import AuditEntry
from candour.notifications.models import Job

pytestmark = pytest.mark.django_db


def _invite(client: Client, **overrides: str):
    data = {
        "full_name": "Dana New",
        "email": "dana@testshire.example",
        "role": Role.PRACTITIONER,
        "team": "",
        **overrides,
    }
    return client.post("/users/invite", data)


def test_admin_lists_only_own_organisation(signed_in, alice, bob, charlie):
    page = signed_in(alice).get("/users/").content.decode()
    assert bob.full_name in page
    assert charlie.full_name not in page


def test_invite_creates_user_job_and_audit(signed_in, alice):
    response = _invite(signed_in(alice))
    assert response.status_code == 302
    dana = User.objects.get(email="dana@testshire.example")
    assert dana.organisation == alice.organisation
    assert not dana.has_usable_password()
    job = Job.objects.get(kind="accounts.send_invitation")
    assert job.payload == {"user": str(dana.reference)}  # a reference, not the address
    entry = AuditEntry.objects.get(action="accounts.user.invited")
    assert entry.actor_ref == str(alice.reference)
    assert entry.object_ref == str(dana.reference)


def test_invite_errors_are_listed(signed_in, alice, bob):
    response = _invite(signed_in(alice), full_name="", email="not-an-email", role="")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the user&#x27;s full name" in body
    assert "Enter an email address in the correct format" in body
    assert "Select a role" in body
    duplicate = _invite(signed_in(alice), email=bob.email)
    assert "A user with this email address already exists" in duplicate.content.decode()
    assert User.objects.filter(email=bob.email).count() == 1
    assert not Job.objects.exists()


def test_invite_refuses_roles_the_organisation_cannot_hold(signed_in, alice):
    response = _invite(signed_in(alice), role=Role.HEALTH_UNSCHEDULED)
    assert response.status_code == 400
    assert not User.objects.filter(email="dana@testshire.example").exists()


def test_invite_refuses_another_organisations_team(signed_in, alice, other_organisation):
    foreign = TeamFactory(organisation=other_organisation)
    response = _invite(signed_in(alice), team=str(foreign.pk))
    assert response.status_code == 400
    assert not User.objects.filter(email="dana@testshire.example").exists()


def test_nhs_admin_sees_health_roles_only(signed_in, make_user, nhs_organisation):
    admin = make_user(Role.ADMINISTRATOR, organisation=nhs_organisation)
    page = signed_in(admin).get("/users/invite").content.decode()
    assert "Health user (unscheduled care)" in page
    assert "Practitioner" not in page
    assert nhs_organisation.kind == OrganisationKind.NHS


def test_edit_user(signed_in, alice, bob):
    client = signed_in(alice)
    response = client.post(
        f"/users/{bob.reference}/edit",
        {"full_name": "Bob Renamed", "role": Role.LEADER, "team": "", "is_auditor": "on"},
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert (bob.full_name, bob.role, bob.is_auditor) == ("Bob Renamed", Role.LEADER, True)


def test_admin_cannot_demote_or_deactivate_themselves(signed_in, alice):
    client = signed_in(alice)
    response = client.post(
        f"/users/{alice.reference}/edit",
        {"full_name": "Alice", "role": Role.PRACTITIONER, "team": ""},
    )
    assert response.status_code == 400
    assert "cannot remove your own administrator role" in response.content.decode()
    response = client.post(f"/users/{alice.reference}/deactivate")
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.is_active
    assert alice.role == Role.ADMINISTRATOR


def test_deactivate_ends_sessions_and_reactivate(signed_in, alice, bob):
    bobs_client = signed_in(bob)
    admin = signed_in(alice)
    assert admin.get(f"/users/{bob.reference}/deactivate").status_code == 200  # confirm page
    assert admin.post(f"/users/{bob.reference}/deactivate").status_code == 302
    assert bobs_client.get("/account").status_code == 302
    bob.refresh_from_db()
    assert not bob.is_active
    assert admin.post(f"/users/{bob.reference}/reactivate").status_code == 302
    bob.refresh_from_db()
    assert bob.is_active


def test_reset_two_factor(signed_in, alice, bob):
    assert signed_in(alice).post(f"/users/{bob.reference}/reset-two-factor").status_code == 302
    assert not bob.totpdevice_set.exists()
    assert AuditEntry.objects.filter(action="accounts.user.two_factor_reset").exists()


def test_unknown_action_is_not_found(signed_in, alice, bob):
    assert signed_in(alice).post(f"/users/{bob.reference}/promote").status_code == 404


def test_invitation_link_sets_password_once(client, signed_in, alice):
    _invite(signed_in(alice))
    dana = User.objects.get(email="dana@testshire.example")
    token = default_token_generator.make_token(dana)
    response = client.get(f"/account/activate/{dana.reference}/{token}")
    assert response["Location"] == f"/account/activate/{dana.reference}/set-password"
    weak = client.post(response["Location"], {"password": "short", "confirm": "short"})
    assert weak.status_code == 400
    assert "too short" in weak.content.decode()
    mismatch = client.post(
        response["Location"], {"password": "a-long-new-passphrase", "confirm": "different-one"}
    )
    assert "The passwords do not match" in mismatch.content.decode()
    done = client.post(
        response["Location"],
        {"password": "a-long-new-passphrase", "confirm": "a-long-new-passphrase"},
    )
    assert done["Location"] == "/sign-in"
    dana.refresh_from_db()
    assert dana.check_password("a-long-new-passphrase")
    # The link is single use.
    again = Client()
    again.get(f"/account/activate/{dana.reference}/{token}")
    assert again.get(f"/account/activate/{dana.reference}/set-password").status_code == 404


def test_forged_invitation_token_is_refused(client, signed_in, alice):
    _invite(signed_in(alice))
    dana = User.objects.get(email="dana@testshire.example")
    client.get(f"/account/activate/{dana.reference}/abc-123")
    response = client.get(f"/account/activate/{dana.reference}/set-password")
    assert response.status_code == 404
    assert "This link has expired or has been used" in response.content.decode()


# --- Outsiders and wrong roles -----------------------------------------------------------

ADMIN_USER_PAGES = [
    "",
    "/edit",
    "/deactivate",
    "/reactivate",
    "/reset-two-factor",
    "/resend-invitation",
]


@pytest.mark.parametrize("suffix", ADMIN_USER_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_admin_gets_404_for_another_organisations_user(
    signed_in, charlie, bob, suffix, method
):
    response = getattr(signed_in(charlie), method)(f"/users/{bob.reference}{suffix}")
    assert response.status_code == 404
    bob.refresh_from_db()
    assert bob.is_active


@pytest.mark.parametrize(
    "path",
    ["/users/", "/users/invite", "/users/{ref}", "/users/{ref}/edit", "/users/{ref}/deactivate"],
)
@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_non_administrators_are_refused(signed_in, make_user, bob, path, role):
    user = make_user(role)
    response = signed_in(user).get(path.format(ref=bob.reference))
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client, bob):
    response = client.get(f"/users/{bob.reference}")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in?next=")


def test_api_me(signed_in, bob, client):
    response = signed_in(bob).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "reference": str(bob.reference),
        "role": "practitioner",
        "organisation": str(bob.organisation.reference),
        "organisation_kind": "local_authority",
    }
    anonymous = client.get("/api/v1/me")
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"
    assert anonymous.json()["status"] == 401


def test_api_refuses_half_signed_in_session(client, bob):
    client.post("/sign-in", {"email": bob.email, "password": "correct-horse-battery-staple"})
    assert client.get("/api/v1/me").status_code == 401


def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/me" in response.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 404


def test_case_reference_patterns_are_validated_and_listed(organisation):
    from django.core.exceptions import ValidationError

    from candour.accounts.models import validate_patterns

    organisation.case_reference_patterns = "\\bNB-\\d{4}-\\d{5}\\b\n\n  \\bWV\\d{7}\\b  \n"
    assert organisation.case_reference_pattern_list() == (
        "\\bNB-\\d{4}-\\d{5}\\b",
        "\\bWV\\d{7}\\b",
    )
    with pytest.raises(ValidationError, match="Line 2 is not a valid regular expression"):
        validate_patterns("ok\n(unclosed")


def test_error_summary_links_radio_errors_to_the_first_radio(signed_in, alice):
    body = _invite(signed_in(alice), role="").content.decode()
    assert 'href="#id_role_1"' in body
    assert 'id="id_role_1"' in body
