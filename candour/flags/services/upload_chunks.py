"""Applying a received upload file, a chunk of lines at a time (the worker's job
``flags.apply_upload``): each chunk one short transaction of set-based writes, the pauses
between chunks on SQLite, the next job queued when a run's time is up, and the file's
result published, all at once, after the last chunk (ADR 0015)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from typing import Final

from django.db import IntegrityError, connection, transaction
from django.db.models import Count

from candour.accounts.models import Organisation
from candour.audit import services as audit
from candour.core.lifecycle import IllegalMove
from candour.flags import uploads
from candour.flags.lifecycle import UPLOAD
from candour.flags.models import APPLIED_RESULTS, FileResult, Upload, UploadLine, UploadStatus
from candour.flags.services.lookups import identifier_ref
from candour.flags.services.upload_batch import LINES, Batch, run_many
from candour.notifications.services import enqueue

APPLY_JOB: Final = "flags.apply_upload"
# Lines in the first chunk; later chunks are sized so that each takes about CHUNK_SECONDS
# (the longest a lookup should wait for the write lock), between MIN_ and MAX_CHUNK_LINES.
CHUNK_LINES = 500
CHUNK_SECONDS: Final = 0.1
MIN_CHUNK_LINES = 50
MAX_CHUNK_LINES = 5000
# After a chunk on SQLite, leave the write lock free for a quarter of the time the chunk held
# it, within these bounds (see _give_way).
MIN_PAUSE_SECONDS: Final = 0.025
MAX_PAUSE_SECONDS: Final = 0.1
# How long one run of the job applies before handing over to a new job, so that the worker
# delivers access notifications between the chunks of a big file.
RUN_SECONDS: Final = 5.0


def upload_reference(organisation: Organisation, sequence: int) -> str:
    return f"{organisation.reference}:{sequence}"


def continue_upload(
    *,
    upload: Upload,
    budget_seconds: float | None = RUN_SECONDS,
    on_chunk: Callable[[float], None] | None = None,
) -> bool:
    """Apply the next chunks of a received upload, for at most `budget_seconds` (None: to the
    end), and publish its result after the last; return True when nothing is left for this
    caller (the upload is applied, or another worker is applying it), False when the time
    was up and a new job has been queued to go on.

    Each chunk is one transaction that also advances `lines_done` from the value this caller
    read, so a chunk is never applied twice: a worker killed mid-chunk leaves it undone, and
    the next run (or the job's retry) starts again there. `on_chunk` is told how long each
    chunk's transaction took (benchmarks/flags.py).
    """
    if upload.status == UploadStatus.RECEIVED:
        try:
            UPLOAD.move(upload, "start")
        except IllegalMove:
            upload.refresh_from_db()
    if upload.status != UploadStatus.APPLYING:
        return True
    started = time.monotonic()
    outcomes = _outcomes(upload)
    size = max(MIN_CHUNK_LINES, min(MAX_CHUNK_LINES, CHUNK_LINES))
    if budget_seconds is not None:
        # A run resumes by reading the file up to where the last one stopped: it then
        # applies for at least as long again, so re-reading never costs more than the work
        # (and the runs a file needs grow with the logarithm of its size, not its size).
        first = next(outcomes, None)
        outcomes = itertools.chain([first] if first is not None else [], outcomes)
        budget_seconds = max(budget_seconds, 2 * (time.monotonic() - started))
    while True:
        chunk = list(itertools.islice(outcomes, size))
        if not chunk:
            _publish(upload)
            return True
        began = time.monotonic()
        if not _apply_chunk(upload, chunk):
            return True  # someone else moved it on: they go on from there
        took = time.monotonic() - began
        if on_chunk is not None:
            on_chunk(took)
        size = _next_size(size, took)
        if budget_seconds is not None and time.monotonic() - started >= budget_seconds:
            with transaction.atomic():
                enqueue(
                    kind=APPLY_JOB,
                    payload={"upload": str(upload.reference)},
                    idempotency_key=f"{APPLY_JOB}:{upload.reference}:{upload.lines_done}",
                )
            return False
        _give_way(took)


def _outcomes(upload: Upload) -> Iterator[uploads.Row | uploads.Refusal]:
    """The file's line outcomes after the ones already applied, read as on arrival."""
    if upload.data is None:
        raise ValueError(f"Upload {upload.reference} has no file to apply.")
    lines = uploads.read_lines(
        bytes(upload.data),
        today=upload.received_on,
        allow_test_range=upload.accepts_test_numbers,
    )
    return itertools.islice(lines, upload.lines_done, None)


def _next_size(size: int, took: float) -> int:
    """Aim the next chunk at CHUNK_SECONDS, growing at most twofold at a time."""
    wanted = size * min(2.0, CHUNK_SECONDS / max(took, 1e-3))
    return max(MIN_CHUNK_LINES, min(MAX_CHUNK_LINES, int(wanted)))


def _give_way(took: float) -> None:
    """Between chunks on SQLite, leave the write lock free for a moment. A lookup waiting
    for it sleeps in SQLite's busy handler, in steps of 1, 2, 5, 10, 15, 20 then 25 ms
    until it has waited 128 ms, then 50 and 100 ms: so a pause of a quarter of the chunk's
    time (at least 25 ms) is longer than any waiter's next sleep, and every waiter finds the
    lock free once. PostgreSQL locks rows, not the database: no pause there."""
    if connection.vendor == "sqlite":
        time.sleep(min(MAX_PAUSE_SECONDS, max(MIN_PAUSE_SECONDS, took / 4)))


def _apply_chunk(upload: Upload, chunk: list[uploads.Row | uploads.Refusal]) -> bool:
    """Apply one chunk in one transaction; False if another worker already did."""
    attempts = 3
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                done = upload.lines_done + len(chunk)
                moved = Upload.objects.filter(
                    pk=upload.pk, status=UploadStatus.APPLYING, lines_done=upload.lines_done
                ).update(lines_done=done)
                if not moved:
                    return False
                batch = Batch.load(upload.organisation, chunk, today=upload.received_on)
                results = [
                    line if isinstance(line, uploads.Refusal) else batch.apply(line)
                    for line in chunk
                ]
                batch.save()
                run_many(
                    f"INSERT INTO {LINES} (upload_id, line_number, result, field, message, "  # noqa: S608
                    "subject_id, plan_type) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            upload.pk,
                            outcome.line_number,
                            str(outcome.result),
                            outcome.field,
                            outcome.message[:500],
                            batch.held_elsewhere.get(outcome.line_number),
                            batch.plan_types.get(outcome.line_number, ""),
                        )
                        for outcome in results
                    ],
                )
                _audit_held_elsewhere(upload, batch)
        except IntegrityError:
            # Another authority's upload created one of these subjects meanwhile
            # (PostgreSQL): read them again.
            if attempt == attempts - 1:
                raise
            continue
        upload.lines_done = done
        return True
    return False  # pragma: no cover  (the loop returns or raises)


