"""What a leader sees of reports: counts in one-way tables, every one through disclosure
control (``core.disclosure``, ADR 0021), for one whole year at a time.

An authority's leaders see the reports their programme received; the national programme's
leaders, the reports of every authority that shares them. Nothing here returns a report,
a reference or anything that leads to one: only figures and the labels of their cells.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractMonth

from candour.accounts.models import Organisation, OrganisationKind, Role, User
from candour.core import disclosure
from candour.learning.models.traps import ErrorTrap, Membership, TrapStatus
from candour.reporting.models import Programme, Report
from candour.reporting.vocabulary import KIND_SHORT, Harm, ServiceArea

SHOWN_TRAPS = (TrapStatus.CONFIRMED, TrapStatus.MONITORING)


@dataclass(frozen=True)
class Breakdown:
    """One way of counting the year's reports: each report in exactly one cell."""

    key: str
    title: str
    labels: tuple[str, ...]
    table: disclosure.Table

    @property
    def rows(self) -> list[tuple[str, disclosure.Figure]]:
        return list(zip(self.labels, self.table.cells, strict=True))


@dataclass(frozen=True)
class Dashboard:
    year: int
    national: bool
    threshold: int
    breakdowns: tuple[Breakdown, ...]
    traps: tuple[Breakdown, ...]  # each confirmed error trap's reports, by month

    @property
    def total(self) -> disclosure.Figure:
        return self.breakdowns[0].table.total


def is_leader(user: User) -> bool:
    return user.role == Role.LEADER and user.is_active


def _is_national(organisation: Organisation) -> bool:
    return organisation.kind == OrganisationKind.NATIONAL_PROGRAMME


def _reports(organisation: Organisation) -> QuerySet[Report]:
    if _is_national(organisation):
        return Report.objects.filter(
            indexed__isnull=False, organisation__learning_sharing__share_nationally=True
        )
    return Report.objects.filter(organisation_id=organisation.pk)


def policy_for(organisation: Organisation) -> disclosure.Policy:
    """The programme's threshold (the default if it has no programme); nationally the
    highest of the national programme's and every sharing authority's, so no authority's
    figures are shown below its own k."""
    own = Programme.objects.filter(organisation_id=organisation.pk).values_list(
        "disclosure_threshold", flat=True
    )
    thresholds = [own.first() or disclosure.DEFAULT_THRESHOLD]
    if _is_national(organisation):
        thresholds += Programme.objects.filter(
            organisation__learning_sharing__share_nationally=True
        ).values_list("disclosure_threshold", flat=True)
    return disclosure.Policy(threshold=max(thresholds))


def years(*, user: User, today: date) -> list[int]:
    """The years a leader may choose: whole years from the first report to this one (the
    fixed grid that stops a leader subtracting one view from another)."""
    first = (
        _reports(user.organisation)
        .order_by("received_on")
        .values_list("received_on", flat=True)
        .first()
    )
    start = first.year if first is not None else today.year
    return list(range(today.year, start - 1, -1))


def _counted(counts: Iterable[tuple[object, int]], keys: list[object]) -> list[int]:
    found = dict(counts)
    return [int(found.get(key, 0)) for key in keys]


def _by_value(
    reports: QuerySet[Report], field: str, choices: list[tuple[str, str]]
) -> tuple[tuple[str, ...], list[int]]:
    counts = reports.order_by().values_list(field).annotate(n=Count("pk"))
    return tuple(label for _, label in choices), _counted(counts, [v for v, _ in choices])


def _by_month(reports: QuerySet[Report]) -> list[int]:
    counts = (
        reports.order_by()
        .annotate(month=ExtractMonth("received_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    return _counted(counts, list(range(1, 13)))


MONTHS = tuple(calendar.month_name[m] for m in range(1, 13))


def dashboard(*, user: User, year: int) -> Dashboard:
    """The year's figures for the leader's organisation; none for anyone but a leader."""
    if not is_leader(user):
        raise PermissionError("Only leaders see the dashboard")
    organisation = user.organisation
    policy = policy_for(organisation)
    reports = _reports(organisation).filter(received_on__year=year)
    breakdowns = [
        Breakdown(
            "month",
            "Reports by month received",
            MONTHS,
            disclosure.protect(_by_month(reports), policy),
        )
    ]
    for key, title, field, choices in (
        ("kind", "Reports by kind", "kind", list(KIND_SHORT.items())),
        ("service_area", "Reports by service area", "service_area", ServiceArea.choices),
        ("harm", "Reports by harm (as reported)", "harm", Harm.choices),
    ):
        labels, counts = _by_value(reports, field, choices)
        breakdowns.append(Breakdown(key, title, labels, disclosure.protect(counts, policy)))
    return Dashboard(
        year=year,
        national=_is_national(organisation),
        threshold=policy.threshold,
        breakdowns=tuple(breakdowns),
        traps=tuple(_traps(organisation, reports, policy)),
    )


def _traps(
    organisation: Organisation, reports: QuerySet[Report], policy: disclosure.Policy
) -> list[Breakdown]:
    traps = ErrorTrap.objects.filter(
        organisation_id=organisation.pk, status__in=SHOWN_TRAPS, merged_into__isnull=True
    ).order_by("number")
    figures = []
    for trap in traps:
        members = reports.filter(
            pk__in=Membership.objects.filter(trap=trap, state=Membership.State.MEMBER).values(
                "report_id"
            )
        )
        table = disclosure.protect(_by_month(members), policy)
        figures.append(Breakdown(f"trap-{trap.number}", f"{trap}: {trap.name}", MONTHS, table))
    return figures
