"""/api/v1/flags: uploads and notifications for a local authority's case system (key) or its
flag managers (session); problem+json errors; another authority's things answer 404."""

from __future__ import annotations

import json
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
from candour.notifications.services import run_due_jobs

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


def applied(client: Client, data: bytes, sequence: Any = 1):
    """Send a file and let the worker apply it, as it would within seconds."""
    response = send_csv(client, data, sequence=sequence)
    run_due_jobs()
    return response


def test_case_system_uploads_csv_body(la_key: str, organisation: Organisation) -> None:
    response = send_csv(keyed(la_key), FILE, sequence=7)
    assert response.status_code == 202, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Location"] == f"{UPLOADS}/7"
    assert response.json() == {
        "sequence": 7,
        "status": "received",
        "result": "",
        "message": "",
        "lines_total": 2,
        "lines_applied": 0,
        "lines_refused": 0,
        "counts": {},
        "lines_url": f"{UPLOADS}/7/lines",
        "resent": False,
    }
    assert not Subject.objects.exists()  # the worker applies it
    problem_of(keyed(la_key).get(f"{UPLOADS}/7/lines"), 409)

    run_due_jobs()
    body = keyed(la_key).get(response["Location"]).json()
    assert {k: body[k] for k in ("status", "result", "lines_applied", "counts")} == {
        "status": "applied",
        "result": "all_loaded",
        "lines_applied": 2,
        "counts": {"loaded": 2},
    }
    assert keyed(la_key).get(body["lines_url"]).json() == {
        "total": 2,
        "offset": 0,
        "limit": 100,
        "lines": [
            {"line": 2, "result": "loaded", "field": "", "message": ""},
            {"line": 3, "result": "loaded", "field": "", "message": ""},
        ],
    }
    subject = Subject.objects.get(identifier=CHILD)
    assert subject.responsible_authority == organisation
    assert Plan.objects.filter(subject=subject).count() == 2
    entry = AuditEntry.objects.get(action="flags.upload.received")
    assert entry.actor_ref.startswith("client:")
    assert AuditEntry.objects.filter(action="flags.upload.applied").count() == 1


def test_flag_manager_uploads_a_file_field(signed_in, manager: User) -> None:
    upload = SimpleUploadedFile("flags.csv", FILE, content_type="text/csv")
    response = signed_in(manager).post(f"{UPLOADS}?sequence=1", {"file": upload})
    assert response.status_code == 202, response.content
    assert response.json()["lines_total"] == 2
    assert AuditEntry.objects.get(action="flags.upload.received").actor_ref == str(
        manager.reference
    )


def test_resent_sequence_answers_the_earlier_upload_and_applies_nothing(la_key: str) -> None:
    first = applied(keyed(la_key), FILE, sequence=3)
    assert first.status_code == 202
    again = send_csv(keyed(la_key), csv_bytes(line(SISTER)), sequence=3)
    assert again.status_code == 200
    body = again.json()
    assert body["resent"] is True
    assert {k: v for k, v in body.items() if k != "resent"} == {
        k: v for k, v in keyed(la_key).get(f"{UPLOADS}/3").json().items() if k != "resent"
    }
    assert body["status"] == "applied"
    assert not Subject.objects.filter(identifier=SISTER).exists()
    assert Upload.objects.count() == 1


def test_refused_lines_are_reported_without_the_full_number(la_key: str) -> None:
    response = applied(keyed(la_key), csv_bytes(line(CHILD), line(BAD_CHECK)))
    assert response.status_code == 202
    body = keyed(la_key).get(f"{UPLOADS}/1").json()
    assert body["result"] == FileResult.PARTLY_LOADED
    assert (body["lines_applied"], body["lines_refused"]) == (1, 1)
    assert body["counts"] == {"loaded": 1, "identifier_checksum_wrong": 1}
    page = keyed(la_key).get(f"{UPLOADS}/1/lines?which=refused")
    (refused,) = page.json()["lines"]
    assert refused["line"] == 3
    assert refused["result"] == LineResult.IDENTIFIER_CHECKSUM_WRONG
    assert refused["field"] == "identifier"
    assert BAD_CHECK not in page.content.decode()


def test_malformed_file_is_422_recorded_and_leaves_the_sequence_free(la_key: str) -> None:
    body = problem_of(send_csv(keyed(la_key), b"name,age\nAda,9\n", sequence=2), 422)
    assert body["title"] == "The file cannot be read"
    assert "Line 1: the header is wrong" in body["detail"]
    assert "sequence number 2 is still free" in body["detail"]
    assert not Subject.objects.exists()
    # Recorded, so the authority can read why: until a file takes the number.
    shown = keyed(la_key).get(f"{UPLOADS}/2").json()
    assert (shown["status"], shown["result"]) == ("malformed", "malformed")
    assert keyed(la_key).get(f"{UPLOADS}/2/lines").json()["total"] == 0
    assert applied(keyed(la_key), FILE, sequence=2).status_code == 202
    assert keyed(la_key).get(f"{UPLOADS}/2").json()["result"] == "all_loaded"
    assert Subject.objects.filter(identifier=CHILD).exists()


