"""Changing flags: applying a local authority's upload, and deleting what retention allows.

Uploads are audited by reference only (organisation and sequence number) with counts; nothing
audited or logged here carries a name, a date of birth or an identifier.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from candour.accounts.models import Organisation, OrganisationKind, Role, User
from candour.audit import services as audit
from candour.flags import uploads
from candour.flags.models import (
    APPLIED_RESULTS,
    FileResult,
    LineResult,
    Plan,
    Subject,
    Upload,
    UploadLine,
)

# A flag stays for a year after its last plan ends (reference sheet §2.1, F8): deleted on the
# 365th day after the end date.
RETENTION_DAYS: Final = 365


def _check_flag_manager(user: User, organisation: Organisation) -> None:
    if not (
        user.is_active
        and user.role == Role.FLAG_MANAGER
        and user.organisation_id == organisation.pk
        and organisation.kind == OrganisationKind.LOCAL_AUTHORITY
    ):
        raise PermissionDenied("Only a flag manager of this local authority may upload flags.")


def upload_reference(organisation: Organisation, sequence: int) -> str:
    return f"{organisation.reference}:{sequence}"


def apply_upload(*, user: User, organisation: Organisation, sequence: int, data: bytes) -> Upload:
    """Read and apply one upload file, all or nothing per line, and record the outcome.

    A sequence number this organisation has used before is not applied again: the earlier
    `Upload` is returned unchanged (a resend after a lost acknowledgement is harmless, as with
    CP-IS). A malformed file is recorded, with its sequence number, and changes nothing else.
    """
    _check_flag_manager(user, organisation)
    if sequence < 1:
        raise ValueError("An upload sequence number is a positive whole number.")
    today = timezone.localdate()
    with transaction.atomic():
        try:
            with transaction.atomic():
                upload = Upload.objects.create(
                    organisation=organisation,
                    sequence=sequence,
                    result=FileResult.MALFORMED,
                    received_on=today,
                )
        except IntegrityError:
            earlier = Upload.objects.get(organisation=organisation, sequence=sequence)
            audit.record(
                actor=user,
                action="flags.upload.resent",
                object_type="flag_upload",
                object_ref=upload_reference(organisation, sequence),
                organisation=organisation,
                reason="Sequence number already used; not applied again.",
            )
            return earlier
        try:
            lines = uploads.read(data, today=today)
        except uploads.Malformed as malformed:
            upload.message = malformed.message[:500]
            upload.save(update_fields=["message"])
        else:
            _apply_lines(upload, lines, today=today)
        audit.record(
            actor=user,
            action="flags.upload.applied",
            object_type="flag_upload",
            object_ref=upload_reference(organisation, sequence),
            organisation=organisation,
            reason=(
                f"result {upload.result}; lines {upload.lines_total}, "
                f"applied {upload.lines_applied}, refused {upload.lines_refused}"
            ),
        )
    return upload


def _apply_lines(
    upload: Upload, lines: list[uploads.Row | uploads.Refusal], *, today: date
) -> None:
    results: list[UploadLine] = []
    for line in lines:
        outcome = (
            line
            if isinstance(line, uploads.Refusal)
            else _apply_row(upload.organisation, line, today=today)
        )
        results.append(
            UploadLine(
                upload=upload,
                line_number=outcome.line_number,
                result=outcome.result,
                field=outcome.field,
                message=outcome.message[:500],
            )
        )
    UploadLine.objects.bulk_create(results)
    applied = sum(1 for line in results if line.result in APPLIED_RESULTS)
    upload.lines_total = len(results)
    upload.lines_applied = applied
    upload.lines_refused = len(results) - applied
    if applied == 0:
        upload.result = FileResult.NOTHING_LOADED
    elif applied == len(results):
        upload.result = FileResult.ALL_LOADED
    else:
        upload.result = FileResult.PARTLY_LOADED
    upload.save(update_fields=["lines_total", "lines_applied", "lines_refused", "result"])


def _apply_row(organisation: Organisation, row: uploads.Row, *, today: date) -> uploads.Refusal:
    """Apply one checked line; the returned outcome says what happened (applied or refused)."""
    number = row.line_number

    def outcome(result: LineResult, field: str = "", message: str = "") -> uploads.Refusal:
        return uploads.Refusal(number, result, field, message)

    subject = Subject.objects.filter(
        identifier_system=row.identifier.system.value, identifier=row.identifier.value
    ).first()
    if subject is not None and subject.responsible_authority_id != organisation.pk:
        return outcome(
            LineResult.OTHER_AUTHORITY,
            "identifier",
            f"Line {number}, identifier: {row.identifier.masked} is held by another local "
            "authority; it must end or delete its plans first.",
        )
    if row.action == "upsert":
        if subject is None:
            subject = Subject(
                identifier_system=row.identifier.system.value,
                identifier=row.identifier.value,
                responsible_authority=organisation,
                created_on=today,
            )
        subject.family_name = row.family_name
        subject.given_name = row.given_name
        subject.date_of_birth = row.date_of_birth
        subject.updated_on = today
        subject.save()
        assert row.plan_start is not None  # noqa: S101  (uploads.read requires it for upsert)
        Plan.objects.update_or_create(
            subject=subject,
            plan_type=row.plan_type,
            defaults={"start_date": row.plan_start, "end_date": row.plan_end},
        )
        return outcome(LineResult.LOADED)

    plan = None if subject is None else subject.plans.filter(plan_type=row.plan_type).first()
    if subject is None or plan is None:
        return outcome(
            LineResult.PLAN_NOT_FOUND,
            "plan_type",
            f"Line {number}, plan_type: no {row.plan_type.value} plan is held for "
            f"{row.identifier.masked}.",
        )
    if row.action == "delete":
        plan.delete()
        Subject.objects.filter(pk=subject.pk).update(updated_on=today)
        return outcome(LineResult.PLAN_DELETED)
    assert row.plan_end is not None  # noqa: S101  (uploads.read requires it for end)
    if plan.end_date is not None:
        return outcome(
            LineResult.PLAN_ALREADY_ENDED,
            "plan_end",
            f"Line {number}, plan_end: the {row.plan_type.value} plan for "
            f"{row.identifier.masked} has already ended.",
        )
    if row.plan_end < (row.plan_start or plan.start_date):
        return outcome(
            LineResult.DATE_INCONSISTENT,
            "plan_end",
            f"Line {number}, plan_end: is before the plan's start.",
        )
    plan.end_date = row.plan_end
    plan.save(update_fields=["end_date"])
    Subject.objects.filter(pk=subject.pk).update(updated_on=today)
    return outcome(LineResult.PLAN_ENDED)


def purge_expired(*, today: date) -> int:
    """Delete subjects whose every plan ended at least RETENTION_DAYS ago, and subjects left
    with no plan whose last update is that old; returns how many subjects were deleted."""
    cutoff = today - timedelta(days=RETENTION_DAYS)
    expired = Subject.objects.annotate(
        plan_count=Count("plans"),
        open_plans=Count("plans", filter=Q(plans__end_date__isnull=True)),
        last_end=Max("plans__end_date"),
    ).filter(
        Q(plan_count__gt=0, open_plans=0, last_end__lte=cutoff)
        | Q(plan_count=0, updated_on__lte=cutoff)
    )
    with transaction.atomic():
        ids = list(expired.values_list("pk", flat=True))
        if not ids:
            return 0
        Subject.objects.filter(pk__in=ids).delete()
        audit.record(
            actor=audit.SYSTEM,
            action="flags.retention.purged",
            object_type="flag_subject",
            reason=f"{len(ids)} subject(s) past retention deleted",
        )
    return len(ids)
