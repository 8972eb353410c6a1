"""Every change to organisations, people and sign-in state. Each writes its audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from importlib import import_module

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
from candour.accounts.sessions import LAST_SEEN_KEY, start_session_clock
from candour.audit import services as audit
from candour.core import client_limits, keys
from candour.core.client_limits import Client
from candour.notifications import services as outbox


class SignInOutcome(Enum):
    SIGNED_IN = "signed_in"  # fully: past two-factor (the step-up asks for both at once)
    PASSWORD_ACCEPTED = "password_accepted"  # noqa: S105 - the session now waits for the security code
    WRONG_CREDENTIALS = "wrong_credentials"
    STEP_UP = "step_up"  # this address now needs the security code with the password
    WAIT = "wait"  # this client must wait before trying again; nobody else waits


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    user: User | None = None
    wait_seconds: int = 0


# Per client and address: the first wait after the free tries; each failure doubles it.
FIRST_WAIT_SECONDS = 2
# A client that has not failed for an address for this long starts afresh for it.
FORGET_CLIENT_AFTER_SECONDS = 3600


def _client_rule() -> client_limits.Rule:
    return client_limits.Rule(
        free=settings.CANDOUR_SIGN_IN_CLIENT_FREE_FAILURES,
        base_seconds=FIRST_WAIT_SECONDS,
        max_seconds=settings.CANDOUR_SIGN_IN_CLIENT_MAX_DELAY_SECONDS,
        forget_seconds=FORGET_CLIENT_AFTER_SECONDS,
    )


# Slows the client that keeps failing for an address, in memory and by keyed digest only:
# the real user at their own device is another client and is not slowed (ADR 0016).
CLIENT_FAILURES = client_limits.Backoff("accounts.sign-in", _client_rule)


def _throttle_key(email: str) -> str:
    return keys.digest("accounts.sign-in-throttle", email.strip().lower())


def needs_step_up(email: str) -> bool:
    """Whether signing in to this address now needs the security code with the password.
    Decided by the address alone, so unknown addresses behave exactly like real ones."""
    row = SignInThrottle.objects.filter(key=_throttle_key(email)).first()
    return bool(row and row.step_up_until and row.step_up_until > timezone.now())


@transaction.atomic
def _record_failure(*, key: str, user: User | None, stage: str) -> None:
    """Count a failure for the address; past the limit (without a long enough pause), ask
    for the step-up and tell the account's administrators once a day."""
    row, _ = SignInThrottle.objects.select_for_update().get_or_create(key=key)
    now = timezone.now()
    if row.failures and now - row.updated_at > timedelta(
        seconds=settings.CANDOUR_SIGN_IN_FAILURE_MEMORY_SECONDS
    ):
        row.failures = 0
    row.failures += 1
    audit.record(
        actor=audit.ANONYMOUS,
        organisation=user.organisation if user else None,
        action=f"accounts.sign_in.{stage}_failed",
        object_type="user" if user else "",
        object_ref=user.reference if user else "",
    )
    if row.failures >= settings.CANDOUR_SIGN_IN_STEP_UP_AFTER:
        newly = not (row.step_up_until and row.step_up_until > now)
        row.step_up_until = now + timedelta(seconds=settings.CANDOUR_SIGN_IN_STEP_UP_SECONDS)
        if newly and user is not None:
            audit.record(
                actor=user,
                action="accounts.sign_in.stepped_up",
                object_type="user",
                object_ref=user.reference,
            )
            outbox.enqueue(
                kind="accounts.alert_sign_in_failures",
                payload={"user": str(user.reference), "failures": row.failures},
                idempotency_key=f"sign-in-alert:{user.reference}:{timezone.localdate()}",
            )
    row.save()


def _known_user(email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower(), is_active=True).first()


def _finish_sign_in(*, request: HttpRequest, user: User, device: TOTPDevice, key: str) -> None:
    """Both factors checked: mark the session verified, with a new key (a session key known
    before this moment, say planted by someone else, is worth nothing after it)."""
    with transaction.atomic():
        SignInThrottle.objects.filter(key=key).delete()
        audit.record(
            actor=user, action="accounts.sign_in", object_type="user", object_ref=user.reference
        )
    otp_login(request, device)
    request.session.cycle_key()
    request.session[LAST_SEEN_KEY] = int(timezone.now().timestamp())


