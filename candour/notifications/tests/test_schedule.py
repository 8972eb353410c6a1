"""Daily jobs: one per kind and day, due at its time, run by the ordinary worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from candour.notifications.models import Job, JobStatus
from candour.notifications.schedule import daily_kinds, ensure_daily_jobs
from candour.notifications.services import run_due_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
LONDON = ZoneInfo("Europe/London")


def test_flag_retention_is_a_daily_job() -> None:
    assert "flags.retention" in daily_kinds()


@pytest.mark.time_machine(datetime(2030, 1, 15, 1, 0, tzinfo=LONDON))
def test_one_job_per_kind_and_day_due_at_its_time() -> None:
    morning = datetime(2030, 1, 15, 1, 0, tzinfo=LONDON)
    ensure_daily_jobs(morning)
    ensure_daily_jobs(morning + timedelta(hours=3))  # later the same day: nothing new
    job = Job.objects.get(kind="flags.retention")
    assert job.idempotency_key == "daily:flags.retention:2030-01-15"
    due = datetime(2030, 1, 15, 2, 30, tzinfo=LONDON)
    assert abs((job.run_after - due).total_seconds()) <= 1

    ensure_daily_jobs(morning + timedelta(days=1))
    assert Job.objects.filter(kind="flags.retention").count() == 2


def test_a_worker_that_was_down_runs_the_day_s_job_when_it_comes_back(
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    time_machine.move_to(datetime(2030, 1, 15, 23, 59, tzinfo=LONDON))  # every time is past
    ensure_daily_jobs()
    assert run_due_jobs() == len(daily_kinds())
    assert Job.objects.get(kind="flags.retention").status == JobStatus.DONE


def test_the_day_s_job_waits_for_its_time(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(datetime(2030, 1, 15, 0, 30, tzinfo=LONDON))
    ensure_daily_jobs()
    run_due_jobs()
    assert Job.objects.get(kind="flags.retention").status == JobStatus.PENDING
    time_machine.move_to(datetime(2030, 1, 15, 2, 31, tzinfo=LONDON))
    run_due_jobs()
    assert Job.objects.get(kind="flags.retention").status == JobStatus.DONE


@pytest.mark.parametrize(
    ("after_midnight", "due"),
    [
        # Spring forward: 01:00 GMT becomes 02:00 BST, so 02:30 comes at 01:30 UTC.
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        # Fall back: 02:00 BST becomes 01:00 GMT, so 02:30 comes at 02:30 UTC.
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),
        # 23:30 UTC on 30 June is already 1 July in London: that is the day that counts.
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), datetime(2026, 7, 1, 1, 30, tzinfo=UTC)),
    ],
)
def test_daily_jobs_are_due_at_local_time_across_clock_changes(
    time_machine: time_machine.TimeMachineFixture, after_midnight: datetime, due: datetime
) -> None:
    time_machine.move_to(after_midnight, tick=False)
    ensure_daily_jobs()
    job = Job.objects.get(kind="flags.retention")
    assert job.run_after == due
    assert job.idempotency_key == f"daily:flags.retention:{due.astimezone(LONDON).date()}"


@pytest.mark.time_machine(datetime(2030, 1, 15, 0, 30, tzinfo=LONDON))
def test_the_worker_schedules_daily_jobs_when_told_to(
    settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from candour.notifications.management.commands import run_worker

    settings.CANDOUR_SCHEDULE_DAILY_JOBS = True

    def stop(*args: object) -> None:
        raise KeyboardInterrupt  # the first idle moment ends the test's worker

    monkeypatch.setattr(run_worker.time, "sleep", stop)
    with pytest.raises(KeyboardInterrupt):
        call_command("run_worker", "--poll-seconds", "0")
    assert Job.objects.filter(kind="flags.retention").count() == 1


def test_the_worker_leaves_scheduling_alone_when_told_to(
    settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from candour.notifications.management.commands import run_worker

    settings.CANDOUR_SCHEDULE_DAILY_JOBS = False

    def stop(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run_worker.time, "sleep", stop)
    with pytest.raises(KeyboardInterrupt):
        call_command("run_worker", "--poll-seconds", "0")
    assert not Job.objects.exists()
