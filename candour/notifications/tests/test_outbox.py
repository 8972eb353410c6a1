"""The transactional outbox: enqueue with the cause, claim, run, retry, fence and fail."""

from __future__ import annotations

import json
import signal
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from pytest_django.fixtures import Settings

from candour.accounts.models import Role, User
from candour.accounts.services import invite_user
from candour.notifications import services
from candour.notifications.models import Job, JobStatus
from candour.notifications.services import (
    MAX_BACKOFF_SECONDS,
    backoff_seconds,
    claim_next_job,
    enqueue,
    run_due_jobs,
    run_job,
)
from candour.testapp.models import Effect

SLOW = "testapp.slow_effect"
FAILS = "testapp.always_fails"


class CauseFailedError(Exception):
    pass


def enqueue_with_effect_then_fail() -> None:
    with transaction.atomic():
        enqueue(kind=SLOW, payload={})
        Effect.objects.create(job_reference="00000000-0000-0000-0000-000000000001")
        raise CauseFailedError


def invite_then_fail(alice: User) -> None:
    with transaction.atomic():
        invite_user(
            admin=alice, email="erin@testshire.example", full_name="Erin", role=Role.PRACTITIONER
        )
        assert Job.objects.count() == 2
        raise CauseFailedError


def make_due(job: Job) -> None:
    """Move a job's retry time into the past, as if the backoff had elapsed."""
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() - timedelta(seconds=1))


def expire_lease(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


# --- Enqueue: the job lives and dies with its cause's transaction --------------------------


@pytest.mark.django_db(transaction=True)
def test_job_enqueued_in_a_rolled_back_transaction_disappears_with_its_cause() -> None:
    with pytest.raises(CauseFailedError):
        enqueue_with_effect_then_fail()

    assert not Job.objects.exists()
    assert not Effect.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_job_enqueued_in_a_committed_transaction_is_there() -> None:
    with transaction.atomic():
        job = enqueue(kind=SLOW, payload={})

    stored = Job.objects.get(pk=job.pk)
    assert stored.status == JobStatus.PENDING
    assert stored.attempts == 0
    assert stored.run_after <= timezone.now()


@pytest.mark.django_db
def test_invitation_job_rolls_back_with_a_failed_invitation(alice: User) -> None:
    invite_user(
        admin=alice, email="dana@testshire.example", full_name="Dana", role=Role.PRACTITIONER
    )
    assert Job.objects.count() == 1
    with pytest.raises(CauseFailedError):
        invite_then_fail(alice)
    assert Job.objects.count() == 1
    assert not User.objects.filter(email="erin@testshire.example").exists()


@pytest.mark.django_db
def test_enqueue_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="No handler"):
        enqueue(kind="testapp.no_such_kind", payload={})
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_idempotency_key_returns_the_existing_job() -> None:
    first = enqueue(kind=SLOW, payload={"n": 1}, idempotency_key="effect:42")
    second = enqueue(kind=SLOW, payload={"n": 2}, idempotency_key="effect:42")

    assert second.pk == first.pk
    assert second.reference == first.reference
    assert Job.objects.count() == 1
    # The duplicate insert failed inside its own savepoint: the caller's transaction goes on.
    other = enqueue(kind=SLOW, payload={}, idempotency_key="effect:43")
    assert Job.objects.count() == 2
    assert other.pk != first.pk


@pytest.mark.django_db
def test_jobs_without_a_key_are_all_kept() -> None:
    enqueue(kind=SLOW, payload={})
    enqueue(kind=SLOW, payload={})
    assert Job.objects.count() == 2


@pytest.mark.django_db
def test_delayed_job_is_not_claimed_before_its_time() -> None:
    job = enqueue(kind=SLOW, payload={}, delay_seconds=60)
    assert claim_next_job() is None
    make_due(job)
    claimed = claim_next_job()
    assert claimed is not None
    assert claimed.pk == job.pk


@pytest.mark.django_db
def test_invitation_payload_holds_references_only(alice: User) -> None:
    user = invite_user(
        admin=alice,
        email="dana@testshire.example",
        full_name="Dana Newperson",
        role=Role.PRACTITIONER,
    )
    job = Job.objects.get(kind="accounts.send_invitation")

    assert job.payload == {"user": str(user.reference)}
    stored = json.dumps(job.payload)
    for personal in ("dana@testshire.example", "Dana Newperson", alice.email, alice.full_name):
        assert personal not in stored


# --- Claim and run ------------------------------------------------------------------------


