"""Receiving and applying a local authority's upload file (ADR 0012, 0015).

A file is read as it arrives, with no database work. One that cannot be read as a whole is
recorded as malformed: nothing in it is applied and its sequence number stays free for the
corrected file. A readable one is recorded as received, with its bytes, and the outbox
worker applies it (job `flags.apply_upload`): a chunk of lines at a time, each chunk one
short transaction of set-based writes, so a lookup never waits for more than a chunk
(SQLite has one write lock; on PostgreSQL the chunk's rows are locked, never the
authority's whole caseload). The authority sees the file's result only when the last chunk
is done, all at once (`lifecycle.UPLOAD`).

Uploads are audited by reference only (organisation and sequence number) with counts; an
upsert refused because another authority holds the child is audited with a keyed digest of
the identifier, so probing for other authorities' children leaves a trace.

This module receives a file (and, for demo data, benchmarks and tests, applies it at
once); ``upload_chunks`` applies it chunk by chunk, with ``upload_batch`` for the
writes of one chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from candour.accounts.models import Organisation, User
from candour.audit import services as audit
from candour.flags import selectors, uploads
from candour.flags.lifecycle import UPLOAD
from candour.flags.models import FileResult, SystemClient, Upload, UploadStatus
from candour.flags.services.permissions import audit_actor, check_flag_manager
from candour.flags.services.upload_chunks import APPLY_JOB, continue_upload, upload_reference
from candour.notifications.services import enqueue


@dataclass(frozen=True)
class Receipt:
    """What became of a file sent: its upload, and whether the sequence number was used
    before (then nothing was read or applied, and `upload` is the earlier file)."""

    upload: Upload
    resent: bool = False

    @property
    def malformed(self) -> bool:
        return not self.resent and self.upload.status == UploadStatus.MALFORMED


def receive_upload(
    *,
    user: User | SystemClient,
    organisation: Organisation,
    sequence: int,
    data: bytes,
    allow_test_range: bool | None = None,
    schedule: bool = True,
) -> Receipt:
    """Check a file and record it: the worker applies a readable one (`continue_upload`;
    `schedule=False` leaves that to the caller, as `apply_upload` does).

    A sequence number that a received or applied file of this organisation holds is not
    used again: the earlier `Upload` is returned, unchanged (a resend after a lost
    acknowledgement is harmless, as with CP-IS). A malformed file is recorded and audited,
    changes nothing, and leaves its sequence number free.
    """
    check_flag_manager(user, organisation)
    if sequence < 1:
        raise ValueError("An upload sequence number is a positive whole number.")
    earlier = selectors.find_upload_holding(organisation_id=organisation.pk, sequence=sequence)
    if earlier is not None:
        return _resent(user, organisation, earlier)
    if allow_test_range is None:
        allow_test_range = settings.CANDOUR_FLAGS_ACCEPT_TEST_NUMBERS
    today = timezone.localdate()
    # The whole file is read here, outside any transaction, and again as it is applied:
    # reading is cheap next to writing, and a file that cannot be read is answered now.
    problem, lines = "", 0
    try:
        for _line in uploads.read_lines(data, today=today, allow_test_range=allow_test_range):
            lines += 1
    except uploads.Malformed as malformed:
        problem = malformed.message[:500]
    with transaction.atomic():
        try:
            with transaction.atomic():
                upload = Upload.objects.create(
                    organisation=organisation,
                    sequence=sequence,
                    received_on=today,
                    data=None if problem else data,
                    accepts_test_numbers=allow_test_range,
                    lines_total=lines,
                )
        except IntegrityError:
            # The same number sent twice at once: the other file holds it.
            held = selectors.find_upload_holding(organisation_id=organisation.pk, sequence=sequence)
            if held is None:
                raise
            return _resent(user, organisation, held)
        ref = upload_reference(organisation, sequence)
        if problem:
            UPLOAD.move(upload, "refuse", result=FileResult.MALFORMED, message=problem)
            audit.record(
                actor=audit_actor(user),
                action="flags.upload.malformed",
                object_type="flag_upload",
                object_ref=ref,
                organisation=organisation,
                reason="Cannot be read; nothing applied, and the sequence number stays free.",
            )
        else:
            if schedule:
                enqueue(
                    kind=APPLY_JOB,
                    payload={"upload": str(upload.reference)},
                    idempotency_key=f"{APPLY_JOB}:{upload.reference}:0",
                )
            audit.record(
                actor=audit_actor(user),
                action="flags.upload.received",
                object_type="flag_upload",
                object_ref=ref,
                organisation=organisation,
                reason=f"lines {lines}",
            )
    return Receipt(upload)


def apply_upload(
    *,
    user: User | SystemClient,
    organisation: Organisation,
    sequence: int,
    data: bytes,
    allow_test_range: bool | None = None,
) -> Upload:
    """Receive a file and apply it now, in this process, chunk by chunk as the worker does
    (demo data, benchmarks, tests); returns the upload with its result (or the earlier one
    for a used sequence number, or the malformed one). No job is queued: a file left half
    applied by a process that died is finished by sending it again with its number."""
    receipt = receive_upload(
        user=user,
        organisation=organisation,
        sequence=sequence,
        data=data,
        allow_test_range=allow_test_range,
        schedule=False,
    )
    upload = receipt.upload
    if upload.status in (UploadStatus.RECEIVED, UploadStatus.APPLYING):
        pending = selectors.find_upload_to_apply(reference=upload.reference)
        if pending is not None:
            continue_upload(upload=pending, budget_seconds=None)
        upload.refresh_from_db()
    return upload


def _resent(user: User | SystemClient, organisation: Organisation, earlier: Upload) -> Receipt:
    with transaction.atomic():
        audit.record(
            actor=audit_actor(user),
            action="flags.upload.resent",
            object_type="flag_upload",
            object_ref=upload_reference(organisation, earlier.sequence),
            organisation=organisation,
            reason="Sequence number already used; not applied again.",
        )
    return Receipt(earlier, resent=True)
