"""POST /api/v1/reports refuses text no later stage can take (an unpaired surrogate, NUL,
other control characters) with a 422 naming the field, whatever field it is in, and stores
nothing; a key that is not printable ASCII is refused the same way."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from candour.reporting.models import Report
from candour.reporting.tests.test_api import URL, fields_of, payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> Client:
    # A server error raises in the test instead of becoming a 500 page.
    return Client(enforce_csrf_checks=True, raise_request_exception=True)


def send(client: Client, body: dict[str, Any], **headers: str):
    # json.dumps writes a lone surrogate as the escape "\ud800", as a hostile client would.
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    ("overrides", "field", "character"),
    [
        ({"narrative": {"what_happened": "abc \ud800"}}, "narrative.what_happened", "U+D800"),
        (
            {"narrative": {"what_happened": "x", "prevention": "\udc00 low half"}},
            "narrative.prevention",
            "U+DC00",
        ),
        ({"narrative": {"what_happened": "nul \x00 byte"}}, "narrative.what_happened", "U+0000"),
        ({"narrative": {"what_happened": "\x1b[2J cleared"}}, "narrative.what_happened", "U+001B"),
        ({"contact": {"name": "Sam\x00", "email": "s@x.example"}}, "contact.name", "U+0000"),
        ({"contact": {"name": "Sam", "phone": "01632\ud800"}}, "contact.phone", "U+D800"),
        ({"known": [{"text": "Kayden\ud83d", "role": "child"}]}, "known.0.text", "U+D83D"),
        ({"known": [{"text": "Kayden", "role": "ch\x07ild"}]}, "known.0.role", "U+0007"),
    ],
)
def test_a_forbidden_character_in_any_field_is_a_422_naming_it(
    api, programme, overrides, field, character
):
    response = send(api, payload(**overrides))

    assert response.status_code == 422
    errors = fields_of(response)
    assert field in errors
    assert character in errors[field]
    assert Report.objects.count() == 0


def test_a_surrogate_with_an_idempotency_key_is_refused_not_hashed(api, programme):
    body = payload(narrative={"what_happened": "abc \ud800"})

    response = send(api, body, **{"Idempotency-Key": "case-system-4711"})

    assert response.status_code == 422
    assert "narrative.what_happened" in fields_of(response)
    assert Report.objects.count() == 0


def test_a_surrogate_pair_is_one_character_and_accepted(api, programme):
    body = payload(narrative={"what_happened": "A good catch \U0001f44d by the duty team"})

    response = send(api, body)

    assert response.status_code == 201


def test_line_breaks_and_tabs_are_kept_in_answers_not_in_a_name(api, programme):
    answers = payload(narrative={"what_happened": "First,\r\n\tthen second."})
    assert send(api, answers).status_code == 201

    name = payload(contact={"name": "Sam\nSmith", "email": "s@x.example"})
    response = send(api, name)
    assert response.status_code == 422
    assert "contact.name" in fields_of(response)


@pytest.mark.parametrize("key", ["key\x01", "key with é", "\x7f"])
def test_an_idempotency_key_must_be_printable_ascii(api, programme, key):
    response = send(api, payload(), **{"Idempotency-Key": key})

    assert response.status_code == 422
    assert "Idempotency-Key" in fields_of(response)
    assert Report.objects.count() == 0
