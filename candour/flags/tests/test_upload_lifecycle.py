"""An upload's lifecycle and the worker that applies it: every move allowed and refused, the
result published all at once, work resumed after a crash and never done twice, and big
files handed over between job runs. The table is written out here, not read from the
machine, so a change to the machine fails until this table is changed too."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from candour.accounts.models import Role, User
from candour.core.lifecycle import IllegalMove
from candour.flags.lifecycle import UPLOAD
from candour.flags.models import FileResult, Subject, Upload, UploadLine, UploadStatus
from candour.flags.services import upload as upload_service
from candour.flags.services import upload_batch, upload_chunks
from candour.flags.tests.test_upload_application import chunk_lines
from candour.flags.tests.test_uploads import csv_bytes, line
from candour.flags.tests.test_views_local_authority import numbers
from candour.notifications.models import Job, JobStatus
from candour.notifications.services import run_due_jobs

pytestmark = pytest.mark.django_db

S = UploadStatus
STATES = list(S)
ALLOWED = {
    ("refuse", S.RECEIVED): S.MALFORMED,
    ("start", S.RECEIVED): S.APPLYING,
    ("finish", S.APPLYING): S.APPLIED,
}
EVENTS = sorted({event for event, _state in ALLOWED})


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.FLAG_MANAGER)


def receive(manager: User, data: bytes, sequence: int = 1) -> Upload:
    receipt = upload_service.receive_upload(
        user=manager, organisation=manager.organisation, sequence=sequence, data=data
    )
    return receipt.upload


def test_the_machine_has_exactly_the_moves_of_this_table() -> None:
    assert {(m.event, m.source): m.target for m in UPLOAD.table()} == ALLOWED


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("event", EVENTS)
def test_every_move_is_allowed_or_refused_with_a_message(event: str, state: str) -> None:
    upload = Upload(status=state)
    expected = ALLOWED.get((event, state))
    if expected is None:
        assert not UPLOAD.allows(upload, event)
        with pytest.raises(IllegalMove, match=r"^This upload is .+, so you cannot .+\.$"):
            UPLOAD.check(upload, event)
    else:
        assert UPLOAD.allows(upload, event)
        assert UPLOAD.check(upload, event) == expected


def test_a_received_file_waits_for_the_worker_and_shows_no_result(manager) -> None:
    upload = receive(manager, csv_bytes(line()))
    assert (upload.status, upload.result, upload.lines_total) == (S.RECEIVED, "", 1)
    assert upload.data is not None
    assert not Subject.objects.exists()
    job = Job.objects.get(kind=upload_chunks.APPLY_JOB)
    assert job.payload == {"upload": str(upload.reference)}  # a reference, no content

    assert run_due_jobs() == 1
    upload.refresh_from_db()
    assert (upload.status, upload.result, upload.lines_applied) == (
        S.APPLIED,
        FileResult.ALL_LOADED,
        1,
    )
    assert upload.result_counts == {"loaded": 1}
    assert upload.data is None  # the file (names, numbers) is not kept once applied


def test_a_run_out_of_time_hands_over_to_a_new_job(manager, monkeypatch) -> None:
    chunk_lines(monkeypatch, 10)
    upload = receive(manager, csv_bytes(*[line(number) for number in numbers(35)]))
    # Each run applies one chunk, then queues the next: other jobs run in between.
    assert upload_chunks.continue_upload(upload=upload, budget_seconds=0) is False
    upload.refresh_from_db()
    assert (upload.status, upload.lines_done) == (S.APPLYING, 10)
    assert UploadLine.objects.filter(upload=upload).count() == 10
    assert upload.lines_applied == 0  # nothing published until the end
    pending = Job.objects.filter(kind=upload_chunks.APPLY_JOB, status=JobStatus.PENDING)
    assert pending.count() == 2  # the first job (not run here) and the next one
    run_due_jobs()
    upload.refresh_from_db()
    assert (upload.status, upload.lines_applied, upload.lines_done) == (S.APPLIED, 35, 35)
    assert Subject.objects.count() == 35


def test_a_chunk_is_never_applied_twice(manager, monkeypatch) -> None:
    """Two workers holding the same upload (a lease that ran out): only the one that moves
    `lines_done` on applies a chunk; the other stops."""
    chunk_lines(monkeypatch, 10)
    upload = receive(manager, csv_bytes(*[line(number) for number in numbers(25)]))
    stale = Upload.objects.get(pk=upload.pk)
    assert upload_chunks.continue_upload(upload=upload, budget_seconds=0) is False
    stale.status = S.APPLYING  # it read the upload before the first chunk
    assert upload_chunks.continue_upload(upload=stale, budget_seconds=None) is True
    assert UploadLine.objects.filter(upload=upload).count() == 10
    run_due_jobs()
    upload.refresh_from_db()
    assert (upload.status, upload.lines_applied) == (S.APPLIED, 25)
    assert UploadLine.objects.filter(upload=upload).count() == 25


def test_a_crash_mid_chunk_changes_nothing_and_the_retry_resumes(manager, monkeypatch) -> None:
    chunk_lines(monkeypatch, 10)
    upload = receive(manager, csv_bytes(*[line(number) for number in numbers(25)]))
    assert upload_chunks.continue_upload(upload=upload, budget_seconds=0) is False
    calls = []
    real_save = upload_batch.Batch.save

    def crash_once(batch: upload_batch.Batch) -> None:
        calls.append(1)
        real_save(batch)
        if len(calls) == 1:
            raise RuntimeError("worker killed")

    monkeypatch.setattr(upload_batch.Batch, "save", crash_once)
    with pytest.raises(RuntimeError):
        upload_chunks.continue_upload(upload=Upload.objects.get(pk=upload.pk))
    upload.refresh_from_db()
    assert upload.lines_done == 10  # the failed chunk left no trace
    assert Subject.objects.count() == 10
    assert upload_chunks.continue_upload(upload=upload, budget_seconds=None) is True
    upload.refresh_from_db()
    assert (upload.status, upload.lines_applied, Subject.objects.count()) == (S.APPLIED, 25, 25)


def test_a_deleted_upload_job_does_nothing(manager) -> None:
    upload = receive(manager, csv_bytes(line()))
    Upload.objects.filter(pk=upload.pk).delete()
    assert run_due_jobs() == 1
    assert Job.objects.get(kind=upload_chunks.APPLY_JOB).status == JobStatus.DONE


def test_the_dates_are_checked_against_the_day_the_file_arrived(manager) -> None:
    """The worker reads the file as it was read on arrival, even on a later day."""
    upload = receive(manager, csv_bytes(line()))
    Upload.objects.filter(pk=upload.pk).update(received_on="2025-01-01")
    run_due_jobs()
    upload.refresh_from_db()
    # The plan starts on 10 January 2025: in the future on the day the file arrived.
    assert upload.result == FileResult.NOTHING_LOADED
    assert upload.result_counts == {"date_inconsistent": 1}


def test_apply_upload_finishes_a_file_a_dead_process_left_half_applied(manager) -> None:
    upload_service.receive_upload(
        user=manager,
        organisation=manager.organisation,
        sequence=4,
        data=csv_bytes(line()),
        schedule=False,
    )
    assert not Job.objects.exists()  # applied in the calling process, not by the worker
    again = upload_service.apply_upload(
        user=manager, organisation=manager.organisation, sequence=4, data=csv_bytes(line())
    )
    assert (again.status, again.result) == (S.APPLIED, FileResult.ALL_LOADED)
    assert Upload.objects.count() == 1
