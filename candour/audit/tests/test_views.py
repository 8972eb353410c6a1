from __future__ import annotations

import datetime as dt

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
    response = signed_in(alice).get(
        "/audit/?actor_ref=nope&from_day=31&from_month=2&from_year=2026"
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a user reference in the correct format" in body
    assert "The from date must be a real date" in body
    assert '<a href="#id_from_day">The from date must be a real date</a>' in body


def test_date_order_is_checked(signed_in, alice):
    response = signed_in(alice).get(
        "/audit/?from_day=2&from_month=1&from_year=2026&to_day=1&to_month=1&to_year=2026"
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert '<a href="#id_to_day">The to date must be the same as or after the from date</a>' in body


@pytest.mark.parametrize(
    ("query", "message", "wrong"),
    [
        ("from_day=1&from_year=2026", "The from date must include a month", {"from_month"}),
        ("from_month=3", "The from date must include a day and year", {"from_day", "from_year"}),
        (
            "to_day=1&to_month=13&to_year=2026",
            "The to date must be a real date",
            {"to_day", "to_month", "to_year"},
        ),
        (
            "to_day=29&to_month=2&to_year=2025",
            "The to date must be a real date",
            {"to_day", "to_month", "to_year"},
        ),
        (
            "from_day=1&from_month=x&from_year=2026",
            "The from date must be a real date",
            {"from_month"},
        ),
        ("from_day=1&from_month=3&from_year=26", "The year must include 4 numbers", {"from_year"}),
    ],
)
def test_each_way_a_date_can_be_wrong_has_its_own_message(signed_in, alice, query, message, wrong):
    response = signed_in(alice).get(f"/audit/?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count(message) == 2  # in the error summary and above the boxes, once each
    first = sorted(wrong, key=lambda name: ["day", "month", "year"].index(name.split("_")[1]))[0]
    assert f'<a href="#id_{first}">{message}</a>' in body
    for prefix in ("from", "to"):
        for part in ("day", "month", "year"):
            name = f"{prefix}_{part}"
            tag = body.split(f'id="id_{name}"')[0].rsplit("<input", 1)[1]
            assert ("govuk-input--error" in tag) == (name in wrong), name


def test_date_range_includes_both_days(signed_in, alice, time_machine):
    for day in (1, 2, 3, 4):
        time_machine.move_to(dt.datetime(2026, 3, day, 23, 30, tzinfo=dt.UTC), tick=False)
        audit.record(actor=alice, action="test.dated", object_ref=f"DAY-{day}")
    rows = (
        signed_in(alice)
        .get("/audit/?from_day=2&from_month=3&from_year=2026&to_day=3&to_month=3&to_year=2026")
        .content.decode()
        .split("<tbody")[1]
    )
    # 23:30 UTC on 1 March is still 1 March in London; on 4 March too.
    assert "DAY-2" in rows
    assert "DAY-3" in rows
    assert "DAY-1" not in rows
    assert "DAY-4" not in rows


def test_date_inputs_keep_what_was_entered(signed_in, alice):
    body = signed_in(alice).get("/audit/?from_day=7&from_month=3&from_year=2026").content.decode()
    assert 'name="from_day" type="text" inputmode="numeric" value="7"' in body
    assert 'name="from_year" type="text" inputmode="numeric" value="2026"' in body


def test_actions_are_described_in_plain_english_with_the_code_beside(signed_in, alice, bob):
    audit.record(actor=bob, action="accounts.sign_in", object_ref="X")
    audit.record(actor=alice, action="reporting.narrative.opened", object_ref="R-1")
    body = signed_in(alice).get("/audit/").content.decode()
    rows = body.split("<tbody")[1]
    assert "Opened a report&#x27;s original account" in rows
    assert "<code>reporting.narrative.opened</code>" in rows
    assert "Signed in" in rows
    # The action filter offers descriptions, grouped by area.
    assert '<optgroup label="Confidential reporting">' in body
    assert (
        '<option value="reporting.narrative.opened">'
        "Opened a report&#x27;s original account</option>" in body
    )


def test_action_filter_matches_exactly(signed_in, alice):
    audit.record(actor=alice, action="accounts.sign_in", object_ref="IN")
    audit.record(actor=alice, action="accounts.sign_in.locked", object_ref="LOCKED")
    rows = (
        signed_in(alice).get("/audit/?action=accounts.sign_in").content.decode().split("<tbody")[1]
    )
    assert "IN" in rows
    assert "LOCKED" not in rows


def test_outsider_auditor_is_not_offered_another_organisation_s_actions(signed_in, alice, charlie):
    audit.record(actor=alice, action="reporting.contact.opened", object_ref="ALICE-2")
    body = signed_in(charlie).get("/audit/").content.decode()
    assert "reporting.contact.opened" not in body
    assert "sealed contact details" not in body
    response = signed_in(charlie).get("/audit/?action=reporting.contact.opened")
    assert response.status_code == 400  # not a choice for this auditor
    assert "ALICE-2" not in response.content.decode()


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
