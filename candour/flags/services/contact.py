"""A flag manager sets whom clinicians call and where notifications go."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction

from candour.accounts.models import User
from candour.audit import services as audit
from candour.flags import webhooks
from candour.flags.models import LocalAuthorityContact
from candour.flags.services.permissions import check_flag_manager


def update_contact(
    *,
    user: User,
    display_name: str,
    office_hours_phone: str,
    emergency_duty_phone: str,
    notification_email: str,
    webhook_url: str,
    escalation_email: str,
    escalate_after_minutes: int,
) -> LocalAuthorityContact:
    """A flag manager sets whom clinicians call and where notifications go; a new webhook
    address gets a new signing secret (shown on the contact page)."""
    organisation = user.organisation
    check_flag_manager(user, organisation)
    if not emergency_duty_phone.strip():
        raise ValueError("An emergency duty phone number is required.")
    if webhook_url:
        try:
            webhooks.check_url(webhook_url)
        except webhooks.AddressRefused as refused:
            raise ValidationError({"webhook_url": str(refused)}) from None
    with transaction.atomic():
        contact = (
            LocalAuthorityContact.objects.select_for_update()
            .filter(organisation=organisation)
            .first()
        ) or LocalAuthorityContact(organisation=organisation)
        if webhook_url and (webhook_url != contact.webhook_url or not contact.webhook_secret):
            contact.webhook_secret = secrets.token_hex(32)
        if not webhook_url:
            contact.webhook_secret = ""
        contact.display_name = display_name
        contact.office_hours_phone = office_hours_phone
        contact.emergency_duty_phone = emergency_duty_phone
        contact.notification_email = notification_email
        contact.webhook_url = webhook_url
        contact.escalation_email = escalation_email
        contact.escalate_after_minutes = escalate_after_minutes
        contact.save()
        audit.record(
            actor=user,
            action="flags.contact.updated",
            object_type="flag_contact",
            object_ref=organisation.reference,
        )
    return contact
