"""Reads for the demo mailbox page: the sink's Maildir named by CANDOUR_DEMO_MAIL_DIR."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404

from candour.demo.mailbox_reader import DemoMail, read_mail


def list_demo_mail() -> list[DemoMail]:
    """Return every e-mail the demo has sent, newest first."""
    return read_mail(settings.CANDOUR_DEMO_MAIL_DIR)


def get_demo_mail(*, ident: str) -> DemoMail:
    """Return one e-mail by its identifier (Http404 if there is none)."""
    mail = next((mail for mail in list_demo_mail() if mail.ident == ident), None)
    if mail is None:
        raise Http404("No such e-mail")
    return mail
