"""Against a real gunicorn on loopback, started as production starts it: the requests gunicorn
refuses itself (a request line or headers over its limits, a request it cannot parse) are
answered under /fhir/ as a FHIR OperationOutcome and under /api/ as problem+json, like every
other error there; the rest of the site keeps gunicorn's own page. The FHIR methods and HEAD
are checked here too, where CSRF is enforced as for any real client."""

from __future__ import annotations

import json
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from fhir.resources.R4B.operationoutcome import OperationOutcome

from benchmarks import _service as service

pytestmark = pytest.mark.slow
START_SECONDS = 120  # migrate, then the worker loads the de-identification model


def collect_static(env: dict[str, str], log: IO[bytes]) -> None:
    """As the README's production steps do (start-up refuses to serve without them)."""
    subprocess.run(
        [str(service.VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput"],
        cwd=service.REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        timeout=300,
        check=True,
    )


def wait_for_health(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("gunicorn exited:\n" + log.read_text(errors="replace"))
        if service.healthz_ok(port, timeout=2):
            return
        time.sleep(0.25)
    raise AssertionError("gunicorn did not answer /healthz:\n" + log.read_text(errors="replace"))


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with tempfile.TemporaryDirectory(prefix="candour-wsgi-") as directory:
        run = Path(directory)
        port = service.free_port()
        env = service.production_env(f"sqlite:///{run / 'db.sqlite3'}", port, workers=1)
        log_path = run / "service.log"
        with log_path.open("wb") as log:
            service.migrate(env, log)
            collect_static(env, log)
            process = service.start_gunicorn(env, log, run / "gunicorn.ctl")
            try:
                wait_for_health(port, process, log_path)
                yield port
            finally:
                process.terminate()
                process.wait(timeout=30)


def exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read the whole answer (gunicorn closes the connection after it)."""
    with socket.create_connection((service.HOST, port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def get(target: str, *extra_headers: str, method: str = "GET") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", f"Host: {service.HOST}", *extra_headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def operation_outcome(status: int, headers: dict[str, str], body: bytes, code: str) -> str:
    assert headers["content-type"] == "application/fhir+json", (status, body[:200])
    assert int(headers["content-length"]) == len(body)
    document = json.loads(body)
    OperationOutcome.model_validate(document)
    (issue,) = document["issue"]
    assert issue["code"] == code
    assert issue["details"]["text"]
    return str(issue["details"]["text"])


def problem(status: int, headers: dict[str, str], body: bytes) -> dict[str, object]:
    assert headers["content-type"] == "application/problem+json", (status, body[:200])
    document = json.loads(body)
    assert document["status"] == status
    assert document["title"]
    return document


LONG_QUERY = "identifier=https://fhir.nhs.uk/Id/nhs-number|" + "9" * 5000
MANY_HEADERS = tuple(f"X-Filler-{n}: {n}" for n in range(150))
LARGE_HEADER = "X-Filler: " + "a" * 9000


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [
        (get(f"/fhir/Flag?{LONG_QUERY}"), 414, "too-long"),
        (get("/fhir/metadata", *MANY_HEADERS), 431, "too-long"),
        (get("/fhir/metadata", LARGE_HEADER), 431, "too-long"),
        (get("/fhir/metadata", "No colon here"), 400, "invalid"),
        (b"GET /fhir/metadata HTTP/7.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "invalid"),
        (get("/fhir/Flag?a=b c"), 400, "invalid"),
    ],
    ids=[
        "request-line-too-long",
        "too-many-headers",
        "header-too-large",
        "bad-header",
        "bad-version",
        "bad-target",
    ],
)
def test_gunicorn_refusals_under_fhir_are_operation_outcomes(
    port: int, request_bytes: bytes, status: int, code: str
) -> None:
    answer_status, headers, body = exchange(port, request_bytes)

    assert answer_status == status
    operation_outcome(answer_status, headers, body, code)
    assert headers["cache-control"] == "no-store"


def test_the_request_line_limit_is_named(port: int) -> None:
    text = operation_outcome(*exchange(port, get(f"/fhir/Flag?{LONG_QUERY}")), code="too-long")

    assert "4094 bytes" in text
    assert "9999" not in text  # nothing of the request is echoed


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (get(f"/api/v1/flags/notifications?offset=1&{LONG_QUERY}"), 414),
        (get("/api/v1/openapi.json", *MANY_HEADERS), 431),
        (get("/api/v1/me", "No colon here"), 400),
    ],
    ids=["request-line-too-long", "too-many-headers", "bad-header"],
)
def test_gunicorn_refusals_under_api_are_problem_json(
    port: int, request_bytes: bytes, status: int
) -> None:
    answer_status, headers, body = exchange(port, request_bytes)

    assert answer_status == status
    problem(answer_status, headers, body)


def test_the_rest_of_the_site_keeps_gunicorns_page(port: int) -> None:
    status, headers, _body = exchange(port, get(f"/report/northbrook?{LONG_QUERY}"))

    assert status == 414
    assert headers["content-type"] == "text/html"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_on_fhir_are_405_with_allow(port: int, method: str) -> None:
    request = get("/fhir/Flag?identifier=x", "Content-Length: 0", method=method)

    status, headers, body = exchange(port, request)

    assert status == 405
    assert headers["allow"] == "GET, HEAD"
    operation_outcome(status, headers, body, "not-supported")


def test_head_answers_as_get_does_without_a_body(port: int) -> None:
    get_status, get_headers, get_body = exchange(port, get("/fhir/metadata"))
    head_status, head_headers, head_body = exchange(port, get("/fhir/metadata", method="HEAD"))

    assert head_status == get_status == 200
    assert head_body == b""
    assert head_headers["content-type"] == get_headers["content-type"] == "application/fhir+json"
    assert int(head_headers["content-length"]) == len(get_body)


def test_head_without_a_key_is_401_without_a_body(port: int) -> None:
    status, headers, body = exchange(port, get("/fhir/Flag?identifier=x", method="HEAD"))

    assert status == 401
    assert body == b""
    assert headers["content-type"] == "application/fhir+json"
    assert headers["www-authenticate"].startswith("Bearer")
