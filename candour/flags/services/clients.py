"""Registered systems and their API keys: issued (shown once) and revoked by administrators."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from candour.accounts.models import OrganisationKind, Role, User
from candour.audit import services as audit
from candour.flags import client_keys, selectors
from candour.flags.models import CareSetting, SystemClient
from candour.flags.services.permissions import check_administrator


def issue_client(
    *,
    user: User,
    name: str,
    care_setting: str,
    hourly_limit: int | None = None,
    daily_limit: int | None = None,
) -> tuple[SystemClient, str]:
    """An administrator registers a system; returns it and its key, which is never shown again.

    Health organisations' systems look up (their care setting decides notification); local
    authorities' systems upload.
    """
    organisation = user.organisation
    if not (user.is_active and user.role == Role.ADMINISTRATOR):
        raise PermissionDenied("Only an administrator may register systems.")
    if organisation.kind == OrganisationKind.NHS:
        if care_setting not in CareSetting.values:
            raise ValueError("Select the care setting the system serves.")
    elif organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        care_setting = ""
    else:
        raise PermissionDenied("Only health organisations and local authorities have systems.")
    prefix, key = client_keys.new_key()
    with transaction.atomic():
        client = SystemClient.objects.create(
            organisation=organisation,
            name=name,
            care_setting=care_setting,
            key_prefix=prefix,
            key_hash=client_keys.hash_key(key),
            hourly_limit=hourly_limit or settings.CANDOUR_FLAGS_SYSTEM_HOURLY_LIMIT,
            daily_limit=daily_limit or settings.CANDOUR_FLAGS_SYSTEM_DAILY_LIMIT,
            created_by=user,
        )
        audit.record(
            actor=user,
            action="flags.client.issued",
            object_type="flag_client",
            object_ref=client.reference,
        )
    return client, key


def revoke_client(*, user: User, client: SystemClient) -> None:
    check_administrator(user, client.organisation_id, "revoke keys")
    with transaction.atomic():
        SystemClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        selectors.forget_client(client)  # harmless if this rolls back: it is read again
        audit.record(
            actor=user,
            action="flags.client.revoked",
            object_type="flag_client",
            object_ref=client.reference,
        )
