"""Which released reports an analyst may read, and how their authority is named.

An authority's analysts see their own authority's released reports. The national
programme's analysts see released reports of every authority that shares them, and the
authority only as its region unless its administrator allows its name (ADR 0019). Nobody
else reads reports here. Another organisation's report is not found (404), never refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from candour.accounts.models import Organisation, OrganisationKind, Role, User
from candour.learning.models.search import IndexedReport, Sharing
from candour.learning.vocabulary import UNKNOWN_REGION, Region


def is_national(user: User) -> bool:
    return user.organisation.kind == OrganisationKind.NATIONAL_PROGRAMME


def reports_for_organisation(*, organisation: Organisation) -> QuerySet[IndexedReport]:
    """Released reports an organisation's analysts may read: the national programme's,
    every sharing authority's; an authority's, its own."""
    if organisation.kind == OrganisationKind.NATIONAL_PROGRAMME:
        return IndexedReport.objects.filter(organisation__learning_sharing__share_nationally=True)
    if organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        return IndexedReport.objects.filter(organisation_id=organisation.pk)
    return IndexedReport.objects.none()


def organisations_reading(*, indexed: IndexedReport) -> list[Organisation]:
    """Whose analysts may read this released report: its authority, and the national
    programme if the authority shares (the inverse of ``reports_for_organisation``)."""
    readers = [indexed.organisation]
    sharing = Sharing.objects.filter(organisation_id=indexed.organisation_id).first()
    if sharing is not None and sharing.share_nationally:
        readers += list(
            Organisation.objects.filter(kind=OrganisationKind.NATIONAL_PROGRAMME).order_by("pk")
        )
    return readers


def visible_reports(*, user: User) -> QuerySet[IndexedReport]:
    """Released reports this user may read: none for anyone but an analyst."""
    if user.role != Role.ANALYST or not user.is_active:
        return IndexedReport.objects.none()
    return reports_for_organisation(organisation=user.organisation)


def get_visible_report(*, user: User, reference: str) -> IndexedReport:
    found = visible_reports(user=user).filter(reference=reference).first()
    if found is None:
        raise Http404
    return found


def authority_label(sharing: Sharing | None, organisation: Organisation) -> str:
    """What a national analyst is told about where a report comes from."""
    if sharing is not None and sharing.name_shown:
        return organisation.name
    if sharing is not None and sharing.region:
        return f"An authority in {Region(sharing.region).label}"
    return UNKNOWN_REGION


def authority_labels(*, organisation_ids: set[int]) -> dict[int, str]:
    sharings = {
        s.organisation_id: s
        for s in Sharing.objects.filter(organisation_id__in=organisation_ids).select_related(
            "organisation"
        )
    }
    organisations = Organisation.objects.in_bulk(organisation_ids)
    return {
        pk: authority_label(sharings.get(pk), organisation)
        for pk, organisation in organisations.items()
    }


@dataclass(frozen=True)
class AuthorityChoice:
    value: str  # "org:<reference>" for a named authority, "region:<code>" for a region
    label: str


def authority_choices(*, user: User) -> list[AuthorityChoice]:
    """What a national analyst may filter by: named authorities, and regions (each region
    stands for every sharing authority in it, named or not)."""
    if not is_national(user) or user.role != Role.ANALYST:
        return []
    sharing = Sharing.objects.filter(share_nationally=True).select_related("organisation")
    named = sorted(
        (s.organisation for s in sharing if s.name_shown), key=lambda o: o.name.casefold()
    )
    regions = sorted({s.region for s in sharing if s.region}, key=lambda r: Region(r).label)
    return [AuthorityChoice(f"org:{o.reference}", o.name) for o in named] + [
        AuthorityChoice(f"region:{r}", f"Authorities in {Region(r).label}") for r in regions
    ]


def find_sharing(*, organisation: Organisation) -> Sharing | None:
    return Sharing.objects.filter(organisation=organisation).first()
