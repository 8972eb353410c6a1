"""Real worker processes, killed at chosen points: a job's effect happens exactly once.

Each worker is ``manage.py run_worker`` in a subprocess, connected to the test database that
pytest-django created (a file for SQLite, so processes share it). Every wait is bounded and
every worker is killed in a ``finally`` block, whatever the test's outcome.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from candour.notifications.models import Job, JobStatus
from candour.notifications.services import enqueue
from candour.testapp.models import Effect

pytestmark = [pytest.mark.slow]

MANAGE = Path(settings.BASE_DIR) / "manage.py"
SLOW = "testapp.slow_effect"
START_TIMEOUT = 20.0  # seconds for a worker to start and reach a marker
RUN_TIMEOUT = 60.0


def database_url_for_workers() -> str:
    """The URL of the database this test process uses: pytest-django's test database."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return "sqlite:///" + str(Path(db["NAME"]).resolve())
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "127.0.0.1"
        port = db["PORT"] or "5432"
        return f"postgres://{auth}@{host}:{port}/{quote(db['NAME'], safe='')}"
    pytest.skip(f"no worker subprocess support for {connection.vendor}")


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    log_dir: Path
    files: list[Any] = field(default_factory=list)

    @property
    def stdout(self) -> str:
        return (self.log_dir / f"{self.name}.out").read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return (self.log_dir / f"{self.name}.err").read_text(errors="replace")

    def logs(self) -> str:
        return (
            f"\n--- {self.name} (exit {self.process.poll()}) stdout ---\n{self.stdout}"
            f"\n--- {self.name} stderr ---\n{self.stderr[-4000:]}"
        )

    def kill(self) -> None:
        """SIGKILL: no chance to finish the job or clean up, as in a crash or OOM kill."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 20.0) -> int:
        """SIGTERM: the worker finishes its current job, then leaves."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


def worker_env(lease_seconds: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="candour.config.settings.test",
        DATABASE_URL=database_url_for_workers(),
        CANDOUR_JOB_LEASE_SECONDS=str(lease_seconds),
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="INFO",
    )
    return env


