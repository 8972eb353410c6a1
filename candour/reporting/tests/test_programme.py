from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from candour.accounts.models import Role
from candour.audit.models import AuditEntry
from candour.notifications.models import EmailDelivery
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import submission

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "promise": "We never use a good-faith report against the person who made it.",
        "exclusions": "Except criminal acts and deliberate harm.",
        "duty_contact": "Front door: 01632 960010",
        "emergency_contact": "EDT: 01632 960999",
        "safety_lead_email": "lead@northbrook.example",
        "retention_days": "45",
        "disclosure_threshold": "10",
    }
    data.update(overrides)
    return data


def test_administrator_configures_the_programme(signed_in, alice, programme):
    client = signed_in(alice)
    page = client.get("/programme")
    assert page.status_code == 200
    assert "/report/northbrook" in page.content.decode()
    response = client.post("/programme", _form())
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.retention_days == 45
    assert programme.promise.startswith("We never use")
    assert AuditEntry.objects.filter(action="reporting.programme.updated").exists()


def test_bad_programme_settings_are_listed(signed_in, alice, programme):
    response = signed_in(alice).post(
        "/programme", _form(promise="", safety_lead_email="nope", retention_days="99999")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the promise reporters are given" in body
    assert "Enter an email address in the correct format" in body
    assert "3,650" in body


def test_the_disclosure_threshold_is_set_and_each_change_audited(signed_in, alice, programme):
    client = signed_in(alice)
    assert "fewer than" in client.get("/programme").content.decode()
    assert client.post("/programme", _form(disclosure_threshold="7")).status_code == 302
    programme.refresh_from_db()
    assert programme.disclosure_threshold == 7
    assert programme.disclosure_policy().threshold == 7
    (entry,) = AuditEntry.objects.filter(action="reporting.programme.disclosure_threshold_changed")
    assert entry.reason == "from 10 to 7"
    # Saving again without changing it is not a change.
    client.post("/programme", _form(disclosure_threshold="7"))
    assert (
        AuditEntry.objects.filter(action="reporting.programme.disclosure_threshold_changed").count()
        == 1
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("4", "The smallest number shown must be 5 or more"),
        ("ten", "The smallest number shown must be a whole number, like 10"),
        ("", "Enter the smallest number shown to leaders"),
        ("101", "The smallest number shown must be 100 or less"),
    ],
)
def test_a_threshold_below_the_floor_is_refused(signed_in, alice, programme, value, message):
    response = signed_in(alice).post("/programme", _form(disclosure_threshold=value))
    assert response.status_code == 400
    assert message in response.content.decode()
    programme.refresh_from_db()
    assert programme.disclosure_threshold == 10
    assert not AuditEntry.objects.filter(
        action="reporting.programme.disclosure_threshold_changed"
    ).exists()


def test_the_service_refuses_a_threshold_below_the_floor(alice, programme):
    from django.core.exceptions import ValidationError

    from candour.reporting.services.programme import update_programme

    with pytest.raises(ValidationError):
        update_programme(admin=alice, programme=programme, changes={"disclosure_threshold": 3})
    programme.refresh_from_db()
    assert programme.disclosure_threshold == 10


def test_outsider_administrator_edits_only_their_own(
    signed_in, charlie, programme, other_programme
):
    signed_in(charlie).post("/programme", _form(retention_days="7"))
    programme.refresh_from_db()
    other_programme.refresh_from_db()
    assert programme.retention_days == 30
    assert other_programme.retention_days == 7


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_other_roles_are_refused(signed_in, make_user, programme, role):
    assert signed_in(make_user(role)).get("/programme").status_code == 403


def test_organisation_without_programme_gets_404(signed_in, alice):
    assert signed_in(alice).get("/programme").status_code == 404


def test_the_daily_digest_is_an_outbox_job_with_a_count_only(programme, intake):
    submission_service.submit_report(programme=programme, submission=submission())
    submission_service.submit_report(programme=programme, submission=submission())
    call_command("run_daily_jobs", "reporting.intake_digest", stdout=StringIO())
    (message,) = mail.outbox
    assert message.to == [intake.email]
    assert "2 reports are waiting" in message.body
    assert "Kayden" not in message.body
    assert EmailDelivery.objects.filter(message_key=f"digest:{intake.reference}").count() == 1
    # Run by hand again the same day: the day's job already ran, nobody is e-mailed twice.
    call_command("run_daily_jobs", "reporting.intake_digest", stdout=StringIO())
    assert len(mail.outbox) == 1
