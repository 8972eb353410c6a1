"""Administrators change their programme's promise, contacts and retention period."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from candour.accounts.models import Role, User
from candour.audit import services as audit
from candour.reporting.models import Programme

EDITABLE = frozenset(
    {
        "promise",
        "exclusions",
        "duty_contact",
        "emergency_contact",
        "safety_lead_email",
        "retention_days",
    }
)


@transaction.atomic
def update_programme(*, admin: User, programme: Programme, changes: dict[str, Any]) -> Programme:
    if admin.role != Role.ADMINISTRATOR or admin.organisation_id != programme.organisation_id:
        raise PermissionDenied
    for name, value in changes.items():
        if name in EDITABLE:
            setattr(programme, name, value)
    programme.save()
    audit.record(
        actor=admin,
        action="reporting.programme.updated",
        object_type="programme",
        object_ref=programme.slug,
    )
    return programme
