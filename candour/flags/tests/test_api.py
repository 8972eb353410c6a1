"""/api/v1/flags: uploads and notifications for a local authority's case system (key) or its
flag managers (session); problem+json errors; another authority's things answer 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from candour.accounts.models import Organisation, Role, User
from candour.audit.models import AuditEntry
from candour.flags.identifiers import parse
from candour.flags.models import (
    CareSetting,
    FileResult,
    LineResult,
    Notification,
    Plan,
    Subject,
    SystemClient,
    Upload,
)
from candour.flags.services import clients as clients_service
from candour.flags.services import lookups as lookups_service
from candour.flags.services import notifications as notifications_service
from candour.flags.services import upload as upload_service
from candour.flags.tests.test_uploads import BAD_CHECK, CHILD, SISTER, csv_bytes, line

pytestmark = pytest.mark.django_db

UPLOADS = "/api/v1/flags/uploads"
NOTIFICATIONS = "/api/v1/flags/notifications"
PROBLEM = "application/problem+json"


def problem_of(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    return body


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.FLAG_MANAGER)


@pytest.fixture
def outsider(make_user: Callable[..., User], other_organisation: Organisation) -> User:
    """A flag manager of another local authority."""
    return make_user(Role.FLAG_MANAGER, organisation=other_organisation)


@pytest.fixture
def la_key(make_user: Callable[..., User]) -> str:
    """The main authority's case system."""
    admin = make_user(Role.ADMINISTRATOR)
    return clients_service.issue_client(user=admin, name="Case system", care_setting="")[1]


@pytest.fixture
def outsider_key(make_user: Callable[..., User], other_organisation: Organisation) -> str:
    admin = make_user(Role.ADMINISTRATOR, organisation=other_organisation)
    return clients_service.issue_client(user=admin, name="Eastmere system", care_setting="")[1]


@pytest.fixture
def ed_client(make_user: Callable[..., User], nhs_organisation: Organisation) -> SystemClient:
    admin = make_user(Role.ADMINISTRATOR, organisation=nhs_organisation)
    client, _ = clients_service.issue_client(
        user=admin, name="ED system", care_setting=CareSetting.EMERGENCY_DEPARTMENT
    )
    return client


@pytest.fixture
def nhs_key(make_user: Callable[..., User], nhs_organisation: Organisation) -> str:
    admin = make_user(Role.ADMINISTRATOR, organisation=nhs_organisation)
    return clients_service.issue_client(
        user=admin, name="ED system", care_setting=CareSetting.EMERGENCY_DEPARTMENT
    )[1]


def keyed(key: str) -> Client:
    """A case system: a key, no cookies, and CSRF enforced as for any real client."""
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})


def send_csv(client: Client, data: bytes, sequence: Any = 1, **extra: Any):
    return client.post(
        f"{UPLOADS}?sequence={sequence}", data=data, content_type="text/csv", **extra
    )


FILE = csv_bytes(line(CHILD), line(CHILD, plan="LAC", start="2025-02-01"))


# --- Uploads ------------------------------------------------------------------------------------


def test_case_system_uploads_csv_body(la_key: str, organisation: Organisation) -> None:
    response = send_csv(keyed(la_key), FILE, sequence=7)
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "sequence": 7,
        "result": "all_loaded",
        "message": "",
        "lines_total": 2,
        "lines_applied": 2,
        "lines_refused": 0,
        "lines": [
            {"line": 2, "result": "loaded", "field": "", "message": ""},
            {"line": 3, "result": "loaded", "field": "", "message": ""},
        ],
        "resent": False,
    }
    subject = Subject.objects.get(identifier=CHILD)
    assert subject.responsible_authority == organisation
    assert Plan.objects.filter(subject=subject).count() == 2
    entry = AuditEntry.objects.get(action="flags.upload.applied")
    assert entry.actor_ref.startswith("client:")


