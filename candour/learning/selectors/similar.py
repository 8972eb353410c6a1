"""A released report's most similar released reports, for the analyst coding it: only
reports the analyst may read, as their organisation's last discovery run found them."""

from __future__ import annotations

from dataclasses import dataclass

from candour.accounts.models import User
from candour.learning.models.search import IndexedReport, SimilarReport
from candour.learning.selectors.pool import visible_reports


@dataclass(frozen=True)
class Similar:
    indexed: IndexedReport
    score: float
    terms: list[str]
    codes: list[str]


def list_similar(*, user: User, reference: str) -> list[Similar] | None:
    """The ten most similar, best first; None when no run has looked at this report yet."""
    readable = visible_reports(user=user)
    report = readable.filter(reference=reference).only("pk").first()
    if report is None:
        return None
    rows = list(
        SimilarReport.objects.filter(organisation=user.organisation, report_id=report.pk)
        .order_by("rank")
        .values("similar_id", "score", "terms", "codes")
    )
    if not rows:
        return None
    found = readable.in_bulk([row["similar_id"] for row in rows])
    return [
        Similar(found[row["similar_id"]], row["score"], row["terms"], row["codes"])
        for row in rows
        if row["similar_id"] in found  # a report no longer shared is left out
    ]
