from __future__ import annotations

import pytest

from candour.accounts.models import Role
from candour.audit import services as audit

pytestmark = pytest.mark.django_db


def test_auditor_sees_own_organisation_entries_with_names(signed_in, alice, bob, charlie):
    audit.record(actor=bob, action="test.own_org", object_ref="OWN-1")
    audit.record(actor=charlie, action="test.other_org", object_ref="OTHER-1")
    page = signed_in(alice).get("/audit/").content.decode()
    assert "test.own_org" in page
    assert bob.full_name in page
    assert "test.other_org" not in page
    assert "OTHER-1" not in page


def test_outsider_auditor_sees_none_of_alices_entries(signed_in, alice, charlie):
    audit.record(actor=alice, action="test.alice_only", object_ref="ALICE-1")
    page = signed_in(charlie).get("/audit/?object_ref=ALICE-1").content.decode()
    assert "ALICE-1" not in page.split("<tbody")[1]
    assert "No entries match these filters." in page


def test_filters(signed_in, alice, bob):
    audit.record(actor=bob, action="test.first", object_ref="A")
    audit.record(actor=alice, action="test.second", object_ref="B")
    client = signed_in(alice)

    def rows(query: str) -> str:
        return client.get(f"/audit/?{query}").content.decode().split("<tbody")[1]

    by_object = rows("object_ref=A")
    assert "test.first" in by_object
    assert "test.second" not in by_object
    by_actor = rows(f"actor_ref={alice.reference}")
    assert "test.second" in by_actor
    assert "test.first" not in by_actor
    by_action = rows("action=test.first")
    assert "test.first" in by_action
    assert "test.second" not in by_action


def test_bad_filters_get_error_messages(signed_in, alice):
    response = signed_in(alice).get("/audit/?actor_ref=nope&date_from=31/31/2026&date_to=1/1/2020")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a user reference in the correct format" in body
    assert "Enter the from date as day/month/year" in body


def test_date_order_is_checked(signed_in, alice):
    response = signed_in(alice).get("/audit/?date_from=2/1/2026&date_to=1/1/2026")
    assert "The to date must be the same as or after the from date" in response.content.decode()


def test_non_auditor_administrator_is_refused(signed_in, make_user):
    admin = make_user(Role.ADMINISTRATOR, is_auditor=False)
    assert signed_in(admin).get("/audit/").status_code == 403


@pytest.mark.parametrize("role", Role.values)
def test_any_role_with_the_auditor_permission_may_read(signed_in, make_user, role):
    assert signed_in(make_user(role, is_auditor=True)).get("/audit/").status_code == 200


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/audit/")["Location"] == "/sign-in?next=/audit/"


def test_audit_never_holds_passwords_or_emails(client, bob):
    client.post("/sign-in", {"email": bob.email, "password": "the-wrong-secret-123"})
    from candour.audit.models import AuditEntry

    for entry in AuditEntry.objects.all():
        flat = " ".join(str(v) for v in entry.__dict__.values())
        assert bob.email not in flat
        assert "the-wrong-secret-123" not in flat
