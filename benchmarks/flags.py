"""Throughput of child protection flags: upload at England scale, then lookups over HTTP.

    .venv/bin/python benchmarks/flags.py [--records 250000] [--database-url URL] [--quick]

One run makes a fresh database (a SQLite file in a temporary directory, or with
``--database-url`` a PostgreSQL database the script creates and drops), migrates it with the
production settings and throwaway secrets, and creates one local authority (ODS code,
contact, flag manager) per 1,667 subjects, an NHS trust with an administrator and a system
client (emergency department, so every hit notifies). It uploads the synthetic subjects
(valid NHS numbers, fictitious names; 52 % on an open plan, LAC, CPP or UNBORN_CPP, the rest
with a plan that ended within the year: "history") as one CSV file per authority through
``services.upload.apply_upload``, timing only those calls, and gives 10 % of the subjects 1-3
earlier accesses so that lookups return an access history.

The service is then started the way production runs it (``gunicorn -c
candour/config/gunicorn_conf.py candour.config.wsgi``, 127.0.0.1, a free port) and wrk, in
its own process, drives ``GET /fhir/Flag?identifier=https://fhir.nhs.uk/Id/nhs-number|<n>``
(half held numbers, half valid numbers nobody holds) for a fixed time over a fixed number of
connections. Each round also measures the two cheapest endpoints with the same load,
``/healthz`` (one database round trip) and ``/fhir/metadata`` (none); the faster is the
ceiling. Rounds are repeated and medians reported. Statuses come from gunicorn's own access
log (a fast error is not a lookup); a sample of held and unknown numbers is checked for the
right Bundle total. Because the machine may be shared, every measurement also records the
CPU time gunicorn (and PostgreSQL) used per request and the share of the CPU other processes
took. Peak memory is the largest sum of resident memory of gunicorn's arbiter and workers,
sampled 4 times a second.

It prints a table and a last line of JSON (``records``, ``upload_records_per_s``,
``lookups_per_s``, ``p50_ms``, ``p99_ms``, ``ceiling_requests_per_s``, ``ratio_to_ceiling``,
``server_rss_mb``, ``non_2xx``, targets and verdicts...) and exits 1 when a target fails.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import io
import json
import os
import random
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import psutil  # noqa: E402

from benchmarks._service import (  # noqa: E402
    HOST,
    close_db,
    free_port,
    healthz_ok,
    migrate,
    production_env,
    setup_django,
    start_gunicorn,
)
from candour.flags.identifiers import check_digit  # noqa: E402  (no Django needed)

NHS_SYSTEM_URI = "https://fhir.nhs.uk/Id/nhs-number"
READY_TIMEOUT_S = 120.0
UPLOAD_ROUND_MAX_S = 1800.0  # the lookups stop when the file is applied, at the latest then
SUBJECTS_PER_AUTHORITY = 1667  # 250,000 subjects over 150 authorities (England has 153)
OPEN_SHARE = 0.52  # about 130,000 of 250,000 on a plan or in care; the rest history
PREVIOUS_ACCESS_SHARE = 0.10
# England, 31 March 2024: about 50,000 children on a plan, 83,000 looked after; unborn
# children's plans a few per cent.
PLAN_MIX = (("LAC", 0.60), ("CPP", 0.37), ("UNBORN_CPP", 0.03))

TARGET_UPLOAD_PER_S = 5000.0
TARGET_LOOKUPS_PER_S = 500.0
TARGET_P99_MS = 100.0
TARGET_RATIO = 0.15
# Lookups while a big file is applied (in chunks, by the worker's code): no error, and no
# lookup waits much longer than a chunk holds the database (ADR 0015).
TARGET_P99_DURING_UPLOAD_MS = 500.0

GIVEN_NAMES = (
    "Amara", "Ben", "Caleb", "Daisy", "Eli", "Freya", "Gus", "Hana", "Isla", "Jago", "Kit",
    "Lyra", "Milo", "Nia", "Otis", "Pip", "Quinn", "Rory", "Sana", "Tam", "Uma", "Vik",
    "Wren", "Xan", "Yara", "Zeb",
)  # fmt: skip
FAMILY_NAMES = (
    "Abernethy-Test", "Brackenfold", "Cullimore", "Dunwoody", "Eastleigh-Fictive", "Farthing",
    "Glasspool", "Hollowell", "Inchcape", "Juniper-Sample", "Kettleby", "Loxley-Demo",
    "Marchbank", "Netherwood", "Oakhanger", "Pennyfeather", "Quarrington", "Ravenscar",
    "Saltonstall", "Thistlewood", "Underhill", "Vennimore", "Wetherall", "Yarrowby",
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Environment and database


def service_env(database_url: str, port: int, workers: int) -> dict[str, str]:
    """Production settings; the enumeration alert threshold is raised because half the load
    are misses."""
    return production_env(
        database_url, port, workers, CANDOUR_FLAGS_SYSTEM_MISS_ALERT_PER_HOUR=str(10**9)
    )


class PostgresDatabase:
    """The database named in --database-url, created for this run and dropped after it."""

    def __init__(self, url: str, replace: bool) -> None:
        parts = urllib.parse.urlsplit(url)
        self.name = parts.path.lstrip("/")
        if not self.name or not self.name.replace("_", "").isalnum():
            raise SystemExit(f"--database-url must name a database (letters, digits, _): {url}")
        self.admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
        self.replace = replace

    def _execute(self, template: str) -> None:
        import psycopg
        from psycopg import sql

        statement = sql.SQL(template).format(sql.Identifier(self.name))
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def exists(self) -> bool:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])
            return row.fetchone() is not None

    def create(self) -> None:
        if self.exists():
            if not self.replace:
                raise SystemExit(
                    f"Database {self.name} exists. Drop it (dropdb {self.name}) or pass "
                    "--replace-database to let this script drop it."
                )
            self.drop()
        self._execute("CREATE DATABASE {}")

    def drop(self) -> None:
        self._execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")


# --------------------------------------------------------------------------------------------
# Synthetic subjects


@dataclass(frozen=True)
class SyntheticSubject:
    identifier: str
    family_name: str
    given_name: str
    date_of_birth: date
    plan_type: str
    plan_start: date
    plan_end: date | None
    authority: int  # index into the authorities


def nhs_numbers(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """Distinct valid NHS numbers from the issued ranges (never the 999 test range), none of
    them in ``taken`` (which they are added to)."""
    numbers: list[str] = []
    while len(numbers) < count:
        low, high = (
            (400_000_000, 499_999_999) if rng.random() < 1 / 3 else (600_000_000, 799_999_999)
        )
        first_nine = str(rng.randint(low, high))
        digit = check_digit(first_nine)
        if digit is None:
            continue
        number = f"{first_nine}{digit}"
        if number not in taken:
            taken.add(number)
            numbers.append(number)
    return numbers


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def make_subjects(
    rng: random.Random, count: int, authorities: int, today: date, taken: set[str]
) -> list[SyntheticSubject]:
    plan_types = [name for name, _ in PLAN_MIX]
    weights = [share for _, share in PLAN_MIX]
    # Authorities differ in size: weights between 0.3 and 1.7 of the average.
    sizes = [rng.uniform(0.3, 1.7) for _ in range(authorities)]
    subjects = []
    for number in nhs_numbers(rng, count, taken):
        plan_type = rng.choices(plan_types, weights)[0]
        ended = rng.random() >= OPEN_SHARE
        if plan_type == "UNBORN_CPP":  # the mother's identifier, names and date of birth
            born = _day_between(rng, today - timedelta(days=40 * 365), today - timedelta(18 * 365))
            start = _day_between(rng, today - timedelta(days=540), today - timedelta(days=2))
        else:
            born = _day_between(rng, today - timedelta(days=17 * 365), today - timedelta(days=30))
            start = _day_between(rng, max(born, today - timedelta(days=3 * 365)), today)
        end = None
        if ended:
            start = min(start, today - timedelta(days=2))
            # Ended within the year: still held (deleted 365 days after the end).
            end = _day_between(rng, max(start, today - timedelta(days=360)), today - timedelta(1))
        subjects.append(
            SyntheticSubject(
                identifier=number,
                family_name=rng.choice(FAMILY_NAMES),
                given_name=rng.choice(GIVEN_NAMES),
                date_of_birth=born,
                plan_type=plan_type,
                plan_start=start,
                plan_end=end,
                authority=rng.choices(range(authorities), sizes)[0],
            )
        )
    return subjects


def upload_csv(subjects: Sequence[SyntheticSubject]) -> bytes:
    """A file in the format of candour/flags/uploads.py, one upsert line per subject."""
    from candour.flags.uploads import HEADER

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for s in subjects:
        writer.writerow(
            [
                "nhs",
                s.identifier,
                s.family_name,
                s.given_name,
                s.date_of_birth.isoformat(),
                s.plan_type,
                s.plan_start.isoformat(),
                s.plan_end.isoformat() if s.plan_end else "",
                "upsert",
            ]
        )
    return out.getvalue().encode()


# --------------------------------------------------------------------------------------------
# Loading the database (in this process, with the production settings)


@dataclass
class Setup:
    authorities: list[Any]  # Organisation
    managers: list[Any]  # User, one flag manager per authority
    nhs: Any  # Organisation
    client_key: str


def create_organisations(count: int, run_id: str) -> Setup:
    from candour.accounts.models import Organisation, OrganisationKind, Role, User
    from candour.flags.models import LocalAuthorityContact
    from candour.flags.services.clients import issue_client

    authorities = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Benchmark Borough {i + 1:03d} Children's Services",
                kind=OrganisationKind.LOCAL_AUTHORITY,
                ods_code=f"XB{i + 1:03d}",
            )
            for i in range(count)
        ]
    )
    LocalAuthorityContact.objects.bulk_create(
        [
            LocalAuthorityContact(
                organisation=la,
                display_name=f"{la.name} front door",
                office_hours_phone="01632 960000",
                emergency_duty_phone="01632 960001",
            )
            for la in authorities
        ]
    )
    managers = [
        User.objects.create_user(
            email=f"flags-{i + 1:03d}-{run_id}@bench.example",
            full_name=f"Flag Manager {i + 1:03d}",
            organisation=la,
            role=Role.FLAG_MANAGER,
        )
        for i, la in enumerate(authorities)
    ]
    nhs = Organisation.objects.create(
        name="Benchmark University Hospitals NHS Trust",
        kind=OrganisationKind.NHS,
        ods_code="XBNH1",
    )
    admin = User.objects.create_user(
        email=f"admin-{run_id}@bench.example",
        full_name="Benchmark Administrator",
        organisation=nhs,
        role=Role.ADMINISTRATOR,
    )
    _client, key = issue_client(
        user=admin,
        name="Benchmark emergency department system",
        care_setting="emergency_department",
        hourly_limit=10**9,
        daily_limit=10**9,
    )
    return Setup(authorities=authorities, managers=managers, nhs=nhs, client_key=key)


@dataclass
class UploadResult:
    files: int = 0
    lines: int = 0
    applied: int = 0
    refused: int = 0
    seconds: float = 0.0
    per_file_seconds: list[float] = field(default_factory=list)


def upload_all(setup: Setup, subjects: Sequence[SyntheticSubject]) -> UploadResult:
    """One file per authority through apply_upload; only the apply_upload calls are timed."""
    from candour.flags.services.upload import apply_upload

    by_authority: dict[int, list[SyntheticSubject]] = {}
    for s in subjects:
        by_authority.setdefault(s.authority, []).append(s)
    result = UploadResult()
    for index, own in sorted(by_authority.items()):
        data = upload_csv(own)
        started = time.perf_counter()
        upload = apply_upload(
            user=setup.managers[index],
            organisation=setup.authorities[index],
            sequence=1,
            data=data,
        )
        elapsed = time.perf_counter() - started
        result.seconds += elapsed
        result.per_file_seconds.append(elapsed)
        result.files += 1
        result.lines += upload.lines_total
        result.applied += upload.lines_applied
        result.refused += upload.lines_refused
    return result


def add_previous_accesses(setup: Setup, rng: random.Random, share: float) -> int:
    """Earlier lookups (1-3 each, last 180 days) for a share of subjects, so lookups return
    an access history; written directly, not timed."""
    from django.utils import timezone

    from candour.flags.models import Access, Subject

    pks = list(Subject.objects.values_list("pk", flat=True))
    chosen = rng.sample(pks, int(len(pks) * share))
    now = timezone.now()
    rows = []
    for pk in chosen:
        for _ in range(rng.randint(1, 3)):
            rows.append(
                Access(
                    subject_id=pk,
                    accessed_at=now - timedelta(minutes=rng.randint(60, 180 * 24 * 60)),
                    care_setting="emergency_department",
                    unscheduled=True,
                    person_name="Earlier Clinician",
                    role_label="Health user (unscheduled care)",
                    organisation=setup.nhs,
                )
            )
    Access.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def count_lookups_audited() -> dict[str, int]:
    from candour.audit.models import AuditEntry

    return dict(
        Counter(
            AuditEntry.objects.filter(action__startswith="flags.lookup.").values_list(
                "action", flat=True
            )
        )
    )


@dataclass
class UploadRound:
    """A big file applied while lookups run: its size, outcome and times, and the lookups."""

    lines: int = 0
    applied: int = 0
    refused: int = 0
    status: str = ""
    receive_seconds: float = 0.0
    apply_seconds: float = 0.0
    lookups: Measurement | None = None
    # How long each chunk's transaction took: on SQLite, how long it held the write lock.
    chunk_ms: list[float] = field(default_factory=list)

    @property
    def lines_per_s(self) -> float:
        return self.applied / self.apply_seconds if self.apply_seconds else 0.0


def upload_during_lookups(
    rng: random.Random,
    lines: int,
    taken: set[str],
    run_id: str,
    start_load: Callable[[], WrkRun],
) -> UploadRound:
    """A new authority sends one file of ``lines`` new children; it is received (read and
    recorded, as the API does) and then applied with the worker's own code
    (``continue_upload``: short committed chunks) in this process while ``start_load``'s
    lookups run against gunicorn; the load stops when the last chunk is published."""
    from candour.accounts.models import Organisation, OrganisationKind, Role, User
    from candour.flags.models import Upload
    from candour.flags.services import upload as upload_service
    from candour.flags.services import upload_chunks

    authority = Organisation.objects.create(
        name="Benchmark Upload Borough Children's Services",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        ods_code="XBUPL",
    )
    manager = User.objects.create_user(
        email=f"flags-upload-{run_id}@bench.example",
        full_name="Flag Manager Upload",
        organisation=authority,
        role=Role.FLAG_MANAGER,
    )
    data = upload_csv(make_subjects(rng, lines, 1, date.today(), taken))
    result = UploadRound(lines=lines)
    started = time.perf_counter()
    receipt = upload_service.receive_upload(
        user=manager, organisation=authority, sequence=1, data=data
    )
    result.receive_seconds = time.perf_counter() - started
    load = start_load()
    began = time.perf_counter()
    try:
        upload_chunks.continue_upload(
            upload=receipt.upload,
            budget_seconds=None,
            on_chunk=lambda took: result.chunk_ms.append(1000 * took),
        )
    finally:
        result.apply_seconds = time.perf_counter() - began
        load.interrupt()
        result.lookups = load.finish()
    upload = Upload.objects.get(pk=receipt.upload.pk)
    result.status, result.applied, result.refused = (
        upload.status,
        upload.lines_applied,
        upload.lines_refused,
    )
    return result


# --------------------------------------------------------------------------------------------
# The service


class Server:
    """gunicorn in its own session, so one killpg reaches the arbiter and its workers."""

    def __init__(self, env: dict[str, str], port: int, log: IO[bytes], workdir: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.control_socket = workdir / "gunicorn.ctl"
        self.process: subprocess.Popen[bytes] | None = None
        self.peak_rss = 0
        self.peak_processes = 0
        self._sampling = threading.Event()
        self._sampler: threading.Thread | None = None

    def start(self) -> None:
        self.process = start_gunicorn(self.env, self.log, self.control_socket)
        self._sampler = threading.Thread(target=self._sample_rss, daemon=True)
        self._sampler.start()

    def wait_ready(self, timeout: float) -> bool:
        """Until /healthz answers 200 and every worker has started (each loads spaCy)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            if healthz_ok(self.port, timeout=5):
                return True
            time.sleep(0.1)
        return False

    def processes(self) -> list[psutil.Process]:
        if self.process is None:
            return []
        try:
            arbiter = psutil.Process(self.process.pid)
            return [arbiter, *arbiter.children(recursive=True)]
        except psutil.Error:
            return []

    def cpu_seconds(self) -> float:
        """User + system CPU time of the arbiter and its workers so far."""
        total = 0.0
        for process in self.processes():
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    def _sample_rss(self) -> None:
        while not self._sampling.wait(0.25):
            total, alive = 0, 0
            for process in self.processes():
                with contextlib.suppress(psutil.Error):
                    total += process.memory_info().rss
                    alive += 1
            if total > self.peak_rss:
                self.peak_rss, self.peak_processes = total, alive

    def stop(self) -> None:
        self._sampling.set()
        process = self.process
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        self.process = None


