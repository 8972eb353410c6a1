"""TEMPORARY placeholder (being written by a helper): every view answers 501."""

from typing import Any

from django.http import HttpRequest, HttpResponse

from candour.accounts.models import Role
from candour.core.access import machine, staff

_ = (Role, machine, staff)


@staff(Role.FLAG_MANAGER)
def list_uploads(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)


@staff(Role.FLAG_MANAGER)
def new_upload(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)


@staff(Role.FLAG_MANAGER)
def show_upload(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)


@staff(Role.FLAG_MANAGER)
def edit_contact(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)


@staff(Role.FLAG_MANAGER)
def list_notifications(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)


@staff(Role.FLAG_MANAGER)
def show_notification(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)


@staff(Role.FLAG_MANAGER)
def acknowledge_notification(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)
