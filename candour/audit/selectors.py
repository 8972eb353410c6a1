"""Reading the audit log: auditors see the entries that concern their own organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from candour.accounts.models import User
from candour.audit.models import AuditEntry


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor_ref: str = ""
    object_ref: str = ""
    date_from: date | None = None
    date_to: date | None = None


def list_entries_for_auditor(*, auditor: User, filters: AuditFilters) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(organisation_ref=str(auditor.organisation.reference))
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.actor_ref:
        entries = entries.filter(actor_ref=filters.actor_ref)
    if filters.object_ref:
        entries = entries.filter(object_ref=filters.object_ref)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        entries = entries.filter(occurred_at__gte=datetime.combine(filters.date_from, time.min, tz))
    if filters.date_to:
        entries = entries.filter(occurred_at__lte=datetime.combine(filters.date_to, time.max, tz))
    return entries.order_by("-sequence")


def actor_names(*, auditor: User, refs: set[str]) -> dict[str, str]:
    """Name the actors who belong to the auditor's organisation; others stay references."""
    users = User.objects.filter(organisation=auditor.organisation, reference__in=_uuids(refs))
    return {str(u.reference): u.full_name for u in users}


def list_actions(*, auditor: User) -> list[str]:
    return list(
        AuditEntry.objects.filter(organisation_ref=str(auditor.organisation.reference))
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def _uuids(refs: set[str]) -> list[str]:
    import uuid

    valid = []
    for ref in refs:
        try:
            valid.append(str(uuid.UUID(ref)))
        except ValueError:
            continue
    return valid
