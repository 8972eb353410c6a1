"""Fuzz the JSON API with schemathesis, against gunicorn started as production starts it.

    .venv/bin/python scripts/fuzz_api.py [--examples 25] [--seed 20261202] [--workers 1]

One run makes a fresh SQLite database in a temporary directory, migrates it and collects the
static files with the production settings and throwaway secrets (benchmarks/_service.py),
creates a local authority (a flag manager with a verified session, a case system's key), an
NHS trust (an emergency department system's key) and a reporting programme, starts gunicorn
on a free loopback port, and runs ``st run`` against ``/api/v1/openapi.json`` once for each
kind of caller:

- ``anonymous``: no credentials;
- ``local-authority-system``: the case system's key (``Authorization: Bearer``);
- ``health-system``: an NHS system's key (a valid key the flags API refuses, 403);
- ``flag-manager-session``: a flag manager's signed-in, two-factor-verified session cookie,
  with a CSRF cookie and header as a browser's script would send them.

Every operation, every check (``--checks all``: no server error, statuses, content types,
headers and bodies as the schema documents them, negative data refused, authentication not
ignored...), the examples, coverage and fuzzing phases, a fixed seed and example count and no
example database, so the same run generates the same cases. It prints, for each caller, the
operations, test cases and failures schemathesis counted, then one line of JSON with the
totals, and exits 1 if any run failed. ``.ci/run`` runs it after the SQLite test suite;
``--examples 1000`` is the longer run (security.md G1).
"""

from __future__ import annotations

import argparse
import itertools
import json
import secrets
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import IO

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks import _service as service  # noqa: E402

START_SECONDS = 180  # the worker loads the de-identification model before it serves
DEFAULT_SEED = 20261202
PROGRAMME_SLUG = "northbrook"


@dataclass(frozen=True)
class Caller:
    """A kind of caller: the credentials schemathesis sends, per OpenAPI security scheme."""

    name: str
    schemes: dict[str, dict[str, str]]


@dataclass(frozen=True)
class Outcome:
    caller: str
    operations: int
    cases: int
    failures: int
    errors: int
    seconds: float
    exit_code: int


