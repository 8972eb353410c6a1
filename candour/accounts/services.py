"""Every change to organisations, people and sign-in state. Each writes its audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from candour.accounts.models import (
    ROLES_BY_KIND,
    Organisation,
    Role,
    SignInThrottle,
    Team,
    User,
)
from candour.audit import services as audit
from candour.core import keys
from candour.notifications import services as outbox


class SignInOutcome(Enum):
    SIGNED_IN = "signed_in"
    WRONG_CREDENTIALS = "wrong_credentials"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    user: User | None = None
    locked_until: datetime | None = None


def _throttle_key(email: str) -> str:
    return keys.digest("accounts.sign-in-throttle", email.strip().lower())


def _locked_until(key: str) -> datetime | None:
    row = SignInThrottle.objects.filter(key=key).first()
    if row and row.locked_until and row.locked_until > timezone.now():
        return row.locked_until
    return None


@transaction.atomic
def _record_failure(*, key: str, user: User | None, stage: str) -> datetime | None:
    row, _ = SignInThrottle.objects.select_for_update().get_or_create(key=key)
    now = timezone.now()
    if row.locked_until and row.locked_until <= now:
        row.locked_until = None
        row.failures = 0
    row.failures += 1
    audit.record(
        actor=audit.ANONYMOUS,
        organisation=user.organisation if user else None,
        action=f"accounts.sign_in.{stage}_failed",
        object_type="user" if user else "",
        object_ref=user.reference if user else "",
    )
    if row.failures >= settings.CANDOUR_SIGN_IN_MAX_FAILURES:
        row.locked_until = now + timedelta(seconds=settings.CANDOUR_SIGN_IN_LOCK_SECONDS)
        row.failures = 0
        if user is not None:
            audit.record(
                actor=user,
                action="accounts.sign_in.locked",
                object_type="user",
                object_ref=user.reference,
            )
    row.save()
    return row.locked_until


def sign_in_with_password(*, request: HttpRequest, email: str, password: str) -> SignInResult:
    """Check the password step; a success leaves the session waiting for two-factor."""
    key = _throttle_key(email)
    locked = _locked_until(key)
    if locked:
        return SignInResult(SignInOutcome.LOCKED, locked_until=locked)
    user = authenticate(request, username=email, password=password)
    if not isinstance(user, User):
        known = User.objects.filter(email=email.strip().lower(), is_active=True).first()
        locked = _record_failure(key=key, user=known, stage="password")
        if locked:
            return SignInResult(SignInOutcome.LOCKED, locked_until=locked)
        return SignInResult(SignInOutcome.WRONG_CREDENTIALS)
    SignInThrottle.objects.filter(key=key).delete()
    login(request, user)
    return SignInResult(SignInOutcome.SIGNED_IN, user=user)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, creating one with a fresh secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def verify_two_factor(*, request: HttpRequest, user: User, code: str) -> SignInResult:
    """Check a TOTP code (confirming a new device); on success the session is fully signed in."""
    key = _throttle_key(user.email)
    locked = _locked_until(key)
    if locked:
        return SignInResult(SignInOutcome.LOCKED, locked_until=locked)
    device = confirmed_device(user)
    setting_up = device is None
    if device is None:
        device = pending_device(user)
    if not device.verify_token(code.replace(" ", "")):
        locked = _record_failure(key=key, user=user, stage="two_factor")
        if locked:
            logout(request)
            return SignInResult(SignInOutcome.LOCKED, locked_until=locked)
        return SignInResult(SignInOutcome.WRONG_CREDENTIALS)
    with transaction.atomic():
        if setting_up:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.record(
                actor=user,
                action="accounts.two_factor.set_up",
                object_type="user",
                object_ref=user.reference,
            )
        SignInThrottle.objects.filter(key=key).delete()
        audit.record(
            actor=user, action="accounts.sign_in", object_type="user", object_ref=user.reference
        )
    otp_login(request, device)
    request.session["last_seen"] = int(timezone.now().timestamp())
    return SignInResult(SignInOutcome.SIGNED_IN, user=user)


def sign_out(*, request: HttpRequest) -> None:
    user = request.user
    if isinstance(user, User):
        audit.record(
            actor=user, action="accounts.sign_out", object_type="user", object_ref=user.reference
        )
    logout(request)


@transaction.atomic
def sign_out_everywhere(*, request: HttpRequest, user: User) -> None:
    """End every session of this user, on every device, including this one."""
    User.objects.filter(pk=user.pk).update(session_generation=user.session_generation + 1)
    audit.record(
        actor=user,
        action="accounts.sign_out_everywhere",
        object_type="user",
        object_ref=user.reference,
    )
    logout(request)


def record_idle_timeout(*, user: User) -> None:
    audit.record(
        actor=user,
        action="accounts.session_timed_out",
        object_type="user",
        object_ref=user.reference,
    )


# --- Administration of an organisation's users -------------------------------------------


def _check_role_for(organisation: Organisation, role: str) -> None:
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise ValidationError(
            {"role": f"{Role(role).label} is not a role in a {organisation.get_kind_display()}"}
        )


def _check_team(organisation: Organisation, team: Team | None) -> None:
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": "Select a team from your organisation"})


@transaction.atomic
def invite_user(
    *,
    admin: User,
    email: str,
    full_name: str,
    role: str,
    team: Team | None = None,
    is_auditor: bool = False,
) -> User:
    """Create a user in the admin's organisation and e-mail them a link to set a password."""
    organisation = admin.organisation
    _check_role_for(organisation, role)
    _check_team(organisation, team)
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": "A user with this email address already exists"})
    user = User.objects.create_user(
        email=email,
        full_name=full_name.strip(),
        organisation=organisation,
        team=team,
        role=role,
        is_auditor=is_auditor,
    )
    audit.record(
        actor=admin, action="accounts.user.invited", object_type="user", object_ref=user.reference
    )
    _enqueue_invitation(user)
    return user


