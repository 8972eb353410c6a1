"""Changing flags: applying a local authority's upload, and deleting what retention allows.

Uploads are audited by reference only (organisation and sequence number) with counts; nothing
audited or logged here carries a name, a date of birth or an identifier.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from candour.accounts.models import Organisation, OrganisationKind, Role, User
from candour.audit import services as audit
from candour.flags import selectors, uploads
from candour.flags.identifiers import Identifier, IdentifierSystem, parse
from candour.flags.models import (
    ACCESS_HISTORY_LENGTH,
    APPLIED_RESULTS,
    SCHEDULED_SETTINGS,
    UNSCHEDULED_SETTINGS,
    AbuseAlert,
    Access,
    AlertKind,
    CareSetting,
    FileResult,
    LineResult,
    LocalAuthorityContact,
    LookupCounter,
    Notification,
    Plan,
    Subject,
    SystemClient,
    Upload,
    UploadLine,
)
from candour.notifications.services import enqueue

# A flag stays for a year after its last plan ends (reference sheet §2.1, F8): deleted on the
# 365th day after the end date.
RETENTION_DAYS: Final = 365


def _check_flag_manager(actor: User | SystemClient, organisation: Organisation) -> None:
    """A flag manager of the authority, or one of its live systems (its case system)."""
    if isinstance(actor, SystemClient):
        allowed = actor.revoked_at is None and actor.organisation_id == organisation.pk
    else:
        allowed = (
            actor.is_active
            and actor.role == Role.FLAG_MANAGER
            and actor.organisation_id == organisation.pk
        )
    if not (allowed and organisation.kind == OrganisationKind.LOCAL_AUTHORITY):
        raise PermissionDenied("Only a flag manager of this local authority may upload flags.")


def _actor(actor: User | SystemClient) -> User | str:
    return f"client:{actor.reference}" if isinstance(actor, SystemClient) else actor


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
                actor=_actor(user),
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
            actor=_actor(user),
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


# --- Lookups, access history and notifications ------------------------------------------------

# Roles that may look a child up, and the settings each may declare: the role decides whether
# the local authority is told (CP-IS B0107 versus B0170 "without sending an ASN", §3.2).
LOOKUP_SETTINGS: Final[dict[str, frozenset[str]]] = {
    Role.HEALTH_UNSCHEDULED: UNSCHEDULED_SETTINGS,
    Role.HEALTH_SCHEDULED: SCHEDULED_SETTINGS,
}


@dataclass(frozen=True)
class Principal:
    """Who is looking: a signed-in person, or a system and the person it names as responsible."""

    organisation: Organisation
    user: User | None = None
    client: SystemClient | None = None
    responsible_person: str = ""

    @classmethod
    def for_user(cls, user: User) -> Principal:
        return cls(organisation=user.organisation, user=user)

    @classmethod
    def for_client(cls, client: SystemClient, responsible_person: str) -> Principal:
        return cls(
            organisation=client.organisation,
            client=client,
            responsible_person=responsible_person,
        )

    @property
    def key(self) -> str:
        return f"user:{self.user.pk}" if self.user else f"client:{self.client_or_fail.pk}"

    @property
    def client_or_fail(self) -> SystemClient:
        if self.client is None:
            raise ValueError("A principal is a user or a system client.")
        return self.client

    @property
    def audit_actor(self) -> User | str:
        return self.user if self.user else f"client:{self.client_or_fail.reference}"

    @property
    def label(self) -> str:
        """For administrators' alerts: a reference, not a name (they look the person up)."""
        if self.user:
            return f"user {self.user.reference}"
        return f"system {self.client_or_fail.name} ({self.client_or_fail.key_prefix})"

    @property
    def limits(self) -> tuple[int, int, int]:
        """(per hour, per day, misses per hour before an enumeration alert)."""
        if self.client is not None:
            return (
                self.client.hourly_limit,
                self.client.daily_limit,
                settings.CANDOUR_FLAGS_SYSTEM_MISS_ALERT_PER_HOUR,
            )
        return (
            settings.CANDOUR_FLAGS_PERSON_HOURLY_LIMIT,
            settings.CANDOUR_FLAGS_PERSON_DAILY_LIMIT,
            settings.CANDOUR_FLAGS_PERSON_MISS_ALERT_PER_HOUR,
        )