class AccessLog:
    """gunicorn's access log lines (JSON: method, path, status, ms) written since a mark."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def mark(self) -> int:
        return self.path.stat().st_size

    def statuses_since(self, offset: int) -> Counter[tuple[str, int]]:
        """(path, status) counts; the path carries no query string (%(U)s)."""
        time.sleep(0.3)  # the last lines of the run
        counts: Counter[tuple[str, int]] = Counter()
        with self.path.open("rb") as f:
            f.seek(offset)
            for raw in f:
                line = raw.strip()
                if not line.startswith(b'{"method"'):
                    continue
                with contextlib.suppress(ValueError, KeyError):
                    entry = json.loads(line)
                    counts[(str(entry["path"]), int(entry["status"]))] += 1
        return counts


# --------------------------------------------------------------------------------------------
# The load: wrk with a Lua script that walks a list of paths and prints JSON when done

WRK_SCRIPT = r"""
local paths = {}
local index = 0
local started = 0

function setup(thread)
  thread:set("offset", started * 7919)
  started = started + 1
end

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  index = (offset or 0) % #paths
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"wrk":1,"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
"""


@dataclass
class Measurement:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float
    socket_errors: int
    wrk_non_2xx_3xx: int
    statuses: Counter[int]
    server_cpu_s: float  # CPU time gunicorn used during the measurement
    database_cpu_s: float  # CPU time of PostgreSQL's processes (0 with SQLite: in gunicorn)
    other_cpu_s: float  # CPU time of every other process but wrk
    load_average: float  # one-minute load average when the measurement started

    @property
    def per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        """Server CPU per request: the figure least moved by other load on the machine."""
        return 1000 * self.server_cpu_s / self.requests if self.requests else 0.0

    @property
    def database_cpu_ms_per_request(self) -> float:
        return 1000 * self.database_cpu_s / self.requests if self.requests else 0.0

    @property
    def other_cpu_share(self) -> float:
        """Share of the machine's CPU used by other processes during the measurement."""
        cores = psutil.cpu_count() or 1
        return self.other_cpu_s / (self.seconds * cores) if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(
            "wrk is not installed. Install Debian's package: sudo apt-get install -y wrk"
        )
    return found


