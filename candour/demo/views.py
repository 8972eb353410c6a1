"""The demo mailbox: every e-mail the demo sent, readable without an account (an invited
user needs their invitation before they have one). Routed only where candour.demo is
installed, which production settings refuse."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from candour.core.access import public
from candour.demo import presenters, selectors

PAGE_SIZE = 50


@public
@require_safe
def list_mail(request: HttpRequest) -> HttpResponse:
    mail = selectors.list_demo_mail()
    shown = [presenters.present(m, base_url=settings.CANDOUR_BASE_URL) for m in mail[:PAGE_SIZE]]
    return render(request, "demo/list_mail.html", {"mails": shown, "total": len(mail)})


@public
@require_safe
def show_mail(request: HttpRequest, ident: str) -> HttpResponse:
    mail = selectors.get_demo_mail(ident=ident)
    shown = presenters.present(mail, base_url=settings.CANDOUR_BASE_URL)
    return render(request, "demo/show_mail.html", {"mail": shown})
