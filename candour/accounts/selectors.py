"""Permission-applying reads: another organisation's objects are simply not found (404).

``get_*`` returns the object or raises Http404; ``find_*`` returns it or None (ADR 0013)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from candour.accounts.models import Role, Team, User


def list_users_for_admin(*, admin: User) -> QuerySet[User]:
    """Return the users of the administrator's own organisation."""
    return User.objects.filter(organisation=admin.organisation).select_related("team")


def get_user_for_admin(*, admin: User, reference: UUID) -> User:
    user = (
        User.objects.filter(organisation=admin.organisation, reference=reference)
        .select_related("team", "organisation")
        .first()
    )
    if user is None:
        raise Http404("No such user")
    return user


def list_teams(*, user: User) -> QuerySet[Team]:
    return Team.objects.filter(organisation=user.organisation)


def users_with_two_factor(*, users: list[User]) -> set[int]:
    """Return the ids of the given users who have a confirmed authenticator."""
    return set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
    )


def has_two_factor(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def find_invited_user(*, reference: UUID) -> User | None:
    """Return an active user who has not yet set a password, for the invitation link."""
    user = User.objects.filter(reference=reference, is_active=True).first()
    if user is None or user.has_usable_password():
        return None
    return user


def find_user_to_invite(*, reference: str) -> User | None:
    """The user an invitation job is for, while an invitation still makes sense: active and
    without a password yet."""
    user = User.objects.select_related("organisation").filter(reference=reference).first()
    if user is None or not user.is_active or user.has_usable_password():
        return None
    return user


def find_active_user(*, reference: str) -> User | None:
    """An active user by reference, for jobs about them (None once deactivated)."""
    return (
        User.objects.select_related("organisation")
        .filter(reference=reference, is_active=True)
        .first()
    )


def list_administrator_addresses(*, organisation_id: int) -> list[tuple[str, str]]:
    """(reference, e-mail) of an organisation's active administrators: the reference keys
    each e-mail, so a retried job whose list changed neither repeats nor skips anyone."""
    return [
        (str(reference), email)
        for reference, email in User.objects.filter(
            organisation_id=organisation_id, role=Role.ADMINISTRATOR, is_active=True
        )
        .order_by("pk")
        .values_list("reference", "email")
    ]


def list_addresses_by_role(*, role: str) -> list[tuple[str, str, int]]:
    """(reference, e-mail, organisation id) of every active user with a role, for digests."""
    return [
        (str(reference), email, organisation_id)
        for reference, email, organisation_id in User.objects.filter(role=role, is_active=True)
        .order_by("pk")
        .values_list("reference", "email", "organisation_id")
    ]
