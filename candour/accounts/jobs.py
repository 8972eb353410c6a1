"""Background jobs for accounts: the invitation e-mail, the alert about repeated failed
sign-ins, and the daily clean-up of expired sessions."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse

from candour.accounts import selectors, services
from candour.notifications.models import Job
from candour.notifications.registry import job_handler
from candour.notifications.schedule import daily_job
from candour.notifications.services import send_email_once

logger = logging.getLogger("candour.jobs")


@job_handler("accounts.send_invitation")
def send_invitation(job: Job) -> None:
    """E-mail a set-password link; skip users who are inactive or have already set one."""
    user = selectors.find_user_to_invite(reference=job.payload["user"])
    if user is None:
        return
    token = default_token_generator.make_token(user)
    link = settings.CANDOUR_BASE_URL.rstrip("/") + reverse(
        "accounts:activate", kwargs={"reference": user.reference, "token": token}
    )
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    body = (
        f"{user.organisation.name} has given you an account on candour.\n\n"
        f"Set your password and two-factor authentication here:\n{link}\n\n"
        f"The link works once and expires in {days} days. If you did not expect this "
        "e-mail, you can ignore it."
    )
    send_email_once(
        job=job,
        message_key="invitation",
        to=user.email,
        subject="Your candour account",
        body=body,
    )


@job_handler("accounts.alert_sign_in_failures")
def alert_sign_in_failures(job: Job) -> None:
    """Tell the user and their organisation's administrators that the account has had many
    wrong passwords or codes and now needs the code with the password (ADR 0016): nobody is
    locked out, so the people who can act must know."""
    user = selectors.find_active_user(reference=job.payload["user"])
    if user is None:
        return
    base = settings.CANDOUR_BASE_URL.rstrip("/")
    failures = job.payload.get("failures")
    send_email_once(
        job=job,
        message_key="user",
        to=user.email,
        subject="Wrong passwords for your candour account",
        body=(
            f"Someone, perhaps you, has entered a wrong password or security code for your "
            f"candour account {failures} times. Until this stops, signing in needs the "
            "security code from your authenticator app with your password.\n\n"
            "If it was not you, tell your organisation's administrator: someone may be trying "
            "to guess your password."
        ),
    )
    link = base + reverse("accounts:show_user", kwargs={"reference": user.reference})
    for key, address in selectors.list_administrator_addresses(
        organisation_id=user.organisation_id
    ):
        send_email_once(
            job=job,
            message_key=f"admin-{key}",
            to=address,
            subject="Repeated failed sign-ins to an account in your organisation",
            body=(
                f"There have been {failures} wrong passwords or security codes for one of your "
                "organisation's accounts. It now needs its security code with the password, "
                f"so its owner can still sign in. The account:\n{link}"
            ),
        )


@daily_job("accounts.clear_sessions", at=dt.time(3, 0))
def clear_sessions(job: Job) -> None:
    """Delete expired session rows, so none lingers past its expiry by more than a day."""
    logger.info("sessions.cleared", extra={"count": services.clear_expired_sessions()})
