"""Suggesting a newly released report to the confirmed error traps it resembles.

Runs in the worker when a report is first released (``learning.suggest_traps``), for each
organisation whose analysts may read it (its authority, and the national programme if the
authority shares). The report is placed in the space of that organisation's last discovery
run (kept by ``services.discovery`` as arrays, ``method.persist``) and compared with the
centres of its confirmed and monitored traps. A suggestion waits for an analyst to accept
or reject it (``services.traps.answer_suggestion``); either answer survives later runs.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from django.db import transaction
from django.utils import timezone

from candour.accounts.models import Organisation
from candour.audit import services as audit
from candour.learning.method import clusters, persist
from candour.learning.method.representation import Representation
from candour.learning.models.search import IndexedReport
from candour.learning.models.traps import ErrorTrap, Membership, Space
from candour.learning.selectors.pool import organisations_reading
from candour.learning.trap_lifecycle import ACTIVE_STATES
from candour.reporting.models import Report


@lru_cache(maxsize=4)
def _space(run_reference: str) -> tuple[Representation, dict[str, np.ndarray]]:
    """A run's space, read once per process: a run's space never changes (a new run has a
    new reference), so the cache cannot go stale."""
    data = Space.objects.filter(run__reference=run_reference).values_list("data", flat=True)
    return persist.loads(bytes(data.get()))


def _last_space(organisation: Organisation) -> str | None:
    reference = (
        Space.objects.filter(run__organisation=organisation)
        .order_by("-run_id")
        .values_list("run__reference", flat=True)
        .first()
    )
    return str(reference) if reference is not None else None


@transaction.atomic
def suggest_traps(*, report: Report) -> list[Membership]:
    """Record a suggestion for each confirmed trap the report resembles (at most three per
    organisation, best first). Idempotent: a report already in, out of, or suggested to a
    trap is left as it is."""
    indexed = IndexedReport.objects.filter(report=report).first()
    if indexed is None:
        return []
    made: list[Membership] = []
    for organisation in organisations_reading(indexed=indexed):
        run_reference = _last_space(organisation)
        if run_reference is None:
            continue
        active = {
            str(trap.number): trap
            for trap in ErrorTrap.objects.filter(
                organisation=organisation, status__in=ACTIVE_STATES, merged_into=None
            )
        }
        fitted, centroids = _space(run_reference)
        wanted = {number: centre for number, centre in centroids.items() if number in active}
        if not wanted:
            continue
        vector = fitted.transform([indexed.body], [indexed.codes.split()]).vectors[0]
        for number, score in clusters.suggest(vector, wanted):
            trap = active[number]
            membership, created = Membership.objects.get_or_create(
                trap=trap,
                report=report,
                defaults={
                    "source": Membership.Source.SUGGESTED,
                    "state": Membership.State.SUGGESTED,
                    "score": round(score, 3),
                    "decided_on": timezone.localdate(),
                },
            )
            if created:
                made.append(membership)
                audit.record(
                    actor=audit.SYSTEM,
                    organisation=organisation,
                    action="learning.trap.suggested",
                    object_type="error_trap",
                    object_ref=trap.reference,
                )
    return made
