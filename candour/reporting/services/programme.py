"""Administrators change their programme's promise, contacts and retention period."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from candour.accounts.models import Role, User
from candour.audit import services as audit
from candour.core import disclosure
from candour.reporting.models import Programme

EDITABLE = frozenset(
    {
        "promise",
        "exclusions",
        "duty_contact",
        "emergency_contact",
        "safety_lead_email",
        "retention_days",
        "disclosure_threshold",
    }
)


@transaction.atomic
def update_programme(*, admin: User, programme: Programme, changes: dict[str, Any]) -> Programme:
    if admin.role != Role.ADMINISTRATOR or admin.organisation_id != programme.organisation_id:
        raise PermissionDenied
    # As stored: a model form has already written its values to ``programme``.
    stored = (
        Programme.objects.select_for_update()
        .values_list("disclosure_threshold", flat=True)
        .get(pk=programme.pk)
    )
    threshold = changes.get("disclosure_threshold", stored)
    if threshold < disclosure.THRESHOLD_FLOOR:
        raise ValidationError(
            {
                "disclosure_threshold": (
                    f"The smallest number shown must be {disclosure.THRESHOLD_FLOOR} or more"
                )
            }
        )
    if threshold != stored:
        # Its own entry, saying from what to what: a lower threshold shows smaller groups.
        audit.record(
            actor=admin,
            action="reporting.programme.disclosure_threshold_changed",
            object_type="programme",
            object_ref=programme.slug,
            reason=f"from {stored} to {threshold}",
        )
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