def _enqueue_invitation(user: User) -> None:
    outbox.enqueue(
        kind="accounts.send_invitation",
        payload={"user": str(user.reference)},
    )


@transaction.atomic
def resend_invitation(*, admin: User, user: User) -> None:
    if user.has_usable_password():
        raise ValidationError("This user has already set a password")
    audit.record(
        actor=admin,
        action="accounts.user.invitation_resent",
        object_type="user",
        object_ref=user.reference,
    )
    _enqueue_invitation(user)


@transaction.atomic
def update_user(
    *, admin: User, user: User, full_name: str, role: str, team: Team | None, is_auditor: bool
) -> User:
    _check_role_for(user.organisation, role)
    _check_team(user.organisation, team)
    if user.pk == admin.pk and role != Role.ADMINISTRATOR:
        raise ValidationError({"role": "You cannot remove your own administrator role"})
    user.full_name = full_name.strip()
    user.role = role
    user.team = team
    user.is_auditor = is_auditor
    user.save(update_fields=["full_name", "role", "team", "is_auditor"])
    audit.record(
        actor=admin, action="accounts.user.updated", object_type="user", object_ref=user.reference
    )
    return user


@transaction.atomic
def deactivate_user(*, admin: User, user: User) -> None:
    """Stop a user signing in and end all their sessions; their records stay."""
    if user.pk == admin.pk:
        raise ValidationError("You cannot deactivate your own account")
    User.objects.filter(pk=user.pk).update(
        is_active=False, session_generation=user.session_generation + 1
    )
    audit.record(
        actor=admin,
        action="accounts.user.deactivated",
        object_type="user",
        object_ref=user.reference,
    )


@transaction.atomic
def reactivate_user(*, admin: User, user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=True)
    audit.record(
        actor=admin,
        action="accounts.user.reactivated",
        object_type="user",
        object_ref=user.reference,
    )


@transaction.atomic
def reset_two_factor(*, admin: User, user: User) -> None:
    """Remove the user's authenticator; they set up a new one at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(session_generation=user.session_generation + 1)
    audit.record(
        actor=admin,
        action="accounts.user.two_factor_reset",
        object_type="user",
        object_ref=user.reference,
    )


@transaction.atomic
def set_password_from_invitation(*, user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        actor=user, action="accounts.password.set", object_type="user", object_ref=user.reference
    )
