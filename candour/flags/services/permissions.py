"""Who may change flags data: shared checks, each raising PermissionDenied."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from candour.accounts.models import Organisation, OrganisationKind, Role, User
from candour.flags.models import SystemClient


def check_flag_manager(actor: User | SystemClient, organisation: Organisation) -> None:
    """A flag manager of the authority, or one of its live systems (its case system)."""
    if isinstance(actor, SystemClient):
        allowed = actor.revoked_at is None and actor.organisation_id == organisation.pk
    else:
        allowed = (
            actor.is_active
            and actor.role == Role.FLAG_MANAGER
            and actor.organisation_id == organisation.pk
        )
    if not (allowed and organisation.kind == OrganisationKind.LOCAL_AUTHORITY):
        raise PermissionDenied("Only a flag manager of this local authority may upload flags.")


def check_administrator(user: User, organisation_id: int, what: str) -> None:
    if not (
        user.is_active
        and user.role == Role.ADMINISTRATOR
        and user.organisation_id == organisation_id
    ):
        raise PermissionDenied(f"Only an administrator of this organisation may {what}.")


def audit_actor(actor: User | SystemClient) -> User | str:
    return f"client:{actor.reference}" if isinstance(actor, SystemClient) else actor