def _audit_held_elsewhere(upload: Upload, batch: Batch) -> None:
    """One entry per upsert that met another authority's record (refused, or taking over a
    record left with no plan), with the identifier's keyed digest: the trace of anyone
    probing for other authorities' children. Last in the chunk's transaction, as the audit
    chain's head is locked until it commits."""
    ref = upload_reference(upload.organisation, upload.sequence)
    entries = [
        (number, identifier, "flags.upload.held_elsewhere", "refused: another authority holds it")
        for number, identifier in batch.held_elsewhere_keys.items()
    ] + [
        (
            number,
            identifier,
            "flags.upload.record_moved",
            "another authority's record, no plan left",
        )
        for number, identifier in batch.moved.items()
    ]
    for number, identifier, action, what in sorted(entries, key=lambda entry: entry[0]):
        audit.record(
            actor=audit.SYSTEM,
            action=action,
            object_type="flag_subject",
            object_ref=identifier_ref(identifier),
            organisation=upload.organisation,
            reason=f"upload {ref}, line {number}: upsert, {what}",
        )


def _publish(upload: Upload) -> None:
    """Publish the file's result and counts, all at once, and forget the file."""
    counts = dict(
        UploadLine.objects.filter(upload=upload)
        .order_by()
        .values_list("result")
        .annotate(lines=Count("id"))
        .values_list("result", "lines")
    )
    total = sum(counts.values())
    applied = sum(counts.get(result, 0) for result in APPLIED_RESULTS)
    if applied == 0:
        result = FileResult.NOTHING_LOADED
    elif applied == total:
        result = FileResult.ALL_LOADED
    else:
        result = FileResult.PARTLY_LOADED
    with transaction.atomic():
        try:
            UPLOAD.move(
                upload,
                "finish",
                result=result,
                result_counts=counts,
                lines_total=total,
                lines_applied=applied,
                lines_refused=total - applied,
                data=None,
            )
        except IllegalMove:
            return  # published by another worker
        audit.record(
            actor=audit.SYSTEM,
            action="flags.upload.applied",
            object_type="flag_upload",
            object_ref=upload_reference(upload.organisation, upload.sequence),
            organisation=upload.organisation,
            reason=(
                f"result {result}; lines {total}, applied {applied}, refused {total - applied}"
            ),
        )
