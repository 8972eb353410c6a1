"""Crash test of POST /api/v1/reports: kill the service while reports arrive, lose none.

    .venv/bin/python benchmarks/report_crash.py [--reports 500] [--database-url URL]

One run makes a fresh SQLite database in a temporary directory (or uses ``--database-url``,
e.g. a new, empty PostgreSQL database), migrates it with the production settings, creates an
organisation with the reporting programme "crash", then starts the service the way
production runs it (``gunicorn -c candour/config/gunicorn_conf.py candour.config.wsgi``, 2
workers, 127.0.0.1 on a free port). From this process it sends the reports over HTTP, each
with its own Idempotency-Key and a unique marker in its narrative, retrying (same key) on
connection errors and 5xx until acknowledged (at most ``--per-report-seconds``); every
acknowledged report is sent once more to check that the retry gets the same receipt.
Meanwhile a thread SIGKILLs gunicorn's whole process group at random moments (0.3-2 s after
the service answers /healthz, at most ``--max-kills`` times) and starts it again.

At the end it stops the service and counts straight from the database: rows per
idempotency key, whether every acknowledged reference is stored exactly once, whether the
total of new rows equals the acknowledged references, and whether each acknowledged receipt
hashes to its report's stored receipt hash. It prints a table, then a last line of JSON
(``reports_sent``, ``acknowledged``, ``lost``, ``duplicated``, ``kills``, ``retries``,
``receipts_consistent``, ``seconds``, ...). Targets: lost 0, duplicated 0. All data is
synthetic; nothing the reports say is printed or logged.

Receipt hashing runs with CANDOUR_RECEIPT_ARGON2_MEMORY_KIB=8192 (production: 65536) to keep
the run short; the output says so.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

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

PROGRAMME_SLUG = "crash"
ARGON2_MEMORY_KIB = 8192
WORKERS = 2
KILL_MIN_S, KILL_MAX_S = 0.3, 2.0
REQUEST_TIMEOUT_S = 30.0
READY_TIMEOUT_S = 60.0

TARGET_LOST = 0
TARGET_DUPLICATED = 0


# --------------------------------------------------------------------------------------------
# Environment and database


def service_env(database_url: str, port: int) -> dict[str, str]:
    """Production settings, with Argon2 memory for receipts kept small for a fast run, and the
    per-client ceiling on filing (ADR 0014) lifted: every report here comes from one client."""
    return production_env(
        database_url,
        port,
        WORKERS,
        CANDOUR_RECEIPT_ARGON2_MEMORY_KIB=str(ARGON2_MEMORY_KIB),
        CANDOUR_REPORT_CLIENT_BURST_SECONDS="1000000",
        CANDOUR_REPORT_CLIENT_SECONDS_PER_HOUR="1000000",
    )


def create_programme() -> int:
    """The organisation and its programme "crash"; returns the reports already stored."""
    from candour.accounts.models import Organisation, OrganisationKind
    from candour.reporting.models import Programme, Report

    organisation, _ = Organisation.objects.get_or_create(
        ods_code="XCRSH",
        defaults={"name": "Crash Test Council", "kind": OrganisationKind.LOCAL_AUTHORITY},
    )
    Programme.objects.get_or_create(
        slug=PROGRAMME_SLUG,
        defaults={
            "organisation": organisation,
            "duty_contact": "Front door: 01632 960000",
            "emergency_contact": "Emergency duty team: 01632 960001",
        },
    )
    return Report.objects.count()


# --------------------------------------------------------------------------------------------
# The service


class Server:
    """gunicorn in its own session, so one killpg reaches the arbiter and its workers."""

    def __init__(
        self, env: dict[str, str], port: int, log: IO[bytes], workdir: Path, stop: threading.Event
    ) -> None:
        self.env, self.port, self.log, self.stop = env, port, log, stop
        self.control_socket = workdir / "gunicorn.ctl"
        self.process: subprocess.Popen[bytes] | None = None
        self.started: list[subprocess.Popen[bytes]] = []
        self.lock = threading.Lock()
        self.closed = False

    def start(self) -> None:
        with self.lock:
            if self.closed:
                return  # the run is over: start nothing that could outlive it
            self.process = start_gunicorn(self.env, self.log, self.control_socket)
            self.started.append(self.process)

    def wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.stop.is_set():
            process = self.process
            if process is not None and process.poll() is not None:
                return False  # the arbiter exited (e.g. it could not bind yet)
            if healthz_ok(self.port, timeout=2):
                return True
            time.sleep(0.05)
        return False

    def kill(self) -> None:
        """SIGKILL the whole process group: arbiter and workers, mid-request or not."""
        with self.lock:
            process = self.process
            if process is None:
                return
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            self.process = None

    def stop_all(self) -> None:
        """Kill every process group this run started (called from finally)."""
        with self.lock:
            self.closed = True
            for process in self.started:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=10)
            self.process = None


def restart(server: Server, deadline: float) -> bool:
    """Start the service again until it answers /healthz (a few tries, bounded in time)."""
    for _attempt in range(5):
        if time.monotonic() > deadline or server.stop.is_set():
            return False
        server.start()
        if server.wait_ready(min(READY_TIMEOUT_S, max(1.0, deadline - time.monotonic()))):
            return True
        server.kill()
        time.sleep(0.5)
    return False


@dataclass
class Chaos:
    kills: int = 0
    restart_failures: int = 0
    down_seconds: float = 0.0


# Set by the client threads whenever a report is acknowledged: with --kill-clock serving,
# the next kill is timed from the first acknowledgement after a restart.
SERVED = threading.Event()
SERVING_WAIT_S = 10.0
# Set when the run is interrupted: the client threads stop retrying.
ABORT = threading.Event()


def chaos_loop(
    server: Server,
    stop: threading.Event,
    rng: random.Random,
    args: argparse.Namespace,
    deadline: float,
    chaos: Chaos,
) -> None:
    while not stop.is_set() and chaos.kills < args.max_kills and time.monotonic() < deadline:
        if args.kill_clock == "serving":
            # Until a report is acknowledged (both workers load the de-identification engine
            # on their first report), at most SERVING_WAIT_S.
            waited = time.monotonic()
            while not SERVED.wait(0.1):
                if stop.is_set() or time.monotonic() - waited > SERVING_WAIT_S:
                    break
        if stop.wait(rng.uniform(KILL_MIN_S, KILL_MAX_S)):
            return
        killed_at = time.monotonic()
        server.kill()
        SERVED.clear()
        chaos.kills += 1
        if stop.is_set():
            return
        if not restart(server, deadline):
            chaos.restart_failures += 1
            return
        chaos.down_seconds += time.monotonic() - killed_at


# --------------------------------------------------------------------------------------------
# The client


@dataclass
class Outcome:
    index: int
    key: str
    body: bytes
    acknowledged: bool = False
    reference: str = ""
    receipt: str = ""
    statuses: list[int] = field(default_factory=list)
    retries: int = 0
    answers: list[tuple[str, str]] = field(default_factory=list)  # (reference, receipt)
    refused: int = 0  # a 4xx other than the expected ones: a bug, not a crash
    errors: Counter[str] = field(default_factory=Counter)  # client-side failures by kind
    gave_up: bool = False
    seconds: float = 0.0  # until acknowledged (or given up)
    first_status: int = 0  # 200: stored before a kill, the answer lost, the retry recognised


def report_body(index: int, marker: str, today: date) -> bytes:
    confidential = index % 3 == 0
    body: dict[str, Any] = {
        "programme": PROGRAMME_SLUG,
        "kind": ("near_miss", "good_catch", "incident", "unsafe_condition")[index % 4],
        "service_area": ("front_door", "assessment", "child_protection")[index % 3],
        "occurred_month": 1,
        "occurred_year": today.year,
        "narrative": {
            "what_happened": (
                f"Synthetic crash-test report {marker}. A referral was nearly closed before "
                "the checks with the school and the health visitor were done."
            ),
            "how_noticed": f"The duty manager read the chronology again. {marker}",
        },
        "harm": "none",
        "reporter_role": "social_worker",
        "confidentiality": "confidential" if confidential else "anonymous",
    }
    if confidential:
        body["contact"] = {"email": f"reporter-{index}@crash.example"}
    return json.dumps(body).encode()


def post(port: int, body: bytes, key: str) -> tuple[int, dict[str, Any] | None]:
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    try:
        conn.request(
            "POST",
            "/api/v1/reports",
            body=body,
            headers={"Content-Type": "application/json", "Idempotency-Key": key},
        )
        response = conn.getresponse()
        data = response.read()
        if response.status in (200, 201):
            return response.status, json.loads(data)
        return response.status, None
    finally:
        conn.close()


_FAILURES = {
    "ConnectionRefusedError": "refused",
    "ConnectionResetError": "reset",
    "RemoteDisconnected": "closed",
    "TimeoutError": "timeout",
    "IncompleteRead": "cut-off",
}


def send_until_acknowledged(
    port: int, body: bytes, outcome: Outcome, limit_s: float, deadline: float
) -> tuple[str, str] | None:
    """POST (same key) until a 200/201 answer, retrying connection errors and 5xx."""
    stop_at = min(time.monotonic() + limit_s, deadline)
    backoff = 0.05
    first = True
    while time.monotonic() < stop_at and not ABORT.is_set():
        if not first:
            outcome.retries += 1
        first = False
        try:
            status, answer = post(port, body, outcome.key)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            status, answer = 0, None  # refused, reset mid-request, cut-off answer, timeout
            outcome.errors[_FAILURES.get(type(exc).__name__, type(exc).__name__)] += 1
        outcome.statuses.append(status)
        if answer is not None and status in (200, 201):
            SERVED.set()
            return str(answer.get("reference", "")), str(answer.get("receipt", ""))
        if 400 <= status < 500:
            outcome.refused += 1
            return None
        time.sleep(backoff * random.uniform(0.5, 1.5))
        backoff = min(backoff * 2, 0.5)
    outcome.gave_up = True
    return None


def submit(
    index: int, port: int, run_id: str, limit_s: float, deadline: float, today: date
) -> Outcome:
    marker = f"CRASH-MARKER-{run_id}-{index:05d}"
    body = report_body(index, marker, today)
    outcome = Outcome(index=index, key=f"crash-{run_id}-{index:05d}", body=body)
    started = time.monotonic()
    first = send_until_acknowledged(port, body, outcome, limit_s, deadline)
    outcome.seconds = time.monotonic() - started
    if first is not None:
        outcome.acknowledged = True
        outcome.first_status = outcome.statuses[-1]
        outcome.reference, outcome.receipt = first
        outcome.answers.append(first)
        # The same submission again, as a client that never saw the answer would send it.
        again = send_until_acknowledged(port, body, outcome, limit_s, deadline)
        if again is not None:
            outcome.answers.append(again)
    return outcome


# --------------------------------------------------------------------------------------------
# Counting


@dataclass
class Counts:
    rows_before: int
    rows_after: int = 0
    rows_per_key: Counter[str] = field(default_factory=Counter)
    rows_per_reference: Counter[str] = field(default_factory=Counter)
    hash_of_reference: dict[str, str] = field(default_factory=dict)


def count_rows(outcomes: list[Outcome], rows_before: int) -> Counts:
    """Rows per submission, matched by the key the API stores for its Idempotency-Key (a
    keyed digest of programme, key and report: the same computation, same secret)."""
    from candour.reporting.api import stored_idempotency_key
    from candour.reporting.models import Programme, Report
    from candour.reporting.schemas import ReportIn

    programme_id = Programme.objects.get(slug=PROGRAMME_SLUG).pk
    key_of = {
        stored_idempotency_key(
            programme_id=programme_id, key=o.key, payload=ReportIn.model_validate_json(o.body)
        ): o.key
        for o in outcomes
    }
    counts = Counts(rows_before=rows_before, rows_after=Report.objects.count())
    stored = list(key_of)
    for start in range(0, len(stored), 500):
        rows = Report.objects.filter(idempotency_key__in=stored[start : start + 500]).values_list(
            "idempotency_key", "reference", "receipt_hash"
        )
        for key, reference, receipt_hash in rows:
            counts.rows_per_key[key_of[str(key)]] += 1
            counts.rows_per_reference[reference] += 1
            counts.hash_of_reference[reference] = receipt_hash
    for reference in Report.objects.filter(idempotency_key__isnull=True).values_list(
        "reference", flat=True
    ):
        counts.rows_per_reference[reference] += 1  # a row filed without its key
    return counts


def receipts_match(outcomes: list[Outcome], counts: Counts) -> bool:
    from candour.reporting import receipts

    return all(
        counts.hash_of_reference.get(o.reference) == receipts.receipt_hash(o.receipt)
        for o in outcomes
        if o.acknowledged
    )


# --------------------------------------------------------------------------------------------
# Report


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    header = ("metric", "value", "target", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def summarise(
    args: argparse.Namespace,
    database: str,
    outcomes: list[Outcome],
    counts: Counts,
    chaos: Chaos,
    seconds: float,
    receipts_ok: bool,
) -> dict[str, Any]:
    acknowledged = [o for o in outcomes if o.acknowledged]
    references = {o.reference for o in acknowledged}
    lost = sum(1 for o in acknowledged if counts.rows_per_reference[o.reference] == 0)
    new_rows = counts.rows_after - counts.rows_before
    # Rows no submission's key accounts for (e.g. filed without the key): duplicates too.
    stray_rows = new_rows - sum(1 for o in outcomes if counts.rows_per_key[o.key] > 0)
    duplicated = (
        sum(1 for o in outcomes if counts.rows_per_key[o.key] > 1)
        + sum(1 for o in acknowledged if counts.rows_per_reference[o.reference] > 1)
        + max(0, stray_rows)
    )
    unacknowledged_stored = sum(
        1 for o in outcomes if not o.acknowledged and counts.rows_per_key[o.key] > 0
    )
    # Every answer to a submission names the same report and receipt, and no two
    # submissions were answered with the same report.
    consistent = all(len(set(o.answers)) == 1 for o in acknowledged) and len(references) == len(
        acknowledged
    )
    replays_checked = sum(1 for o in acknowledged if len(o.answers) > 1)
    recovered = sum(1 for o in acknowledged if o.first_status == 200)
    statuses = Counter(s for o in outcomes for s in o.statuses)
    errors: Counter[str] = sum((o.errors for o in outcomes), Counter())
    per_key = Counter(min(counts.rows_per_key[o.key], 2) for o in outcomes)
    times = sorted(o.seconds for o in acknowledged) or [0.0]
    p50, p95, slowest = (
        times[len(times) // 2],
        times[min(len(times) - 1, int(len(times) * 0.95))],
        times[-1],
    )

    print(
        f"\nPOST /api/v1/reports under SIGKILL: {len(outcomes)} reports, {database}, "
        f"{WORKERS} gunicorn workers, {args.concurrency} client threads, kill clock "
        f"{args.kill_clock}, seed {args.seed}."
    )
    print(
        f"Receipt hashing at CANDOUR_RECEIPT_ARGON2_MEMORY_KIB={ARGON2_MEMORY_KIB} "
        "(production default 65536) to keep the run short.\n"
    )
    print("rows stored per submission (by idempotency key)")
    print(f"  0 rows: {per_key[0]}   1 row: {per_key[1]}   2 or more: {per_key[2]}\n")
    stored_submissions = sum(1 for o in outcomes if counts.rows_per_key[o.key] > 0)
    # Targets decide the exit status; the other rows explain them.
    rows: list[tuple[str, str, str, bool | None]] = [
        ("reports sent", str(len(outcomes)), "", None),
        ("acknowledged (201 or 200)", str(len(acknowledged)), f"{len(outcomes)} hoped", None),
        ("gave up (time limit per report)", str(sum(o.gave_up for o in outcomes)), "", None),
        ("lost (acknowledged, not stored)", str(lost), f"= {TARGET_LOST}", lost == TARGET_LOST),
        (
            "duplicated (more than one row)",
            str(duplicated),
            f"= {TARGET_DUPLICATED}",
            duplicated == TARGET_DUPLICATED,
        ),
        ("rows added / submissions stored", f"{new_rows} / {stored_submissions}", "equal", None),
        ("distinct acknowledged references", str(len(references)), "", None),
        ("stored but never acknowledged", str(unacknowledged_stored), "", None),
        ("refused with a 4xx", str(sum(o.refused for o in outcomes)), "", None),
        ("retries (same key)", str(sum(o.retries for o in outcomes)), "", None),
        ("first acknowledged by a 200 (answer lost)", str(recovered), "", None),
        ("re-sent after acknowledgement", str(replays_checked), "", None),
        ("receipts consistent on retry", str(consistent), "True", consistent),
        ("receipts match stored hashes", str(receipts_ok), "True", receipts_ok),
        ("kills (SIGKILL of the group)", str(chaos.kills), f"<= {args.max_kills}", None),
        ("restart failures", str(chaos.restart_failures), "", None),
        ("service down after kills (s)", f"{chaos.down_seconds:.1f}", "", None),
        ("answers by status (0: none)", _counts(statuses), "", None),
        ("failures without an answer", _counts(errors), "", None),
        (
            "time to acknowledge p50 / p95 / max (s)",
            f"{p50:.2f} / {p95:.1f} / {slowest:.1f}",
            f"max <= {args.per_report_seconds:g}",
            None,
        ),
        ("seconds", f"{seconds:.1f}", "", None),
    ]
    print_table(
        [
            (name, value, target, "" if ok is None else verdict_text(ok))
            for name, value, target, ok in rows
        ]
    )
    passed = all(ok for *_, ok in rows if ok is not None)
    return {
        "reports_sent": len(outcomes),
        "acknowledged": len(acknowledged),
        "lost": lost,
        "duplicated": duplicated,
        "kills": chaos.kills,
        "retries": sum(o.retries for o in outcomes),
        "receipts_consistent": consistent,
        "seconds": round(seconds, 1),
        "ack_seconds_p50": round(p50, 2),
        "ack_seconds_p95": round(p95, 1),
        "ack_seconds_max": round(slowest, 1),
        "receipts_match_database": receipts_ok,
        "rows_added": new_rows,
        "stored_submissions": stored_submissions,
        "acknowledged_references": len(references),
        "stored_unacknowledged": unacknowledged_stored,
        "gave_up": sum(o.gave_up for o in outcomes),
        "refused_4xx": sum(o.refused for o in outcomes),
        "replays_checked": replays_checked,
        "recovered_by_key": recovered,
        "restart_failures": chaos.restart_failures,
        "down_seconds": round(chaos.down_seconds, 1),
        "database": database,
        "workers": WORKERS,
        "concurrency": args.concurrency,
        "kill_clock": args.kill_clock,
        "argon2_memory_kib": ARGON2_MEMORY_KIB,
        "seed": args.seed,
        "passed": passed,
    }


def _counts(counter: Counter[Any]) -> str:
    return " ".join(f"{k}:{v}" for k, v in sorted(counter.items())) or "-"


def verdict_text(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# --------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Crash test of POST /api/v1/reports: SIGKILL the service while reports "
        "arrive; count lost and duplicated reports straight from the database."
    )
    parser.add_argument("--reports", type=int, default=500)
    parser.add_argument(
        "--database-url",
        help="an empty database to use instead of a temporary SQLite file, e.g. "
        "postgres://postgres@127.0.0.1:5432/candour_crash (create it first)",
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="overall limit (s)")
    parser.add_argument("--per-report-seconds", type=float, default=60.0)
    parser.add_argument("--max-kills", type=int, default=150)
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument(
        "--kill-clock",
        choices=("serving", "ready"),
        default="serving",
        help="time each kill from the first report acknowledged after the restart "
        "(serving, at most 10 s after /healthz answers) or from /healthz answering (ready)",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of the kill timings")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.seed is None:
        args.seed = secrets.randbelow(10**6)
    return args


def _interrupted(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM (e.g. from timeout(1)) and SIGINT, even when started in the background with
    # SIGINT ignored, stop the run through the finally blocks that kill gunicorn.
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _interrupted)
    workdir = Path(tempfile.mkdtemp(prefix="candour-crash-"))
    try:
        summary = run(args, workdir)
    finally:
        if args.keep:
            print(f"Kept {workdir} (service.log: gunicorn's log).", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(summary))
    return 0 if summary["passed"] else 1


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    started = time.monotonic()
    deadline = started + args.timeout
    database_url = args.database_url or f"sqlite:///{workdir / 'crash.sqlite3'}"
    database = "postgresql" if database_url.startswith("postgres") else "sqlite"
    port = free_port()
    env = service_env(database_url, port)
    run_id = secrets.token_hex(4)
    log_path = workdir / "service.log"
    stop = threading.Event()
    chaos = Chaos()
    server: Server | None = None
    chaos_thread: threading.Thread | None = None
    outcomes: list[Outcome] = []
    with log_path.open("wb") as log:
        try:
            print(f"Migrating a fresh {database} database (production settings)...", flush=True)
            migrate(env, log, timeout=max(30.0, deadline - time.monotonic()))
            setup_django(env)
            rows_before = create_programme()
            close_db()
            server = Server(env, port, log, workdir, stop)
            if not restart(server, deadline):
                raise SystemExit(f"The service did not start; see {log_path} (use --keep).")
            print(
                f"Service up on {HOST}:{port}; sending {args.reports} reports while killing it...",
                flush=True,
            )
            chaos_thread = threading.Thread(
                target=chaos_loop,
                args=(server, stop, random.Random(args.seed), args, deadline, chaos),
                daemon=True,
            )
            chaos_thread.start()
            today = date.today()
            pool = ThreadPoolExecutor(max_workers=args.concurrency)
            try:
                futures = [
                    pool.submit(submit, i, port, run_id, args.per_report_seconds, deadline, today)
                    for i in range(args.reports)
                ]
                outcomes = [f.result() for f in futures]
            except BaseException:
                ABORT.set()  # interrupted: stop retrying, skip the rest, kill the service
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        finally:
            stop.set()
            if chaos_thread is not None:
                chaos_thread.join(timeout=READY_TIMEOUT_S + 15)
            if server is not None:
                server.stop_all()
    seconds = time.monotonic() - started
    counts = count_rows(outcomes, rows_before)
    receipts_ok = receipts_match(outcomes, counts)
    close_db()
    return summarise(args, database, outcomes, counts, chaos, seconds, receipts_ok)


if __name__ == "__main__":
    sys.exit(main())
