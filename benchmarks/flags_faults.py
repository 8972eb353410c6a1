"""Fault test of flag notification delivery: kill the worker, stop the mail server, lose none.

    .venv/bin/python benchmarks/flags_faults.py [--notifications 300] [--database-url URL]

One run makes a fresh database (a SQLite file in a temporary directory, or with
``--database-url`` a PostgreSQL database the script creates and drops), migrates it with the
production settings and throwaway secrets, uploads a few hundred synthetic subjects for three
local authorities whose contact has a notification e-mail address, and looks each subject up
once through ``services.lookups.look_up`` as an emergency department's system: one notification and
one ``flags.deliver_notification`` job each (the escalation jobs are due in two hours and do
not run here).

It then runs the outbox worker (``manage.py run_worker``) as a subprocess and SIGKILLs it at
random moments (every 0.2-1.5 s), starting it again each time, while an SMTP server (aiosmtpd,
in this process) records every message it accepts. The SMTP server is stopped for part of the
run (by default from 2 s to 12 s) and started again on the same port. The worker runs with a
3 s lease, a 1 s backoff base and 50 attempts, so retries happen within the run.

When every delivery job is done or failed it stops the worker and counts, per notification
reference (carried in each message's Subject): ``delivered`` (distinct notifications
received), ``lost`` (created, never received), ``retransmitted`` (copies beyond the first
of a notification: SMTP is at least once, so a worker killed between the server's "250" and
the delivery record sends the same message again, with the same Message-ID) and
``duplicated`` (deliveries that idempotency by notification cannot collapse: copies with a
second Message-ID). It prints a table and a last line of JSON and exits 1 unless lost and
duplicated are both 0; retransmissions are reported, not hidden. All data is synthetic.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from benchmarks._service import (  # noqa: E402
    HOST,
    VENV_BIN,
    close_db,
    free_port,
    migrate,
    setup_django,
)
from benchmarks.flags import (  # noqa: E402
    PostgresDatabase,
    create_organisations,
    make_subjects,
    service_env,
    upload_all,
)

DELIVER = "flags.deliver_notification"
NOTIFICATION_SUBJECT = re.compile(r"notification ([0-9a-f]{8}-[0-9a-f-]{27})")
AUTHORITIES = 3
WORKER_ENV = {
    # Retries within the run: a killed worker's job comes back after the lease, a refused
    # connection after 0.5-1 s, then 1-2 s, 2-4 s...; kills use attempts up too.
    "CANDOUR_JOB_LEASE_SECONDS": "3",
    "CANDOUR_JOB_BACKOFF_BASE_SECONDS": "1",
    "CANDOUR_JOB_MAX_ATTEMPTS": "50",
    "EMAIL_HOST": HOST,
    "EMAIL_TIMEOUT": "2",
    "EMAIL_USE_TLS": "false",
    "CANDOUR_BASE_URL": "https://candour.example",
}

TARGET_LOST = 0
TARGET_DUPLICATED = 0


# --------------------------------------------------------------------------------------------
# The mail server


@dataclass(frozen=True)
class Received:
    message_id: str
    notification: str  # "" for a message that names no notification
    at: float


class Mailbox:
    """An aiosmtpd handler that records each accepted message's Message-ID and reference."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[Received] = []

    async def handle_DATA(  # noqa: N802  (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        found = NOTIFICATION_SUBJECT.search(str(message.get("Subject", "")))
        with self.lock:
            self.received.append(
                Received(
                    message_id=str(message.get("Message-ID", "")),
                    notification=found.group(1) if found else "",
                    at=time.monotonic(),
                )
            )
        return "250 Message accepted for delivery"

    def snapshot(self) -> list[Received]:
        with self.lock:
            return list(self.received)


class SmtpServer:
    """On a fixed port, stopped and started again by the run."""

    def __init__(self, port: int, mailbox: Mailbox) -> None:
        self.port, self.mailbox = port, mailbox
        self.controller: Controller | None = None
        self.down_since: float | None = None
        self.down_seconds = 0.0
        self.stop_times: list[float] = []

    @property
    def up(self) -> bool:
        return self.controller is not None

    def start(self) -> None:
        if self.controller is None:
            self.controller = Controller(self.mailbox, hostname=HOST, port=self.port)
            self.controller.start()
            if self.down_since is not None:
                self.down_seconds += time.monotonic() - self.down_since
                self.down_since = None

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
            self.down_since = time.monotonic()
            self.stop_times.append(self.down_since)


# --------------------------------------------------------------------------------------------
# The worker


class Worker:
    """``manage.py run_worker`` in its own session, killed with SIGKILL and started again.

    Its output goes to the log through a thread that notes when the worker has started (the
    kill clock runs from then: Django's start-up takes longer than the time between kills)
    and counts the retries it logs, by error.
    """

    def __init__(self, env: dict[str, str], log: IO[bytes]) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen[bytes] | None = None
        self.started: list[subprocess.Popen[bytes]] = []
        self.kills = 0
        self.kill_times: list[float] = []
        self.running = threading.Event()
        self.retries: Counter[str] = Counter()
        self.lock = threading.Lock()

    def start(self) -> None:
        self.running.clear()
        self.process = subprocess.Popen(
            [str(VENV_BIN / "python"), "manage.py", "run_worker", "--poll-seconds", "0.2"],
            cwd=REPO_ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(self.process)
        threading.Thread(target=self._read, args=(self.process,), daemon=True).start()

    def _read(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with self.lock:
                self.log.write(line)
            if line.startswith(b"Worker started."):
                self.running.set()
            elif b'"job.retry"' in line:
                with contextlib.suppress(ValueError):
                    self.retries[str(json.loads(line).get("error", "?"))] += 1

    def kill(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None
            self.kills += 1
            self.kill_times.append(time.monotonic())

    def stop(self) -> None:
        """SIGTERM: the worker finishes its job and leaves."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=10)


# --------------------------------------------------------------------------------------------
# Setting up and counting (in this process, with the production settings)


def create_notifications(count: int, rng: random.Random, run_id: str) -> list[str]:
    """Subjects for three authorities with a notification address; one lookup each."""
    from candour.flags.identifiers import IdentifierSystem, parse
    from candour.flags.models import LocalAuthorityContact, SystemClient
    from candour.flags.services.lookups import Principal, look_up

    setup = create_organisations(AUTHORITIES, run_id)
    for index, authority in enumerate(setup.authorities):
        LocalAuthorityContact.objects.filter(organisation=authority).update(
            notification_email=f"front-door-{index + 1}@la{index + 1}.bench.example"
        )
    subjects = make_subjects(rng, count, AUTHORITIES, date.today(), set())
    upload = upload_all(setup, subjects)
    if upload.applied != count:
        raise SystemExit(f"Only {upload.applied} of {count} subjects were uploaded.")
    client = SystemClient.objects.get(organisation=setup.nhs)
    principal = Principal.for_client(client, "Fault Test Nurse")
    references = []
    for subject in subjects:
        result = look_up(
            principal=principal,
            identifier=parse(subject.identifier, IdentifierSystem.NHS),
            care_setting=client.care_setting,
        )
        if result.access is None or not hasattr(result.access, "notification"):
            raise SystemExit("A lookup from an emergency department made no notification.")
        references.append(str(result.access.notification.reference))
    return references


def delivery_jobs_open() -> int:
    from candour.notifications.models import Job, JobStatus

    return Job.objects.filter(
        kind=DELIVER, status__in=[JobStatus.PENDING, JobStatus.RUNNING]
    ).count()


@dataclass
class JobCounts:
    statuses: Counter[str] = field(default_factory=Counter)
    attempts: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    emailed: int = 0
    deliveries_recorded: int = 0


def count_jobs() -> JobCounts:
    from candour.flags.models import Notification
    from candour.notifications.models import EmailDelivery, Job

    counts = JobCounts()
    for status, attempts, error in Job.objects.filter(kind=DELIVER).values_list(
        "status", "attempts", "last_error"
    ):
        counts.statuses[status] += 1
        counts.attempts[attempts] += 1
        if error:
            counts.errors[error] += 1
    counts.emailed = Notification.objects.filter(emailed_at__isnull=False).count()
    counts.deliveries_recorded = EmailDelivery.objects.filter(
        message_key__startswith="flag-notification-"
    ).count()
    return counts


# --------------------------------------------------------------------------------------------
# The run


@dataclass
class Chaos:
    kills: int = 0
    smtp_down_seconds: float = 0.0
    timed_out: bool = False
    retries: Counter[str] = field(default_factory=Counter)  # logged by the worker, by error
    kill_times: list[float] = field(default_factory=list)
    smtp_stop_times: list[float] = field(default_factory=list)


def chaos(
    args: argparse.Namespace,
    worker: Worker,
    smtp: SmtpServer,
    rng: random.Random,
    deadline: float,
) -> Chaos:
    """Kill and restart the worker at random moments; take the SMTP server down for a while;
    until every delivery job is settled (and the SMTP server has come back)."""
    started = time.monotonic()
    down_at, up_at = started + args.smtp_down_at, started + args.smtp_down_at + args.smtp_down
    worker.start()
    next_kill: float | None = None
    next_check = 0.0
    while True:
        now = time.monotonic()
        if now > deadline:
            result = Chaos(worker.kills, smtp.down_seconds, timed_out=True)
            break
        if smtp.up and down_at <= now < up_at:
            smtp.stop()
        elif not smtp.up and now >= up_at:
            smtp.start()
        if next_kill is None and worker.running.is_set():
            next_kill = now + rng.uniform(args.kill_min, args.kill_max)
        if next_kill is not None and now >= next_kill:
            worker.kill()
            worker.start()
            next_kill = None
        if now >= next_check:
            next_check = now + 0.5
            if now >= up_at and delivery_jobs_open() == 0:
                result = Chaos(worker.kills, smtp.down_seconds)
                break
        time.sleep(0.02)
    worker.stop()
    result.retries = Counter(worker.retries)
    result.kill_times, result.smtp_stop_times = list(worker.kill_times), list(smtp.stop_times)
    return result


def _interrupted(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Kill the outbox worker and stop the SMTP server while flag notifications "
        "are delivered; count lost and duplicated deliveries."
    )
    parser.add_argument("--notifications", type=int, default=300)
    parser.add_argument(
        "--database-url",
        help="PostgreSQL instead of a temporary SQLite file, e.g. "
        "postgres://postgres@127.0.0.1:5432/candour_faults; the script creates this database "
        "and drops it at the end",
    )
    parser.add_argument("--replace-database", action="store_true")
    parser.add_argument("--kill-min", type=float, default=0.2, help="seconds between kills, min")
    parser.add_argument("--kill-max", type=float, default=1.5, help="seconds between kills, max")
    parser.add_argument(
        "--smtp-down-at", type=float, default=2.0, help="seconds into the run the SMTP server stops"
    )
    parser.add_argument("--smtp-down", type=float, default=10.0, help="seconds it stays down")
    parser.add_argument("--timeout", type=float, default=600.0, help="overall limit (s)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.seed is None:
        args.seed = secrets.randbelow(10**6)
    if not 0 < args.kill_min <= args.kill_max:
        parser.error("--kill-min must be positive and at most --kill-max")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _interrupted)
    workdir = Path(tempfile.mkdtemp(prefix="candour-flags-faults-"))
    postgres = (
        PostgresDatabase(args.database_url, args.replace_database) if args.database_url else None
    )
    try:
        if postgres is not None:
            postgres.create()
        summary = run(args, workdir)
    finally:
        with contextlib.suppress(Exception):
            close_db()
        if postgres is not None and not args.keep:
            postgres.drop()
        if args.keep:
            print(f"Kept {workdir} (worker.log: the worker's log).", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(summary))
    return 0 if summary["passed"] else 1


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    started = time.monotonic()
    deadline = started + args.timeout
    rng = random.Random(args.seed)
    database_url = args.database_url or f"sqlite:///{workdir / 'faults.sqlite3'}"
    database = "postgresql" if database_url.startswith("postgres") else "sqlite"
    smtp_port = free_port()
    env = service_env(database_url, free_port(), workers=1)
    env.update(WORKER_ENV, EMAIL_PORT=str(smtp_port))
    mailbox = Mailbox()
    smtp = SmtpServer(smtp_port, mailbox)
    with (workdir / "worker.log").open("wb") as log:
        print(f"Migrating a fresh {database} database (production settings)...", flush=True)
        migrate(env, log)
        setup_django(env)
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's session chatter
        print(f"Creating {args.notifications} notifications (one lookup each)...", flush=True)
        references = create_notifications(args.notifications, rng, secrets.token_hex(4))
        close_db()
        worker = Worker(env, log)
        smtp.start()
        print(
            f"Delivering: worker killed every {args.kill_min:g}-{args.kill_max:g} s, SMTP "
            f"down from {args.smtp_down_at:g} s for {args.smtp_down:g} s...",
            flush=True,
        )
        delivery_started = time.monotonic()
        try:
            result = chaos(args, worker, smtp, rng, deadline)
        finally:
            worker.stop_all()
            smtp.stop()
        delivery_seconds = time.monotonic() - delivery_started
        jobs = count_jobs()
        close_db()
    return summarise(
        args,
        database,
        references,
        mailbox.snapshot(),
        result,
        jobs,
        delivery_seconds,
        time.monotonic() - started,
    )


def summarise(
    args: argparse.Namespace,
    database: str,
    references: list[str],
    received: list[Received],
    result: Chaos,
    jobs: JobCounts,
    delivery_seconds: float,
    seconds: float,
) -> dict[str, Any]:
    created = set(references)
    per_notification = Counter(r.notification for r in received if r.notification in created)
    message_ids: dict[str, set[str]] = {}
    for r in received:
        message_ids.setdefault(r.notification, set()).add(r.message_id)
    delivered = len(per_notification)
    lost = len(created) - delivered
    retransmitted = sum(n - 1 for n in per_notification.values())
    # A copy with a new Message-ID could not be dropped by the receiving mail system: that is a
    # duplicated delivery. A copy with the same Message-ID is a retransmission of one delivery.
    duplicated = sum(len(message_ids[ref]) - 1 for ref in per_notification)
    strangers = sum(1 for r in received if r.notification not in created)
    causes, gaps = duplicate_causes(received, per_notification, result)
    passed = lost == TARGET_LOST and duplicated == TARGET_DUPLICATED and not result.timed_out
    rows = [
        ("notifications created", str(len(created)), "", ""),
        ("delivered (distinct notifications received)", str(delivered), str(len(created)), ""),
        ("lost (created, never received)", str(lost), f"= {TARGET_LOST}", _verdict(lost == 0)),
        (
            "duplicated (a second Message-ID for a notification)",
            str(duplicated),
            f"= {TARGET_DUPLICATED}",
            _verdict(duplicated == 0),
        ),
        ("retransmitted (same Message-ID again)", str(retransmitted), "reported", ""),
        ("  first copy then interrupted by", _counts(causes), "", ""),
        ("  ms from first copy to interruption", " ".join(f"{g:g}" for g in gaps) or "-", "", ""),
        ("messages received in all", str(len(received)), "", ""),
        ("messages naming no notification of this run", str(strangers), "", ""),
        ("worker kills (SIGKILL)", str(result.kills), "", ""),
        ("SMTP server down (s)", f"{result.smtp_down_seconds:.1f}", "", ""),
        ("retries logged by the worker, by error", _counts(result.retries), "", ""),
        ("delivery jobs by status", _counts(jobs.statuses), "done only", ""),
        ("delivery jobs by attempts", _counts(jobs.attempts), "", ""),
        ("last errors of delivery jobs", _counts(jobs.errors), "", ""),
        ("notifications marked e-mailed", str(jobs.emailed), str(len(created)), ""),
        ("e-mail deliveries recorded", str(jobs.deliveries_recorded), str(len(created)), ""),
        ("timed out", str(result.timed_out), "False", _verdict(not result.timed_out)),
        ("delivery seconds", f"{delivery_seconds:.1f}", "", ""),
        ("seconds (whole run)", f"{seconds:.1f}", "", ""),
    ]
    print(
        f"\nFlag notification delivery under faults: {len(created)} notifications, {database}, "
        f"worker killed every {args.kill_min:g}-{args.kill_max:g} s, SMTP server down from "
        f"{args.smtp_down_at:g} s for {args.smtp_down:g} s, seed {args.seed}.\n"
    )
    header = ("metric", "value", "target", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return {
        "created": len(created),
        "delivered": delivered,
        "lost": lost,
        "duplicated": duplicated,
        "retransmitted": retransmitted,
        "duplicate_causes": dict(causes),
        "duplicate_gaps_ms": gaps,
        "messages_received": len(received),
        "worker_kills": result.kills,
        "smtp_down_seconds": round(result.smtp_down_seconds, 1),
        "retries_by_error": dict(result.retries),
        "jobs_by_status": dict(jobs.statuses),
        "max_attempts_used": max(jobs.attempts, default=0),
        "notifications_marked_emailed": jobs.emailed,
        "email_deliveries_recorded": jobs.deliveries_recorded,
        "timed_out": result.timed_out,
        "delivery_seconds": round(delivery_seconds, 1),
        "elapsed_s": round(seconds, 1),
        "database": database,
        "seed": args.seed,
        "targets": {"lost": TARGET_LOST, "duplicated": TARGET_DUPLICATED},
        "passed": passed,
    }


CAUSE_WINDOW_S = 0.5


def duplicate_causes(
    received: list[Received], per_notification: Counter[str], result: Chaos
) -> tuple[Counter[str], list[float]]:
    """What cut in after the first copy of each duplicated notification was accepted: a
    worker kill or the SMTP server stopping (the first within CAUSE_WINDOW_S), else unknown.
    Either way the worker had sent the message but not yet recorded it (at least once).
    Also returns, for each, the milliseconds from the first copy to that event."""
    first: dict[str, float] = {}
    for r in received:
        first.setdefault(r.notification, r.at)
    events = [(t, "worker kill") for t in result.kill_times]
    events += [(t, "SMTP server stop") for t in result.smtp_stop_times]
    causes: Counter[str] = Counter()
    gaps: list[float] = []
    for ref, copies in per_notification.items():
        if copies < 2:
            continue
        after = [(t, what) for t, what in events if 0 <= t - first[ref] <= CAUSE_WINDOW_S]
        causes[min(after)[1] if after else "unknown"] += copies - 1
        if after:
            gaps.append(round(1000 * (min(after)[0] - first[ref]), 1))
    return causes, sorted(gaps)


def _counts(counter: Counter[Any]) -> str:
    return " ".join(f"{k}:{v}" for k, v in sorted(counter.items())) or "-"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


if __name__ == "__main__":
    sys.exit(main())