class PostgresCpu:
    """CPU time the local PostgreSQL server's processes spend from now on (0 without one).

    Backends come and go (Django closes a connection after CONN_MAX_AGE), so a thread
    samples each process 4 times a second and adds up what each used since it was last seen.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last: dict[int, float] = {}
        self.total = 0.0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        if enabled:
            self._sample(first=True)
            threading.Thread(target=self._run, daemon=True).start()

    def _sample(self, first: bool = False) -> None:
        seen: dict[int, float] = {}
        for process in psutil.process_iter(["name", "cpu_times"]):
            times = process.info["cpu_times"]
            if process.info["name"] == "postgres" and times is not None:
                seen[process.pid] = times.user + times.system
        with self.lock:
            if not first:
                self.total += sum(cpu - self.last.get(pid, 0.0) for pid, cpu in seen.items())
            self.last = seen

    def _run(self) -> None:
        while not self.stopping.wait(0.25):
            with contextlib.suppress(psutil.Error):
                self._sample()

    def seconds(self) -> float:
        if self.enabled:
            self._sample()
        with self.lock:
            return self.total

    def stop(self) -> None:
        self.stopping.set()


def busy_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy (not idle or waiting for I/O)."""
    times = psutil.cpu_times()
    return float(sum(times)) - times.idle - getattr(times, "iowait", 0.0)