def test_flag_manager_uploads_a_file_field(signed_in, manager: User) -> None:
    upload = SimpleUploadedFile("flags.csv", FILE, content_type="text/csv")
    response = signed_in(manager).post(f"{UPLOADS}?sequence=1", {"file": upload})
    assert response.status_code == 201, response.content
    assert response.json()["lines_applied"] == 2
    assert AuditEntry.objects.get(action="flags.upload.applied").actor_ref == str(manager.reference)


def test_resent_sequence_answers_the_earlier_upload_and_applies_nothing(la_key: str) -> None:
    first = send_csv(keyed(la_key), FILE, sequence=3)
    assert first.status_code == 201
    again = send_csv(keyed(la_key), csv_bytes(line(SISTER)), sequence=3)
    assert again.status_code == 200
    body = again.json()
    assert body["resent"] is True
    assert {k: v for k, v in body.items() if k != "resent"} == {
        k: v for k, v in first.json().items() if k != "resent"
    }
    assert not Subject.objects.filter(identifier=SISTER).exists()
    assert Upload.objects.count() == 1


def test_refused_lines_are_reported_without_the_full_number(la_key: str) -> None:
    response = send_csv(keyed(la_key), csv_bytes(line(CHILD), line(BAD_CHECK)))
    assert response.status_code == 201
    body = response.json()
    assert body["result"] == FileResult.PARTLY_LOADED
    assert (body["lines_applied"], body["lines_refused"]) == (1, 1)
    refused = body["lines"][1]
    assert refused["line"] == 3
    assert refused["result"] == LineResult.IDENTIFIER_CHECKSUM_WRONG
    assert refused["field"] == "identifier"
    assert BAD_CHECK not in response.content.decode()


def test_malformed_file_is_recorded_and_changes_nothing(la_key: str) -> None:
    response = send_csv(keyed(la_key), b"name,age\nAda,9\n", sequence=2)
    assert response.status_code == 201
    body = response.json()
    assert body["result"] == FileResult.MALFORMED
    assert body["message"]
    assert body["lines"] == []
    assert not Subject.objects.exists()


@pytest.mark.parametrize("sequence", ["0", "-1", "abc", "2147483648", ""])
def test_bad_sequence_is_422(la_key: str, sequence: str) -> None:
    body = problem_of(send_csv(keyed(la_key), FILE, sequence=sequence), 422)
    assert body["errors"][0]["field"].endswith("sequence")
    assert not Upload.objects.exists()


def test_missing_sequence_is_422(la_key: str) -> None:
    response = keyed(la_key).post(UPLOADS, data=FILE, content_type="text/csv")
    problem_of(response, 422)


def test_wrong_content_type_is_415(la_key: str) -> None:
    response = keyed(la_key).post(
        f"{UPLOADS}?sequence=1", data={"rows": []}, content_type="application/json"
    )
    problem_of(response, 415)
    assert not Upload.objects.exists()


def test_empty_file_is_400_and_keeps_the_sequence_number_free(la_key: str) -> None:
    # The test client drops the content type of an empty body; a real client sends it.
    empty = keyed(la_key).generic("POST", f"{UPLOADS}?sequence=1", b"", CONTENT_TYPE="text/csv")
    problem_of(empty, 400)
    form = keyed(la_key).post(f"{UPLOADS}?sequence=1", {"other": "x"})  # no file field
    problem_of(form, 400)
    empty_file = SimpleUploadedFile("flags.csv", b"", content_type="text/csv")
    problem_of(keyed(la_key).post(f"{UPLOADS}?sequence=1", {"file": empty_file}), 400)
    assert not Upload.objects.exists()
    assert send_csv(keyed(la_key), FILE, sequence=1).status_code == 201


def test_upload_result_can_be_read_back(la_key: str, signed_in, manager: User) -> None:
    send_csv(keyed(la_key), FILE, sequence=5)
    for client in (keyed(la_key), signed_in(manager)):
        response = client.get(f"{UPLOADS}/5")
        assert response.status_code == 200
        body = response.json()
        assert (body["sequence"], body["lines_total"], body["resent"]) == (5, 2, False)
        assert [line["result"] for line in body["lines"]] == ["loaded", "loaded"]
    problem_of(keyed(la_key).get(f"{UPLOADS}/6"), 404)


