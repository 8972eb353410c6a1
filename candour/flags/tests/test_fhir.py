"""The FHIR R4 API: every answer is valid FHIR (checked with fhir.resources' R4B models, R4B
being R4 with corrections), hits notify only from unscheduled care, and every refusal is an
OperationOutcome."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.auditevent import AuditEvent
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization

from candour.accounts.models import Organisation, Role, User
from candour.audit.models import AuditEntry
from candour.flags.identifiers import check_digit, parse
from candour.flags.models import (
    AbuseAlert,
    Access,
    AlertKind,
    CareSetting,
    LocalAuthorityContact,
    Notification,
    Plan,
    PlanType,
    Subject,
    SystemClient,
)
from candour.flags.services import clients as clients_service
from candour.flags.services import lookups as lookups_service
from conftest import UK_JUST_PAST_MIDNIGHT

# Plans are active up to today, and lookups count against hourly limits: freeze the clock.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clock,
    pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT),
]

NHS_URI = "https://fhir.nhs.uk/Id/nhs-number"
CHI_URI = "https://fhir.nhs.uk/Id/chi-number"
CHILD = "4000000004"
NOT_HELD = "4000000039"
BAD_CHECK = "4000000005"
PERSON = "Dr Nia Evans"
FHIR_JSON = "application/fhir+json"
SPINE = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode"


def chi_number(first_nine: str = "010115123") -> str:
    digit = check_digit(first_nine)
    assert digit is not None
    return first_nine + str(digit)


@pytest.fixture
def nhs_admin(make_user: Callable[..., User], nhs_organisation: Organisation) -> User:
    return make_user(Role.ADMINISTRATOR, organisation=nhs_organisation)


@pytest.fixture
def issue(nhs_admin: User) -> Callable[..., tuple[SystemClient, str]]:
    def make(setting: str = CareSetting.EMERGENCY_DEPARTMENT, **limits: int):
        return clients_service.issue_client(
            user=nhs_admin, name=f"{setting} system", care_setting=setting, **limits
        )

    return make


@pytest.fixture
def ed_key(issue) -> str:
    """An emergency department's system: unscheduled care, so its hits notify."""
    return issue()[1]


@pytest.fixture
def gp_key(issue) -> str:
    """A GP practice's system: scheduled care, so it reads silently."""
    return issue(CareSetting.GP_IN_HOURS)[1]


@pytest.fixture
def contact(organisation: Organisation) -> LocalAuthorityContact:
    return LocalAuthorityContact.objects.create(
        organisation=organisation,
        display_name="Northbrook Children's Services",
        office_hours_phone="01632 960001",
        emergency_duty_phone="01632 960999",
    )


def make_subject(
    organisation: Organisation, identifier: str = CHILD, system: str = "nhs"
) -> Subject:
    today = timezone.localdate()
    return Subject.objects.create(
        identifier_system=system,
        identifier=identifier,
        family_name="Smith",
        given_name="Ada",
        date_of_birth=date(2015, 3, 1),
        responsible_authority=organisation,
        created_on=today,
        updated_on=today,
    )


@pytest.fixture
def flagged(organisation: Organisation, contact: LocalAuthorityContact) -> Subject:
    subject = make_subject(organisation)
    Plan.objects.create(subject=subject, plan_type=PlanType.CPP, start_date=date(2025, 1, 10))
    return subject


def get(path: str, key: str | None = None, person: str | None = PERSON, **params: Any):
    headers = {}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    if person is not None:
        headers["X-Responsible-Person"] = person
    return Client().get(path, params, headers=headers)


def search(key: str | None, number: str = CHILD, uri: str = NHS_URI, **kwargs: Any):
    return get("/fhir/Flag", key, identifier=f"{uri}|{number}", **kwargs)


