"""Applying a local authority's upload file: per-line results, one transaction, batched.

Uploads are audited by reference only (organisation and sequence number) with counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from candour.accounts.models import Organisation, User
from candour.audit import services as audit
from candour.flags import uploads
from candour.flags.models import (
    APPLIED_RESULTS,
    FileResult,
    LineResult,
    Plan,
    Subject,
    SystemClient,
    Upload,
    UploadLine,
)
from candour.flags.services.permissions import audit_actor, check_flag_manager


def upload_reference(organisation: Organisation, sequence: int) -> str:
    return f"{organisation.reference}:{sequence}"


def apply_upload(
    *,
    user: User | SystemClient,
    organisation: Organisation,
    sequence: int,
    data: bytes,
    allow_test_range: bool | None = None,
) -> Upload:
    """Read and apply one upload file, all or nothing per line, and record the outcome.

    A sequence number this organisation has used before is not applied again: the earlier
    `Upload` is returned unchanged (a resend after a lost acknowledgement is harmless, as with
    CP-IS). A malformed file is recorded, with its sequence number, and changes nothing else.
    """
    check_flag_manager(user, organisation)
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
                actor=audit_actor(user),
                action="flags.upload.resent",
                object_type="flag_upload",
                object_ref=upload_reference(organisation, sequence),
                organisation=organisation,
                reason="Sequence number already used; not applied again.",
            )
            return earlier
        try:
            if allow_test_range is None:
                allow_test_range = settings.CANDOUR_FLAGS_ACCEPT_TEST_NUMBERS
            lines = uploads.read(data, today=today, allow_test_range=allow_test_range)
        except uploads.Malformed as malformed:
            upload.message = malformed.message[:500]
            upload.save(update_fields=["message"])
        else:
            _apply_lines(upload, lines, today=today)
        audit.record(
            actor=audit_actor(user),
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


BATCH: Final = 500


def _apply_lines(
    upload: Upload, lines: list[uploads.Row | uploads.Refusal], *, today: date
) -> None:
    """Apply every checked line in a few batched queries (an authority's whole caseload can
    arrive in one file), keeping file order: later lines see what earlier ones did."""
    rows = [line for line in lines if isinstance(line, uploads.Row)]
    batch = _Batch.load(upload.organisation, rows, today=today)
    results: list[UploadLine] = []
    for line in lines:
        outcome = line if isinstance(line, uploads.Refusal) else batch.apply(line)
        results.append(
            UploadLine(
                upload=upload,
                line_number=outcome.line_number,
                result=outcome.result,
                field=outcome.field,
                message=outcome.message[:500],
            )
        )
    batch.save()
    UploadLine.objects.bulk_create(results, batch_size=BATCH)
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


@dataclass
class _Batch:
    """The subjects and plans an upload touches, read up front and written back at the end."""

    organisation: Organisation
    today: date
    subjects: dict[tuple[str, str], Subject]
    plans: dict[tuple[str, str, str], Plan]
    dirty_subjects: dict[int, Subject]
    dirty_plans: dict[int, Plan]
    deleted_plans: list[int]

    @classmethod
    def load(cls, organisation: Organisation, rows: list[uploads.Row], *, today: date) -> _Batch:
        keys = sorted({(row.identifier.system.value, row.identifier.value) for row in rows})
        subjects: dict[tuple[str, str], Subject] = {}
        for system in {system for system, _ in keys}:
            values = [value for each, value in keys if each == system]
            for start in range(0, len(values), BATCH):
                for subject in Subject.objects.filter(
                    identifier_system=system, identifier__in=values[start : start + BATCH]
                ):
                    subjects[(subject.identifier_system, subject.identifier)] = subject
        by_pk = {subject.pk: subject for subject in subjects.values()}
        pks = sorted(by_pk)
        plans: dict[tuple[str, str, str], Plan] = {}
        for start in range(0, len(pks), BATCH):
            for plan in Plan.objects.filter(subject_id__in=pks[start : start + BATCH]):
                owner = by_pk[plan.subject_id]
                plans[(owner.identifier_system, owner.identifier, plan.plan_type)] = plan
        return cls(organisation, today, subjects, plans, {}, {}, [])

    def apply(self, row: uploads.Row) -> uploads.Refusal:
        """Apply one line in memory; the outcome says what happened (applied or refused)."""
        number = row.line_number

        def outcome(result: LineResult, field: str = "", message: str = "") -> uploads.Refusal:
            return uploads.Refusal(number, result, field, message)

        subject_key = (row.identifier.system.value, row.identifier.value)
        subject = self.subjects.get(subject_key)
        if subject is not None and subject.responsible_authority_id != self.organisation.pk:
            return outcome(
                LineResult.OTHER_AUTHORITY,
                "identifier",
                f"Line {number}, identifier: {row.identifier.masked} is held by another local "
                "authority; it must end or delete its plans first.",
            )
        plan = self.plans.get(row.key)
        if row.action == "upsert":
            if subject is None:
                subject = Subject(
                    identifier_system=row.identifier.system.value,
                    identifier=row.identifier.value,
                    responsible_authority=self.organisation,
                    created_on=self.today,
                )
                self.subjects[subject_key] = subject
            subject.family_name = row.family_name
            subject.given_name = row.given_name
            subject.date_of_birth = row.date_of_birth
            self._touch(subject)
            assert row.plan_start is not None  # noqa: S101  (uploads.read requires it)
            if plan is None:
                plan = Plan(subject=subject, plan_type=row.plan_type)
                self.plans[row.key] = plan
            plan.start_date = row.plan_start
            plan.end_date = row.plan_end
            self._mark(plan)
            return outcome(LineResult.LOADED)
        if subject is None or plan is None:
            return outcome(
                LineResult.PLAN_NOT_FOUND,
                "plan_type",
                f"Line {number}, plan_type: no {row.plan_type.value} plan is held for "
                f"{row.identifier.masked}.",
            )
        if row.action == "delete":
            del self.plans[row.key]
            if plan.pk is not None:
                self.deleted_plans.append(plan.pk)
                self.dirty_plans.pop(plan.pk, None)
            self._touch(subject)
            return outcome(LineResult.PLAN_DELETED)
        assert row.plan_end is not None  # noqa: S101  (uploads.read requires it for end)
        if plan.end_date is not None:
            return outcome(
                LineResult.PLAN_ALREADY_ENDED,
                "plan_end",
                f"Line {number}, plan_end: the {row.plan_type.value} plan for "
                f"{row.identifier.masked} has already ended.",
            )
        if row.plan_end < plan.start_date:
            # Against the start held, not the line's: a wrong start on an end line must not
            # slip an end date before the real start past this check.
            return outcome(
                LineResult.DATE_INCONSISTENT,
                "plan_end",
                f"Line {number}, plan_end: is before the plan's start "
                f"({plan.start_date.isoformat()}).",
            )
        plan.end_date = row.plan_end
        self._mark(plan)
        self._touch(subject)
        return outcome(LineResult.PLAN_ENDED)

    def _touch(self, subject: Subject) -> None:
        subject.updated_on = self.today
        if subject.pk is not None:
            self.dirty_subjects[subject.pk] = subject

    def _mark(self, plan: Plan) -> None:
        if plan.pk is not None:
            self.dirty_plans[plan.pk] = plan

    def save(self) -> None:
        new_subjects = [subject for subject in self.subjects.values() if subject.pk is None]
        Subject.objects.bulk_create(new_subjects, batch_size=BATCH)
        Subject.objects.bulk_update(
            list(self.dirty_subjects.values()),
            ["family_name", "given_name", "date_of_birth", "updated_on"],
            batch_size=BATCH,
        )
        for start in range(0, len(self.deleted_plans), BATCH):
            Plan.objects.filter(pk__in=self.deleted_plans[start : start + BATCH]).delete()
        new_plans: list[Plan] = []
        for plan in self.plans.values():
            if plan.pk is None:
                plan.subject_id = plan.subject.pk  # assigned by bulk_create above
                new_plans.append(plan)
        Plan.objects.bulk_create(new_plans, batch_size=BATCH)
        Plan.objects.bulk_update(
            list(self.dirty_plans.values()), ["start_date", "end_date"], batch_size=BATCH
        )
