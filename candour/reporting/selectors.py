"""Permission-applying reads. A report of another organisation is not found (404);
leaders and administrators have no route to any report."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from candour.accounts.models import Role, User
from candour.reporting.models import Disclosure, Programme, Report, Status


def get_programme(*, slug: str) -> Programme:
    programme = Programme.objects.select_related("organisation").filter(slug=slug).first()
    if programme is None:
        raise Http404("No such reporting programme")
    return programme


def list_queue(*, user: User) -> QuerySet[Report]:
    """The intake queue: every report of the officer's organisation, open ones first."""
    if user.role != Role.INTAKE_OFFICER:
        return Report.objects.none()
    return Report.objects.filter(organisation=user.organisation).order_by(
        "closed_on", "-received_on", "reference"
    )


def get_report_for_intake(*, user: User, reference: str) -> Report:
    report = list_queue(user=user).filter(reference=reference).first()
    if report is None:
        raise Http404("No such report")
    return report


def pending_disclosures(*, report: Report) -> QuerySet[Disclosure]:
    return report.disclosures.filter(state=Disclosure.State.REQUESTED)


def get_disclosure_for_intake(*, user: User, pk: int) -> Disclosure:
    disclosure = (
        Disclosure.objects.select_related("report")
        .filter(pk=pk, report__organisation=user.organisation)
        .first()
    )
    if disclosure is None or user.role != Role.INTAKE_OFFICER:
        raise Http404("No such request")
    return disclosure


def has_approved_disclosure(*, report: Report) -> bool:
    return report.disclosures.filter(state=Disclosure.State.APPROVED).exists()


def list_released(*, user: User) -> QuerySet[Report]:
    """Analysts see released, de-identified reports of their organisation, nothing else."""
    if user.role != Role.ANALYST:
        return Report.objects.none()
    return (
        Report.objects.filter(organisation=user.organisation, released__isnull=False)
        .exclude(status=Status.RECEIVED)
        .select_related("coding")
        .order_by("-released_on", "reference")
    )


def get_released_for_analyst(*, user: User, reference: str) -> Report:
    report = list_released(user=user).filter(reference=reference).first()
    if report is None:
        raise Http404("No such report")
    return report


def get_programme_for_admin(*, admin: User) -> Programme:
    """The administrator's own organisation's programme (404 when it has none)."""
    programme = Programme.objects.filter(organisation=admin.organisation).first()
    if programme is None or admin.role != Role.ADMINISTRATOR:
        raise Http404("This organisation has no reporting programme")
    return programme


def idempotency_key_in_use(*, prefix: str) -> str | None:
    """The stored idempotency key that starts with ``prefix``, if a report has one (the API
    tells a retry, 200, from a key reused for a different report, 422)."""
    return (
        Report.objects.filter(idempotency_key__startswith=prefix)
        .values_list("idempotency_key", flat=True)
        .first()
    )
