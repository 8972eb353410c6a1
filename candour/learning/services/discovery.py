"""Finding error traps: cluster the released reports an organisation's analysts can read,
and keep every trap's number and every analyst's decision across runs (ADR 0020).

A run reads the search copy only (released, de-identified text and codes). Each theme it
finds is matched to the traps found before, by the trap's current members in the new space
(``method.clusters.centroids_of`` then ``match_to_previous``): a matched trap keeps its
number, name, status and every analyst's link and unlink; an unmatched theme becomes a new
candidate with the next number. Discovery never changes a trap's status.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from candour.accounts.models import Organisation, User
from candour.audit import services as audit
from candour.learning.method import clusters, neighbours, persist
from candour.learning.models.search import IndexedReport, SimilarReport
from candour.learning.models.traps import DiscoveryRun, ErrorTrap, Membership, Space, TrapStatus
from candour.learning.selectors.pool import reports_for_organisation

# Fewer released reports than this make no themes worth an analyst's time.
MIN_REPORTS = 20
SIMILAR_TOP = 10
# Up to this many reports, every report's similar reports are found each run; above it,
# only those of reports released in the last RECENT_DAYS (the ones being coded), so a run
# over a national pool does not compare every report with every other.
SIMILAR_ALL_MAX = 20_000
RECENT_DAYS = 90
CODE_PREFIXES = ("scie:", "london:")


def _rows(organisation: Organisation) -> list[IndexedReport]:
    return list(
        reports_for_organisation(organisation=organisation)
        .only("pk", "reference", "body", "codes", "occurred", "organisation_id", "released_on")
        # Keys are random: order by content, so a run over the same reports is the same run.
        .order_by("released_on", "occurred", "body", "pk")
    )


def _month(occurred: int) -> str:
    year, month = divmod(occurred, 100)
    return f"{year:04d}-{month:02d}"


@transaction.atomic
def run_discovery(*, organisation: Organisation, by: User | None = None) -> DiscoveryRun:
    """One run over the organisation's readable released reports (the national
    programme's: every sharing authority's)."""
    rows = _rows(organisation)
    today = timezone.localdate()
    if len(rows) < MIN_REPORTS:
        run = DiscoveryRun.objects.create(
            organisation=organisation, run_on=today, reports=len(rows), themes=0
        )
        _audit(by, organisation, run)
        return run
    found = clusters.discover(
        [row.body for row in rows],
        codes=[row.codes.split() for row in rows],
        dates=[_month(row.occurred) for row in rows],
    )
    position = {row.pk: i for i, row in enumerate(rows)}
    traps = {str(trap.number): trap for trap in ErrorTrap.objects.filter(organisation=organisation)}
    members: dict[str, list[int]] = defaultdict(list)
    for membership in Membership.objects.filter(
        trap__organisation=organisation, state=Membership.State.MEMBER
    ).select_related("trap"):
        if membership.report_id in position:
            members[str(membership.trap.number)].append(position[membership.report_id])
    previous = clusters.centroids_of(found.embedded.vectors, members)
    next_number = max((t.number for t in traps.values()), default=0) + 1
    mapping = clusters.match_to_previous(
        previous,
        found.clustering.centroids,
        new_ids=(str(n) for n in itertools.count(next_number)),
    )
    run = DiscoveryRun.objects.create(
        organisation=organisation, run_on=today, reports=len(rows), themes=len(found.clusters)
    )
    # A theme matched to a trap an analyst merged into another goes to that other trap.
    found_for: dict[str, list[clusters.Cluster]] = defaultdict(list)
    for theme in found.clusters:
        number = mapping[theme.index]
        if number not in traps:
            traps[number] = ErrorTrap.objects.create(
                organisation=organisation, number=int(number), first_found_on=today
            )
        found_for[str(_surviving(traps[number]).number)].append(theme)
    for number, themes in found_for.items():
        _refresh(traps[number], clusters.combine(themes), rows, run)
    _similar(organisation, rows, found)
    # Themes of earlier runs that this run did not find again: nothing of theirs is current.
    # A merged trap keeps its members as they were: they are the shape later runs recognise.
    for number, trap in traps.items():
        if number not in found_for and trap.merged_into_id is None:
            _discovered(trap).delete()
            _count(trap)
    _keep_space(organisation, run, rows, found)
    _audit(by, organisation, run)
    return run


def _similar(
    organisation: Organisation, rows: list[IndexedReport], found: clusters.Discovery
) -> None:
    """Each report's ten most similar reports (text and codes together) and why."""
    if len(rows) <= SIMILAR_ALL_MAX:
        wanted = list(range(len(rows)))
    else:
        since = timezone.localdate() - timedelta(days=RECENT_DAYS)
        wanted = [i for i, row in enumerate(rows) if row.released_on >= since]
    lists = neighbours.top_k_for(found.embedded.vectors, wanted, SIMILAR_TOP)
    codes = [row.codes.split() for row in rows]
    SimilarReport.objects.filter(
        organisation=organisation, report_id__in=[rows[i].pk for i in wanted]
    ).delete()
    batch = []
    for i, similar in zip(wanted, lists, strict=True):
        for rank, neighbour in enumerate(similar, start=1):
            why = neighbours.reason(
                found.embedded.tfidf, found.fitted.feature_names, i, neighbour.index, codes=codes
            )
            batch.append(
                SimilarReport(
                    organisation=organisation,
                    report_id=rows[i].pk,
                    similar_id=rows[neighbour.index].pk,
                    rank=rank,
                    score=round(neighbour.score, 4),
                    terms=why.terms,
                    codes=why.codes,
                )
            )
    SimilarReport.objects.bulk_create(batch, batch_size=2000)