def test_another_authoritys_upload_is_404(
    la_key: str, outsider_key: str, signed_in, outsider: User
) -> None:
    send_csv(keyed(la_key), FILE, sequence=5)
    problem_of(keyed(outsider_key).get(f"{UPLOADS}/5"), 404)
    problem_of(signed_in(outsider).get(f"{UPLOADS}/5"), 404)


def test_outsider_upload_with_the_same_sequence_is_their_own(
    la_key: str, outsider_key: str, other_organisation: Organisation
) -> None:
    send_csv(keyed(la_key), FILE, sequence=5)
    response = send_csv(keyed(outsider_key), csv_bytes(line(SISTER)), sequence=5)
    assert response.status_code == 201
    assert response.json()["resent"] is False
    assert Subject.objects.get(identifier=SISTER).responsible_authority == other_organisation


def test_health_system_may_not_upload(nhs_key: str) -> None:
    problem_of(send_csv(keyed(nhs_key), FILE), 403)
    problem_of(keyed(nhs_key).get(f"{UPLOADS}/1"), 403)
    assert not Upload.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.PRACTITIONER, Role.ADMINISTRATOR, Role.HEALTH_UNSCHEDULED, Role.ANALYST]
)
def test_other_roles_may_not_use_the_flags_api(
    signed_in, make_user: Callable[..., User], role: str
) -> None:
    client = signed_in(make_user(role))
    problem_of(send_csv(client, FILE), 403)
    problem_of(client.get(f"{UPLOADS}/1"), 403)
    problem_of(client.get(NOTIFICATIONS), 403)
    assert not Upload.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer cnd_00000000_not-a-real-key-at-all"},
        {"Authorization": "Bearer"},
    ],
)
def test_no_or_unknown_credentials_are_401(headers: dict[str, str]) -> None:
    client = Client(enforce_csrf_checks=True, headers=headers)
    problem_of(send_csv(client, FILE), 401)
    problem_of(client.get(NOTIFICATIONS), 401)


def test_revoked_key_is_401(make_user: Callable[..., User]) -> None:
    admin = make_user(Role.ADMINISTRATOR)
    client, key = clients_service.issue_client(user=admin, name="Case system", care_setting="")
    clients_service.revoke_client(user=admin, client=client)
    problem_of(send_csv(keyed(key), FILE), 401)


def test_session_post_needs_csrf_but_a_key_does_not(signed_in, manager: User, la_key: str) -> None:
    browser = signed_in(manager)
    browser.handler.enforce_csrf_checks = True
    problem_of(send_csv(browser, FILE), 403)
    assert not Upload.objects.exists()
    assert send_csv(keyed(la_key), FILE).status_code == 201


# --- Notifications --------------------------------------------------------------------------------


@pytest.fixture
def notification(
    manager: User, organisation: Organisation, ed_client: SystemClient
) -> Notification:
    """An emergency department's system looked CHILD up: the authority is told."""
    upload_service.apply_upload(user=manager, organisation=organisation, sequence=1, data=FILE)
    lookups_service.look_up(
        principal=lookups_service.Principal.for_client(ed_client, "Dr Nia Evans"),
        identifier=parse(CHILD),
        care_setting="",
    )
    return Notification.objects.get()


def test_notifications_list_what_the_authority_needs(
    notification: Notification, la_key: str, nhs_organisation: Organisation
) -> None:
    response = keyed(la_key).get(NOTIFICATIONS)
    assert response.status_code == 200
    (item,) = response.json()
    assert item["reference"] == str(notification.reference)
    assert item["acknowledged_at"] is None
    assert item["escalated_at"] is None
    assert item["created_at"]
    assert item["subject"] == {"identifier_system": "nhs", "identifier": CHILD}
    access = item["access"]
    assert access["care_setting"] == CareSetting.EMERGENCY_DEPARTMENT
    assert access["person"] == "Dr Nia Evans"
    assert access["role"] == "System: ED system"
    assert access["organisation"] == nhs_organisation.name
    assert access["organisation_ods_code"] == "XNH01"
    assert access["at"]


