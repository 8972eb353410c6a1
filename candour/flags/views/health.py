"""TEMPORARY placeholder (being written by a helper): every view answers 501."""

from typing import Any

from django.http import HttpRequest, HttpResponse

from candour.accounts.models import Role
from candour.core.access import machine, staff

_ = (Role, machine, staff)


@staff(Role.HEALTH_UNSCHEDULED, Role.HEALTH_SCHEDULED)
def look_up(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(status=501)
