"""An analyst's own saved searches, and whose saved searches a newly released report may
match (only owners who may read it)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from candour.accounts.models import OrganisationKind, Role, User
from candour.learning.models.search import IndexedReport, SavedSearch, SavedSearchMatch


def list_saved(*, user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(owner=user).annotate(
        new=Count("matches", filter=Q(matches__seen=False))
    )


def get_saved(*, user: User, reference: UUID) -> SavedSearch:
    saved = SavedSearch.objects.filter(owner=user, reference=reference).first()
    if saved is None:
        raise Http404
    return saved


def list_matches(*, saved: SavedSearch) -> QuerySet[SavedSearchMatch]:
    return saved.matches.select_related("report").order_by("-matched_on", "report__reference")


def find_indexed(*, reference: str) -> IndexedReport | None:
    return IndexedReport.objects.filter(reference=reference).first()


def list_owners_who_may_read(*, indexed: IndexedReport) -> QuerySet[SavedSearch]:
    """Saved searches of active analysts who can read this report: its own authority's, and
    the national programme's when the authority shares."""
    readers = Q(owner__organisation_id=indexed.organisation_id)
    if IndexedReport.objects.filter(
        pk=indexed.pk, organisation__learning_sharing__share_nationally=True
    ).exists():
        readers |= Q(owner__organisation__kind=OrganisationKind.NATIONAL_PROGRAMME)
    return (
        SavedSearch.objects.filter(readers, owner__role=Role.ANALYST, owner__is_active=True)
        .select_related("owner", "owner__organisation")
        .order_by("pk")
    )