def test_notifications_filter_by_status_and_list_unacknowledged_first(
    notification: Notification, ed_client: SystemClient, signed_in, manager: User
) -> None:
    lookups_service.look_up(
        principal=lookups_service.Principal.for_client(ed_client, "Dr Ben Okafor"),
        identifier=parse(CHILD),
        care_setting="",
    )
    newer = Notification.objects.exclude(pk=notification.pk).get()
    client = signed_in(manager)
    listed = [item["reference"] for item in client.get(NOTIFICATIONS).json()]
    assert listed == [str(newer.reference), str(notification.reference)]

    notifications_service.acknowledge(user=manager, notification=newer)
    listed = [item["reference"] for item in client.get(NOTIFICATIONS).json()]
    assert listed == [str(notification.reference), str(newer.reference)]
    unacknowledged = client.get(NOTIFICATIONS, {"status": "unacknowledged"}).json()
    assert [item["reference"] for item in unacknowledged] == [str(notification.reference)]
    acknowledged = client.get(NOTIFICATIONS, {"status": "acknowledged"}).json()
    assert [item["reference"] for item in acknowledged] == [str(newer.reference)]
    assert acknowledged[0]["acknowledged_at"] is not None
    page = client.get(NOTIFICATIONS, {"limit": 1, "offset": 1}).json()
    assert [item["reference"] for item in page] == [str(newer.reference)]
    problem_of(client.get(NOTIFICATIONS, {"status": "unread"}), 422)
    problem_of(client.get(NOTIFICATIONS, {"limit": 0}), 422)


def test_one_notification_by_reference(notification: Notification, la_key: str) -> None:
    response = keyed(la_key).get(f"{NOTIFICATIONS}/{notification.reference}")
    assert response.status_code == 200
    assert response.json()["reference"] == str(notification.reference)
    problem_of(keyed(la_key).get(f"{NOTIFICATIONS}/{uuid4()}"), 404)
    problem_of(keyed(la_key).get(f"{NOTIFICATIONS}/not-a-uuid"), 422)


def test_another_authoritys_notifications_are_hidden(
    notification: Notification, outsider_key: str, signed_in, outsider: User
) -> None:
    for client in (keyed(outsider_key), signed_in(outsider)):
        assert client.get(NOTIFICATIONS).json() == []
        problem_of(client.get(f"{NOTIFICATIONS}/{notification.reference}"), 404)
        problem_of(client.post(f"{NOTIFICATIONS}/{notification.reference}/acknowledge"), 404)
    notification.refresh_from_db()
    assert notification.acknowledged_at is None


def test_health_system_may_not_read_notifications(notification: Notification, nhs_key: str) -> None:
    problem_of(keyed(nhs_key).get(NOTIFICATIONS), 403)
    problem_of(keyed(nhs_key).get(f"{NOTIFICATIONS}/{notification.reference}"), 403)


def test_flag_manager_acknowledges_once(
    notification: Notification, signed_in, manager: User
) -> None:
    client = signed_in(manager)
    url = f"{NOTIFICATIONS}/{notification.reference}/acknowledge"
    response = client.post(url)
    assert response.status_code == 200
    assert response.json() == {"acknowledged": True}
    notification.refresh_from_db()
    assert notification.acknowledged_by == manager
    assert client.post(url).json() == {"acknowledged": False}
    assert client.get(NOTIFICATIONS, {"status": "unacknowledged"}).json() == []


def test_a_system_may_not_acknowledge(notification: Notification, la_key: str) -> None:
    """Acknowledging stops the escalation to the duty team: a person has to have seen it."""
    url = f"{NOTIFICATIONS}/{notification.reference}/acknowledge"
    problem_of(keyed(la_key).post(url), 403)
    notification.refresh_from_db()
    assert notification.acknowledged_at is None


def test_openapi_documents_the_csv_body() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    upload = schema["paths"][UPLOADS]["post"]
    assert set(upload["requestBody"]["content"]) == {"text/csv", "multipart/form-data"}
    assert f"{NOTIFICATIONS}/{{reference}}/acknowledge" in schema["paths"]
