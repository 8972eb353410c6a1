"""Sign-in, two-factor, own account, and administration of an organisation's users."""

from __future__ import annotations

from base64 import b32encode
from uuid import UUID

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.oath import totp

from candour.accounts import selectors, services
from candour.accounts.current import current_user
from candour.accounts.forms import (
    InviteUserForm,
    SetPasswordForm,
    SignInForm,
    StepUpSignInForm,
    TwoFactorForm,
    UserDetailsForm,
)
from candour.accounts.middleware import (
    ENDED_REASON_KEY,
    NEXT_KEY,
    NEXT_USER_KEY,
    can_stay,
    ended_context,
    keep_alive,
    safe_return_path,
    seconds_remaining,
)
from candour.accounts.models import Role, User
from candour.core.access import pending_two_factor, public, staff
from candour.core.client_limits import client_of, describe_wait

ACTIVATION_KEY = "activation_token"


# --- Sign in and out ---------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        target = safe_return_path(request, request.GET.get("next", ""))
        if target:
            request.session[NEXT_KEY] = target
            request.session.pop(NEXT_USER_KEY, None)  # asked for by whoever signs in
        notice = request.session.pop("signed_out_reason", None)
        return render(request, "accounts/sign_in.html", {"form": SignInForm(), "notice": notice})
    stepping_up = "step_up" in request.POST
    form: SignInForm = StepUpSignInForm(request.POST) if stepping_up else SignInForm(request.POST)
    if not form.is_valid():
        return _sign_in_page(request, form, status=400)
    kept = {
        key: request.session[key] for key in (NEXT_KEY, NEXT_USER_KEY) if key in request.session
    }
    email = form.cleaned_data["email"]
    result = services.sign_in_with_password(
        request=request,
        client=client_of(request),
        email=email,
        password=form.cleaned_data["password"],
        code=form.cleaned_data.get("code", "") if stepping_up else None,
    )
    outcome = result.outcome
    if outcome in (services.SignInOutcome.PASSWORD_ACCEPTED, services.SignInOutcome.SIGNED_IN):
        request.session.update(kept)  # login() may have started a new session
        if outcome is services.SignInOutcome.SIGNED_IN:
            return HttpResponseRedirect(_return_target(request, result.user))
        return redirect("accounts:two_factor")
    if outcome is services.SignInOutcome.STEP_UP:
        # Asked before the password is checked, so it says nothing about the password.
        return _sign_in_page(request, StepUpSignInForm(initial={"email": email}), status=401)
    if outcome is services.SignInOutcome.WAIT:
        form.add_error(None, _wait_message(result.wait_seconds))
        return _sign_in_page(request, form, status=429, retry_after=result.wait_seconds)
    if stepping_up:
        form.add_error("email", "Enter a correct email address, password and security code")
    else:
        form.add_error("email", "Enter a correct email address and password")
    return _sign_in_page(request, form, status=401)