def sign_in_with_password(
    *,
    request: HttpRequest,
    client: Client,
    email: str,
    password: str,
    code: str | None = None,
) -> SignInResult:
    """Check the password step; a success leaves the session waiting for two-factor.

    ``code`` is the step-up's security code (None when the form did not ask for it). While an
    address needs the step-up, the password alone signs nobody in; the code is checked only
    once the password is right, so nobody without the password can use up the real user's
    tries of django-otp's own code throttle. The answer never says which of the two was wrong.
    """
    key = _throttle_key(email)
    wait = CLIENT_FAILURES.wait_seconds(client, key)
    if wait:
        return SignInResult(SignInOutcome.WAIT, wait_seconds=wait)
    stepped_up = needs_step_up(email)
    if stepped_up and code is None:
        return SignInResult(SignInOutcome.STEP_UP)
    found = authenticate(request, username=email, password=password)
    user = found if isinstance(found, User) else None
    device = confirmed_device(user) if user is not None else None
    if (
        user is not None
        and stepped_up
        and device is not None
        and not device.verify_token((code or "").replace(" ", ""))
    ):
        user = None
    if user is None:
        _record_failure(key=key, user=_known_user(email), stage="password")
        wait = CLIENT_FAILURES.record_failure(client, key)
        return SignInResult(SignInOutcome.WRONG_CREDENTIALS, wait_seconds=wait)
    login(request, user)
    start_session_clock(request.session)
    if stepped_up and device is not None:
        _finish_sign_in(request=request, user=user, device=device, key=key)
        CLIENT_FAILURES.forget(client, key)
        return SignInResult(SignInOutcome.SIGNED_IN, user=user)
    # Not stepped up, or an account that has not set up its authenticator yet (which the
    # step-up cannot protect: the set-up page comes next).
    return SignInResult(SignInOutcome.PASSWORD_ACCEPTED, user=user)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, creating one with a fresh secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def verify_two_factor(
    *, request: HttpRequest, client: Client, user: User, code: str
) -> SignInResult:
    """Check a TOTP code (confirming a new device); on success the session is fully signed in.

    Wrong codes slow this client (and count for the address, as wrong passwords do); django-otp
    also makes each try after a wrong code on the device wait longer, which only someone with
    the password can cause."""
    key = _throttle_key(user.email)
    wait = CLIENT_FAILURES.wait_seconds(client, key)
    device = confirmed_device(user)
    setting_up = device is None
    if device is None:
        device = pending_device(user)
    if not wait:
        allowed, detail = device.verify_is_allowed()
        locked_until = (detail or {}).get("locked_until") if not allowed else None
        if locked_until is not None:
            wait = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
    if wait:
        return SignInResult(SignInOutcome.WAIT, wait_seconds=wait)
    if not device.verify_token(code.replace(" ", "")):
        _record_failure(key=key, user=user, stage="two_factor")
        wait = CLIENT_FAILURES.record_failure(client, key)
        return SignInResult(SignInOutcome.WRONG_CREDENTIALS, wait_seconds=wait)
    if setting_up:
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.record(
                actor=user,
                action="accounts.two_factor.set_up",
                object_type="user",
                object_ref=user.reference,
            )
    _finish_sign_in(request=request, user=user, device=device, key=key)
    CLIENT_FAILURES.forget(client, key)
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


def record_session_end(*, user: User, reason: str) -> None:
    """Audit a session the middleware ended: idle too long, or at its absolute limit."""
    audit.record(
        actor=user,
        action="accounts.session_timed_out" if reason == "idle" else "accounts.session_expired",
        object_type="user",
        object_ref=user.reference,
    )


def clear_expired_sessions() -> int:
    """Delete every session row past its expiry (the daily job): a signed-out or abandoned
    session leaves nothing behind for more than a day. Returns how many went."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    deleted, _ = store.get_model_class().objects.filter(expire_date__lt=timezone.now()).delete()
    return int(deleted)


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