class LookupRefused(Exception):  # noqa: N818  (a verdict on a request)
    """The principal may not look this up now; `code` is for programs, `message` for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class LookupResult:
    """What a lookup shows: nothing, or the plans, whom to call and who looked before."""

    identifier: Identifier
    care_setting: str
    subject: Subject | None = None
    plans: tuple[Plan, ...] = ()
    contact: LocalAuthorityContact | None = None
    history: tuple[Access, ...] = ()
    access: Access | None = None

    @property
    def found(self) -> bool:
        return self.subject is not None


def parse_identifier(value: str, system: IdentifierSystem | None = None) -> Identifier:
    """`identifiers.parse` with this deployment's rule for the never-issued 999 test range
    (accepted only where CANDOUR_FLAGS_ACCEPT_TEST_NUMBERS is on: demos, integration tests)."""
    return parse(value, system, allow_test_range=settings.CANDOUR_FLAGS_ACCEPT_TEST_NUMBERS)


def identifier_ref(identifier: Identifier) -> str:
    """A keyed digest of an identifier for audit entries: lets an auditor who holds the key ask
    "was this child looked up?" without the log holding the number."""
    digest = hmac.new(
        settings.CANDOUR_AUDIT_KEY.encode() or settings.SECRET_KEY.encode(),
        f"flags-identifier:{identifier.system.value}:{identifier.value}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return f"id:{digest[:20]}"


def check_care_setting(principal: Principal, care_setting: str) -> bool:
    """Whether the principal may look up from this setting; decides notification."""
    if principal.client is not None:
        if principal.client.organisation.kind != OrganisationKind.NHS:
            raise LookupRefused("forbidden", "Only health organisations' systems may look up.")
        if principal.client.revoked_at is not None:
            raise LookupRefused("forbidden", "This system's key has been revoked.")
        return principal.client.care_setting in UNSCHEDULED_SETTINGS
    user = principal.user
    assert user is not None  # noqa: S101  (a principal is a user or a client)
    allowed = LOOKUP_SETTINGS.get(user.role)
    if allowed is None or not user.is_active:
        raise LookupRefused("forbidden", "Your role does not allow looking children up.")
    if care_setting not in allowed:
        raise LookupRefused("care_setting", "Select the care setting you are working in.")
    return care_setting in UNSCHEDULED_SETTINGS


def look_up(
    *,
    principal: Principal,
    identifier: Identifier,
    care_setting: str,
    with_history: bool = True,
) -> LookupResult:
    """Look a child up, as CP-IS does (§3.2): audited hit or miss, limited per person and
    system, and, from an unscheduled setting, the responsible authority is notified in the
    same transaction as the access entry. A subject with no plan left has no flag to show.

    Raises `LookupRefused` (with code "rate_limited" once a limit is reached: the refusal is
    audited and the organisation's administrators are alerted once per period).
    """
    if principal.client is not None:
        care_setting = principal.client.care_setting
    unscheduled = check_care_setting(principal, care_setting)
    ref = identifier_ref(identifier)
    # Read first, outside the write transaction: on SQLite that transaction holds the only
    # write lock, so it should hold it for the writes alone.
    plans = tuple(
        Plan.objects.select_related("subject__responsible_authority__flag_contact")
        .filter(subject__identifier_system=identifier.system.value)
        .filter(subject__identifier=identifier.value)
        .order_by("plan_type")
    )
    subject = plans[0].subject if plans else None
    history = _history(subject) if subject is not None and with_history else ()
    now = timezone.now()
    with transaction.atomic():
        refusal = _admit(principal, ref, now=now, miss=subject is None)
        if refusal is None:
            if subject is None:
                audit.record(
                    actor=principal.audit_actor,
                    action="flags.lookup.miss",
                    object_type="flag_subject",
                    object_ref=ref,
                    organisation=principal.organisation,
                    reason=f"setting {care_setting}",
                )
                result = LookupResult(identifier=identifier, care_setting=care_setting)
            else:
                result = _record_access(
                    principal, identifier, plans, history, ref, care_setting, unscheduled, now
                )
    if refusal is not None:
        raise refusal
    return result


def view_history(
    *, principal: Principal, identifier: Identifier
) -> tuple[Subject | None, tuple[Access, ...]]:
    """The access history alone (FHIR AuditEvent): audited and rate-limited like a lookup,
    but it tells the authority nothing, as it shows no flag."""
    check_care_setting(principal, principal.client.care_setting if principal.client else "")
    ref = identifier_ref(identifier)
    subject = Subject.objects.filter(
        identifier_system=identifier.system.value, identifier=identifier.value
    ).first()
    history = () if subject is None else _history(subject)
    now = timezone.now()
    with transaction.atomic():
        refusal = _admit(principal, ref, now=now, miss=subject is None)
        if refusal is None:
            audit.record(
                actor=principal.audit_actor,
                action="flags.history.viewed" if subject else "flags.history.miss",
                object_type="flag_subject",
                object_ref=ref,
                organisation=principal.organisation,
            )
    if refusal is not None:
        raise refusal
    return subject, history


def _admit(principal: Principal, ref: str, *, now: datetime, miss: bool) -> LookupRefused | None:
    """Count the lookup (and a miss) against the principal's limits in one statement; over a
    limit, audit the refusal and alert the administrators (once per period); many misses in
    an hour raise an enumeration alert. In the caller's transaction."""
    hourly, daily, miss_alert = principal.limits
    hour, day = now.strftime("h%Y%m%d%H"), now.strftime("d%Y%m%d")
    periods = [(hour, 3600), (day, 86400)]
    if miss:
        periods.append((now.strftime("m%Y%m%d%H"), 3600))
    in_hour, in_day, *misses = _bump(principal.key, periods, now=now)
    if in_hour <= hourly and in_day <= daily:
        if misses and misses[0] >= miss_alert:
            _raise_alert(
                principal, AlertKind.ENUMERATION, period=periods[2][0], total=misses[0], now=now
            )
        return None
    period, total = (hour, in_hour) if in_hour > hourly else (day, in_day)
    _raise_alert(principal, AlertKind.RATE_LIMIT, period=period, total=total, now=now)
    audit.record(
        actor=principal.audit_actor,
        action="flags.lookup.refused",
        object_type="flag_subject",
        object_ref=ref,
        organisation=principal.organisation,
        reason=f"rate limit ({'hour' if period == hour else 'day'})",
    )
    return LookupRefused(
        "rate_limited",
        "You have reached the limit of lookups for now. Your organisation's administrator "
        "has been told; try again later or phone the local authority.",
    )


def _history(subject: Subject) -> tuple[Access, ...]:
    return tuple(
        Access.objects.filter(subject=subject)
        .select_related("organisation")
        .order_by("-accessed_at", "-pk")[:ACCESS_HISTORY_LENGTH]
    )


def _record_access(
    principal: Principal,
    identifier: Identifier,
    plans: tuple[Plan, ...],
    history: tuple[Access, ...],
    ref: str,
    care_setting: str,
    unscheduled: bool,
    now: datetime,
) -> LookupResult:
    subject = plans[0].subject
    try:
        contact: LocalAuthorityContact | None = subject.responsible_authority.flag_contact
    except LocalAuthorityContact.DoesNotExist:
        contact = None
    user = principal.user
    access = Access.objects.create(
        subject=subject,
        accessed_at=now,
        care_setting=care_setting,
        unscheduled=unscheduled,
        user=user,
        client=principal.client,
        person_name=user.full_name if user else principal.responsible_person,
        role_label=user.role_label if user else f"System: {principal.client_or_fail.name}",
        organisation=principal.organisation,
    )
    if unscheduled:
        _notify(access, subject.responsible_authority)
    audit.record(
        actor=principal.audit_actor,
        action="flags.lookup.hit" if unscheduled else "flags.lookup.silent",
        object_type="flag_access",
        object_ref=access.reference,
        organisation=principal.organisation,
        reason=f"{ref}; setting {care_setting}",
    )
    return LookupResult(
        identifier=identifier,
        care_setting=care_setting,
        subject=subject,
        plans=plans,
        contact=contact,
        history=history,
        access=access,
    )


def _bump(principal: str, periods: list[tuple[str, int]], *, now: datetime) -> list[int]:
    """Add one to each (period, lifetime) counter of the principal; return the new totals.

    One multi-row upsert (SQLite 3.35+ and PostgreSQL both support RETURNING), so concurrent
    lookups by the same principal cannot lose a count, in one round trip.
    """
    table = LookupCounter._meta.db_table
    values = ", ".join(["(%s, %s, 1, %s)"] * len(periods))
    params: list[str | datetime] = []
    for period, lifetime in periods:
        params += [principal, period, now + timedelta(seconds=lifetime)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (principal, period, total, expires_at) "  # noqa: S608
            f"VALUES {values} ON CONFLICT (principal, period) "
            f"DO UPDATE SET total = {table}.total + 1 RETURNING period, total",
            params,
        )
        totals = dict(cursor.fetchall())
    return [int(totals[period]) for period, _ in periods]


def _raise_alert(
    principal: Principal, kind: AlertKind, *, period: str, total: int, now: datetime
) -> None:
    """Record the alert once per principal, kind and period, and e-mail the administrators."""
    try:
        with transaction.atomic():
            alert = AbuseAlert.objects.create(
                organisation=principal.organisation,
                kind=kind,
                principal=principal.key,
                principal_label=principal.label,
                period=period,
                total=total,
                created_at=now,
            )
    except IntegrityError:
        return
    enqueue(
        kind="flags.alert_administrators",
        payload={"alert": str(alert.reference)},
        idempotency_key=f"flags-alert:{alert.reference}",
    )
    audit.record(
        actor=audit.SYSTEM,
        action="flags.alert.raised",
        object_type="flag_alert",
        object_ref=alert.reference,
        organisation=principal.organisation,
        reason=f"{kind} by {principal.key}",
    )


def _notify(access: Access, authority: Organisation) -> Notification:
    """The notification and its delivery job, in the access's transaction. The delivery job
    schedules the escalation first thing, so one insert fewer sits on the lookup's path."""
    notification = Notification.objects.create(
        access=access, authority=authority, created_at=access.accessed_at
    )
    # No idempotency key: the notification is new in this transaction, so its job cannot
    # already exist (and a key costs a savepoint on the lookup's hot path).
    enqueue(
        kind="flags.deliver_notification", payload={"notification": str(notification.reference)}
    )
    return notification


def schedule_escalation(notification: Notification, contact: LocalAuthorityContact | None) -> None:
    """Enqueue (once) the check that the authority acknowledged in time."""
    minutes = contact.escalate_after_minutes if contact else DEFAULT_ESCALATE_AFTER_MINUTES
    due = notification.created_at + timedelta(minutes=minutes)
    enqueue(
        kind="flags.escalate_notification",
        payload={"notification": str(notification.reference)},
        idempotency_key=f"flags-escalate:{notification.reference}",
        delay_seconds=max(0, int((due - timezone.now()).total_seconds())),
    )


DEFAULT_ESCALATE_AFTER_MINUTES: Final = 120


def acknowledge(*, user: User, notification: Notification) -> bool:
    """A flag manager of the responsible authority confirms the LA has seen the notification;
    returns False if it was already acknowledged (by anyone)."""
    if not (
        user.is_active
        and user.role == Role.FLAG_MANAGER
        and user.organisation_id == notification.authority_id
    ):
        raise PermissionDenied("Only the responsible local authority may acknowledge.")
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, acknowledged_at__isnull=True
        ).update(acknowledged_at=timezone.now(), acknowledged_by=user)
        if updated:
            audit.record(
                actor=user,
                action="flags.notification.acknowledged",
                object_type="flag_notification",
                object_ref=notification.reference,
            )
    return bool(updated)


