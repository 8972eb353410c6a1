"""Daily jobs: one per kind and day, due at its time, run by the ordinary worker."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from candour.notifications.models import Job, JobStatus
from candour.notifications.schedule import daily_kinds, ensure_daily_jobs
from candour.notifications.services import run_due_jobs

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_flag_retention_is_a_daily_job() -> None:
    assert "flags.retention" in daily_kinds()


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


def test_a_worker_that_was_down_runs_the_day_s_job_when_it_comes_back() -> None:
    ensure_daily_jobs(datetime.now(tz=LONDON).replace(hour=23, minute=59))
    assert run_due_jobs() == 1
    assert Job.objects.get(kind="flags.retention").status == JobStatus.DONE


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