class WrkRun:
    """One wrk load against the service, started now and finished with ``finish``: at the
    end of its duration, or earlier by SIGINT (wrk then stops and still reports)."""

    def __init__(
        self,
        *,
        wrk: str,
        name: str,
        server: Server,
        database: PostgresCpu,
        paths_file: Path,
        script: Path,
        headers: dict[str, str],
        seconds: float,
        connections: int,
        threads: int,
        log: AccessLog,
        route: str,
    ) -> None:
        self.name, self.server, self.database, self.log, self.route = (
            name,
            server,
            database,
            log,
            route,
        )
        self.seconds = seconds
        self.offset = log.mark()
        self.load = os.getloadavg()[0]
        self.children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.server_cpu, self.database_cpu, self.busy = (
            server.cpu_seconds(),
            database.seconds(),
            busy_cpu_seconds(),
        )
        command = [
            wrk,
            f"--threads={threads}",
            f"--connections={connections}",
            f"--duration={max(1, round(seconds))}s",
            "--timeout=10s",
            f"--script={script}",
        ]
        for header, value in headers.items():
            command += ["--header", f"{header}: {value}"]
        command += [f"http://{HOST}:{server.port}/", "--", str(paths_file)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def interrupt(self) -> None:
        """Stop the load now (wrk reports what it measured so far)."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGINT)

    def finish(self) -> Measurement:
        try:
            stdout, stderr = self.process.communicate(timeout=self.seconds + 60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            stdout, stderr = self.process.communicate()
        server_cpu = self.server.cpu_seconds() - self.server_cpu
        database_cpu = self.database.seconds() - self.database_cpu
        busy = busy_cpu_seconds() - self.busy
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        wrk_cpu = (after.ru_utime + after.ru_stime) - (
            self.children.ru_utime + self.children.ru_stime
        )
        summary = next(
            (json.loads(line) for line in stdout.splitlines() if line.startswith('{"wrk"')),
            None,
        )
        if summary is None:
            raise SystemExit(f"wrk failed ({self.process.returncode}): {stderr.strip()[:500]}")
        statuses: Counter[int] = Counter()
        for (path, status), n in self.log.statuses_since(self.offset).items():
            if path == self.route:
                statuses[status] += n
        return Measurement(
            name=self.name,
            requests=int(summary["requests"]),
            seconds=summary["duration_us"] / 1e6,
            p50_ms=summary["p50_us"] / 1000,
            p90_ms=summary["p90_us"] / 1000,
            p99_ms=summary["p99_us"] / 1000,
            p999_ms=summary["p999_us"] / 1000,
            max_ms=summary["max_us"] / 1000,
            socket_errors=sum(int(summary[k]) for k in ("connect", "read", "write", "timeout")),
            wrk_non_2xx_3xx=int(summary["status"]),
            statuses=statuses,
            server_cpu_s=server_cpu,
            database_cpu_s=database_cpu,
            other_cpu_s=max(0.0, busy - server_cpu - database_cpu - wrk_cpu),
            load_average=self.load,
        )


def flag_path(identifier: str) -> str:
    query = urllib.parse.urlencode({"identifier": f"{NHS_SYSTEM_URI}|{identifier}"})
    return f"/fhir/Flag?{query}"


def lookup_headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "X-Responsible-Person": "Benchmark Nurse"}


@dataclass
class SampleCheck:
    hits_ok: int = 0
    hits_checked: int = 0
    misses_ok: int = 0
    misses_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.hits_checked > 0
            and self.hits_ok == self.hits_checked
            and self.misses_ok == self.misses_checked
        )


def check_sample(port: int, key: str, hits: Sequence[str], misses: Sequence[str]) -> SampleCheck:
    """A held number answers a Bundle with total >= 1, a number nobody holds total 0."""
    check = SampleCheck()
    for identifier, held in [*((h, True) for h in hits), *((m, False) for m in misses)]:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            conn.request("GET", flag_path(identifier), headers=lookup_headers(key))
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        total = None
        with contextlib.suppress(ValueError, AttributeError):
            bundle = json.loads(body)
            if bundle.get("resourceType") == "Bundle":
                total = bundle.get("total")
        good = response.status == 200 and (
            isinstance(total, int) and (total >= 1 if held else total == 0)
        )
        if held:
            check.hits_checked += 1
            check.hits_ok += good
        else:
            check.misses_checked += 1
            check.misses_ok += good
        if not good and len(check.problems) < 5:
            check.problems.append(
                f"{'held' if held else 'unknown'} number: HTTP {response.status}, total {total}"
            )
    return check


# --------------------------------------------------------------------------------------------
# Report


def print_table(rows: Sequence[tuple[str, str, str, str]]) -> None:
    header = ("metric", "value", "target", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _statuses(measurements: Sequence[Measurement]) -> str:
    total: Counter[int] = sum((m.statuses for m in measurements), Counter())
    return " ".join(f"{k}:{v}" for k, v in sorted(total.items())) or "-"


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


@dataclass
class RunData:
    database: str
    records: int
    authorities: int
    upload: UploadResult
    previous_accesses: int
    lookups: list[Measurement]
    ceilings: dict[str, list[Measurement]]  # by route: /healthz, /fhir/metadata
    sample: SampleCheck
    server_rss_mb: float
    server_processes: int
    audited: dict[str, int]
    lookup_2xx_served: int
    seconds: float
    upload_round: UploadRound | None = None


def summarise(args: argparse.Namespace, data: RunData) -> dict[str, Any]:
    upload_rate = data.upload.applied / data.upload.seconds if data.upload.seconds else 0.0
    lookups = median([m.per_s for m in data.lookups])
    p50 = median([m.p50_ms for m in data.lookups])
    p99 = median([m.p99_ms for m in data.lookups])
    # The ceiling is the cheapest endpoint: whichever of the candidates served most.
    by_route = {route: median([m.per_s for m in ms]) for route, ms in data.ceilings.items()}
    ceiling_route = max(by_route, key=lambda route: by_route[route])
    ceiling = by_route[ceiling_route]
    ratio = lookups / ceiling if ceiling else 0.0
    everything = data.lookups + [m for ms in data.ceilings.values() for m in ms]
    non_2xx = sum(m.non_2xx for m in everything)
    socket_errors = sum(m.socket_errors for m in everything)
    hits = data.audited.get("flags.lookup.hit", 0) + data.audited.get("flags.lookup.silent", 0)
    audited_total = sum(data.audited.values())
    hit_ratio = hits / audited_total if audited_total else 0.0
    lookup_cpu = median([m.cpu_ms_per_request for m in data.lookups])
    lookup_db_cpu = median([m.database_cpu_ms_per_request for m in data.lookups])
    ceiling_cpu = median([m.cpu_ms_per_request for m in data.ceilings[ceiling_route]])
    other_cpu = median([m.other_cpu_share for m in everything])
    cores = psutil.cpu_count() or 1
    verdicts = {
        "upload_records_per_s": upload_rate >= TARGET_UPLOAD_PER_S,
        "lookups_per_s": lookups >= TARGET_LOOKUPS_PER_S,
        "p99_ms": p99 <= TARGET_P99_MS,
        "ratio_to_ceiling": ratio >= TARGET_RATIO,
        "non_2xx": non_2xx == 0,
        "sample_correct": data.sample.ok,
        "all_uploaded": data.upload.applied == data.records and data.upload.refused == 0,
    }
    during = data.upload_round.lookups if data.upload_round else None
    if data.upload_round is not None and during is not None:
        verdicts["upload_round_applied"] = (
            data.upload_round.status == "applied"
            and data.upload_round.applied == data.upload_round.lines
        )
        verdicts["errors_during_upload"] = during.non_2xx + during.socket_errors == 0
        verdicts["p99_during_upload_ms"] = during.p99_ms <= TARGET_P99_DURING_UPLOAD_MS

    print(
        f"\nChild protection flags on {data.database}: {data.records:,} subjects over "
        f"{data.authorities} authorities; gunicorn (gunicorn_conf.py) with {args.workers} "
        f"workers on {cores} cores; wrk {args.threads} thread(s), {args.connections} "
        f"connections, {args.duration:g} s per measurement, {len(data.lookups)} rounds "
        f"(medians); lookups: {args.hit_share:.0%} held numbers, the rest valid numbers "
        "nobody holds.\n"
    )
    print(
        "round  what                 req/s   p50 ms   p99 ms  p99.9 ms  CPU ms/req: server  "
        "database  other load  loadavg"
    )
    rounds = zip(data.lookups, *data.ceilings.values(), strict=True)
    for i, measurements in enumerate(rounds, start=1):
        for m in sorted(measurements, key=lambda m: m.name):
            print(
                f"{i:<5}  {m.name:<19} {m.per_s:6.0f}  {m.p50_ms:7.1f}  {m.p99_ms:7.1f}  "
                f"{m.p999_ms:8.1f}  {m.cpu_ms_per_request:18.2f}  "
                f"{m.database_cpu_ms_per_request:8.2f}  {m.other_cpu_share:10.0%}  "
                f"{m.load_average:7.1f}"
            )
    print()

    def verdict(key: str) -> str:
        return "PASS" if verdicts[key] else "FAIL"

    rows = [
        ("records (subjects uploaded)", f"{data.records:,}", "", ""),
        (
            "upload files / lines applied / refused",
            f"{data.upload.files} / {data.upload.applied:,} / {data.upload.refused:,}",
            "all applied",
            verdict("all_uploaded"),
        ),
        ("upload seconds (apply_upload calls)", f"{data.upload.seconds:.1f}", "", ""),
        (
            "upload records/s",
            f"{upload_rate:,.0f}",
            f">= {TARGET_UPLOAD_PER_S:,.0f}",
            verdict("upload_records_per_s"),
        ),
        ("earlier accesses seeded", f"{data.previous_accesses:,}", "", ""),
        (
            "lookups/s (median)",
            f"{lookups:,.0f}",
            f">= {TARGET_LOOKUPS_PER_S:,.0f}",
            verdict("lookups_per_s"),
        ),
        ("lookup p50 ms (median)", f"{p50:.1f}", "", ""),
        ("lookup p99 ms (median)", f"{p99:.1f}", f"<= {TARGET_P99_MS:g}", verdict("p99_ms")),
        *(
            (
                f"GET {route} /s (median)",
                f"{rate:,.0f}",
                "ceiling" if route == ceiling_route else "",
                "",
            )
            for route, rate in by_route.items()
        ),
        (
            f"ratio to ceiling ({ceiling_route})",
            f"{ratio:.2f}",
            f">= {TARGET_RATIO:g}",
            verdict("ratio_to_ceiling"),
        ),
        (
            "server CPU ms per lookup / ceiling request",
            f"{lookup_cpu:.2f} / {ceiling_cpu:.2f}",
            "",
            "",
        ),
        ("PostgreSQL CPU ms per lookup", f"{lookup_db_cpu:.2f}", "", ""),
        ("lookup statuses (gunicorn log)", _statuses(data.lookups), "", ""),
        *(
            (f"GET {route} statuses (gunicorn log)", _statuses(ms), "", "")
            for route, ms in data.ceilings.items()
        ),
        ("non-2xx responses", str(non_2xx), "= 0", verdict("non_2xx")),
        *_upload_round_rows(data.upload_round, p99, verdict),
        ("socket errors (wrk)", str(socket_errors), "", ""),
        (
            "sample: held -> total>=1, unknown -> 0",
            f"{data.sample.hits_ok}/{data.sample.hits_checked}, "
            f"{data.sample.misses_ok}/{data.sample.misses_checked}",
            "all",
            verdict("sample_correct"),
        ),
        (
            "lookups audited / 2xx lookups served",
            f"{audited_total:,} / {data.lookup_2xx_served:,}",
            "equal",
            "",
        ),
        ("hit ratio of audited lookups", f"{hit_ratio:.2f}", f"{args.hit_share:g} sent", ""),
        (
            "server peak RSS MB (arbiter + workers)",
            f"{data.server_rss_mb:,.0f}",
            f"{data.server_processes} processes",
            "",
        ),
        ("other processes' CPU share (median)", f"{other_cpu:.0%}", "0% on a quiet machine", ""),
        ("seconds (whole run)", f"{data.seconds:.0f}", "", ""),
    ]
    print_table(rows)
    for problem in data.sample.problems:
        print(f"  sample problem: {problem}")
    if other_cpu > 0.1:
        print(
            f"  Other processes used {other_cpu:.0%} of the CPU during the measurements: "
            "throughput is understated; the CPU per request is the steadier figure."
        )
    return {
        "records": data.records,
        "upload_records_per_s": round(upload_rate, 1),
        "lookups_per_s": round(lookups, 1),
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "ceiling_requests_per_s": round(ceiling, 1),
        "ratio_to_ceiling": round(ratio, 3),
        "server_rss_mb": round(data.server_rss_mb, 1),
        "database": data.database,
        "duration_s": args.duration,
        "rounds": len(data.lookups),
        "connections": args.connections,
        "wrk_threads": args.threads,
        "workers": args.workers,
        "non_2xx": non_2xx,
        "socket_errors": socket_errors,
        "lookup_hit_ratio": round(hit_ratio, 3),
        "lookup_hit_ratio_sent": args.hit_share,
        "ceiling_route": ceiling_route,
        "ceiling_candidates_per_s": {route: round(rate, 1) for route, rate in by_route.items()},
        "lookups_per_s_rounds": [round(m.per_s, 1) for m in data.lookups],
        "p99_ms_rounds": [round(m.p99_ms, 2) for m in data.lookups],
        "server_cpu_ms_per_lookup": round(lookup_cpu, 3),
        "server_cpu_ms_per_ceiling_request": round(ceiling_cpu, 3),
        "database_cpu_ms_per_lookup": round(lookup_db_cpu, 3),
        "other_cpu_share": round(other_cpu, 3),
        "upload_seconds": round(data.upload.seconds, 2),
        "upload_files": data.upload.files,
        "authorities": data.authorities,
        "previous_accesses": data.previous_accesses,
        "sample_correct": data.sample.ok,
        "lookups_audited": data.audited,
        "lookup_2xx_served": data.lookup_2xx_served,
        "targets": {
            "upload_records_per_s": TARGET_UPLOAD_PER_S,
            "lookups_per_s": TARGET_LOOKUPS_PER_S,
            "p99_ms": TARGET_P99_MS,
            "ratio_to_ceiling": TARGET_RATIO,
            "non_2xx": 0,
            "p99_during_upload_ms": TARGET_P99_DURING_UPLOAD_MS,
            "errors_during_upload": 0,
        },
        "upload_round": _upload_round_json(data.upload_round),
        "verdicts": verdicts,
        "passed": all(verdicts.values()),
        "seconds": round(data.seconds, 1),
        "seed": args.seed,
    }


def _upload_round_rows(
    round_: UploadRound | None, p99_without: float, verdict: Callable[[str], str]
) -> list[tuple[str, str, str, str]]:
    if round_ is None or round_.lookups is None:
        return []
    during = round_.lookups
    return [
        (
            "upload during lookups: lines applied / refused",
            f"{round_.applied:,} / {round_.refused:,} of {round_.lines:,}",
            "all applied",
            verdict("upload_round_applied"),
        ),
        (
            "  received (read, recorded) / applied seconds",
            f"{round_.receive_seconds:.1f} / {round_.apply_seconds:.1f}",
            "",
            "",
        ),
        ("  applied lines/s, beside lookups", f"{round_.lines_per_s:,.0f}", "", ""),
        (
            "  chunks / their transaction ms: median, max",
            f"{len(round_.chunk_ms)} / {median(round_.chunk_ms):.0f}, "
            f"{max(round_.chunk_ms, default=0):.0f}",
            "the longest a lookup waits",
            "",
        ),
        (
            "  lookups/s during the upload",
            f"{during.per_s:,.0f}",
            f"{during.requests:,} lookups",
            "",
        ),
        (
            "  lookup p99 ms: during the upload / without",
            f"{during.p99_ms:.1f} / {p99_without:.1f}",
            f"<= {TARGET_P99_DURING_UPLOAD_MS:g} during",
            verdict("p99_during_upload_ms"),
        ),
        (
            "  lookup p50 / p99.9 / max ms during the upload",
            f"{during.p50_ms:.1f} / {during.p999_ms:.1f} / {during.max_ms:.1f}",
            "",
            "",
        ),
        (
            "  non-2xx + socket errors during the upload",
            f"{during.non_2xx} + {during.socket_errors}",
            "= 0",
            verdict("errors_during_upload"),
        ),
        ("  statuses during the upload (gunicorn log)", _statuses([during]), "", ""),
    ]


def _upload_round_json(round_: UploadRound | None) -> dict[str, Any] | None:
    if round_ is None or round_.lookups is None:
        return None
    during = round_.lookups
    return {
        "lines": round_.lines,
        "applied": round_.applied,
        "refused": round_.refused,
        "status": round_.status,
        "receive_seconds": round(round_.receive_seconds, 2),
        "apply_seconds": round(round_.apply_seconds, 2),
        "lines_per_s": round(round_.lines_per_s, 1),
        "chunks": len(round_.chunk_ms),
        "chunk_ms_median": round(median(round_.chunk_ms), 1),
        "chunk_ms_max": round(max(round_.chunk_ms, default=0.0), 1),
        "lookups": during.requests,
        "lookups_per_s": round(during.per_s, 1),
        "p50_ms": round(during.p50_ms, 2),
        "p99_ms": round(during.p99_ms, 2),
        "p999_ms": round(during.p999_ms, 2),
        "max_ms": round(during.max_ms, 2),
        "non_2xx": during.non_2xx,
        "socket_errors": during.socket_errors,
        "server_cpu_ms_per_lookup": round(during.cpu_ms_per_request, 3),
    }


# --------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Upload synthetic child protection flags at England scale, then measure "
        "FHIR Flag lookups over HTTP against gunicorn, with the cheapest endpoint as ceiling."
    )
    parser.add_argument("--records", type=int, default=None, help="subjects (default 250000)")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL instead of a temporary SQLite file, e.g. "
        "postgres://postgres@127.0.0.1:5432/candour_bench; the script creates this database "
        "and drops it at the end",
    )
    parser.add_argument(
        "--replace-database",
        action="store_true",
        help="drop the --database-url database first if it exists",
    )
    parser.add_argument("--duration", type=float, default=None, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=None, help="seconds of warm-up load")
    parser.add_argument("--rounds", type=int, default=None, help="measurements of each kind")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--hit-share", type=float, default=0.5, help="share of held numbers")
    parser.add_argument(
        "--upload-lines",
        type=int,
        default=None,
        help="lines of the file applied during the last round of lookups (default 250000; "
        "0: no such round)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 20,000 records, 5 s, one round"
    )
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    quick = args.quick
    if args.records is None:
        args.records = 20_000 if quick else 250_000
    if args.duration is None:
        args.duration = 5.0 if quick else 20.0
    if args.warmup is None:
        args.warmup = 2.0 if quick else 5.0
    if args.rounds is None:
        args.rounds = 1 if quick else 3
    if args.upload_lines is None:
        args.upload_lines = 20_000 if quick else 250_000
    if args.seed is None:
        args.seed = secrets.randbelow(10**6)
    if not 0 < args.hit_share <= 1:
        parser.error("--hit-share is a share between 0 and 1")
    if args.upload_lines < 0:
        parser.error("--upload-lines is 0 or more")
    if args.records < 1 or args.rounds < 1 or args.workers < 1 or args.connections < 1:
        parser.error("--records, --rounds, --workers and --connections must be at least 1")
    return args


def _interrupted(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM and SIGINT stop the run through the finally blocks that stop gunicorn.
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _interrupted)
    wrk = require_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="candour-flags-bench-"))
    postgres = (
        PostgresDatabase(args.database_url, args.replace_database) if args.database_url else None
    )
    try:
        if postgres is not None:
            postgres.create()
        summary = run(args, workdir, wrk)
    finally:
        with contextlib.suppress(Exception):
            close_db()
        if postgres is not None and not args.keep:
            postgres.drop()
        if args.keep:
            print(f"Kept {workdir} (service.log: gunicorn's log).", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(summary))
    return 0 if summary["passed"] else 1


def progress(message: str) -> None:
    print(message, flush=True)


CEILING_ROUTES = ("/healthz", "/fhir/metadata")


def run(args: argparse.Namespace, workdir: Path, wrk: str) -> dict[str, Any]:
    started = time.monotonic()
    rng = random.Random(args.seed)
    database_url = args.database_url or f"sqlite:///{workdir / 'flags.sqlite3'}"
    database = "postgresql" if database_url.startswith("postgres") else "sqlite"
    port = free_port()
    env = service_env(database_url, port, args.workers)
    run_id = secrets.token_hex(4)
    authorities = max(1, round(args.records / SUBJECTS_PER_AUTHORITY))
    log_path = workdir / "service.log"
    with log_path.open("wb") as log:
        progress(f"Migrating a fresh {database} database (production settings)...")
        migrate(env, log)
        setup_django(env)
        setup = create_organisations(authorities, run_id)
        progress(f"Generating {args.records:,} synthetic subjects...")
        taken: set[str] = set()
        subjects = make_subjects(rng, args.records, authorities, date.today(), taken)
        progress(f"Uploading them as {authorities} files (one per authority)...")
        upload = upload_all(setup, subjects)
        progress(f"Uploaded {upload.applied:,} lines in {upload.seconds:.1f} s.")
        previous = add_previous_accesses(setup, rng, PREVIOUS_ACCESS_SHARE)
        close_db()

        held = [s.identifier for s in subjects]
        unknown = nhs_numbers(rng, 20_000, taken)
        files = {"/fhir/Flag": workdir / "lookups.txt"}
        files["/fhir/Flag"].write_text(
            "\n".join(_lookup_paths(rng, held, unknown, args.hit_share, 40_000)) + "\n"
        )
        for index, route in enumerate(CEILING_ROUTES):
            files[route] = workdir / f"ceiling-{index}.txt"
            files[route].write_text(route + "\n")
        script = workdir / "paths.lua"
        script.write_text(WRK_SCRIPT)
        access_log = AccessLog(log_path)
        headers = lookup_headers(setup.client_key)
        server = Server(env, port, log, workdir)
        postgres_cpu = PostgresCpu(enabled=database == "postgresql")
        lookups: list[Measurement] = []
        ceilings: dict[str, list[Measurement]] = {route: [] for route in CEILING_ROUTES}

        def load(name: str, route: str, seconds: float) -> WrkRun:
            return WrkRun(
                wrk=wrk,
                name=name,
                server=server,
                database=postgres_cpu,
                paths_file=files[route],
                script=script,
                headers=headers,
                seconds=seconds,
                connections=args.connections,
                threads=args.threads,
                log=access_log,
                route=route,
            )

        def measure(name: str, route: str, seconds: float) -> Measurement:
            return load(name, route, seconds).finish()

        upload_round: UploadRound | None = None

        try:
            progress(f"Starting gunicorn ({args.workers} workers) on {HOST}:{port}...")
            server.start()
            if not server.wait_ready(READY_TIMEOUT_S):
                raise SystemExit(f"The service did not start; see {log_path} (use --keep).")
            first_mark = access_log.mark()
            sample = check_sample(
                port, setup.client_key, held[:: max(1, len(held) // 25)][:25], unknown[:25]
            )
            if not sample.ok:
                progress(f"The sample check failed: {sample.problems}")
            progress(f"Warming up ({args.warmup:g} s of lookups)...")
            measure("warm-up", "/fhir/Flag", args.warmup)
            for round_ in range(args.rounds):
                progress(f"Round {round_ + 1}/{args.rounds}: {', '.join(CEILING_ROUTES)}, lookups")
                for route in CEILING_ROUTES:
                    ceilings[route].append(measure(f"GET {route}", route, args.duration))
                lookups.append(measure("lookups", "/fhir/Flag", args.duration))
            if args.upload_lines:
                progress(
                    f"Last round: lookups while a {args.upload_lines:,}-line file is applied..."
                )
                upload_round = upload_during_lookups(
                    rng,
                    args.upload_lines,
                    taken,
                    run_id,
                    lambda: load("lookups during upload", "/fhir/Flag", UPLOAD_ROUND_MAX_S),
                )
                close_db()
                progress(
                    f"Applied {upload_round.applied:,} lines in "
                    f"{upload_round.apply_seconds:.1f} s beside the lookups."
                )
            served = access_log.statuses_since(first_mark)
        finally:
            server.stop()
            postgres_cpu.stop()
        lookup_2xx = sum(
            n for (path, status), n in served.items() if path == "/fhir/Flag" and status < 300
        )
        audited = count_lookups_audited()
        close_db()
    return summarise(
        args,
        RunData(
            database=database,
            records=args.records,
            authorities=authorities,
            upload=upload,
            previous_accesses=previous,
            lookups=lookups,
            ceilings=ceilings,
            sample=sample,
            server_rss_mb=server.peak_rss / (1024 * 1024),
            server_processes=server.peak_processes,
            audited=audited,
            lookup_2xx_served=lookup_2xx,
            seconds=time.monotonic() - started,
            upload_round=upload_round,
        ),
    )


def _lookup_paths(
    rng: random.Random, held: Sequence[str], unknown: Sequence[str], hit_share: float, count: int
) -> list[str]:
    """Request paths in random order: ``hit_share`` held numbers, the rest unknown ones."""
    hits = round(count * hit_share)
    chosen = [rng.choice(held) for _ in range(hits)]
    chosen += [rng.choice(unknown) for _ in range(count - hits)]
    rng.shuffle(chosen)
    return [flag_path(identifier) for identifier in chosen]


if __name__ == "__main__":
    sys.exit(main())
