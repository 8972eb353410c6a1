"""Looking a child up, as CP-IS does (§3.2): audited hit or miss, limited per person and
system, and from an unscheduled setting the responsible authority is told in the same
transaction as the access entry."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from candour.accounts.models import Organisation, OrganisationKind, Role, User
from candour.audit import services as audit
from candour.core import keys
from candour.flags.identifiers import Identifier, IdentifierSystem, parse
from candour.flags.models import (
    ACCESS_HISTORY_LENGTH,
    SCHEDULED_SETTINGS,
    UNSCHEDULED_SETTINGS,
    Access,
    AlertKind,
    LocalAuthorityContact,
    LookupCounter,
    Plan,
    Subject,
    SystemClient,
)
from candour.flags.services.alerts import raise_alert
from candour.flags.services.notifications import notify

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

    def __init__(self, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after  # seconds until a lookup would be counted in again


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
    digest = keys.digest("flags.identifier-ref", f"{identifier.system.value}:{identifier.value}")
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
    now = now.astimezone(UTC)  # windows are UTC hours and days whatever the caller's zone
    hour, day = now.strftime("h%Y%m%d%H"), now.strftime("d%Y%m%d")
    # Counters outlive their window by one more, so the next window can weigh them.
    periods = [(hour, 2 * 3600), (day, 2 * 86400)]
    if miss:
        periods.append((now.strftime("m%Y%m%d%H"), 3600))
    this_hour, this_day, *misses = _bump(principal.key, periods, now=now)
    hour_window, day_window = _sliding(
        principal.key, now=now, this_hour=this_hour, this_day=this_day
    )
    in_hour, in_day = hour_window.estimate, day_window.estimate
    if in_hour <= hourly and in_day <= daily:
        if misses and misses[0] >= miss_alert:
            raise_alert(
                principal, AlertKind.ENUMERATION, period=periods[2][0], total=misses[0], now=now
            )
        return None
    period, total = (hour, in_hour) if in_hour > hourly else (day, in_day)
    raise_alert(principal, AlertKind.RATE_LIMIT, period=period, total=total, now=now)
    audit.record(
        actor=principal.audit_actor,
        action="flags.lookup.refused",
        object_type="flag_subject",
        object_ref=ref,
        organisation=principal.organisation,
        reason=f"rate limit ({'hour' if period == hour else 'day'})",
    )
    wait = max(
        hour_window.wait_until_below(hourly) if in_hour > hourly else 0,
        day_window.wait_until_below(daily) if in_day > daily else 0,
    )
    return LookupRefused(
        "rate_limited",
        "You have reached the limit of lookups for now. Your organisation's administrator "
        "has been told; try again later or phone the local authority.",
        retry_after=max(1, wait),
    )


@dataclass(frozen=True)
class _Window:
    seconds: int
    current: int  # this window's count, this lookup included
    previous: int  # the previous window's count
    elapsed: int  # seconds of this window gone

    @property
    def left(self) -> float:
        """The share of the previous window the sliding window still covers."""
        return 1 - self.elapsed / self.seconds

    @property
    def estimate(self) -> int:
        return self.current + math.floor(self.previous * self.left)

    def wait_until_below(self, limit: int) -> int:
        """Seconds, with no more lookups, until one more would be within ``limit``."""
        # The next lookup counts once more: it is in if floor(previous x weight) falls to at
        # most limit - current - 1, that is previous x weight < limit - current.
        room = limit - self.current
        if room > 0:
            if self.previous == 0:
                return 0
            return max(0, math.ceil(self.seconds * (self.left - room / self.previous)))
        # This window alone is over: wait for it to become the previous one, then for its
        # weight to fall below the limit.
        rest = self.seconds - self.elapsed
        return rest + math.ceil(self.seconds * max(0.0, 1 - limit / self.current))


def _sliding(
    principal: str, *, now: datetime, this_hour: int, this_day: int
) -> tuple[_Window, _Window]:
    """The last hour and day as sliding windows: this window's count plus the previous one's,
    weighted by how much of it the sliding window still covers. Fixed windows alone let a
    principal make twice the limit across a boundary (the limit at 10:59, again at 11:00)."""
    previous_hour, previous_day = now - timedelta(hours=1), now - timedelta(days=1)
    keys = {previous_hour.strftime("h%Y%m%d%H"): "hour", previous_day.strftime("d%Y%m%d"): "day"}
    earlier = dict.fromkeys(("hour", "day"), 0)
    for period, total in LookupCounter.objects.filter(
        principal=principal, period__in=list(keys)
    ).values_list("period", "total"):
        earlier[keys[period]] = total
    in_hour = now.minute * 60 + now.second
    return (
        _Window(3600, this_hour, earlier["hour"], in_hour),
        _Window(86400, this_day, earlier["day"], now.hour * 3600 + in_hour),
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
        notify(access, subject.responsible_authority)
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