def bundle_of(response) -> tuple[Bundle, dict[str, Any]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == FHIR_JSON
    body = response.json()
    bundle = Bundle.model_validate(body)
    assert bundle.type == "searchset"
    return bundle, body


def outcome_of(response, status: int, code: str, spine: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == FHIR_JSON
    body = response.json()
    OperationOutcome.model_validate(body)
    (issue,) = body["issue"]
    assert issue["severity"] == "error"
    assert issue["code"] == code
    assert issue["details"]["text"]
    if spine is not None:
        (coding,) = issue["details"]["coding"]
        assert (coding["system"], coding["code"]) == (SPINE, spine)
    return issue


def entries(body: dict[str, Any], resource_type: str, mode: str) -> list[dict[str, Any]]:
    found = [
        entry
        for entry in body.get("entry", [])
        if entry["resource"]["resourceType"] == resource_type
    ]
    assert all(entry["search"]["mode"] == mode for entry in found)
    return [entry["resource"] for entry in found]


# --- Flag: hits and misses --------------------------------------------------------------------


@pytest.mark.parametrize(
    "plans",
    [
        [PlanType.CPP],
        [PlanType.CPP, PlanType.LAC],
        [PlanType.CPP, PlanType.LAC, PlanType.UNBORN_CPP],
    ],
)
def test_hit_answers_a_flag_per_plan_and_the_authority_to_call(
    organisation: Organisation, contact: LocalAuthorityContact, ed_key: str, plans: list[str]
) -> None:
    subject = make_subject(organisation)
    codes = {
        PlanType.CPP: "342191000000101",
        PlanType.LAC: "764841000000100",
        PlanType.UNBORN_CPP: "818901000000100",
    }
    for number, plan_type in enumerate(plans):
        Plan.objects.create(
            subject=subject, plan_type=plan_type, start_date=date(2025, 1, 10 + number)
        )

    bundle, body = bundle_of(search(ed_key))

    assert bundle.total == len(plans)
    flags = entries(body, "Flag", "match")
    (authority,) = entries(body, "Organization", "include")
    assert len(flags) == len(plans)
    for flag in flags:
        Flag.model_validate(flag)
    by_code = {flag["code"]["coding"][0]["code"]: flag for flag in flags}
    assert set(by_code) == {codes[plan] for plan in plans}
    for number, plan_type in enumerate(plans):
        flag = by_code[codes[plan_type]]
        assert flag["code"]["coding"][0]["system"] == "http://snomed.info/sct"
        assert flag["code"]["coding"][0]["display"] == PlanType(plan_type).label
        assert flag["status"] == "active"
        assert flag["period"] == {"start": f"2025-01-{10 + number}"}
        assert flag["category"][0]["coding"][0] == {
            "system": "https://fhir.nhs.uk/England/CodeSystem/England-FlagCategoryPatient",
            "code": "child-protection-information-system-flag",
        }
        assert flag["subject"] == {"identifier": {"system": NHS_URI, "value": CHILD}}
        assert flag["author"]["reference"] == f"Organization/{authority['id']}"
    Organization.model_validate(authority)
    assert authority["identifier"] == [
        {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "XLA01"}
    ]
    assert authority["name"] == "Northbrook Children's Services"
    phones = {(t["system"], t["use"]): t["value"] for t in authority["telecom"]}
    assert phones == {("phone", "mobile"): "01632 960999", ("phone", "work"): "01632 960001"}
    # Each entry's fullUrl ends with its resource's id, so Flag.author resolves in the bundle.
    for entry in body["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"].endswith(f"/fhir/{resource['resourceType']}/{resource['id']}")
    assert body["link"][0]["relation"] == "self"


def test_flag_ids_are_stable_for_a_plan_and_reveal_no_database_key(
    flagged: Subject, ed_key: str
) -> None:
    first = entries(bundle_of(search(ed_key))[1], "Flag", "match")[0]["id"]
    again = entries(bundle_of(search(ed_key))[1], "Flag", "match")[0]["id"]
    assert first == again
    assert str(flagged.pk) not in first.split("-")


def test_ended_plan_is_inactive_with_its_end_date(
    flagged: Subject, ed_key: str, organisation: Organisation
) -> None:
    ended = timezone.localdate() - timedelta(days=1)
    Plan.objects.filter(subject=flagged).update(start_date=date(2024, 5, 1), end_date=ended)
    Plan.objects.create(
        subject=flagged,
        plan_type=PlanType.LAC,
        start_date=date(2024, 5, 1),
        end_date=timezone.localdate(),
    )
    _, body = bundle_of(search(ed_key))
    statuses = {
        flag["code"]["coding"][0]["code"]: (flag["status"], flag["period"])
        for flag in entries(body, "Flag", "match")
    }
    assert statuses == {
        "342191000000101": ("inactive", {"start": "2024-05-01", "end": ended.isoformat()}),
        # Ending today is still in force today.
        "764841000000100": (
            "active",
            {"start": "2024-05-01", "end": timezone.localdate().isoformat()},
        ),
    }


def test_miss_is_an_empty_searchset_not_an_error(flagged: Subject, ed_key: str) -> None:
    bundle, body = bundle_of(search(ed_key, NOT_HELD))
    assert bundle.total == 0
    assert "entry" not in body
    assert not Access.objects.exists()


def test_authority_without_contact_details_is_still_named(
    organisation: Organisation, ed_key: str
) -> None:
    subject = make_subject(organisation)
    Plan.objects.create(subject=subject, plan_type=PlanType.LAC, start_date=date(2025, 1, 10))
    _, body = bundle_of(search(ed_key))
    (authority,) = entries(body, "Organization", "include")
    assert authority["name"] == organisation.name
    assert "telecom" not in authority


def test_chi_number_is_searched_under_the_chi_system(
    organisation: Organisation, contact: LocalAuthorityContact, ed_key: str
) -> None:
    number = chi_number()
    subject = make_subject(organisation, number, system="chi")
    Plan.objects.create(subject=subject, plan_type=PlanType.CPP, start_date=date(2025, 1, 10))
    bundle, body = bundle_of(search(ed_key, number, CHI_URI))
    assert bundle.total == 1
    flag = entries(body, "Flag", "match")[0]
    assert flag["subject"]["identifier"] == {"system": CHI_URI, "value": number}


def test_unscheduled_system_hit_notifies_and_records_the_responsible_person(
    flagged: Subject, ed_key: str, organisation: Organisation, nhs_organisation: Organisation
) -> None:
    bundle_of(search(ed_key))
    access = Access.objects.get()
    assert access.person_name == PERSON
    assert access.role_label == "System: emergency_department system"
    assert access.organisation == nhs_organisation
    assert access.care_setting == CareSetting.EMERGENCY_DEPARTMENT
    notification = Notification.objects.get()
    assert notification.access == access
    assert notification.authority == organisation


def test_scheduled_system_hit_reads_silently(flagged: Subject, gp_key: str) -> None:
    bundle, _ = bundle_of(search(gp_key))
    assert bundle.total == 1
    assert Access.objects.get().care_setting == CareSetting.GP_IN_HOURS
    assert not Notification.objects.exists()


def test_a_hit_adds_one_query_to_the_lookup_service(
    flagged: Subject, issue, nhs_organisation: Organisation
) -> None:
    """The hot path: finding the key is the only query besides the lookup itself."""
    client, key = issue()
    identifier = parse(CHILD)
    principal = lookups_service.Principal.for_client(client, PERSON)
    lookups_service.look_up(
        principal=principal, identifier=identifier, care_setting="", with_history=False
    )
    with CaptureQueriesContext(connection) as service:
        lookups_service.look_up(
            principal=principal, identifier=identifier, care_setting="", with_history=False
        )
    with CaptureQueriesContext(connection) as view:
        bundle_of(search(key))
    assert len(view.captured_queries) == len(service.captured_queries) + 1


# --- AuditEvent: the access history -----------------------------------------------------------


def test_audit_events_show_earlier_accesses_newest_first(
    flagged: Subject, ed_key: str, gp_key: str, nhs_organisation: Organisation
) -> None:
    bundle_of(search(ed_key, person="Dr Nia Evans"))
    bundle_of(search(gp_key, person="Jo Clarke"))

    response = get(
        "/fhir/AuditEvent",
        ed_key,
        person="Sam Jones",
        **{"entity-identifier": f"{NHS_URI}|{CHILD}"},
    )
    bundle, body = bundle_of(response)

    assert bundle.total == 2
    events = entries(body, "AuditEvent", "match")
    for event in events:
        AuditEvent.model_validate(event)
    assert [event["agent"][0]["who"]["display"] for event in events] == ["Jo Clarke", PERSON]
    latest, earlier = events
    assert latest["agent"][0]["requestor"] is True
    assert latest["agent"][0]["role"] == [{"text": "System: gp_in_hours system"}]
    assert latest["agent"][1]["who"] == {
        "display": nhs_organisation.name,
        "identifier": {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "XNH01"},
    }
    assert latest["purposeOfEvent"][0]["coding"][0]["code"] == "TREAT"
    assert earlier["purposeOfEvent"][0]["coding"][0]["code"] == "ETREAT"
    assert earlier["purposeOfEvent"][0]["text"] == "Emergency department"
    assert latest["entity"] == [{"what": {"identifier": {"system": NHS_URI, "value": CHILD}}}]
    assert (latest["type"]["code"], latest["action"], latest["outcome"]) == ("rest", "R", "0")
    recorded = bundle.entry[0].resource.recorded
    assert recorded.tzinfo is not None
    assert latest["id"] == str(Access.objects.order_by("-accessed_at", "-pk").first().reference)
    # Reading the history shows no flag, so it is not itself an access and notifies nobody.
    assert Access.objects.count() == 2
    assert Notification.objects.count() == 1
    assert AuditEntry.objects.filter(action="flags.history.viewed").count() == 1


def test_audit_events_for_an_unknown_child_are_an_empty_searchset(ed_key: str) -> None:
    response = get("/fhir/AuditEvent", ed_key, **{"entity-identifier": f"{NHS_URI}|{NOT_HELD}"})
    bundle, body = bundle_of(response)
    assert bundle.total == 0
    assert "entry" not in body


def test_audit_events_need_the_same_credentials(flagged: Subject, ed_key: str) -> None:
    params = {"entity-identifier": f"{NHS_URI}|{CHILD}"}
    outcome_of(get("/fhir/AuditEvent", None, **params), 401, "login")
    outcome_of(get("/fhir/AuditEvent", ed_key, person=None, **params), 400, "required")
    outcome_of(
        get("/fhir/AuditEvent", ed_key, **{"entity-identifier": f"{NHS_URI}|{BAD_CHECK}"}),
        400,
        "invalid",
        "INVALID_SEARCH_DATA",
    )


# --- CapabilityStatement ----------------------------------------------------------------------


def test_capability_statement_is_public_and_valid() -> None:
    response = Client().get("/fhir/metadata")
    assert response.status_code == 200
    assert response["Content-Type"] == FHIR_JSON
    statement = CapabilityStatement.model_validate(response.json())
    assert statement.fhirVersion == "4.0.1"
    assert statement.kind == "instance"
    assert statement.status == "active"
    resources = {r.type: [p.name for p in r.searchParam] for r in statement.rest[0].resource}
    assert resources == {"Flag": ["identifier"], "AuditEvent": ["entity-identifier"]}


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer ", "Bearer cnd_00000000_not-a-real-key-at-all", "Basic dXNlcjpwYXNz"],
)
def test_missing_or_unknown_key_is_401(flagged: Subject, authorization: str | None) -> None:
    headers = {"X-Responsible-Person": PERSON}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = Client().get("/fhir/Flag", {"identifier": f"{NHS_URI}|{CHILD}"}, headers=headers)
    outcome_of(response, 401, "login", "UNAUTHORIZED")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Access.objects.exists()


def test_revoked_key_is_401(flagged: Subject, issue, nhs_admin: User) -> None:
    client, key = issue()
    bundle_of(search(key))
    clients_service.revoke_client(user=nhs_admin, client=client)
    outcome_of(search(key), 401, "login")
    assert Access.objects.count() == 1


# A control character in the name is "invalid", not missing: test_fhir_http.py.
@pytest.mark.parametrize("person", [None, "", "   ", "x" * 201])
def test_responsible_person_is_required(flagged: Subject, ed_key: str, person: str | None) -> None:
    outcome_of(search(ed_key, person=person), 400, "required", "PRECONDITION_FAILED")
    assert not Access.objects.exists()


def test_responsible_person_of_200_characters_is_accepted(flagged: Subject, ed_key: str) -> None:
    bundle_of(search(ed_key, person="x" * 200))
    assert Access.objects.get().person_name == "x" * 200


def test_responsible_person_sent_as_utf8_is_read_as_utf8(flagged: Subject, ed_key: str) -> None:
    # WSGI passes header bytes as Latin-1, as the test client's headers are passed.
    bundle_of(search(ed_key, person="Dr Siân Prydderch".encode().decode("latin-1")))
    assert Access.objects.get().person_name == "Dr Siân Prydderch"


def test_bad_check_digit_is_400_without_repeating_the_number(ed_key: str) -> None:
    issue = outcome_of(search(ed_key, BAD_CHECK), 400, "invalid", "INVALID_SEARCH_DATA")
    assert "check digit" in issue["details"]["text"]
    assert BAD_CHECK not in issue["details"]["text"]


@pytest.mark.parametrize(
    "identifier",
    [
        f"https://fhir.nhs.uk/Id/not-a-system|{CHILD}",
        f"http://fhir.nhs.uk/Id/nhs-number|{CHILD}",
        CHILD,
        f"|{CHILD}",
        f"{NHS_URI}|",
        f"{CHI_URI}|{CHILD}",  # an NHS number under the CHI system
        f"{NHS_URI}|9434765919",  # the published test number: never issued
    ],
)
def test_wrong_system_or_value_is_400(flagged: Subject, ed_key: str, identifier: str) -> None:
    response = get("/fhir/Flag", ed_key, identifier=identifier)
    outcome_of(response, 400, "invalid", "INVALID_SEARCH_DATA")
    assert not Access.objects.exists()


def test_test_numbers_are_searchable_where_the_deployment_allows_them(
    ed_key: str, settings
) -> None:
    outcome_of(search(ed_key, "9434765919"), 400, "invalid", "INVALID_SEARCH_DATA")
    settings.CANDOUR_FLAGS_ACCEPT_TEST_NUMBERS = True
    assert bundle_of(search(ed_key, "9434765919"))[0].total == 0


def test_missing_or_repeated_identifier_is_400(ed_key: str) -> None:
    outcome_of(get("/fhir/Flag", ed_key), 400, "required", "INVALID_SEARCH_DATA")
    repeated = Client().get(
        f"/fhir/Flag?identifier={NHS_URI}|{CHILD}&identifier={NHS_URI}|{NOT_HELD}",
        headers={"Authorization": f"Bearer {ed_key}", "X-Responsible-Person": PERSON},
    )
    outcome_of(repeated, 400, "invalid", "INVALID_SEARCH_DATA")


def test_rate_limited_system_is_429_and_alerts_its_administrators(
    flagged: Subject, issue, nhs_organisation: Organisation
) -> None:
    client, key = issue(hourly_limit=1)
    bundle_of(search(key))
    response = search(key)
    outcome_of(response, 429, "throttled")
    # From 23:30 UTC, two lookups against a limit of one an hour: the next is counted in once
    # the sliding hour holds less than one, half-way through the next hour.
    assert 3590 <= int(response["Retry-After"]) <= 3600
    alert = AbuseAlert.objects.get()
    assert alert.kind == AlertKind.RATE_LIMIT
    assert alert.organisation == nhs_organisation
    assert alert.principal == f"client:{client.pk}"
    assert Access.objects.count() == 1
    # The history is limited by the same counter.
    history = get("/fhir/AuditEvent", key, **{"entity-identifier": f"{NHS_URI}|{CHILD}"})
    outcome_of(history, 429, "throttled")


def test_local_authority_system_may_not_look_up(
    flagged: Subject, make_user: Callable[..., User]
) -> None:
    la_admin = make_user(Role.ADMINISTRATOR)
    _, key = clients_service.issue_client(user=la_admin, name="Case system", care_setting="")
    outcome_of(search(key), 403, "forbidden", "ACCESS_DENIED")
    history = get("/fhir/AuditEvent", key, **{"entity-identifier": f"{NHS_URI}|{CHILD}"})
    outcome_of(history, 403, "forbidden")
    assert not Access.objects.exists()


def test_signed_in_session_is_not_a_key(
    flagged: Subject, signed_in, make_user: Callable[..., User], nhs_organisation: Organisation
) -> None:
    clinician = make_user(Role.HEALTH_UNSCHEDULED, organisation=nhs_organisation)
    response = signed_in(clinician).get(
        "/fhir/Flag", {"identifier": f"{NHS_URI}|{CHILD}"}, headers={"X-Responsible-Person": "Me"}
    )
    outcome_of(response, 401, "login")


def test_unknown_path_and_wrong_method_are_operation_outcomes(ed_key: str) -> None:
    outcome_of(Client().get("/fhir/Patient"), 404, "not-found")
    response = Client().post(
        "/fhir/Flag",
        {"identifier": f"{NHS_URI}|{CHILD}"},
        headers={"Authorization": f"Bearer {ed_key}"},
    )
    outcome_of(response, 405, "not-supported")
    assert "GET" in response["Allow"]
    outcome_of(Client().delete("/fhir/metadata"), 405, "not-supported")