def _refresh(
    trap: ErrorTrap, theme: clusters.Cluster, rows: list[IndexedReport], run: DiscoveryRun
) -> None:
    """Replace what discovery found for the trap; keep what analysts decided."""
    today = run.run_on
    report_ids = {rows[i].pk for i in theme.members}
    decided = set(
        Membership.objects.filter(trap=trap)
        .exclude(decided_by_ref="")
        .values_list("report_id", flat=True)
    )
    _discovered(trap).exclude(report_id__in=report_ids).delete()
    # A waiting suggestion that discovery also finds needs no answer: it is a member.
    Membership.objects.filter(
        trap=trap, state=Membership.State.SUGGESTED, report_id__in=report_ids
    ).update(source=Membership.Source.DISCOVERED, state=Membership.State.MEMBER, decided_on=today)
    existing = set(Membership.objects.filter(trap=trap).values_list("report_id", flat=True))
    Membership.objects.bulk_create(
        [
            Membership(
                trap=trap,
                report_id=pk,
                source=Membership.Source.DISCOVERED,
                state=Membership.State.MEMBER,
                decided_on=today,
            )
            for pk in sorted(report_ids - existing - decided)
        ]
    )
    codes = sorted(
        ((code, count) for code, count in theme.codes.items() if code.startswith(CODE_PREFIXES)),
        key=lambda pair: (-pair[1], pair[0]),
    )
    trap.terms = list(theme.terms)
    trap.codes = [list(pair) for pair in codes[:10]]
    trap.representatives = [rows[i].reference for i in theme.representatives]
    trap.months = [[month, count] for month, count in sorted(theme.months.items())]
    trap.authorities = len({rows[i].organisation_id for i in theme.members})
    trap.last_run = run
    trap.save()
    _count(trap)


def _discovered(trap: ErrorTrap) -> QuerySet[Membership]:
    """Memberships discovery made and no analyst has decided on: each run replaces them."""
    return Membership.objects.filter(
        trap=trap, source=Membership.Source.DISCOVERED, decided_by_ref=""
    )


def _surviving(trap: ErrorTrap) -> ErrorTrap:
    """The trap a merged trap lives on in (following merges of merges), else the trap."""
    seen = {trap.pk}
    while trap.merged_into_id is not None:
        trap = ErrorTrap.objects.get(pk=trap.merged_into_id)
        if trap.pk in seen:  # a loop cannot be made by the services; stop if one is
            break
        seen.add(trap.pk)
    return trap


def _keep_space(
    organisation: Organisation,
    run: DiscoveryRun,
    rows: list[IndexedReport],
    found: clusters.Discovery,
) -> None:
    """Keep the run's space and the centre of every open trap, so newly released reports
    can be suggested to traps until the next run (``services.suggestions``)."""
    position = {row.pk: i for i, row in enumerate(rows)}
    members: dict[str, list[int]] = defaultdict(list)
    for number, report_id in (
        Membership.objects.filter(
            trap__organisation=organisation,
            trap__merged_into=None,
            state=Membership.State.MEMBER,
        )
        .exclude(trap__status=TrapStatus.CLOSED)
        .values_list("trap__number", "report_id")
    ):
        if report_id in position:
            members[str(number)].append(position[report_id])
    centroids = clusters.centroids_of(found.embedded.vectors, members)
    Space.objects.filter(run__organisation=organisation).delete()
    Space.objects.create(run=run, data=persist.dumps(found.fitted, centroids))


def _count(trap: ErrorTrap) -> None:
    trap.size = Membership.objects.filter(trap=trap, state=Membership.State.MEMBER).count()
    ErrorTrap.objects.filter(pk=trap.pk).update(size=trap.size)


def _audit(by: User | None, organisation: Organisation, run: DiscoveryRun) -> None:
    audit.record(
        actor=by or audit.SYSTEM,
        organisation=organisation,
        action="learning.traps.discovered",
        object_type="discovery_run",
        object_ref=run.reference,
    )