def collect_static(env: dict[str, str], log: IO[bytes]) -> None:
    subprocess.run(
        [str(service.VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput"],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        timeout=300,
        check=True,
    )


def seed(env: dict[str, str]) -> list[Caller]:
    """The callers' credentials, made with the service's own settings and database."""
    service.setup_django(env)
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from candour.accounts.models import Organisation, OrganisationKind, Role, User
    from candour.flags.services import clients as clients_service
    from candour.reporting.models import Programme

    authority = Organisation.objects.create(
        name="Northbrook Council Children's Services",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        ods_code="XLA01",
    )
    trust = Organisation.objects.create(
        name="Riverside University Hospitals NHS Trust",
        kind=OrganisationKind.NHS,
        ods_code="XNH01",
    )
    Programme.objects.create(
        organisation=authority,
        slug=PROGRAMME_SLUG,
        duty_contact="Front door: 01632 960010",
        emergency_contact="Emergency duty team: 01632 960999",
    )

    def user(email: str, role: str, organisation: Organisation) -> User:
        person = User.objects.create(
            email=email, full_name=email.split("@")[0], role=role, organisation=organisation
        )
        person.set_password(secrets.token_urlsafe(24))
        person.save()
        TOTPDevice.objects.create(user=person, name="Fuzzing", confirmed=True)
        return person

    la_admin = user("admin@northbrook.example", Role.ADMINISTRATOR, authority)
    nhs_admin = user("admin@riverside.example", Role.ADMINISTRATOR, trust)
    manager = user("flags@northbrook.example", Role.FLAG_MANAGER, authority)
    _client, la_key = clients_service.issue_client(
        user=la_admin, name="Case system", care_setting=""
    )
    _client, nhs_key = clients_service.issue_client(
        user=nhs_admin, name="ED system", care_setting="emergency_department"
    )

    browser = Client()
    browser.force_login(manager)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=manager).persistent_id
    session.save()
    if session.session_key is None:
        raise RuntimeError("the flag manager's session was not saved")
    service.close_db()
    return [
        Caller("anonymous", {}),
        Caller("local-authority-system", {"ClientKeyAuth": {"bearer": la_key}}),
        Caller("health-system", {"ClientKeyAuth": {"bearer": nhs_key}}),
        Caller("flag-manager-session", {"VerifiedSessionAuth": {"api_key": session.session_key}}),
    ]


def hooks_env(env: dict[str, str]) -> dict[str, str]:
    """schemathesis's environment: our hooks (the session's CSRF pair) on its path."""
    from django.conf import settings

    return {
        **{k: v for k, v in env.items() if not k.startswith(("DJANGO_", "CANDOUR_"))},
        "PYTHONPATH": str(REPO_ROOT),
        "SCHEMATHESIS_HOOKS": "scripts.fuzz_hooks",
        "CANDOUR_FUZZ_SESSION_COOKIE": settings.SESSION_COOKIE_NAME,
        "CANDOUR_FUZZ_CSRF_COOKIE": settings.CSRF_COOKIE_NAME,
        # An unmasked CSRF secret (32 characters), as Django's CSRF cookie holds.
        "CANDOUR_FUZZ_CSRF_TOKEN": secrets.token_hex(16),
    }


# What the API decides and its schema cannot say, for schemathesis (ADR 0017):
# - query parameters the API does not define are ignored, as HTTP APIs and FHIR do, so no
#   operation is sent unknown ones as if it should refuse them; the one JSON body
#   (submit_report) still is, as it refuses unknown fields (a typo must not lose an answer);
# - a report is checked against today and across fields (a month not in the future, within
#   the last 20 years, contact details for a confidential report), and a CSV file's content
#   (header, columns) beyond what a JSON schema describes: a schema-valid request may be 422;
# - a sequence number already used answers the earlier upload (200) without reading the
#   body, so a body schemathesis thinks invalid (any bytes are a string) may get 200.
OPERATION_SETTINGS = """
[[operations]]
exclude-operation-id = "submit_report"
generation.allow-extra-parameters = false

[[operations]]
include-operation-id = "submit_report"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]

[[operations]]
include-operation-id = "create_flag_upload"
checks.positive_data_acceptance.expected-statuses = ["2xx", 401, 403, 404, 409, 422, 429]
checks.negative_data_rejection.expected-statuses = [
    200, 400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429,
]
"""


def config_file(caller: Caller, run: Path) -> Path:
    """A schemathesis.toml: the caller's credentials for their security schemes, and the
    operation settings every caller shares."""
    lines = []
    for scheme, values in caller.schemes.items():
        lines.append(f"[auth.openapi.{scheme}]")
        lines += [f"{name} = {json.dumps(value)}" for name, value in values.items()]
    path = run / f"{caller.name}.toml"
    path.write_text("\n".join(lines) + "\n" + OPERATION_SETTINGS)
    return path


def wait_for_health(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before it answered /healthz (see its log)")
        if service.healthz_ok(port, timeout=2):
            return
        time.sleep(0.25)
    raise SystemExit(f"gunicorn did not answer /healthz within {START_SECONDS} s")


def fuzz(
    caller: Caller, *, port: int, args: argparse.Namespace, run: Path, env: dict[str, str]
) -> Outcome:
    base = f"http://{service.HOST}:{port}"
    junit = run / f"{caller.name}.xml"
    command = [
        str(service.VENV_BIN / "st"),
        "--config-file",
        str(config_file(caller, run)),
        "run",
        f"{base}/api/v1/openapi.json",
        "--url",
        base,
        "--checks",
        "all",
        "--phases",
        args.phases,
        "--max-examples",
        str(args.examples),
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
        "--generation-database",
        "none",
        "--request-timeout",
        "60",
        "--report",
        "junit",
        "--report-junit-path",
        str(junit),
        "--no-color",
    ]
    started = time.monotonic()
    with (run / f"{caller.name}.log").open("wb") as log:
        finished = subprocess.run(
            command, cwd=run, env=env, stdout=log, stderr=subprocess.STDOUT, check=False
        )
    seconds = time.monotonic() - started
    output = (run / f"{caller.name}.log").read_text(errors="replace")
    if finished.returncode != 0 or args.verbose:
        print(output)
    operations, failures, errors = _junit_counts(junit)
    return Outcome(
        caller=caller.name,
        operations=operations,
        cases=_cases_in(output),
        failures=failures,
        errors=errors,
        seconds=seconds,
        exit_code=finished.returncode,
    )


def _junit_counts(path: Path) -> tuple[int, int, int]:
    """Operations, failed operations and errored operations, from schemathesis's JUnit."""
    if not path.exists():
        return 0, 0, 0
    root = ET.parse(path).getroot()  # noqa: S314  (a file schemathesis just wrote)
    cases = list(root.iter("testcase"))
    failed = sum(1 for case in cases if case.find("failure") is not None)
    errored = sum(1 for case in cases if case.find("error") is not None)
    return len(cases), failed, errored


def _cases_in(output: str) -> int:
    """The count in schemathesis's summary ("Test cases:" then "N generated, …"), or 0."""
    lines = output.splitlines()
    for heading, counts in itertools.pairwise(lines):
        words = counts.replace(",", " ").split()
        if heading.strip() == "Test cases:" and words[1:2] == ["generated"] and words[0].isdigit():
            return int(words[0])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=25, help="test cases per operation")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="schemathesis's workers (1: hypothesis is not thread-safe on CPython 3.11)",
    )
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--keep", type=Path, help="keep logs and reports in this directory")
    parser.add_argument("--verbose", action="store_true", help="print every run's output")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="candour-fuzz-") as directory:
        run = args.keep or Path(directory)
        run.mkdir(parents=True, exist_ok=True)
        port = service.free_port()
        env = service.production_env(
            f"sqlite:///{Path(directory) / 'db.sqlite3'}", port, args.gunicorn_workers
        )
        service_log = run / "service.log"
        with service_log.open("wb") as log:
            service.migrate(env, log)
            collect_static(env, log)
            callers = seed(env)
            fuzz_env = hooks_env(env)
            process = service.start_gunicorn(env, log, Path(directory) / "gunicorn.ctl")
            try:
                wait_for_health(port, process)
                outcomes = [
                    fuzz(caller, port=port, args=args, run=run, env=fuzz_env) for caller in callers
                ]
            finally:
                process.terminate()
                process.wait(timeout=60)

    print(f"{'caller':<24} {'operations':>10} {'cases':>7} {'failed':>7} {'errors':>7} {'s':>6}")
    for outcome in outcomes:
        print(
            f"{outcome.caller:<24} {outcome.operations:>10} {outcome.cases:>7} "
            f"{outcome.failures:>7} {outcome.errors:>7} {outcome.seconds:>6.0f}"
        )
    ok = all(outcome.exit_code == 0 for outcome in outcomes)
    summary = {
        "seed": args.seed,
        "examples_per_operation": args.examples,
        "phases": args.phases,
        "callers": len(outcomes),
        "operations": sum(outcome.operations for outcome in outcomes),
        "cases": sum(outcome.cases for outcome in outcomes),
        "failed_operations": sum(outcome.failures for outcome in outcomes),
        "errored_operations": sum(outcome.errors for outcome in outcomes),
        "seconds": round(sum(outcome.seconds for outcome in outcomes)),
        "ok": ok,
    }
    print(json.dumps(summary))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