def mark_delivered(notification: Notification, channel: str) -> None:
    field = {"email": "emailed_at", "webhook": "webhook_delivered_at"}[channel]
    Notification.objects.filter(pk=notification.pk, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    )


def escalate(notification: Notification) -> bool:
    """Mark an unacknowledged notification escalated; False if acknowledged or done already."""
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, acknowledged_at__isnull=True, escalated_at__isnull=True
        ).update(escalated_at=timezone.now())
        if updated:
            audit.record(
                actor=audit.SYSTEM,
                action="flags.notification.escalated",
                object_type="flag_notification",
                object_ref=notification.reference,
                organisation=notification.authority,
                reason="not acknowledged in time",
            )
    return bool(updated)


def _check_administrator(user: User, organisation_id: int, what: str) -> None:
    if not (
        user.is_active
        and user.role == Role.ADMINISTRATOR
        and user.organisation_id == organisation_id
    ):
        raise PermissionDenied(f"Only an administrator of this organisation may {what}.")


def review_alert(*, user: User, alert: AbuseAlert) -> bool:
    """An administrator of the alert's organisation marks it reviewed."""
    _check_administrator(user, alert.organisation_id, "review alerts")
    with transaction.atomic():
        updated = AbuseAlert.objects.filter(pk=alert.pk, reviewed_at__isnull=True).update(
            reviewed_at=timezone.now(), reviewed_by=user
        )
        if updated:
            audit.record(
                actor=user,
                action="flags.alert.reviewed",
                object_type="flag_alert",
                object_ref=alert.reference,
            )
    return bool(updated)


