"""Lookup alerts: raised once per principal, kind and period when someone reaches a limit or
misses many times; administrators are e-mailed and mark them reviewed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from candour.accounts.models import User
from candour.audit import services as audit
from candour.flags.models import AbuseAlert, AlertKind
from candour.flags.services.permissions import check_administrator
from candour.notifications.services import enqueue

if TYPE_CHECKING:
    from candour.flags.services.lookups import Principal


def raise_alert(
    principal: Principal, kind: AlertKind, *, period: str, total: int, now: datetime
) -> None:
    """Record the alert once per principal, kind and period, and e-mail the administrators."""
    try:
        with transaction.atomic():
            alert = AbuseAlert.objects.create(
                organisation=principal.organisation,
                kind=kind,
                principal=principal.key,
                principal_label=principal.label,
                period=period,
                total=total,
                created_at=now,
            )
    except IntegrityError:
        return
    enqueue(
        kind="flags.alert_administrators",
        payload={"alert": str(alert.reference)},
        idempotency_key=f"flags-alert:{alert.reference}",
    )
    audit.record(
        actor=audit.SYSTEM,
        action="flags.alert.raised",
        object_type="flag_alert",
        object_ref=alert.reference,
        organisation=principal.organisation,
        reason=f"{kind} by {principal.key}",
    )


def review_alert(*, user: User, alert: AbuseAlert) -> bool:
    """An administrator of the alert's organisation marks it reviewed."""
    check_administrator(user, alert.organisation_id, "review alerts")
    with transaction.atomic():
        updated = AbuseAlert.objects.filter(pk=alert.pk, reviewed_at__isnull=True).update(
            reviewed_at=timezone.now(), reviewed_by=user
        )
        if updated:
            audit.record(
                actor=user,
                action="flags.alert.reviewed",
                object_type="flag_alert",
                object_ref=alert.reference,
            )
    return bool(updated)
