"""Double coding: which reports an analyst may code a second time or reconcile, the share an
organisation codes twice, and the pairs of codings behind the agreement figures.

Another organisation's double coding is not found (404), whichever it is. Leaders read the
pairs only as aggregates (``list_pairs`` feeds the agreement page, which shows no report).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404

from candour.accounts.models import Organisation, Role, User
from candour.learning.lifecycle import PAIRED_STATES
from candour.learning.models.double_coding import (
    DoubleCoding,
    DoubleCodingPolicy,
    DoubleCodingStatus,
)
from candour.reporting.models import Report

AGREEMENT_ROLES = frozenset({Role.ANALYST, Role.LEADER})


def find_policy(*, organisation: Organisation) -> DoubleCodingPolicy | None:
    return DoubleCodingPolicy.objects.filter(organisation=organisation).first()


def current_share(*, organisation: Organisation) -> int:
    """The percentage of released reports the organisation codes twice (unless its
    administrator chose, ``CANDOUR_DOUBLE_CODING_DEFAULT_SHARE``: 10)."""
    policy = find_policy(organisation=organisation)
    if policy is None:
        return min(100, int(settings.CANDOUR_DOUBLE_CODING_DEFAULT_SHARE))
    return policy.share_percent


def find_for_report(*, report: Report) -> DoubleCoding | None:
    """The report's double coding, if it was chosen (for the services that keep it)."""
    return DoubleCoding.objects.filter(report=report).first()


def list_for_analyst(*, user: User) -> QuerySet[DoubleCoding]:
    """The organisation's reports chosen for double coding, newest first (analysts only)."""
    if user.role != Role.ANALYST:
        return DoubleCoding.objects.none()
    return (
        DoubleCoding.objects.filter(
            organisation=user.organisation, report__organisation=user.organisation
        )
        .select_related("report")
        .order_by("-selected_on", "report__reference")
    )


def get_for_analyst(*, user: User, reference: str) -> DoubleCoding:
    """One chosen report of the analyst's organisation, by its reference; else 404."""
    found = list_for_analyst(user=user).filter(report__reference=reference).first()
    if found is None:
        raise Http404("No such report chosen for double coding")
    return found


@dataclass(frozen=True)
class Period:
    """Years of the second coding, both ends included; ``None`` leaves an end open."""

    from_year: int | None = None
    to_year: int | None = None


def _in_period(queryset: QuerySet[DoubleCoding], period: Period) -> QuerySet[DoubleCoding]:
    if period.from_year is not None:
        queryset = queryset.filter(second_coded_on__year__gte=period.from_year)
    if period.to_year is not None:
        queryset = queryset.filter(second_coded_on__year__lte=period.to_year)
    return queryset


def list_pairs(*, user: User, period: Period) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(first, second) codings of the organisation's reports coded twice in the period, for
    agreement figures (analysts and leaders; the originals, never the agreed coding)."""
    if user.role not in AGREEMENT_ROLES:
        return []
    rows = _in_period(
        DoubleCoding.objects.filter(organisation=user.organisation, status__in=PAIRED_STATES),
        period,
    ).order_by("second_coded_on", "pk")
    return [
        (dict(row.first_coding or {}), dict(row.second_coding or {}))
        for row in rows.only("first_coding", "second_coding")
    ]


def count_by_status(*, user: User) -> dict[str, int]:
    """How many of the organisation's chosen reports are in each state (an aggregate)."""
    counts = dict.fromkeys(DoubleCodingStatus.values, 0)
    if user.role not in AGREEMENT_ROLES:
        return counts
    for row in (
        DoubleCoding.objects.filter(organisation=user.organisation)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["status"]] = row["n"]
    return counts


def coding_hidden(user: User | None, report: Report) -> bool:
    """While a blind second coding is awaited, only the first coder sees the report's coding
    (``user`` None: whether it is hidden from anyone, e.g. from search)."""
    chosen = find_for_report(report=report)
    if chosen is None or chosen.status != DoubleCodingStatus.AWAITING_SECOND:
        return False
    return user is None or chosen.first_coded_by_ref != str(user.reference)
