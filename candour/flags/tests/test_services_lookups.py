"""Lookups, access history, notifications to the authority, rate limits and system keys."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from pytest_django.fixtures import Settings

from candour.accounts.models import Organisation, Role, User
from candour.audit.models import AuditEntry
from candour.flags import selectors
from candour.flags.identifiers import parse
from candour.flags.models import (
    AbuseAlert,
    Access,
    AlertKind,
    CareSetting,
    LocalAuthorityContact,
    LookupCounter,
    Notification,
    Subject,
)
from candour.flags.services import clients as clients_service
from candour.flags.services import contact as contact_service
from candour.flags.services import lookups as lookups_service
from candour.flags.services import notifications as notifications_service
from candour.flags.services import retention as retention_service
from candour.flags.services import upload as upload_service
from candour.flags.tests.test_uploads import CHILD, SISTER, csv_bytes, line
from candour.notifications.models import Job, JobStatus
from candour.notifications.services import run_due_jobs
from candour.notifications.tests.test_email import SmtpServer, body_of
from conftest import UK_JUST_PAST_MIDNIGHT

# Lookups count against hourly and daily limits: freeze the clock so no test straddles an hour.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clock,
    pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT),
]

ED = CareSetting.EMERGENCY_DEPARTMENT
GP = CareSetting.GP_IN_HOURS
NOT_HELD = "4000000039"  # valid, never uploaded


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.FLAG_MANAGER, email="flags@northbrook.example")


@pytest.fixture
def flagged(manager: User, organisation: Organisation) -> Subject:
    """CHILD on a child protection plan and in care, held by `organisation`."""
    upload_service.apply_upload(
        user=manager,
        organisation=organisation,
        sequence=1,
        data=csv_bytes(line(CHILD), line(CHILD, plan="LAC", start="2025-02-01")),
    )
    LocalAuthorityContact.objects.create(
        organisation=organisation,
        display_name="Northbrook Children's Services",
        office_hours_phone="01632 960001",
        emergency_duty_phone="01632 960999",
    )
    return Subject.objects.get(identifier=CHILD)


@pytest.fixture
def clinician(make_user: Callable[..., User], nhs_organisation: Organisation) -> User:
    return make_user(
        Role.HEALTH_UNSCHEDULED, organisation=nhs_organisation, full_name="Dr Nia Evans"
    )


@pytest.fixture
def gp(make_user: Callable[..., User], nhs_organisation: Organisation) -> User:
    return make_user(Role.HEALTH_SCHEDULED, organisation=nhs_organisation, full_name="Jo Clarke")


def look(user: User, number: str = CHILD, setting: str = ED) -> lookups_service.LookupResult:
    return lookups_service.look_up(
        principal=lookups_service.Principal.for_user(user),
        identifier=parse(number),
        care_setting=setting,
    )


def test_unscheduled_hit_records_access_and_notifies_in_the_same_transaction(
    flagged: Subject, clinician: User, organisation: Organisation
) -> None:
    result = look(clinician)

    assert result.found
    assert [plan.plan_type for plan in result.plans] == ["CPP", "LAC"]
    assert result.contact is not None
    assert result.contact.emergency_duty_phone == "01632 960999"
    assert result.history == ()
    access = Access.objects.get()
    assert (access.person_name, access.role_label) == (
        "Dr Nia Evans",
        "Health user (unscheduled care)",
    )
    assert access.unscheduled
    assert access.organisation == clinician.organisation
    notification = Notification.objects.get()
    assert notification.access == access
    assert notification.authority == organisation
    deliver = Job.objects.get(kind="flags.deliver_notification")
    assert deliver.payload == {"notification": str(notification.reference)}
    # The delivery job schedules the escalation, counted from the notification's creation.
    assert not Job.objects.filter(kind="flags.escalate_notification").exists()
    run_due_jobs()
    escalate = Job.objects.get(kind="flags.escalate_notification")
    assert escalate.payload == deliver.payload
    assert escalate.run_after - notification.created_at >= timedelta(minutes=119)
    assert escalate.run_after - notification.created_at <= timedelta(minutes=121)
    entry = AuditEntry.objects.get(action="flags.lookup.hit")
    assert entry.object_ref == str(access.reference)


def test_a_failure_after_the_access_leaves_no_access_and_no_notification(
    flagged: Subject, clinician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(lookups_service.audit, "record", broken)
    with pytest.raises(RuntimeError):
        look(clinician)
    assert not Access.objects.exists()
    assert not Notification.objects.exists()
    assert not Job.objects.filter(kind__startswith="flags.").exists()


def test_history_shows_the_previous_25_accesses_newest_first(
    flagged: Subject, clinician: User, gp: User, settings: Settings
) -> None:
    settings.CANDOUR_FLAGS_PERSON_HOURLY_LIMIT = 100
    for _ in range(27):
        look(clinician)
    look(gp, setting=GP)

    result = look(clinician)

    assert len(result.history) == 25
    assert result.history[0].person_name == "Jo Clarke"
    assert result.history[0].care_setting == GP
    times = [access.accessed_at for access in result.history]
    assert times == sorted(times, reverse=True)
    assert result.access not in result.history


def test_scheduled_lookup_is_recorded_but_silent(flagged: Subject, gp: User) -> None:
    result = look(gp, setting=GP)

    assert result.found
    access = Access.objects.get()
    assert access.unscheduled is False
    assert not Notification.objects.exists()
    assert not Job.objects.filter(kind__startswith="flags.").exists()
    assert AuditEntry.objects.filter(action="flags.lookup.silent").count() == 1


def test_a_miss_is_audited_without_the_number(clinician: User, flagged: Subject) -> None:
    result = look(clinician, NOT_HELD)

    assert not result.found
    assert not Access.objects.exists()
    entry = AuditEntry.objects.get(action="flags.lookup.miss")
    assert entry.object_ref.startswith("id:")
    for row in AuditEntry.objects.all():
        text = " ".join([row.object_ref, row.reason, row.action])
        assert NOT_HELD not in text
        assert CHILD not in text
    # The digest lets an auditor ask about one number: the same number, the same reference.
    assert entry.object_ref == lookups_service.identifier_ref(parse(NOT_HELD))


@pytest.mark.parametrize(
    ("role", "setting", "code"),
    [
        (Role.HEALTH_UNSCHEDULED, GP, "care_setting"),
        (Role.HEALTH_SCHEDULED, ED, "care_setting"),
        (Role.PRACTITIONER, ED, "forbidden"),
        (Role.FLAG_MANAGER, ED, "forbidden"),
    ],
)
def test_role_decides_who_may_look_and_from_which_setting(
    make_user: Callable[..., User],
    nhs_organisation: Organisation,
    role: str,
    setting: str,
    code: str,
) -> None:
    user = make_user(role, organisation=nhs_organisation)
    with pytest.raises(lookups_service.LookupRefused) as refused:
        look(user, setting=setting)
    assert refused.value.code == code
    assert not AuditEntry.objects.filter(action__startswith="flags.lookup").exists()


def test_person_hourly_limit_refuses_audits_and_alerts_once(
    flagged: Subject, clinician: User, settings: Settings, nhs_organisation: Organisation
) -> None:
    settings.CANDOUR_FLAGS_PERSON_HOURLY_LIMIT = 3
    for _ in range(3):
        look(clinician)
    for _ in range(2):
        with pytest.raises(lookups_service.LookupRefused) as refused:
            look(clinician)
        assert refused.value.code == "rate_limited"

    assert Access.objects.count() == 3
    alert = AbuseAlert.objects.get()
    assert alert.kind == AlertKind.RATE_LIMIT
    assert alert.organisation == nhs_organisation
    assert alert.principal_label == f"user {clinician.reference}"
    assert Job.objects.filter(kind="flags.alert_administrators").count() == 1
    assert AuditEntry.objects.filter(action="flags.lookup.refused").count() == 2


def test_person_daily_limit(flagged: Subject, clinician: User, settings: Settings) -> None:
    settings.CANDOUR_FLAGS_PERSON_DAILY_LIMIT = 2
    look(clinician)
    look(clinician, NOT_HELD)
    with pytest.raises(lookups_service.LookupRefused):
        look(clinician)
    assert AbuseAlert.objects.get().period.startswith("d")


def test_many_misses_raise_one_enumeration_alert(
    clinician: User, settings: Settings, alice: User
) -> None:
    settings.CANDOUR_FLAGS_PERSON_MISS_ALERT_PER_HOUR = 3
    for _ in range(5):
        look(clinician, NOT_HELD)
    alert = AbuseAlert.objects.get()
    assert alert.kind == AlertKind.ENUMERATION
    assert alert.total == 3


def test_limits_count_per_person(
    flagged: Subject,
    clinician: User,
    make_user: Callable[..., User],
    nhs_organisation: Organisation,
    settings: Settings,
) -> None:
    settings.CANDOUR_FLAGS_PERSON_HOURLY_LIMIT = 1
    colleague = make_user(Role.HEALTH_UNSCHEDULED, organisation=nhs_organisation)
    look(clinician)
    look(colleague)
    assert Access.objects.count() == 2


@pytest.fixture
def nhs_admin(make_user: Callable[..., User], nhs_organisation: Organisation) -> User:
    return make_user(
        Role.ADMINISTRATOR, organisation=nhs_organisation, email="it@riverside.example"
    )


def test_system_client_names_the_responsible_person(flagged: Subject, nhs_admin: User) -> None:
    client, key = clients_service.issue_client(user=nhs_admin, name="ED system", care_setting=ED)
    assert key.startswith(client.key_prefix)
    assert key not in client.key_hash
    assert selectors.find_client_by_key(key) == client
    assert selectors.find_client_by_key(key[:-1] + ("x" if key[-1] != "x" else "y")) is None

    principal = lookups_service.Principal.for_client(client, "Charge Nurse Okafor")
    result = lookups_service.look_up(principal=principal, identifier=parse(CHILD), care_setting=GP)

    assert result.access is not None
    assert result.access.person_name == "Charge Nurse Okafor"
    assert result.access.role_label == "System: ED system"
    assert result.access.unscheduled  # the system's setting, not the declared one
    assert Notification.objects.count() == 1

    clients_service.revoke_client(user=nhs_admin, client=client)
    client.refresh_from_db()
    assert selectors.find_client_by_key(key) is None
    with pytest.raises(lookups_service.LookupRefused):
        lookups_service.look_up(principal=principal, identifier=parse(CHILD), care_setting=ED)


def test_system_limits_are_per_system(flagged: Subject, nhs_admin: User) -> None:
    client, _ = clients_service.issue_client(
        user=nhs_admin, name="111", care_setting=CareSetting.NHS_111, hourly_limit=1
    )
    principal = lookups_service.Principal.for_client(client, "Duty clinician")
    lookups_service.look_up(principal=principal, identifier=parse(CHILD), care_setting="")
    with pytest.raises(lookups_service.LookupRefused):
        lookups_service.look_up(principal=principal, identifier=parse(CHILD), care_setting="")
    assert AbuseAlert.objects.get().principal == f"client:{client.pk}"


def test_only_health_organisations_clients_look_up(
    flagged: Subject, alice: User, organisation: Organisation
) -> None:
    client, _ = clients_service.issue_client(user=alice, name="Case system", care_setting=ED)
    assert client.care_setting == ""  # a local authority's system uploads, it does not look
    with pytest.raises(lookups_service.LookupRefused):
        lookups_service.look_up(
            principal=lookups_service.Principal.for_client(client, "Someone"),
            identifier=parse(CHILD),
            care_setting=ED,
        )


def test_only_administrators_issue_and_revoke_keys(
    make_user: Callable[..., User], nhs_organisation: Organisation, nhs_admin: User, alice: User
) -> None:
    with pytest.raises(PermissionDenied):
        clients_service.issue_client(
            user=make_user(Role.HEALTH_UNSCHEDULED, organisation=nhs_organisation),
            name="x",
            care_setting=ED,
        )
    client, _ = clients_service.issue_client(user=nhs_admin, name="ED", care_setting=ED)
    with pytest.raises(PermissionDenied):
        clients_service.revoke_client(user=alice, client=client)  # another organisation's admin


# --- acknowledgement, escalation and delivery --------------------------------------------------


def test_only_the_responsible_authority_acknowledges_once(
    flagged: Subject,
    clinician: User,
    manager: User,
    make_user: Callable[..., User],
    other_organisation: Organisation,
) -> None:
    look(clinician)
    notification = Notification.objects.get()
    outsider = make_user(Role.FLAG_MANAGER, organisation=other_organisation)
    with pytest.raises(PermissionDenied):
        notifications_service.acknowledge(user=outsider, notification=notification)
    with pytest.raises(Http404):
        selectors.get_notification(user=outsider, reference=notification.reference)

    assert notifications_service.acknowledge(user=manager, notification=notification) is True
    assert notifications_service.acknowledge(user=manager, notification=notification) is False
    notification.refresh_from_db()
    assert notification.acknowledged_by == manager


@pytest.fixture
def smtp(settings: Settings) -> Iterator[SmtpServer]:
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.CANDOUR_BASE_URL = "http://testserver.example/"
    server.start()
    try:
        yield server
    finally:
        server.stop()


def make_due(kind: str) -> None:
    Job.objects.filter(kind=kind).update(
        run_after=timezone.now() - timedelta(seconds=1), status=JobStatus.PENDING
    )


def test_notification_is_emailed_once_over_smtp_with_a_reference_only(
    flagged: Subject, clinician: User, smtp: SmtpServer
) -> None:
    LocalAuthorityContact.objects.update(notification_email="edt@northbrook.example")
    look(clinician)
    notification = Notification.objects.get()

    assert run_due_jobs() == 1  # the escalation job is not due yet
    [message] = smtp.mailbox.messages
    assert message["To"] == "edt@northbrook.example"
    assert str(notification.reference) in message["Subject"]
    body = body_of(message)
    assert f"/flags/notifications/{notification.reference}/" in body
    for secret in (CHILD, "Smith", "Ada", "Dr Nia Evans", "Riverside", "2015"):
        assert secret not in body
        assert secret not in message["Subject"]
    notification.refresh_from_db()
    assert notification.emailed_at is not None

    make_due("flags.deliver_notification")  # a re-run (worker died before settling)
    run_due_jobs()
    assert len(smtp.mailbox.messages) == 1


def test_smtp_down_is_retried_and_delivered_later(
    flagged: Subject, clinician: User, smtp: SmtpServer
) -> None:
    LocalAuthorityContact.objects.update(notification_email="edt@northbrook.example")
    look(clinician)
    smtp.stop()
    run_due_jobs()
    job = Job.objects.get(kind="flags.deliver_notification")
    assert job.status == JobStatus.PENDING
    assert job.attempts == 1
    smtp.start()
    make_due("flags.deliver_notification")
    run_due_jobs()
    assert len(smtp.mailbox.messages) == 1
    assert Notification.objects.get().emailed_at is not None


class Receiver(BaseHTTPRequestHandler):
    """A case system's webhook endpoint: answers with the queued status codes, records calls."""

    statuses: list[int] = []
    calls: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls.append((dict(self.headers), body))
        self.send_response(type(self).statuses.pop(0) if type(self).statuses else 200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    Receiver.statuses, Receiver.calls = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/candour"
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_is_signed_retried_and_email_not_repeated(
    flagged: Subject, clinician: User, manager: User, smtp: SmtpServer, receiver: str
) -> None:
    contact = contact_service.update_contact(
        user=manager,
        display_name="Northbrook",
        office_hours_phone="",
        emergency_duty_phone="01632 960999",
        notification_email="edt@northbrook.example",
        webhook_url=receiver,
        escalation_email="",
        escalate_after_minutes=60,
    )
    assert len(contact.webhook_secret) == 64
    Receiver.statuses = [500]
    look(clinician)
    notification = Notification.objects.get()

    run_due_jobs()  # e-mail sent, webhook refused: the job is retried
    assert len(Receiver.calls) == 1
    assert len(smtp.mailbox.messages) == 1
    make_due("flags.deliver_notification")
    run_due_jobs()

    assert len(Receiver.calls) == 2
    assert len(smtp.mailbox.messages) == 1
    headers, body = Receiver.calls[-1]
    assert headers["Idempotency-Key"] == str(notification.reference)
    stamp, mac = (part.split("=", 1)[1] for part in headers["Candour-Signature"].split(","))
    expected = hmac.new(
        contact.webhook_secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(mac, expected)
    payload = json.loads(body)
    assert payload["notification"] == str(notification.reference)
    assert payload["subject"] == {"identifier_system": "nhs", "identifier": CHILD}
    assert payload["access"]["organisation_ods_code"] == "XNH01"
    assert "reason" not in json.dumps(payload)
    notification.refresh_from_db()
    assert notification.webhook_delivered_at is not None


def test_unacknowledged_notification_escalates_once(
    flagged: Subject, clinician: User, smtp: SmtpServer
) -> None:
    LocalAuthorityContact.objects.update(escalation_email="edt-lead@northbrook.example")
    look(clinician)
    run_due_jobs()  # delivery, which schedules the escalation
    make_due("flags.escalate_notification")
    run_due_jobs()
    notification = Notification.objects.get()
    assert notification.escalated_at is not None
    [message] = smtp.mailbox.messages
    assert message["To"] == "edt-lead@northbrook.example"
    assert CHILD not in body_of(message)
    assert AuditEntry.objects.filter(action="flags.notification.escalated").count() == 1


def test_acknowledged_notification_does_not_escalate(
    flagged: Subject, clinician: User, manager: User, smtp: SmtpServer
) -> None:
    LocalAuthorityContact.objects.update(escalation_email="edt-lead@northbrook.example")
    look(clinician)
    notifications_service.acknowledge(user=manager, notification=Notification.objects.get())
    run_due_jobs()  # delivery, which schedules the escalation
    make_due("flags.escalate_notification")
    run_due_jobs()
    assert Notification.objects.get().escalated_at is None
    assert smtp.mailbox.messages == []


def test_escalation_without_a_mailbox_tells_the_administrators(
    flagged: Subject, clinician: User, smtp: SmtpServer, alice: User
) -> None:
    look(clinician)
    run_due_jobs()  # delivery, which schedules the escalation
    make_due("flags.escalate_notification")
    run_due_jobs()
    assert [message["To"] for message in smtp.mailbox.messages] == [alice.email]


def test_alert_emails_the_administrators_a_reference(
    flagged: Subject, clinician: User, nhs_admin: User, smtp: SmtpServer, settings: Settings
) -> None:
    settings.CANDOUR_FLAGS_PERSON_HOURLY_LIMIT = 1
    look(clinician)
    with pytest.raises(lookups_service.LookupRefused):
        look(clinician)
    run_due_jobs()
    [message] = smtp.mailbox.messages
    assert message["To"] == nhs_admin.email
    body = body_of(message)
    assert str(AbuseAlert.objects.get().reference) in body
    assert clinician.full_name not in body
    assert clinician.email not in body


def test_contact_requires_emergency_phone_and_rotates_secret(manager: User) -> None:
    fields: dict[str, Any] = {
        "display_name": "Northbrook",
        "office_hours_phone": "",
        "notification_email": "",
        "escalation_email": "",
        "escalate_after_minutes": 60,
    }
    with pytest.raises(ValueError, match="emergency"):
        contact_service.update_contact(
            user=manager, emergency_duty_phone=" ", webhook_url="", **fields
        )
    first = contact_service.update_contact(
        user=manager, emergency_duty_phone="0300", webhook_url="https://a.example/h", **fields
    ).webhook_secret
    same = contact_service.update_contact(
        user=manager, emergency_duty_phone="0300", webhook_url="https://a.example/h", **fields
    ).webhook_secret
    moved = contact_service.update_contact(
        user=manager, emergency_duty_phone="0300", webhook_url="https://b.example/h", **fields
    ).webhook_secret
    assert first == same != moved
    cleared = contact_service.update_contact(
        user=manager, emergency_duty_phone="0300", webhook_url="", **fields
    )
    assert cleared.webhook_secret == ""


# --- retention ----------------------------------------------------------------------------------


def test_retention_deletes_access_history_and_notifications_with_the_subject(
    flagged: Subject, clinician: User, manager: User, organisation: Organisation
) -> None:
    look(clinician)
    upload_service.apply_upload(
        user=manager,
        organisation=organisation,
        sequence=2,
        data=csv_bytes(
            line(CHILD, start="", end="2025-06-01", action="end"),
            line(CHILD, plan="LAC", start="", end="2025-06-01", action="end"),
            line(SISTER),
        ),
    )
    assert retention_service.purge_expired(today=date(2025, 6, 1) + timedelta(days=364)) == 0
    assert retention_service.purge_expired(today=date(2025, 6, 1) + timedelta(days=365)) == 1
    assert not Subject.objects.filter(identifier=CHILD).exists()
    assert not Access.objects.exists()
    assert not Notification.objects.exists()
    # The delivery job finds nothing to send and finishes quietly.
    run_due_jobs()
    assert Job.objects.get(kind="flags.deliver_notification").status == JobStatus.DONE


def test_expired_counters_are_purged(flagged: Subject, clinician: User) -> None:
    look(clinician)
    assert LookupCounter.objects.count() == 2
    assert retention_service.purge_counters(now=timezone.now() + timedelta(days=2)) == 2


def test_a_checked_key_is_trusted_for_the_cache_lifetime_only(
    nhs_admin: User, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CANDOUR_FLAGS_KEY_CACHE_SECONDS = 5
    client, key = clients_service.issue_client(user=nhs_admin, name="ED", care_setting=ED)
    assert selectors.find_client_by_key(key) == client
    with CaptureQueriesContext(connection) as queries:
        assert selectors.find_client_by_key(key) == client
    assert len(queries.captured_queries) == 0

    # Revoked by another process: this one notices once its entry expires.
    type(client).objects.filter(pk=client.pk).update(revoked_at=timezone.now())
    assert selectors.find_client_by_key(key) == client
    clock = selectors.time.monotonic() + 6
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock)
    assert selectors.find_client_by_key(key) is None


def test_revoking_in_this_process_stops_the_key_at_once(nhs_admin: User) -> None:
    client, key = clients_service.issue_client(user=nhs_admin, name="ED", care_setting=ED)
    assert selectors.find_client_by_key(key) == client
    clients_service.revoke_client(user=nhs_admin, client=client)
    assert selectors.find_client_by_key(key) is None
