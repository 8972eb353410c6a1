"""Permission-applying reads: another organisation's objects are simply not found (404)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from candour.accounts.models import Team, User


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


def get_invited_user(*, reference: UUID) -> User | None:
    """Return an active user who has not yet set a password, for the invitation link."""
    user = User.objects.filter(reference=reference, is_active=True).first()
    if user is None or user.has_usable_password():
        return None
    return user


def user_by_reference(*, reference: UUID) -> User | None:
    return User.objects.filter(reference=reference).first()
