"""POST /api/v1/reports: the public report as JSON (no sign-in, no CSRF, problem+json errors)."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from candour.core import client_limits
from candour.reporting.models import Report
from candour.reporting.schemas import NarrativeIn
from candour.reporting.services import inbox as inbox_service
from candour.reporting.services import retention as retention_service
from candour.reporting.tests.conftest import MARKER
from candour.reporting.vocabulary import NARRATIVE_FIELDS
from conftest import UK_JUST_PAST_MIDNIGHT

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports"
PROBLEM = "application/problem+json"


def payload(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "programme": "northbrook",
        "kind": "near_miss",
        "service_area": "assessment",
        "occurred_month": 1,
        "occurred_year": timezone.localdate().year,
        "narrative": {
            "what_happened": f"Kayden Walsh was nearly sent home to 27 Elm Grove. {MARKER}",
            "how_noticed": f"The duty manager checked the chronology. {MARKER}",
        },
        "harm": "none",
        "harm_physical": False,
        "harm_psychological": True,
        "reporter_role": "social_worker",
        "consent_to_publish": False,
        "confidentiality": "confidential",
        "contact": {"name": f"Sam {MARKER}", "email": "sam.reporter@northbrook.example"},
        "known": [{"text": "Kayden Walsh", "role": "child"}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def api() -> Client:
    """No session, and CSRF enforced as a real browser-less client would meet it."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def _no_content_in_logs(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    yield
    for record in caplog.records:
        assert MARKER not in record.getMessage()
        assert MARKER not in str(record.__dict__)


def post(client: Client, body: Any, *, key: str | None = None, **extra: Any):
    headers = {"Idempotency-Key": key} if key is not None else {}
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    extra.setdefault("content_type", "application/json")
    response = client.post(URL, data=data, headers=headers, **extra)
    assert MARKER.encode() not in response.content
    return response


def problem_of(response) -> dict[str, Any]:
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == response.status_code
    assert body["title"]
    assert body["type"] == "about:blank"
    return body


def fields_of(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in problem_of(response)["errors"]}


def test_files_a_report_and_answers_with_reference_and_receipt(api, programme):
    response = post(api, payload())

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == {"reference", "receipt"}
    assert re.fullmatch(r"[0-9]{16}", body["receipt"])
    report = Report.objects.get()
    assert report.reference == body["reference"]
    assert report.organisation == programme.organisation
    assert (report.kind, report.service_area, report.harm) == ("near_miss", "assessment", "none")
    assert report.harm_psychological
    assert not report.harm_physical
    assert report.idempotency_key is None
    # The receipt opens this report's inbox; the narrative is stored only encrypted.
    assert (
        inbox_service.open_inbox(receipt=body["receipt"], client=client_limits.Client("192.0.2.1"))
        == report
    )
    assert MARKER.encode() not in bytes(report.narrative)
    assert report.contact is not None
    assert "no-store" in response["Cache-Control"]


def test_a_retry_with_the_same_key_returns_the_same_report_and_receipt(api, programme):
    first = post(api, payload(), key="case-system-4711")
    again = post(api, payload(), key="case-system-4711")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Report.objects.count() == 1
    assert post(api, payload(), key="case-system-4712").status_code == 201
    assert Report.objects.count() == 2


def test_a_retry_is_recognised_however_its_json_is_written(api, programme):
    first = post(api, payload(), key="case-system-4711")
    body = payload()
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)

    again = post(api, reordered, key="case-system-4711")

    assert again.status_code == 200
    assert again.json() == first.json()


def test_the_stored_key_is_not_the_callers_key(api, programme):
    post(api, payload(), key="mosaic-case-4711")

    stored = Report.objects.get().idempotency_key
    assert stored.startswith("api1:")
    assert "4711" not in stored
    assert len(stored) <= 100


def test_a_key_reused_for_a_different_report_is_refused(api, programme):
    first = post(api, payload(), key="case-system-4711")
    other = payload(kind="good_catch")

    response = post(api, other, key="case-system-4711")

    assert response.status_code == 422
    assert list(fields_of(response)) == ["Idempotency-Key"]
    assert Report.objects.count() == 1
    # The first report's receipt goes only to the same report sent again.
    assert MARKER not in response.content.decode()
    assert first.json()["receipt"] not in response.content.decode()
    assert post(api, payload(), key="case-system-4711").json() == first.json()


def test_the_same_key_in_another_programme_is_another_report(api, programme, other_programme):
    first = post(api, payload(), key="shared-key")

    second = post(api, payload(programme="eastmere"), key="shared-key")

    assert second.status_code == 201
    assert second.json()["reference"] != first.json()["reference"]
    assert Report.objects.count() == 2


@pytest.mark.clock
@pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT)  # receipts are forgotten a day after receipt
def test_a_retry_after_the_receipt_is_forgotten_is_a_conflict(api, programme):
    assert post(api, payload(), key="late-retry").status_code == 201
    retention_service.forget_sealed_receipts(today=timezone.localdate() + timedelta(days=2))

    response = post(api, payload(), key="late-retry")

    assert response.status_code == 409
    assert problem_of(response)["title"] == (
        "This report was already received; its receipt can no longer be shown"
    )
    assert Report.objects.count() == 1