# --- Local authority contact details ----------------------------------------------------------


def update_contact(
    *,
    user: User,
    display_name: str,
    office_hours_phone: str,
    emergency_duty_phone: str,
    notification_email: str,
    webhook_url: str,
    escalation_email: str,
    escalate_after_minutes: int,
) -> LocalAuthorityContact:
    """A flag manager sets whom clinicians call and where notifications go; a new webhook
    address gets a new signing secret (shown on the contact page)."""
    organisation = user.organisation
    _check_flag_manager(user, organisation)
    if not emergency_duty_phone.strip():
        raise ValueError("An emergency duty phone number is required.")
    with transaction.atomic():
        contact = (
            LocalAuthorityContact.objects.select_for_update()
            .filter(organisation=organisation)
            .first()
        ) or LocalAuthorityContact(organisation=organisation)
        if webhook_url and (webhook_url != contact.webhook_url or not contact.webhook_secret):
            contact.webhook_secret = secrets.token_hex(32)
        if not webhook_url:
            contact.webhook_secret = ""
        contact.display_name = display_name
        contact.office_hours_phone = office_hours_phone
        contact.emergency_duty_phone = emergency_duty_phone
        contact.notification_email = notification_email
        contact.webhook_url = webhook_url
        contact.escalation_email = escalation_email
        contact.escalate_after_minutes = escalate_after_minutes
        contact.save()
        audit.record(
            actor=user,
            action="flags.contact.updated",
            object_type="flag_contact",
            object_ref=organisation.reference,
        )
    return contact