def test_many_refused_lines_are_counted_and_read_a_page_at_a_time(la_key: str) -> None:
    """A file of thousands of refused lines was echoed in full (13 MB for 104,000 lines):
    the upload answers counts, and the lines come a bounded page at a time."""
    bad = [line(BAD_CHECK, plan=plan) for plan in ("CPP", "LAC", "UNBORN_CPP")]
    data = csv_bytes(*(bad + ["x,,,,,,,,"] * 1200))
    response = applied(keyed(la_key), data)
    assert len(response.content) < 1000
    body = keyed(la_key).get(f"{UPLOADS}/1").json()
    assert body["counts"] == {"identifier_checksum_wrong": 3, "missing_mandatory_field": 1200}
    assert body["lines_refused"] == 1203
    assert len(keyed(la_key).get(f"{UPLOADS}/1").content) < 1000
    page = keyed(la_key).get(f"{UPLOADS}/1/lines?which=refused&limit=1000&offset=1000").json()
    assert (page["total"], page["offset"], page["limit"]) == (1203, 1000, 1000)
    assert [ln["line"] for ln in page["lines"]] == list(range(1002, 1205))
    assert keyed(la_key).get(f"{UPLOADS}/1/lines?which=applied").json()["total"] == 0
    for query in ("limit=1001", "limit=0", "offset=-1", "offset=9223372036854775808"):
        problem_of(keyed(la_key).get(f"{UPLOADS}/1/lines?{query}"), 422)


def test_lines_of_another_authoritys_upload_are_404(la_key: str, outsider_key: str) -> None:
    applied(keyed(la_key), FILE, sequence=5)
    problem_of(keyed(outsider_key).get(f"{UPLOADS}/5/lines"), 404)


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
    assert send_csv(keyed(la_key), FILE, sequence=1).status_code == 202


def test_upload_result_can_be_read_back(la_key: str, signed_in, manager: User) -> None:
    applied(keyed(la_key), FILE, sequence=5)
    for client in (keyed(la_key), signed_in(manager)):
        response = client.get(f"{UPLOADS}/5")
        assert response.status_code == 200
        body = response.json()
        assert (body["sequence"], body["lines_total"], body["resent"]) == (5, 2, False)
        lines = client.get(body["lines_url"]).json()["lines"]
        assert [line["result"] for line in lines] == ["loaded", "loaded"]
    problem_of(keyed(la_key).get(f"{UPLOADS}/6"), 404)
    problem_of(keyed(la_key).get(f"{UPLOADS}/6/lines"), 404)


def test_another_authoritys_upload_is_404(
    la_key: str, outsider_key: str, signed_in, outsider: User
) -> None:
    send_csv(keyed(la_key), FILE, sequence=5)
    problem_of(keyed(outsider_key).get(f"{UPLOADS}/5"), 404)
    problem_of(signed_in(outsider).get(f"{UPLOADS}/5"), 404)


def test_outsider_upload_with_the_same_sequence_is_their_own(
    la_key: str, outsider_key: str, other_organisation: Organisation
) -> None:
    applied(keyed(la_key), FILE, sequence=5)
    response = applied(keyed(outsider_key), csv_bytes(line(SISTER)), sequence=5)
    assert response.status_code == 202
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
    assert send_csv(keyed(la_key), FILE).status_code == 202


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


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=9223372036854775808", "offset"),  # past a 64-bit OFFSET: was a 500
        ("offset=18446744073709551616", "offset"),
        ("offset=1000001", "offset"),
        ("offset=-1", "offset"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=9223372036854775808", "limit"),
        ("status=%00", "status"),
    ],
)
def test_out_of_range_paging_is_422_naming_the_parameter(
    notification: Notification, la_key: str, query: str, field: str
) -> None:
    body = problem_of(keyed(la_key).get(f"{NOTIFICATIONS}?{query}"), 422)
    assert [error["field"] for error in body["errors"]] == [field]


def test_the_last_offset_allowed_is_an_empty_page(notification: Notification, la_key: str) -> None:
    response = keyed(la_key).get(f"{NOTIFICATIONS}?offset=1000000&limit=500")
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("sequence", ["0", "2147483648", "9223372036854775808"])
def test_an_upload_sequence_out_of_range_is_422(la_key: str, sequence: str) -> None:
    problem_of(keyed(la_key).get(f"{UPLOADS}/{sequence}"), 422)


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


def test_openapi_lists_each_status_once_and_every_error_as_problem_json() -> None:
    # Ninja keys responses by int and the problem documenter by str: once serialised both
    # became "400", a duplicate key that JSON parsers silently collapse.
    raw = Client().get("/api/v1/openapi.json").content.decode()
    pairs: list[list[tuple[str, object]]] = []
    json.loads(raw, object_pairs_hook=lambda items: pairs.append(items) or dict(items))
    for items in pairs:
        keys = [key for key, _ in items]
        assert len(keys) == len(set(keys)), keys
    schema = json.loads(raw)
    upload = schema["paths"][UPLOADS]["post"]["responses"]
    for status in ("400", "401", "413"):
        assert upload[status]["content"]["application/problem+json"]