def test_invalid_fields_are_all_listed(api, programme):
    body = payload(
        kind="disaster",
        occurred_month=13,
        confidentiality="secret",
        harm_physical="yes",
        narrative={"lead_up": f"{MARKER}"},
        colour="blue",
    )
    del body["harm"]

    response = post(api, body)

    assert response.status_code == 422
    errors = fields_of(response)
    assert {
        "kind",
        "occurred_month",
        "confidentiality",
        "harm_physical",
        "harm",
        "narrative.what_happened",
        "colour",
    } <= set(errors)
    assert Report.objects.count() == 0


@pytest.mark.clock
@pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT)  # "this month or in the past"
def test_the_services_checks_are_listed_with_the_json_field_names(api, programme):
    today = timezone.localdate()
    response = post(
        api,
        payload(
            occurred_year=today.year + 1,
            narrative={"what_happened": "   ", "lead_up": MARKER},
            contact=None,
        ),
    )

    assert response.status_code == 422
    errors = fields_of(response)
    assert errors == {
        "narrative.what_happened": "Enter what happened",
        "occurred_month": "When it happened must be this month or in the past",
        "contact": "Enter an email address or phone number, or choose anonymous",
    }
    assert Report.objects.count() == 0


def test_an_anonymous_report_needs_no_contact(api, programme):
    response = post(api, payload(confidentiality="anonymous", contact=None, known=[]))

    assert response.status_code == 201
    assert Report.objects.get().contact is None


def test_an_over_long_answer_is_refused_by_name_and_nothing_is_saved(api, programme, settings):
    limit = settings.CANDOUR_REPORT_FIELD_MAX_CHARS
    narrative = {"what_happened": "It happened.", "lead_up": MARKER + "x" * limit}

    response = post(api, payload(narrative=narrative), key="too-long")

    assert response.status_code == 422
    errors = fields_of(response)
    assert list(errors) == ["narrative.lead_up"]
    assert errors["narrative.lead_up"] == f"What led up to it must be {limit:,} characters or fewer"
    assert Report.objects.count() == 0


def test_an_unknown_programme_is_not_found(api, programme):
    response = post(api, payload(programme="nowhere"), key="nowhere-1")

    assert response.status_code == 404
    assert problem_of(response)["title"] == "Not found"
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/x-www-form-urlencoded", f"programme=northbrook&what_happened={MARKER}"),
        ("text/plain", json.dumps(payload())),
        ("multipart/form-data; boundary=xyz", "--xyz--"),
    ],
)
def test_a_body_that_is_not_json_is_refused(api, programme, content_type, data):
    response = post(api, data, content_type=content_type)

    assert response.status_code == 415
    problem_of(response)
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ('{"programme": "northbrook", "narrative": {"what_happened": "ZEBRA', 400),
        ("", 415),  # an empty body declares no content type
        ("[]", 422),
        ('"just a string"', 422),
    ],
)
def test_malformed_json_is_refused(api, programme, data, status):
    response = post(api, data)

    assert response.status_code == status
    problem_of(response)
    assert Report.objects.count() == 0


def test_an_over_long_idempotency_key_is_refused(api, programme):
    response = post(api, payload(), key="k" * 101)

    assert response.status_code == 422
    assert any("Idempotency-Key" in field for field in fields_of(response))
    assert Report.objects.count() == 0


def test_a_body_over_the_request_limit_is_refused(api, programme, settings):
    settings.CANDOUR_MAX_REQUEST_BYTES = 4096
    narrative = {"what_happened": MARKER + "x" * 5000}

    response = post(api, payload(narrative=narrative))

    assert response.status_code == 413
    problem_of(response)
    assert Report.objects.count() == 0


def test_a_signed_in_staff_session_is_neither_needed_nor_a_csrf_problem(programme, signed_in, bob):
    client = signed_in(bob)
    client.handler.enforce_csrf_checks = True

    response = post(client, payload())

    assert response.status_code == 201


def test_the_openapi_schema_documents_the_operation(client):
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/reports"]["post"]
    assert not operation.get("security")
    assert {"200", "201", "404", "409", "413", "415", "422"} <= set(operation["responses"])
    body_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref == "#/components/schemas/ReportIn"
    header = next(p for p in operation["parameters"] if p["in"] == "header")
    assert header["name"] == "Idempotency-Key"
    assert not header["required"]
    assert {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[ -~]+$"} in header[
        "schema"
    ]["anyOf"]
    components = schema["components"]["schemas"]
    assert components["ReportIn"]["properties"]["kind"]["enum"] == [
        "incident",
        "near_miss",
        "good_catch",
        "unsafe_condition",
    ]
    narrative = components["NarrativeIn"]
    assert list(narrative["properties"]) == [key for key, _label in NARRATIVE_FIELDS]
    assert narrative["required"] == ["what_happened"]
    assert {p["maxLength"] for p in narrative["properties"].values()} == {20_000}
    assert set(components["ReceiptOut"]["properties"]) == {"reference", "receipt"}


def test_the_narrative_schema_has_the_models_questions():
    assert tuple(NarrativeIn.model_fields) == tuple(key for key, _label in NARRATIVE_FIELDS)
