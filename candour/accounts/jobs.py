"""Background jobs for accounts: the invitation e-mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse

from candour.accounts import selectors
from candour.notifications.models import Job
from candour.notifications.registry import job_handler
from candour.notifications.services import send_email_once


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
