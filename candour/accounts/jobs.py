"""Background jobs for accounts: the invitation e-mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse

from candour.accounts.models import User
from candour.notifications.models import Job
from candour.notifications.registry import job_handler
from candour.notifications.services import send_email_once


@job_handler("accounts.send_invitation")
def send_invitation(job: Job) -> None:
    """E-mail a set-password link; skip users who are inactive or have already set one."""
    user = User.objects.select_related("organisation").filter(reference=job.payload["user"]).first()
    if user is None or not user.is_active or user.has_usable_password():
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