# --- System clients (API keys) ----------------------------------------------------------------

KEY_PREFIX_LENGTH: Final = 12


def hash_key(key: str) -> str:
    """Keys are 256 random bits, so a keyed SHA-256 is enough (no slow hash): a stolen table
    cannot be turned back into keys, and checking costs microseconds per call."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"flags-client-key:{key}".encode(), hashlib.sha256
    ).hexdigest()


def issue_client(
    *,
    user: User,
    name: str,
    care_setting: str,
    hourly_limit: int | None = None,
    daily_limit: int | None = None,
) -> tuple[SystemClient, str]:
    """An administrator registers a system; returns it and its key, which is never shown again.

    Health organisations' systems look up (their care setting decides notification); local
    authorities' systems upload.
    """
    organisation = user.organisation
    if not (user.is_active and user.role == Role.ADMINISTRATOR):
        raise PermissionDenied("Only an administrator may register systems.")
    if organisation.kind == OrganisationKind.NHS:
        if care_setting not in CareSetting.values:
            raise ValueError("Select the care setting the system serves.")
    elif organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        care_setting = ""
    else:
        raise PermissionDenied("Only health organisations and local authorities have systems.")
    prefix = "cnd_" + secrets.token_hex(4)
    key = f"{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        client = SystemClient.objects.create(
            organisation=organisation,
            name=name,
            care_setting=care_setting,
            key_prefix=prefix,
            key_hash=hash_key(key),
            hourly_limit=hourly_limit or settings.CANDOUR_FLAGS_SYSTEM_HOURLY_LIMIT,
            daily_limit=daily_limit or settings.CANDOUR_FLAGS_SYSTEM_DAILY_LIMIT,
            created_by=user,
        )
        audit.record(
            actor=user,
            action="flags.client.issued",
            object_type="flag_client",
            object_ref=client.reference,
        )
    return client, key


def revoke_client(*, user: User, client: SystemClient) -> None:
    _check_administrator(user, client.organisation_id, "revoke keys")
    with transaction.atomic():
        SystemClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        selectors.forget_client(client)  # harmless if this rolls back: it is read again
        audit.record(
            actor=user,
            action="flags.client.revoked",
            object_type="flag_client",
            object_ref=client.reference,
        )


def purge_counters(*, now: datetime) -> int:
    deleted, _ = LookupCounter.objects.filter(expires_at__lt=now).delete()
    return deleted