@pytest.fixture
def spawn_worker(transactional_db: None, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    """Start ``run_worker`` subprocesses; kill every one of them at the end, whatever happens.

    It depends on transactional_db so that workers are gone before the database is flushed.
    """
    workers: list[Worker] = []
    log_dir = tmp_path / "logs"
    log_dir.mkdir()

    def spawn(*args: str, lease_seconds: int = 1) -> Worker:
        name = f"worker-{len(workers) + 1}"
        out = (log_dir / f"{name}.out").open("wb")
        err = (log_dir / f"{name}.err").open("wb")
        process = subprocess.Popen(
            [sys.executable, str(MANAGE), "run_worker", "--poll-seconds", "0.1", *args],
            cwd=settings.BASE_DIR,
            env=worker_env(lease_seconds),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        worker = Worker(name=name, process=process, log_dir=log_dir, files=[out, err])
        workers.append(worker)
        return worker

    try:
        yield spawn
    finally:
        for worker in workers:
            try:
                worker.kill()
            finally:
                for handle in worker.files:
                    handle.close()


def wait_for(
    condition: Callable[[], bool], what: str, workers: list[Worker], timeout: float = START_TIMEOUT
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for worker in workers:
            if worker.process.poll() is not None:
                pytest.fail(f"{worker.name} exited while waiting for {what}{worker.logs()}")
        time.sleep(0.05)
    pytest.fail(
        f"timed out after {timeout}s waiting for {what}" + "".join(w.logs() for w in workers)
    )


def run_once(lease_seconds: int = 1) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(MANAGE), "run_worker", "--once"],
        cwd=settings.BASE_DIR,
        env=worker_env(lease_seconds),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def lease_expired(job: Job) -> bool:
    lease = Job.objects.get(pk=job.pk).lease_expires_at
    return lease is not None and lease < timezone.now()


def markers(directory: Path) -> dict[str, list[str]]:
    """Marker file name -> the worker pids that wrote it, one per run."""
    return {path.name: path.read_text().split() for path in sorted(directory.iterdir())}


def test_worker_killed_before_the_effect_leaves_nothing_and_the_rerun_completes(
    spawn_worker: Callable[..., Worker], tmp_path: Path
) -> None:
    signals = tmp_path / "signals"
    signals.mkdir()
    job = enqueue(kind=SLOW, payload={"signal_dir": str(signals), "sleep_before": 30})
    worker = spawn_worker()
    wait_for((signals / "started-1").exists, "the job to start", [worker])

    worker.kill()

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert job.attempts == 1
    assert not Effect.objects.exists()

    wait_for(lambda: lease_expired(job), "the dead worker's lease to expire", [], timeout=10)
    result = run_once()
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Ran 1 job(s)." in result.stdout

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.attempts == 2
    assert job.lease_expires_at is None
    assert list(Effect.objects.values_list("job_reference", flat=True)) == [job.reference]
    assert set(markers(signals)) == {"started-1", "started-2", "effect-2"}


def test_worker_killed_after_the_effect_does_not_repeat_it(
    spawn_worker: Callable[..., Worker], tmp_path: Path
) -> None:
    signals = tmp_path / "signals"
    signals.mkdir()
    job = enqueue(kind=SLOW, payload={"signal_dir": str(signals), "sleep_after": 30})
    first = spawn_worker()
    wait_for((signals / "effect-1").exists, "the effect to be committed", [first])

    first.kill()

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # the effect is committed, the job is not done
    assert job.attempts == 1
    assert Effect.objects.count() == 1

    second = spawn_worker()  # a long-running worker claims it once the lease expires
    wait_for(
        lambda: Job.objects.get(pk=job.pk).status == JobStatus.DONE,
        "the re-run to finish",
        [second],
    )
    assert second.terminate() == 0, second.logs()
    assert "Worker stopped." in second.stdout

    job.refresh_from_db()
    assert job.attempts == 2
    assert list(Effect.objects.values_list("job_reference", flat=True)) == [job.reference]
    assert set(markers(signals)) == {"started-1", "effect-1", "started-2", "effect-2"}


def test_sigterm_lets_the_worker_finish_its_current_job(
    spawn_worker: Callable[..., Worker], tmp_path: Path
) -> None:
    signals = tmp_path / "signals"
    signals.mkdir()
    job = enqueue(kind=SLOW, payload={"signal_dir": str(signals), "sleep_before": 2})
    worker = spawn_worker(lease_seconds=60)
    wait_for((signals / "started-1").exists, "the job to start", [worker])

    assert worker.terminate() == 0, worker.logs()

    assert "Worker stopped." in worker.stdout
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.attempts == 1
    assert Effect.objects.count() == 1


def test_two_workers_run_each_job_exactly_once(
    spawn_worker: Callable[..., Worker], tmp_path: Path
) -> None:
    # A long lease: no job may be claimed twice, so every one must end with attempts == 1.
    workers = [spawn_worker(lease_seconds=60), spawn_worker(lease_seconds=60)]
    wait_for(lambda: all("Worker started." in w.stdout for w in workers), "both workers", workers)
    directories = []
    with transaction.atomic():
        for number in range(30):
            directory = tmp_path / "signals" / str(number)
            directory.mkdir(parents=True)
            directories.append(directory)
            # The first two jobs are slow, so each worker must take one; the rest are quick,
            # so the two workers then race to claim them.
            sleep = 1.0 if number < 2 else 0
            enqueue(kind=SLOW, payload={"signal_dir": str(directory), "sleep_before": sleep})

    wait_for(
        lambda: Job.objects.filter(status=JobStatus.DONE).count() == 30,
        "all 30 jobs to be done",
        workers,
        timeout=RUN_TIMEOUT,
    )
    for worker in workers:
        assert worker.terminate() == 0, worker.logs()

    assert Job.objects.count() == 30
    assert set(Job.objects.values_list("status", "attempts")) == {(JobStatus.DONE, 1)}
    assert Effect.objects.count() == 30
    pids = set()
    for directory in directories:
        runs = markers(directory)
        assert set(runs) == {"started-1", "effect-1"}
        assert len(runs["started-1"]) == 1, runs  # one process ran it, once
        pids.update(runs["started-1"])
    assert pids == {str(w.process.pid) for w in workers}  # both took a share
