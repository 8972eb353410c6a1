"""The ceiling on filing reports: one client that has used its share is refused, clearly and
with nothing lost or filed, while every other client is still served (ADR 0014)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from candour.reporting.models import Report
from candour.reporting.tests.test_api import payload
from candour.reporting.tests.test_degraded_draft import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

ATTACKER = "203.0.113.7"
SOMEONE_ELSE = "198.51.100.20"
API = "/api/v1/reports"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture(autouse=True)
def one_report_at_a_time(settings, time_machine):
    """A client may hold one report's worth of work: its second report at once is refused."""
    time_machine.move_to(dt.datetime(2026, 6, 15, 10, 30, tzinfo=dt.UTC), tick=False)
    settings.CANDOUR_REPORT_MAX_SECONDS = 12
    settings.CANDOUR_REPORT_CLIENT_BURST_SECONDS = 12
    settings.CANDOUR_REPORT_CLIENT_SECONDS_PER_HOUR = 120


def web(client: Client, programme, key: str, **narrative: str):
    return client.post(
        reverse("reporting:submit", args=[programme.slug]),
        form_data(idempotency_key=f"ceiling-test-key-{key}", **narrative),
    )


def api(client: Client, key: str):
    return client.post(
        API, data=json.dumps(payload()), content_type="application/json",
        headers={"Idempotency-Key": key},
    )  # fmt: skip


def test_a_client_over_its_ceiling_gets_a_page_that_keeps_its_report(programme, time_machine):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    assert web(attacker, programme, "first").status_code == 200
    assert Report.objects.count() == 1

    refused = web(attacker, programme, "second", outcome="A second report straight away.")

    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 6 * 60
    page = refused.content.decode()
    assert "<title>Your report has not been sent yet" in page
    assert "Nothing has been sent or saved." in page
    assert "Your answers are kept on this page only." in page
    assert "then select \N{LEFT SINGLE QUOTATION MARK}Send report" in page
    assert Report.objects.count() == 1  # nothing filed
    # Every answer is on the page, with the same key, ready to send again.
    hidden = dict(HIDDEN.findall(page))
    assert hidden["outcome"] == "A second report straight away."
    assert hidden["idempotency_key"] == "ceiling-test-key-second"
    assert f'action="{reverse("reporting:submit", args=[programme.slug])}"' in page

    # Someone else, meanwhile, is served at once.
    assert web(Client(REMOTE_ADDR=SOMEONE_ELSE), programme, "someone-else").status_code == 200

    # After the wait, the same page's button files the report.
    time_machine.shift(dt.timedelta(seconds=wait))
    resent = attacker.post(reverse("reporting:submit", args=[programme.slug]), hidden)
    assert resent.status_code == 200
    assert "Report received" in resent.content.decode()
    assert Report.objects.count() == 3


def test_the_api_answers_429_with_retry_after_and_files_nothing(programme, time_machine):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    assert api(attacker, "first-report-key").status_code == 201

    refused = api(attacker, "second-report-key")

    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    wait = int(refused["Retry-After"])
    assert wait > 0
    body = refused.json()
    assert body["status"] == 429
    assert "Nothing was filed" in body["detail"]
    assert "same Idempotency-Key" in body["detail"]
    assert Report.objects.count() == 1

    assert api(Client(REMOTE_ADDR=SOMEONE_ELSE), "someone-elses-key").status_code == 201

    time_machine.shift(dt.timedelta(seconds=wait))
    assert api(attacker, "second-report-key").status_code == 201
    assert Report.objects.count() == 3


def test_the_web_form_and_the_api_share_one_ceiling(programme):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    assert web(attacker, programme, "web-door").status_code == 200
    assert api(attacker, "through-the-other-door").status_code == 429


def test_a_retry_of_a_report_already_filed_is_answered_even_over_the_ceiling(programme):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    first = api(attacker, "lost-answer-key")
    assert first.status_code == 201
    replay = api(attacker, "lost-answer-key")
    assert replay.status_code == 200
    assert replay.json() == first.json()


def test_the_ceiling_keeps_no_address(programme):
    from candour.reporting.services.submission import CEILING

    web(Client(REMOTE_ADDR=ATTACKER), programme, "one")
    state = repr(vars(CEILING)) + repr(vars(CEILING._store._current))
    assert ATTACKER not in state
    assert ATTACKER.encode() not in b"".join(CEILING._store._current.entries)
