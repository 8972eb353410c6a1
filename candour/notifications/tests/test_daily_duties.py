"""Every daily duty is a daily outbox job the worker schedules itself: nothing depends on a
cron entry someone has to remember."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from candour.notifications.models import Job, JobStatus
from candour.notifications.schedule import bring_forward, daily_kinds, ensure_daily_jobs

DUTIES = {
    "reporting.retention",
    "reporting.intake_digest",
    "flags.retention",
    "accounts.clear_sessions",
    "learning.discover_error_traps",
}
NIGHT = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the UK's spring-forward day


def test_every_duty_is_a_daily_job():
    assert set(daily_kinds()) >= DUTIES


@pytest.mark.django_db
def test_the_worker_schedules_each_duty_once_a_day():
    ensure_daily_jobs(NIGHT)
    ensure_daily_jobs(NIGHT)  # a second worker, or the next minute's check
    day = "2026-03-29"
    for kind in DUTIES:
        (job,) = Job.objects.filter(kind=kind)
        assert job.idempotency_key == f"daily:{kind}:{day}"
        assert job.payload == {"day": day}
        assert job.run_after > NIGHT  # each at its time of day, not at once


@pytest.mark.django_db
@pytest.mark.clock
@time_machine.travel(NIGHT, tick=False)
def test_running_a_duty_by_hand_runs_the_day_s_job_once():
    out = StringIO()
    call_command("run_daily_jobs", "reporting.retention", stdout=out)
    assert "Ran today's reporting.retention" in out.getvalue()
    (job,) = Job.objects.filter(kind="reporting.retention")
    assert job.status == JobStatus.DONE
    assert bring_forward(["reporting.retention"]) == []  # already ran today
    assert Job.objects.filter(kind="reporting.retention").count() == 1


@pytest.mark.django_db
def test_an_unknown_duty_is_named():
    with pytest.raises(CommandError, match=r"'reporting\.shred' is not a daily job"):
        call_command("run_daily_jobs", "reporting.shred", stdout=StringIO())