@pytest.mark.django_db
def test_claim_leases_the_oldest_due_job(settings: Settings) -> None:
    settings.CANDOUR_JOB_LEASE_SECONDS = 120
    older = enqueue(kind=SLOW, payload={})
    enqueue(kind=SLOW, payload={})
    before = timezone.now()

    job = claim_next_job()

    assert job is not None
    assert job.pk == older.pk
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert job.attempts == 1
    assert job.lease_expires_at is not None
    assert before + timedelta(seconds=119) < job.lease_expires_at
    assert job.lease_expires_at <= timezone.now() + timedelta(seconds=120)


@pytest.mark.django_db
def test_claim_returns_none_when_nothing_is_due() -> None:
    assert claim_next_job() is None


@pytest.mark.django_db
def test_run_due_jobs_runs_and_marks_jobs_done() -> None:
    jobs = [enqueue(kind=SLOW, payload={}) for _ in range(3)]

    assert run_due_jobs() == 3

    for job in jobs:
        job.refresh_from_db()
        assert job.status == JobStatus.DONE
        assert job.attempts == 1
        assert job.finished_at is not None
        assert job.lease_expires_at is None
        assert job.last_error == ""
    assert set(Effect.objects.values_list("job_reference", flat=True)) == {
        job.reference for job in jobs
    }
    assert run_due_jobs() == 0


@pytest.mark.django_db
def test_run_due_jobs_honours_its_limit() -> None:
    for _ in range(3):
        enqueue(kind=SLOW, payload={})
    assert run_due_jobs(limit=2) == 2
    assert Job.objects.filter(status=JobStatus.PENDING).count() == 1


@pytest.mark.django_db
def test_run_worker_once_runs_the_due_jobs_and_restores_signal_handlers() -> None:
    enqueue(kind=SLOW, payload={})
    enqueue(kind=SLOW, payload={})
    before = (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT))
    out = StringIO()

    call_command("run_worker", "--once", stdout=out)

    assert "Ran 2 job(s)." in out.getvalue()
    assert Job.objects.filter(status=JobStatus.DONE).count() == 2
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


# --- Failure, retry and backoff ------------------------------------------------------------


