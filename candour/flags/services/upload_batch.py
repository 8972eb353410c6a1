"""One chunk of an upload file in memory (``Batch``): the subjects and plans its lines touch,
read at the chunk's start and written at its end in a few set-based statements, for
``upload_chunks``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from django.db import connection

from candour.accounts.models import Organisation
from candour.flags import uploads
from candour.flags.identifiers import Identifier
from candour.flags.models import LineResult, Plan, Subject, UploadLine

BATCH: Final = 500  # rows per statement when reading subjects and plans


@dataclass
class Batch:
    """The subjects and plans a chunk touches, read at its start and written at its end in
    a few set-based statements, keeping file order: later lines see what earlier ones did."""

    organisation: Organisation
    today: date
    subjects: dict[tuple[str, str], Subject]
    plans: dict[tuple[str, str, str], Plan]
    # What the subjects read held, to write only the ones whose names or birth date changed.
    loaded: dict[int, tuple[str, str, date]]
    touched: set[int] = field(default_factory=set)
    changed_plans: dict[int, Plan] = field(default_factory=dict)
    deleted_plans: list[int] = field(default_factory=list)
    # Upserts refused because another authority holds the child: line -> record, and key.
    held_elsewhere: dict[int, int] = field(default_factory=dict)
    held_elsewhere_keys: dict[int, Identifier] = field(default_factory=dict)
    plan_types: dict[int, str] = field(default_factory=dict)
    # Records with no plan left that another authority held, now this one's: line -> key.
    moved: dict[int, Identifier] = field(default_factory=dict)
    moved_subjects: set[int] = field(default_factory=set)
    plan_counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    @classmethod
    def load(
        cls,
        organisation: Organisation,
        chunk: list[uploads.Row | uploads.Refusal],
        *,
        today: date,
    ) -> Batch:
        rows = [line for line in chunk if isinstance(line, uploads.Row)]
        keys_ = sorted({(row.identifier.system.value, row.identifier.value) for row in rows})
        subjects: dict[tuple[str, str], Subject] = {}
        for system in sorted({system for system, _ in keys_}):
            values = [value for each, value in keys_ if each == system]
            for start in range(0, len(values), BATCH):
                # FOR NO KEY UPDATE on PostgreSQL: another upload or the retention job waits
                # for this chunk, while lookups (which only reference the row) do not.
                for subject in Subject.objects.select_for_update(no_key=True).filter(
                    identifier_system=system, identifier__in=values[start : start + BATCH]
                ):
                    subjects[(subject.identifier_system, subject.identifier)] = subject
        by_pk = {subject.pk: subject for subject in subjects.values()}
        pks = sorted(by_pk)
        plans: dict[tuple[str, str, str], Plan] = {}
        for start in range(0, len(pks), BATCH):
            for plan in Plan.objects.filter(subject_id__in=pks[start : start + BATCH]):
                owner = by_pk[plan.subject_id]
                plan.subject = owner
                plans[(owner.identifier_system, owner.identifier, plan.plan_type)] = plan
        loaded = {
            subject.pk: (subject.family_name, subject.given_name, subject.date_of_birth)
            for subject in subjects.values()
        }
        batch = cls(organisation, today, subjects, plans, loaded)
        batch.plan_counts.update((system, value) for system, value, _type in plans)
        return batch

    def apply(self, row: uploads.Row) -> uploads.Refusal:
        """Apply one line in memory; the outcome says what happened (applied or refused)."""
        number = row.line_number

        def outcome(result: LineResult, field: str = "", message: str = "") -> uploads.Refusal:
            return uploads.Refusal(number, result, field, message)

        subject_key = (row.identifier.system.value, row.identifier.value)
        subject = self.subjects.get(subject_key)
        elsewhere = subject is not None and subject.responsible_authority_id != self.organisation.pk
        if elsewhere and row.action == "upsert" and not self.plan_counts[subject_key]:
            assert subject is not None  # noqa: S101  (elsewhere implies it)
            # The other authority deleted every plan it had for the child (handing the
            # record over, or plans sent in error): the record is this authority's now,
            # answered as for a child nobody held, and audited.
            subject.responsible_authority_id = self.organisation.pk
            self.moved[number] = row.identifier
            self.moved_subjects.add(subject.pk)
            elsewhere = False
        if elsewhere and row.action == "upsert":
            assert subject is not None  # noqa: S101  (elsewhere implies it)
            # No second record for the child, and no silent one: refused, audited with the
            # identifier's digest, and shown to the authority that holds the record.
            self.held_elsewhere[number] = subject.pk
            self.held_elsewhere_keys[number] = row.identifier
            self.plan_types[number] = row.plan_type.value
            return outcome(
                LineResult.OTHER_AUTHORITY,
                "identifier",
                f"Line {number}, identifier: {row.identifier.masked} has a record held by "
                "another local authority, so this plan was not recorded. That authority can "
                "see that your authority sent it: agree with it which of you holds the record.",
            )
        plan = None if elsewhere else self.plans.get(row.key)
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
                self.plan_counts[subject_key] += 1
            plan.start_date = row.plan_start
            plan.end_date = row.plan_end
            self._mark(plan)
            return outcome(LineResult.LOADED)
        if subject is None or plan is None:
            # The same answer whether nobody holds the child or another authority does: an
            # end or delete must not tell one authority what another holds (ADR 0015).
            return outcome(
                LineResult.PLAN_NOT_FOUND,
                "plan_type",
                f"Line {number}, plan_type: your authority holds no {row.plan_type.value} "
                f"plan for {row.identifier.masked}.",
            )
        if row.action == "delete":
            del self.plans[row.key]
            self.plan_counts[subject_key] -= 1
            if plan.pk is not None:
                self.deleted_plans.append(plan.pk)
                self.changed_plans.pop(plan.pk, None)
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
            self.touched.add(subject.pk)

    def _mark(self, plan: Plan) -> None:
        if plan.pk is not None:
            self.changed_plans[plan.pk] = plan

    def save(self) -> None:
        """Write the chunk in a few statements: multi-row inserts (subjects, whose ids the
        plans need), one UPDATE for subjects only touched and one DELETE for plans deleted,
        and prepared statements run for many rows (plans, changed rows) in the driver. Not
        Django's bulk_update: its CASE WHEN per row and field cost a millisecond a row, the
        24 s that a 19,600-line file of deletes held the write lock for."""
        day = connection.ops.adapt_datefield_value
        self._insert_subjects([subject for subject in self.subjects.values() if subject.pk is None])
        renamed = [
            subject
            for subject in self.subjects.values()
            if subject.pk in self.touched
            and self.loaded.get(subject.pk)
            != (subject.family_name, subject.given_name, subject.date_of_birth)
        ]
        run_many(
            f"UPDATE {SUBJECTS} SET family_name = %s, given_name = %s, date_of_birth = %s, "  # noqa: S608
            "updated_on = %s WHERE id = %s",
            [
                (s.family_name, s.given_name, day(s.date_of_birth), day(self.today), s.pk)
                for s in renamed
            ],
        )
        moved = sorted(self.moved_subjects)
        for start in range(0, len(moved), BATCH):
            Subject.objects.filter(pk__in=moved[start : start + BATCH]).update(
                responsible_authority=self.organisation
            )
        only_touched = sorted(self.touched - {subject.pk for subject in renamed})
        for start in range(0, len(only_touched), BATCH):
            Subject.objects.filter(pk__in=only_touched[start : start + BATCH]).update(
                updated_on=self.today
            )
        for start in range(0, len(self.deleted_plans), BATCH):
            Plan.objects.filter(pk__in=self.deleted_plans[start : start + BATCH]).delete()
        run_many(
            f"INSERT INTO {PLANS} (subject_id, plan_type, start_date, end_date) "  # noqa: S608
            "VALUES (%s, %s, %s, %s)",
            [
                # Subject ids were read back by _insert_subjects.
                (plan.subject.pk, plan.plan_type, day(plan.start_date), day(plan.end_date))
                for plan in self.plans.values()
                if plan.pk is None
            ],
        )
        run_many(
            f"UPDATE {PLANS} SET start_date = %s, end_date = %s WHERE id = %s",  # noqa: S608
            [
                (day(plan.start_date), day(plan.end_date), plan.pk)
                for plan in self.changed_plans.values()
            ],
        )

    def _insert_subjects(self, subjects: list[Subject]) -> None:
        """Insert new subjects and read their ids back by identifier (the driver runs the
        insert for every row; the ORM's bulk_create builds each row in Python)."""
        if not subjects:
            return
        day = connection.ops.adapt_datefield_value
        run_many(
            f"INSERT INTO {SUBJECTS} (identifier_system, identifier, family_name, given_name, "  # noqa: S608
            "date_of_birth, responsible_authority_id, created_on, updated_on) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    s.identifier_system,
                    s.identifier,
                    s.family_name,
                    s.given_name,
                    day(s.date_of_birth),
                    self.organisation.pk,
                    day(self.today),
                    day(self.today),
                )
                for s in subjects
            ],
        )
        by_key = {(s.identifier_system, s.identifier): s for s in subjects}
        for system in sorted({system for system, _ in by_key}):
            values = sorted(value for each, value in by_key if each == system)
            for start in range(0, len(values), BATCH):
                for pk, value in Subject.objects.filter(
                    identifier_system=system, identifier__in=values[start : start + BATCH]
                ).values_list("pk", "identifier"):
                    by_key[(system, value)].pk = pk


# Table names for the statements above (from the models, never from input).
SUBJECTS: Final = Subject._meta.db_table
PLANS: Final = Plan._meta.db_table
LINES: Final = UploadLine._meta.db_table


def run_many(sql: str, rows: list[tuple[Any, ...]]) -> None:
    """One statement, prepared once and run for every row by the database driver."""
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
