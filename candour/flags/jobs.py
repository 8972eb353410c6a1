"""Background jobs for flags: deliver and escalate access notifications, alert administrators.

E-mails carry references only (the LA signs in to see who looked). The webhook goes to the
local authority's own case system, signed, and carries the access details it needs to find the
child's record: the identifier and who looked, never a clinical reason (reference sheet §3.3).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from candour.accounts import selectors as accounts
from candour.flags import selectors, webhooks
from candour.flags.models import LocalAuthorityContact, Notification
from candour.flags.services import notifications, upload_chunks
from candour.flags.services import retention as flag_retention
from candour.notifications.models import Job
from candour.notifications.registry import job_handler
from candour.notifications.schedule import daily_job
from candour.notifications.services import send_email_once

logger = logging.getLogger("candour.flags")


class WebhookRefused(Exception):  # noqa: N818  (the receiver's answer, retried by the outbox)
    pass


def _link(name: str, **kwargs: object) -> str:
    return settings.CANDOUR_BASE_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)


def _notification(job: Job) -> Notification | None:
    return selectors.find_notification(reference=job.payload["notification"])


def webhook_body(notification: Notification) -> bytes:
    access = notification.access
    return json.dumps(
        {
            "type": "candour.flags.access_notification",
            "notification": str(notification.reference),
            "created_at": notification.created_at.isoformat(),
            "subject": {
                "identifier_system": access.subject.identifier_system,
                "identifier": access.subject.identifier,
            },
            "access": {
                "at": access.accessed_at.isoformat(),
                "care_setting": access.care_setting,
                "person": access.person_name,
                "role": access.role_label,
                "organisation": access.organisation.name,
                "organisation_ods_code": access.organisation.ods_code,
            },
            "acknowledge_url": _link("flags:notification", reference=notification.reference),
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>`: receivers check the MAC and
    refuse old timestamps, so a captured request cannot be replayed later."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def post_webhook(contact: LocalAuthorityContact, notification: Notification) -> None:
    """POST the signed notification to the authority's case system, at an address checked
    again now, after DNS resolution (flags.webhooks). A refused address is not retried: the
    e-mail, the in-app inbox and the escalation still tell the authority."""
    body = webhook_body(notification)
    headers = {
        "Content-Type": "application/json",
        "Candour-Signature": signature(contact.webhook_secret, int(time.time()), body),
        "Idempotency-Key": str(notification.reference),
        "User-Agent": "candour-flags",
    }
    try:
        status = webhooks.post(
            contact.webhook_url,
            body=body,
            headers=headers,
            timeout=settings.CANDOUR_FLAGS_WEBHOOK_TIMEOUT_SECONDS,
        )
    except webhooks.AddressRefused:
        logger.warning(
            "flags.webhook.address_refused", extra={"notification": str(notification.reference)}
        )
        return
    if not 200 <= status < 300:
        raise WebhookRefused(str(status))
    notifications.mark_delivered(notification, "webhook")


@daily_job("flags.retention", at=dt.time(2, 30))
def retention(job: Job) -> None:
    """Delete flags a year past their last plan's end, and expired lookup counters."""
    flag_retention.purge_expired(today=timezone.localdate())
    flag_retention.purge_counters(now=timezone.now())


@job_handler("flags.deliver_notification")
def deliver_notification(job: Job) -> None:
    """E-mail and/or webhook, each at most once per notification once it has succeeded; an
    error raises so the outbox retries the channels not yet delivered."""
    notification = _notification(job)
    if notification is None:
        return  # the record was deleted (retention) before delivery
    contact = selectors.find_contact(organisation_id=notification.authority_id)
    # First, so a channel that keeps failing cannot stop the escalation being scheduled.
    notifications.schedule_escalation(notification, contact)
    if contact is None:
        return  # in-app inbox only
    if contact.notification_email and notification.emailed_at is None:
        send_email_once(
            job=job,
            message_key=f"flag-notification-{notification.reference}",
            to=contact.notification_email,
            subject=f"Child protection flag viewed: notification {notification.reference}",
            body=(
                "An unscheduled care setting has looked up a child your authority holds a "
                f"plan for. Notification reference: {notification.reference}.\n\n"
                "Sign in to candour to see who looked and when, and to acknowledge it:\n"
                f"{_link('flags:notification', reference=notification.reference)}\n\n"
                "This e-mail says nothing else, on purpose."
            ),
        )
        notifications.mark_delivered(notification, "email")
    if contact.webhook_url and notification.webhook_delivered_at is None:
        post_webhook(contact, notification)


@job_handler("flags.escalate_notification")
def escalate_notification(job: Job) -> None:
    """When the LA has not acknowledged in time, tell the escalation mailbox (or, without one,
    the authority's administrators)."""
    notification = _notification(job)
    if notification is None or not notifications.escalate(notification):
        return
    contact = selectors.find_contact(organisation_id=notification.authority_id)
    recipients = (
        [("mailbox", contact.escalation_email)]
        if contact and contact.escalation_email
        else accounts.list_administrator_addresses(organisation_id=notification.authority_id)
    )
    for key, address in recipients:
        send_email_once(
            job=job,
            message_key=f"flag-escalation-{key}",
            to=address,
            subject=f"Not yet acknowledged: flag notification {notification.reference}",
            body=(
                "A notification that an unscheduled care setting looked up a child your "
                "authority holds a plan for has not been acknowledged in time. Reference: "
                f"{notification.reference}.\n\nSign in to candour to see it and acknowledge "
                f"it:\n{_link('flags:notification', reference=notification.reference)}"
            ),
        )


@job_handler("flags.alert_administrators")
def alert_administrators(job: Job) -> None:
    """Tell an organisation's administrators of a lookup alert (a reference, not the person)."""
    alert = selectors.find_alert(reference=job.payload["alert"])
    if alert is None:
        return
    for key, address in accounts.list_administrator_addresses(
        organisation_id=alert.organisation_id
    ):
        send_email_once(
            job=job,
            message_key=f"flag-alert-{key}",
            to=address,
            subject=f"Child protection flag lookups: {alert.get_kind_display()}",
            body=(
                f"candour has raised a lookup alert ({alert.get_kind_display().lower()}), "
                f"reference {alert.reference}.\n\nSign in to review it:\n"
                f"{_link('flags:alerts')}"
            ),
        )


@job_handler(upload_chunks.APPLY_JOB)
def apply_upload(job: Job) -> None:
    """Apply a received upload file, a short committed chunk at a time (services.upload); a
    run that uses up its time queues the next, so notifications are delivered in between."""
    upload = selectors.find_upload_to_apply(reference=job.payload["upload"])
    if upload is not None:
        upload_chunks.continue_upload(upload=upload)
