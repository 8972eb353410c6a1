"""The FHIR endpoints answer HTTP as a FHIR server does: GET, and HEAD as GET without a body;
any other method a 405 OperationOutcome with `Allow` (never a CSRF 403: no FHIR call is
authenticated by a cookie); JSON only, as the CapabilityStatement declares, so `_format` or
`Accept` asking for anything else is a 406 before anything is looked up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.operationoutcome import OperationOutcome

from candour.accounts.models import Organisation, Role, User
from candour.flags.models import Access, CareSetting, Plan, PlanType, Subject
from candour.flags.services import clients as clients_service
from conftest import UK_JUST_PAST_MIDNIGHT

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clock,
    pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT),
]

CHILD = "4000000004"
IDENTIFIER = f"https://fhir.nhs.uk/Id/nhs-number|{CHILD}"
FHIR_JSON = "application/fhir+json"
ENDPOINTS = ["/fhir/metadata", "/fhir/Flag", "/fhir/AuditEvent"]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def ed_key(make_user: Callable[..., User], nhs_organisation: Organisation) -> str:
    admin = make_user(Role.ADMINISTRATOR, organisation=nhs_organisation)
    return clients_service.issue_client(
        user=admin, name="ED system", care_setting=CareSetting.EMERGENCY_DEPARTMENT
    )[1]


@pytest.fixture
def flagged(organisation: Organisation) -> Subject:
    today = timezone.localdate()
    subject = Subject.objects.create(
        identifier_system="nhs",
        identifier=CHILD,
        family_name="Smith",
        given_name="Ada",
        date_of_birth=date(2015, 3, 1),
        responsible_authority=organisation,
        created_on=today,
        updated_on=today,
    )
    Plan.objects.create(subject=subject, plan_type=PlanType.CPP, start_date=date(2025, 1, 10))
    return subject


def client(key: str | None = None, **headers: str) -> Client:
    """A clinical system: CSRF enforced as for any real client, a key if given."""
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
        headers.setdefault("X-Responsible-Person", "Dr Nia Evans")
    return Client(enforce_csrf_checks=True, headers=headers)


def outcome_of(response: Any, status: int, code: str, content_type: str = FHIR_JSON) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == content_type
    body = response.json()
    OperationOutcome.model_validate(body)
    (issue,) = body["issue"]
    assert (issue["severity"], issue["code"]) == ("error", code)
    return str(issue["details"]["text"])


# --- Methods --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_other_methods_are_405_with_allow_not_a_csrf_403(
    ed_key: str, flagged: Subject, path: str, method: str
) -> None:
    response = getattr(client(ed_key), method)(path, {"identifier": IDENTIFIER})

    text = outcome_of(response, 405, "not-supported")
    assert response["Allow"] == "GET, HEAD"
    assert path in text
    assert not Access.objects.exists()


def test_without_a_key_a_post_is_still_405(flagged: Subject) -> None:
    response = client().post("/fhir/Flag", {"identifier": IDENTIFIER})

    outcome_of(response, 405, "not-supported")


def test_head_on_metadata_is_get_without_the_body() -> None:
    get = client().get("/fhir/metadata")
    head = client().head("/fhir/metadata")

    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"] == FHIR_JSON
    assert int(head["Content-Length"]) == len(get.content)


def test_head_on_a_search_is_a_lookup_recorded_as_get_is(ed_key: str, flagged: Subject) -> None:
    # Its headers say what the body would (a hit is longer than a miss): it is an access.
    head = client(ed_key).head("/fhir/Flag", {"identifier": IDENTIFIER})

    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == FHIR_JSON
    assert Access.objects.count() == 1


def test_head_without_a_key_is_401_without_a_body() -> None:
    head = client().head("/fhir/Flag", {"identifier": IDENTIFIER})

    assert head.status_code == 401
    assert head.content == b""
    assert head["Content-Type"] == FHIR_JSON
    assert head["WWW-Authenticate"].startswith("Bearer")


# --- Formats --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "content_type"),
    [
        ("json", FHIR_JSON),
        ("application/fhir+json", FHIR_JSON),
        ("application/fhir json", FHIR_JSON),  # an unencoded "+" arrives as a space
        ("application/fhir+json; fhirVersion=4.0", FHIR_JSON),
        ("application/json+fhir", FHIR_JSON),
        ("application/json", "application/json"),
    ],
)
def test_format_json_in_any_spelling_is_answered(value: str, content_type: str) -> None:
    response = client().get("/fhir/metadata", {"_format": value})

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.json()["format"] == ["json"]


@pytest.mark.parametrize(
    "value",
    [
        "xml",
        "application/fhir+xml",
        "text/xml",
        "ttl",
        "html",
        "application/fhir+json; fhirVersion=3.0",
    ],
)
def test_format_the_server_does_not_have_is_406(value: str) -> None:
    response = client().get("/fhir/metadata", {"_format": value})

    text = outcome_of(response, 406, "not-supported")
    assert "JSON only" in text


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (FHIR_JSON, FHIR_JSON),
        (BROWSER_ACCEPT, FHIR_JSON),
        ("*/*", FHIR_JSON),
        ("application/json", "application/json"),
        ("application/fhir+json;q=0.5, application/json", "application/json"),
        ("application/fhir+json;q=0, */*", "application/json"),
        ("application/fhir+json; fhirVersion=4.0", FHIR_JSON),
    ],
)
def test_accept_chooses_between_the_two_json_types(accept: str, content_type: str) -> None:
    response = client(Accept=accept).get("/fhir/metadata")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type


@pytest.mark.parametrize(
    "accept",
    [
        "application/fhir+xml",
        "application/xml, text/html",
        "application/fhir+json;q=0",
        "text/turtle",
    ],
)
def test_accept_without_json_is_406(accept: str) -> None:
    outcome_of(client(Accept=accept).get("/fhir/metadata"), 406, "not-supported")


def test_format_wins_over_accept() -> None:
    response = client(Accept="application/fhir+xml").get("/fhir/metadata", {"_format": "json"})

    assert response.status_code == 200


def test_a_406_looks_nothing_up(ed_key: str, flagged: Subject) -> None:
    response = client(ed_key).get("/fhir/Flag", {"identifier": IDENTIFIER, "_format": "xml"})

    outcome_of(response, 406, "not-supported")
    assert not Access.objects.exists()


def test_errors_come_in_the_negotiated_type(flagged: Subject) -> None:
    response = client(Accept="application/json").get("/fhir/Flag", {"identifier": IDENTIFIER})

    outcome_of(response, 401, "login", content_type="application/json")


def test_unknown_paths_are_operation_outcomes_even_without_the_slash() -> None:
    outcome_of(client().get("/fhir/Patient"), 404, "not-found")
    outcome_of(client().get("/fhir"), 404, "not-found")


def test_a_body_over_the_limit_is_an_operation_outcome(settings) -> None:
    settings.CANDOUR_MAX_REQUEST_BYTES = 1024
    response = client().generic(
        "GET", "/fhir/metadata", b"x" * 2048, content_type="application/octet-stream"
    )

    outcome_of(response, 413, "too-long")


# --- The responsible person header -----------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "character"),
    [("Dr \x1b[2JNia", "U+001B"), ("Dr\tNia", "U+0009"), ("Dr Nia\x7f", "U+007F")],
)
def test_a_control_character_in_the_responsible_person_is_named(
    ed_key: str, flagged: Subject, person: str, character: str
) -> None:
    response = client(ed_key, **{"X-Responsible-Person": person}).get(
        "/fhir/Flag", {"identifier": IDENTIFIER}
    )

    text = outcome_of(response, 400, "invalid")
    assert "X-Responsible-Person" in text
    assert character in text
    assert not Access.objects.exists()
