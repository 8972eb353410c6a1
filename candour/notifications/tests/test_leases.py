"""A job that runs longer than its lease keeps it: the worker renews it while the handler
runs, so a second worker never starts the same job twice at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from candour.notifications.models import Job, JobStatus
from candour.notifications.services import claim_next_job, enqueue, renew_lease, run_job
from candour.testapp.models import Effect

NOON = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.mark.django_db
@pytest.mark.clock
def test_a_renewed_lease_is_not_claimed_again(settings):
    settings.CANDOUR_JOB_LEASE_SECONDS = 60
    with time_machine.travel(NOON, tick=False):
        enqueue(kind="testapp.slow_effect", payload={})
        job = claim_next_job()
        assert job is not None
    with time_machine.travel(NOON + timedelta(seconds=50), tick=False):
        assert renew_lease(job)
    with time_machine.travel(NOON + timedelta(seconds=100), tick=False):
        assert claim_next_job() is None  # without the renewal it was free at 60 s
    with time_machine.travel(NOON + timedelta(seconds=111), tick=False):
        again = claim_next_job()
        assert again is not None  # the renewal ran out: a dead worker's job is picked up
        assert not renew_lease(job)  # and the old holder can no longer renew it


@pytest.mark.django_db(transaction=True)
def test_the_worker_keeps_a_long_job_s_lease_while_it_runs(settings):
    settings.CANDOUR_JOB_LEASE_SECONDS = 1
    enqueue(kind="testapp.outlives_its_lease", payload={})
    job = claim_next_job()
    assert job is not None
    assert run_job(job)
    stored = Job.objects.get(pk=job.pk)
    assert stored.status == JobStatus.DONE
    assert stored.attempts == 1
    assert Effect.objects.filter(job_reference=job.reference).exists()
