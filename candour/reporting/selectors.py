"""Permission-applying reads (ADR 0013: ``get_*`` returns the object or raises Http404;
``find_*`` returns it or None, for callers with no request; ``list_*`` and ``count_*`` read
many). A report of another organisation is not found; leaders and administrators have no
route to any report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404

from candour.accounts.models import Role, User
from candour.reporting.lifecycle import OPEN_STATES
from candour.reporting.models import Disclosure, Programme, Report, SafetyAlert, Status


def get_programme(*, slug: str) -> Programme:
    programme = Programme.objects.select_related("organisation").filter(slug=slug).first()
    if programme is None:
        raise Http404("No such reporting programme")
    return programme


def list_programmes() -> QuerySet[Programme]:
    """Every reporting programme, for the public page that helps a practitioner find theirs."""
    return Programme.objects.select_related("organisation").order_by("organisation__name")


@dataclass(frozen=True)
class QueueFilters:
    """The intake queue's filters: a state (or "open", "closed", "all") and a minimum age."""

    state: str = "open"
    older_than_days: int | None = None


QUEUE_STATES = ("open", "all", *Status.values)


def list_queue(
    *, user: User, filters: QueueFilters | None = None, today: date | None = None
) -> QuerySet[Report]:
    """The intake queue: the officer's organisation's reports, open ones first and the
    longest-waiting first among them, then closed ones. The order is spelt out (no NULL
    ordering), so it is the same on SQLite and PostgreSQL."""
    if user.role != Role.INTAKE_OFFICER:
        return Report.objects.none()
    filters = filters or QueueFilters(state="all")
    reports = Report.objects.filter(organisation=user.organisation)
    if filters.state == "open":
        reports = reports.filter(status__in=OPEN_STATES)
    elif filters.state != "all":
        reports = reports.filter(status=filters.state)
    if filters.older_than_days is not None and today is not None:
        reports = reports.filter(received_on__lte=today - timedelta(days=filters.older_than_days))
    return reports.annotate(
        queue_group=Case(
            When(status=Status.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    ).order_by("queue_group", "received_on", "reference")


def get_report_for_intake(*, user: User, reference: str) -> Report:
    report = list_queue(user=user).filter(reference=reference).first()
    if report is None:
        raise Http404("No such report")
    return report


def count_waiting(*, organisation_id: int) -> int:
    """Reports nobody has finished reviewing, for the intake officers' daily digest."""
    return Report.objects.filter(
        organisation_id=organisation_id,
        status__in=[Status.RECEIVED, Status.IN_REVIEW],
    ).count()


def list_pending_disclosures(*, report: Report) -> QuerySet[Disclosure]:
    return report.disclosures.filter(state=Disclosure.State.REQUESTED)


def get_disclosure_for_intake(*, user: User, reference: UUID) -> Disclosure:
    if user.role != Role.INTAKE_OFFICER:
        raise Http404("No such request")
    disclosure = (
        Disclosure.objects.select_related("report")
        .filter(reference=reference, report__organisation=user.organisation)
        .first()
    )
    if disclosure is None:
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
    if admin.role != Role.ADMINISTRATOR:
        raise Http404("This organisation has no reporting programme")
    programme = Programme.objects.filter(organisation=admin.organisation).first()
    if programme is None:
        raise Http404("This organisation has no reporting programme")
    return programme


def find_idempotency_key(*, prefix: str) -> str | None:
    """The stored idempotency key that starts with ``prefix``, if a report has one (the API
    tells a retry, 200, from a key reused for a different report, 422)."""
    return (
        Report.objects.filter(idempotency_key__startswith=prefix)
        .values_list("idempotency_key", flat=True)
        .first()
    )


def find_report(*, reference: str) -> Report | None:
    """A report for a background job (no user: the job was written by an audited action)."""
    return Report.objects.filter(reference=reference).first()


def find_safety_alert(*, pk: int) -> SafetyAlert | None:
    return (
        SafetyAlert.objects.select_related("report__organisation__programme").filter(pk=pk).first()
    )


def find_inbox_report(*, pk: int) -> Report | None:
    """The report an inbox session opened, while its receipt still opens it. The reporter's
    pages have no user to scope by: the receipt that opened the inbox is the only permission,
    and the session holds just the report it opened."""
    return (
        Report.objects.select_related("organisation__programme")
        .filter(pk=pk, receipt_active=True)
        .first()
    )
