"""What the daily retention job deletes: flags a year past their last plan, old counters."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final

from django.db import transaction
from django.db.models import Count, Max, Q

from candour.audit import services as audit
from candour.flags.models import LookupCounter, Subject

# A flag stays for a year after its last plan ends (reference sheet §2.1, F8): deleted on the
# 365th day after the end date.
RETENTION_DAYS: Final = 365


def purge_expired(*, today: date) -> int:
    """Delete subjects whose every plan ended at least RETENTION_DAYS ago, and subjects left
    with no plan whose last update is that old; returns how many subjects were deleted."""
    cutoff = today - timedelta(days=RETENTION_DAYS)
    expired = Subject.objects.annotate(
        plan_count=Count("plans"),
        open_plans=Count("plans", filter=Q(plans__end_date__isnull=True)),
        last_end=Max("plans__end_date"),
    ).filter(
        Q(plan_count__gt=0, open_plans=0, last_end__lte=cutoff)
        | Q(plan_count=0, updated_on__lte=cutoff)
    )
    with transaction.atomic():
        ids = list(expired.values_list("pk", flat=True))
        if not ids:
            return 0
        Subject.objects.filter(pk__in=ids).delete()
        audit.record(
            actor=audit.SYSTEM,
            action="flags.retention.purged",
            object_type="flag_subject",
            reason=f"{len(ids)} subject(s) past retention deleted",
        )
    return len(ids)


def purge_counters(*, now: datetime) -> int:
    deleted, _ = LookupCounter.objects.filter(expires_at__lt=now).delete()
    return deleted
