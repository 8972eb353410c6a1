"""TEMPORARY placeholder (being written by a helper): every view answers 501."""

from typing import Any

from django.http import HttpRequest, HttpResponse

from candour.accounts.models import Role
from candour.core.access import machine, staff

_ = (Role, machine, staff)


@staff(Role.ADMINISTRATOR)
def list_alerts(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)


@staff(Role.ADMINISTRATOR)
def review_alert(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)


@staff(Role.ADMINISTRATOR)
def list_clients(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)


@staff(Role.ADMINISTRATOR)
def new_client(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)


@staff(Role.ADMINISTRATOR)
def revoke_client(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)