@pytest.mark.django_db
def test_failing_job_is_retried_with_backoff_then_fails(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CANDOUR_JOB_MAX_ATTEMPTS = 3
    settings.CANDOUR_JOB_BACKOFF_BASE_SECONDS = 10
    job = enqueue(kind=FAILS, payload={})

    for attempt, (low, high) in enumerate([(5, 10), (10, 20)], start=1):
        started = timezone.now()
        assert run_due_jobs() == 1  # one run, then the job waits for its backoff
        job.refresh_from_db()
        assert job.status == JobStatus.PENDING
        assert job.attempts == attempt
        assert job.last_error == "RuntimeError"  # the class name only, never the message
        assert job.lease_expires_at is None
        assert job.finished_at is None
        delay = (job.run_after - started).total_seconds()
        assert low - 1 <= delay <= high + 1
        assert claim_next_job() is None  # not due yet
        make_due(job)

    assert run_due_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == 3
    assert job.last_error == "RuntimeError"
    assert job.finished_at is not None
    assert job.lease_expires_at is None

    make_due(job)
    assert run_due_jobs() == 0  # failed jobs stay failed
    assert "always fails" not in caplog.text
    assert [r.getMessage() for r in caplog.records if r.name == "candour.jobs"] == [
        "job.retry",
        "job.retry",
        "job.failed",
    ]


@pytest.mark.django_db
def test_job_with_no_handler_at_run_time_is_retried() -> None:
    job = Job.objects.create(kind="retired.kind", payload={}, run_after=timezone.now())
    assert run_due_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING
    assert job.last_error == "LookupError"


def test_backoff_grows_and_is_capped(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CANDOUR_JOB_BACKOFF_BASE_SECONDS = 10
    monkeypatch.setattr(services.random, "uniform", lambda low, high: high)
    ceilings = [backoff_seconds(attempts) for attempts in range(1, 40)]

    assert ceilings[:4] == [10, 20, 40, 80]
    assert ceilings == sorted(ceilings)
    assert max(ceilings) == MAX_BACKOFF_SECONDS
    assert backoff_seconds(10_000) == MAX_BACKOFF_SECONDS


def test_backoff_is_jittered_within_half_to_full(settings: Settings) -> None:
    settings.CANDOUR_JOB_BACKOFF_BASE_SECONDS = 10
    for attempts, ceiling in [(1, 10), (3, 40), (30, MAX_BACKOFF_SECONDS)]:
        delays = {backoff_seconds(attempts) for _ in range(50)}
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(delays) > 1


# --- Leases and fencing --------------------------------------------------------------------


@pytest.mark.django_db
def test_running_job_is_not_claimed_while_its_lease_holds() -> None:
    enqueue(kind=SLOW, payload={})
    assert claim_next_job() is not None
    assert claim_next_job() is None


@pytest.mark.django_db
def test_job_whose_lease_expired_while_running_is_claimed_again() -> None:
    job = enqueue(kind=SLOW, payload={})
    first = claim_next_job()
    assert first is not None
    expire_lease(job)  # the worker died holding it

    again = claim_next_job()

    assert again is not None
    assert again.pk == job.pk
    assert again.attempts == 2
    assert again.status == JobStatus.RUNNING
    assert run_job(again)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Effect.objects.count() == 1


@pytest.mark.django_db
def test_settle_does_not_overwrite_a_job_another_worker_re_leased() -> None:
    enqueue(kind=SLOW, payload={})
    stale = claim_next_job()  # worker A
    assert stale is not None
    expire_lease(stale)
    current = claim_next_job()  # worker B, after A's lease ran out
    assert current is not None
    assert current.attempts == 2

    assert services._settle(stale, status=JobStatus.DONE) is False
    retry_at = timezone.now()
    assert not services._settle(stale, status=JobStatus.PENDING, error="X", run_after=retry_at)
    fresh = Job.objects.get(pk=current.pk)
    assert fresh.status == JobStatus.RUNNING
    assert fresh.attempts == 2
    assert fresh.last_error == ""

    assert services._settle(current, status=JobStatus.DONE) is True
    fresh.refresh_from_db()
    assert fresh.status == JobStatus.DONE


@pytest.mark.django_db
def test_slow_worker_finishing_after_losing_its_lease_does_not_settle(
    caplog: pytest.LogCaptureFixture,
) -> None:
    enqueue(kind=FAILS, payload={})
    stale = claim_next_job()
    assert stale is not None
    expire_lease(stale)
    current = claim_next_job()
    assert current is not None

    assert run_job(stale) is False  # fails, but must not push B's job back to pending
    fresh = Job.objects.get(pk=current.pk)
    assert fresh.status == JobStatus.RUNNING
    assert fresh.attempts == 2
    assert fresh.last_error == ""


@pytest.mark.django_db
def test_stale_success_is_logged_as_lease_lost(caplog: pytest.LogCaptureFixture) -> None:
    enqueue(kind=SLOW, payload={})
    stale = claim_next_job()
    assert stale is not None
    expire_lease(stale)
    assert claim_next_job() is not None

    assert run_job(stale) is True
    assert Job.objects.get(pk=stale.pk).status == JobStatus.RUNNING
    assert "job.lease_lost" in [r.getMessage() for r in caplog.records]


@pytest.mark.django_db
def test_dead_worker_on_the_last_attempt_fails_the_job(settings: Settings) -> None:
    settings.CANDOUR_JOB_MAX_ATTEMPTS = 2
    job = enqueue(kind=SLOW, payload={})
    waiting = enqueue(kind=SLOW, payload={})
    for _ in range(2):
        claimed = claim_next_job()
        assert claimed is not None
        assert claimed.pk == job.pk
        expire_lease(job)

    claimed = claim_next_job()

    assert claimed is not None
    assert claimed.pk == waiting.pk
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == 2
    assert job.last_error == "attempts exhausted"
    assert job.finished_at is not None


@pytest.mark.django_db
def test_many_exhausted_jobs_do_not_exhaust_the_stack(settings: Settings) -> None:
    """claim_next_job used to recurse once per exhausted job (RecursionError past ~1000)."""
    settings.CANDOUR_JOB_MAX_ATTEMPTS = 1
    now = timezone.now()
    count = sys.getrecursionlimit() + 100
    Job.objects.bulk_create(
        Job(
            kind=SLOW,
            payload={},
            status=JobStatus.RUNNING,
            attempts=1,
            run_after=now - timedelta(minutes=5),
            lease_expires_at=now - timedelta(minutes=1),
        )
        for _ in range(count)
    )
    good = enqueue(kind=SLOW, payload={})

    claimed = claim_next_job()

    assert claimed is not None
    assert claimed.pk == good.pk
    assert Job.objects.filter(status=JobStatus.FAILED).count() == count


def test_empty_idempotency_key_is_refused(db):
    from candour.notifications.services import enqueue

    with pytest.raises(ValueError, match="must not be empty"):
        enqueue(kind="testapp.slow_effect", payload={}, idempotency_key="")
