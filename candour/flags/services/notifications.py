"""Telling the responsible authority of an unscheduled-care access: the notification and its
delivery job (written with the access), acknowledgement, delivery marks and escalation."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from candour.accounts.models import Organisation, Role, User
from candour.audit import services as audit
from candour.flags.models import Access, LocalAuthorityContact, Notification
from candour.notifications.services import enqueue

DEFAULT_ESCALATE_AFTER_MINUTES: Final = 120


def notify(access: Access, authority: Organisation) -> Notification:
    """The notification and its delivery job, in the access's transaction. The delivery job
    schedules the escalation first thing, so one insert fewer sits on the lookup's path."""
    notification = Notification.objects.create(
        access=access, authority=authority, created_at=access.accessed_at
    )
    # No idempotency key: the notification is new in this transaction, so its job cannot
    # already exist (and a key costs a savepoint on the lookup's hot path).
    enqueue(
        kind="flags.deliver_notification", payload={"notification": str(notification.reference)}
    )
    return notification


def schedule_escalation(notification: Notification, contact: LocalAuthorityContact | None) -> None:
    """Enqueue (once) the check that the authority acknowledged in time."""
    minutes = contact.escalate_after_minutes if contact else DEFAULT_ESCALATE_AFTER_MINUTES
    due = notification.created_at + timedelta(minutes=minutes)
    enqueue(
        kind="flags.escalate_notification",
        payload={"notification": str(notification.reference)},
        idempotency_key=f"flags-escalate:{notification.reference}",
        delay_seconds=max(0, int((due - timezone.now()).total_seconds())),
    )


def acknowledge(*, user: User, notification: Notification) -> bool:
    """A flag manager of the responsible authority confirms the LA has seen the notification;
    returns False if it was already acknowledged (by anyone)."""
    if not (
        user.is_active
        and user.role == Role.FLAG_MANAGER
        and user.organisation_id == notification.authority_id
    ):
        raise PermissionDenied("Only the responsible local authority may acknowledge.")
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, acknowledged_at__isnull=True
        ).update(acknowledged_at=timezone.now(), acknowledged_by=user)
        if updated:
            audit.record(
                actor=user,
                action="flags.notification.acknowledged",
                object_type="flag_notification",
                object_ref=notification.reference,
            )
    return bool(updated)


def mark_delivered(notification: Notification, channel: str) -> None:
    field = {"email": "emailed_at", "webhook": "webhook_delivered_at"}[channel]
    Notification.objects.filter(pk=notification.pk, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    )


def escalate(notification: Notification) -> bool:
    """Mark an unacknowledged notification escalated; False if acknowledged or done already."""
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, acknowledged_at__isnull=True, escalated_at__isnull=True
        ).update(escalated_at=timezone.now())
        if updated:
            audit.record(
                actor=audit.SYSTEM,
                action="flags.notification.escalated",
                object_type="flag_notification",
                object_ref=notification.reference,
                organisation=notification.authority,
                reason="not acknowledged in time",
            )
    return bool(updated)