def _sign_in_page(
    request: HttpRequest, form: SignInForm, *, status: int, retry_after: int = 0
) -> HttpResponse:
    context = {"form": form, "step_up": isinstance(form, StepUpSignInForm)}
    response = render(request, "accounts/sign_in.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _wait_message(seconds: int) -> str:
    return (
        "There have been too many attempts to sign in from here. "
        f"Wait {describe_wait(seconds)}, then try again."
    )


@pending_two_factor
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.is_verified():
        return redirect("core:home")
    device = services.confirmed_device(user)
    setting_up = device is None
    form = TwoFactorForm(request.POST or None)
    status = 200
    retry_after = 0
    if request.method == "POST":
        status = 400
        if form.is_valid():
            result = services.verify_two_factor(
                request=request,
                client=client_of(request),
                user=user,
                code=form.cleaned_data["code"],
            )
            if result.outcome is services.SignInOutcome.SIGNED_IN:
                return HttpResponseRedirect(_return_target(request, user))
            if result.outcome is services.SignInOutcome.WAIT:
                form.add_error("code", _code_wait_message(result.wait_seconds))
                status, retry_after = 429, result.wait_seconds
            else:
                form.add_error(
                    "code", "The security code is wrong or has expired. Enter the newest code"
                )
                status = 401
    context: dict[str, object] = {"form": form, "setting_up": setting_up}
    shown = device or services.pending_device(user)
    if setting_up:
        context["secret"] = b32encode(shown.bin_key).decode()
        context["qr_svg"] = segno.make(shown.config_url, error="m").svg_inline(
            scale=4, title="QR code for your authenticator app"
        )
    if settings.CANDOUR_DEMO_MODE:
        context["demo_code"] = f"{totp(shown.bin_key, shown.step, shown.t0, shown.digits):06d}"
    response = render(request, "accounts/two_factor.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _code_wait_message(seconds: int) -> str:
    return (
        "There have been too many wrong security codes. "
        f"Wait {describe_wait(seconds)}, then enter the newest code."
    )


def _return_target(request: HttpRequest, user: User | None) -> str:
    """Where a just-verified user goes: the page they asked for or were on when their session
    timed out (checked again here), if it was theirs; otherwise the home page."""
    target = request.session.pop(NEXT_KEY, None)
    owner = request.session.pop(NEXT_USER_KEY, None)
    if user is None or (owner is not None and owner != str(user.reference)):
        target = None
    return safe_return_path(request, target or "") or reverse("core:home")


@pending_two_factor
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.sign_out(request=request)
    return render(request, "accounts/signed_out.html")


@public
@require_http_methods(["GET", "HEAD"])
def session_ended(request: HttpRequest) -> HttpResponse:
    """Where the timeout warning goes once the idle time has run out."""
    user = request.user
    if isinstance(user, User) and user.is_verified():
        return redirect("core:home")  # signed in again, e.g. in another tab
    reason = request.session.pop(ENDED_REASON_KEY, None)
    return render(request, "accounts/session_ended.html", ended_context(reason))


@staff()
@require_http_methods(["GET", "POST"])
def keep_alive_session(request: HttpRequest) -> HttpResponse:
    """GET: the seconds left before the sign-out, without counting as activity (the timeout
    warning asks before it warns, since another tab may have been used), and whether staying
    would help (not once the session is near its absolute limit). POST (with the CSRF
    token): "Stay signed in", which restarts the idle clock."""
    if request.method == "POST":
        keep_alive(request)
        return HttpResponse(status=204)
    return JsonResponse(
        {"seconds_remaining": seconds_remaining(request), "can_stay": can_stay(request)}
    )


@staff()
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html", {"account_user": current_user(request)})


@staff()
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    services.sign_out_everywhere(request=request, user=current_user(request))
    return render(request, "accounts/signed_out.html", {"everywhere": True})


# --- Invitation link ---------------------------------------------------------------------


@public
def activate(request: HttpRequest, reference: UUID, token: str) -> HttpResponse:
    """Move the token out of the URL into the session, as Django's password reset does."""
    request.session[ACTIVATION_KEY] = token
    return redirect("accounts:activate_set_password", reference=reference)


@public
@require_http_methods(["GET", "POST"])
def activate_set_password(request: HttpRequest, reference: UUID) -> HttpResponse:
    user = selectors.find_invited_user(reference=reference)
    token = request.session.get(ACTIVATION_KEY, "")
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/activation_invalid.html", status=404)
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            services.set_password_from_invitation(user=user, password=form.cleaned_data["password"])
            request.session.pop(ACTIVATION_KEY, None)
            request.session["signed_out_reason"] = "password_set"
            return redirect("accounts:sign_in")
        return render(request, "accounts/activate.html", {"form": form}, status=400)
    return render(request, "accounts/activate.html", {"form": form})


# --- Administration ----------------------------------------------------------------------

ADMIN = Role.ADMINISTRATOR


@staff(ADMIN)
def list_users(request: HttpRequest) -> HttpResponse:
    users = list(selectors.list_users_for_admin(admin=current_user(request)))
    with_2fa = selectors.users_with_two_factor(users=users)
    rows = [(user, user.pk in with_2fa) for user in users]
    return render(request, "accounts/users/list.html", {"rows": rows})


@staff(ADMIN)
@require_http_methods(["GET", "POST"])
def invite_user(request: HttpRequest) -> HttpResponse:
    admin = current_user(request)
    form = InviteUserForm(
        request.POST or None,
        organisation=admin.organisation,
        teams=selectors.list_teams(user=admin),
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite_user(admin=admin, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Invitation sent to {user.email}")
            return redirect("accounts:show_user", reference=user.reference)
    status = 400 if form.is_bound else 200
    return render(request, "accounts/users/invite.html", {"form": form}, status=status)


@staff(ADMIN)
def show_user(request: HttpRequest, reference: UUID) -> HttpResponse:
    user = selectors.get_user_for_admin(admin=current_user(request), reference=reference)
    return render(
        request,
        "accounts/users/show.html",
        {"subject": user, "has_two_factor": selectors.has_two_factor(user=user)},
    )


@staff(ADMIN)
@require_http_methods(["GET", "POST"])
def edit_user(request: HttpRequest, reference: UUID) -> HttpResponse:
    admin = current_user(request)
    user = selectors.get_user_for_admin(admin=admin, reference=reference)
    initial = {
        "full_name": user.full_name,
        "role": user.role,
        "team": user.team,
        "is_auditor": user.is_auditor,
    }
    form = UserDetailsForm(
        request.POST or None,
        initial=initial,
        organisation=admin.organisation,
        teams=selectors.list_teams(user=admin),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(admin=admin, user=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "User details saved")
            return redirect("accounts:show_user", reference=user.reference)
    status = 400 if form.is_bound else 200
    return render(
        request, "accounts/users/edit.html", {"form": form, "subject": user}, status=status
    )


_ACTIONS = {
    "deactivate": (
        services.deactivate_user,
        "Deactivate this account?",
        "They will be signed out at once and cannot sign in again until reactivated.",
        "Account deactivated",
    ),
    "reactivate": (
        services.reactivate_user,
        "Reactivate this account?",
        "They will be able to sign in again.",
        "Account reactivated",
    ),
    "reset-two-factor": (
        services.reset_two_factor,
        "Reset two-factor authentication?",
        "They will be signed out and must set up an authenticator app at their next sign-in.",
        "Two-factor authentication reset",
    ),
    "resend-invitation": (
        services.resend_invitation,
        "Send the invitation again?",
        "A new link to set a password will be e-mailed to them.",
        "Invitation sent again",
    ),
}


@staff(ADMIN)
@require_http_methods(["GET", "POST"])
def user_action(request: HttpRequest, reference: UUID, action: str) -> HttpResponse:
    """Confirm, then apply, one account action (GET shows the question, POST does it)."""
    admin = current_user(request)
    user = selectors.get_user_for_admin(admin=admin, reference=reference)
    if action not in _ACTIONS:
        return render(request, "errors/404.html", status=404)
    service, question, consequence, done = _ACTIONS[action]
    error = None
    if request.method == "POST":
        try:
            service(admin=admin, user=user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, done)
            return redirect("accounts:show_user", reference=user.reference)
    return render(
        request,
        "accounts/users/confirm.html",
        {"subject": user, "question": question, "consequence": consequence, "error": error},
        status=400 if error else 200,
    )
