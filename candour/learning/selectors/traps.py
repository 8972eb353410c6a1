"""Error traps an analyst's organisation found, one trap with its members, and what the
daily run needs. Another organisation's trap is not found (404)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Count, QuerySet
from django.http import Http404

from candour.accounts.models import Organisation, OrganisationKind, Role, User
from candour.learning.models.search import IndexedReport
from candour.learning.models.traps import DiscoveryRun, ErrorTrap, Membership, TrapStatus


def find_last_run(*, organisation: Organisation) -> DiscoveryRun | None:
    return DiscoveryRun.objects.filter(organisation=organisation).order_by("-pk").first()


def _listed(*, user: User) -> tuple[QuerySet[ErrorTrap], QuerySet[ErrorTrap]]:
    traps = ErrorTrap.objects.filter(organisation=user.organisation)
    named = traps.exclude(status=TrapStatus.CANDIDATE).order_by("status", "number")
    last = find_last_run(organisation=user.organisation)
    if last is None:
        return named, traps.none()
    candidates = traps.filter(status=TrapStatus.CANDIDATE, last_run=last, size__gt=0)
    return named, candidates.order_by("-size", "number")


def list_traps(*, user: User) -> tuple[list[ErrorTrap], list[ErrorTrap]]:
    """(named traps: confirmed, monitoring, closed; candidates of the last run, largest
    first). Candidates earlier runs found but the last did not are not listed."""
    if user.role != Role.ANALYST:
        return [], []
    named, candidates = _listed(user=user)
    return list(named), list(candidates)


def trap_choices(*, user: User) -> list[tuple[str, str]]:
    """The traps an analyst can filter search by: named ones and the last run's
    candidates (not those merged into another). Read on every search, so without the
    traps' descriptions (terms, codes, months)."""
    if user.role != Role.ANALYST:
        return []
    fields = ("reference", "number", "name", "merged_into")
    named, candidates = (listed.only(*fields) for listed in _listed(user=user))
    return [
        (str(trap.reference), f"T-{trap.number}" + (f": {trap.name}" if trap.name else ""))
        for trap in sorted([*named, *candidates], key=lambda trap: trap.number)
        if trap.merged_into_id is None
    ]


def get_trap(*, user: User, reference: UUID) -> ErrorTrap:
    trap = ErrorTrap.objects.filter(organisation=user.organisation, reference=reference).first()
    if trap is None or user.role != Role.ANALYST:
        raise Http404
    return trap


def list_members(*, trap: ErrorTrap) -> QuerySet[Membership]:
    return (
        trap.memberships.filter(state=Membership.State.MEMBER)
        .select_related("report")
        .order_by("report__reference")
    )


def list_suggestions(*, trap: ErrorTrap) -> QuerySet[Membership]:
    """Newly released reports suggested to the trap, waiting for an answer, closest first."""
    return (
        trap.memberships.filter(state=Membership.State.SUGGESTED)
        .select_related("report")
        .order_by("-score", "report__reference")
    )


def waiting_suggestions(*, user: User) -> dict[int, int]:
    """How many suggestions wait for an answer, by trap id (the analyst's organisation)."""
    rows = (
        Membership.objects.filter(
            trap__organisation=user.organisation, state=Membership.State.SUGGESTED
        )
        .values("trap_id")
        .annotate(waiting=Count("pk"))
    )
    return {row["trap_id"]: row["waiting"] for row in rows}


def list_merge_choices(*, trap: ErrorTrap) -> list[ErrorTrap]:
    """The other open traps of the organisation, which could be merged into this one."""
    return list(
        ErrorTrap.objects.filter(organisation_id=trap.organisation_id)
        .exclude(status=TrapStatus.CLOSED)
        .exclude(pk=trap.pk)
        .order_by("number")
    )


def get_membership(*, trap: ErrorTrap, report_reference: str) -> Membership:
    membership = trap.memberships.filter(report__reference=report_reference).first()
    if membership is None:
        raise Http404
    return membership


def synopses(*, references: list[str]) -> dict[str, str]:
    """What to show of a trap's representative reports: the analyst's synopsis, or the
    start of the released account."""
    rows = IndexedReport.objects.filter(reference__in=references).only(
        "reference", "synopsis", "body"
    )
    return {row.reference: row.synopsis or row.body[:300] for row in rows}


def list_organisations_with_analysts() -> QuerySet[Organisation]:
    """Organisations whose analysts look for traps: authorities and the national programme."""
    return (
        Organisation.objects.filter(
            kind__in=[OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.NATIONAL_PROGRAMME],
            users__role=Role.ANALYST,
            users__is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def find_organisation(*, reference: str) -> Organisation | None:
    return Organisation.objects.filter(reference=reference).first()
