"""TEMPORARY placeholder (being written by a helper): every view answers 501."""

from typing import Any

from django.http import HttpRequest, HttpResponse

from candour.accounts.models import Role
from candour.core.access import machine, staff

_ = (Role, machine, staff)


@machine
def capability_statement(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)


@machine
def search_flags(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)


@machine
def search_audit_events(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)
