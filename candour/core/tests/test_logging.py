"""Logs are JSON and carry references only: no IP address, user agent or body."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import Client

from candour.core.logging import JsonFormatter, ReferencesOnlyFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_stream():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ReferencesOnlyFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_lines_are_json_with_time_level_and_logger(log_stream):
    logging.getLogger("candour.test").info("job.done", extra={"job": "J-1"})
    line = json.loads(log_stream.getvalue().splitlines()[0])
    assert line["level"] == "INFO"
    assert line["logger"] == "candour.test"
    assert line["message"] == "job.done"
    assert line["job"] == "J-1"
    assert "time" in line


def test_addresses_are_withheld(log_stream):
    logging.getLogger("django.server").info("- Broken pipe from %s", ("203.0.113.9", 40082))
    logging.getLogger("x").warning("client 2001:db8:85a3::8a2e:370:7334 said hi")
    text = log_stream.getvalue()
    assert "203.0.113.9" not in text
    assert "2001:db8" not in text
    assert text.count("[address withheld]") == 2


def test_email_addresses_are_withheld(log_stream):
    # aiosmtpd's logger; the demo's mail sink quietens it when imported, so set it here.
    mail_log = logging.getLogger("mail.log")
    level = mail_log.level
    mail_log.setLevel(logging.INFO)
    try:
        mail_log.info("RCPT TO: %s", "person.name+x@testshire.example")
    finally:
        mail_log.setLevel(level)
    text = log_stream.getvalue()
    assert "person.name" not in text
    assert "[email withheld]" in text


def test_request_objects_never_reach_the_log(log_stream, bob):
    client = Client(
        REMOTE_ADDR="198.51.100.77",
        HTTP_USER_AGENT="CanaryAgent/9.9",
        HTTP_X_FORWARDED_FOR="192.0.2.55",
    )
    client.post("/sign-in", {"email": bob.email, "password": "canary-body-secret"})
    client.get("/no-such-page-canary")
    text = log_stream.getvalue()
    for canary in ("198.51.100.77", "CanaryAgent", "192.0.2.55", "canary-body-secret", bob.email):
        assert canary not in text
    assert "no-such-page-canary" in text  # the path is a reference and is kept


def test_exception_messages_are_withheld(log_stream):
    try:
        raise ValueError("duplicate key (email)=(person@testshire.example)")
    except ValueError:
        logging.getLogger("x").exception("failed")
    text = log_stream.getvalue()
    assert "person@testshire.example" not in text
    assert "ValueError" in text
