"""Administrators: lookup alerts (rate limits reached, many misses) and registered systems.

Everything is scoped to the administrator's own organisation by the selectors: another
organisation's alert or system is not found (404). A system's key is shown once, in the
response that issued it, and never again: only its prefix is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.decorators.http import require_http_methods, require_POST

from candour.accounts.current import current_user
from candour.accounts.models import OrganisationKind, Role, User
from candour.core.access import staff
from candour.core.pagination import paginate
from candour.flags import selectors
from candour.flags.forms.admin import SystemClientForm
from candour.flags.models import AbuseAlert, AlertKind
from candour.flags.services import alerts, clients

ADMIN = Role.ADMINISTRATOR
PAGE_SIZE = 50
# Only health organisations' systems look up and local authorities' systems upload.
KINDS_WITH_SYSTEMS = frozenset({OrganisationKind.NHS, OrganisationKind.LOCAL_AUTHORITY})
NO_SYSTEMS = "Only health organisations and local authorities register systems."


@dataclass(frozen=True)
class AlertRow:
    alert: AbuseAlert
    kind: str
    period: str
    user_href: str  # the person's page in Users, when a person (not a system) raised it


def _user_href(label: str) -> str:
    """Principal labels are "user <reference>" or "system <name> (<prefix>)"."""
    kind, _, rest = label.partition(" ")
    if kind != "user":
        return ""
    try:
        return reverse("accounts:show_user", kwargs={"reference": UUID(rest)})
    except ValueError:
        return ""


def _period_label(period: str) -> str:
    """Counter periods are UTC ("h2026112614" an hour, "d20261126" a day, "m..." misses in an
    hour); show them in local time as people read them."""
    try:
        if period[:1] in {"h", "m"}:
            start = timezone.localtime(
                datetime.strptime(period[1:], "%Y%m%d%H").replace(tzinfo=UTC)
            )
            return f"{format_date(start, 'j M Y')}, hour from {format_date(start, 'H:i')}"
        if period[:1] == "d":
            day = datetime.strptime(period[1:], "%Y%m%d").replace(tzinfo=UTC)
            return f"{format_date(day, 'j M Y')}, the whole day"
    except ValueError:
        pass
    return period


def _alert_rows(alerts: list[AbuseAlert]) -> list[AlertRow]:
    return [
        AlertRow(
            alert,
            AlertKind(alert.kind).label,
            _period_label(alert.period),
            _user_href(alert.principal_label),
        )
        for alert in alerts
    ]


@staff(ADMIN)
@require_http_methods(["GET"])
def list_alerts(request: HttpRequest) -> HttpResponse:
    """Who reached a lookup limit or missed many times: a reference, looked up in Users."""
    user = current_user(request)
    pagination = paginate(request, selectors.list_alerts(user=user), per_page=PAGE_SIZE)
    page = pagination.page
    return render(
        request,
        "flags/admin/alerts.html",
        {"page": page, "pagination": pagination, "rows": _alert_rows(list(page.object_list))},
    )


@staff(ADMIN)
@require_POST
def review_alert(request: HttpRequest, reference: UUID) -> HttpResponse:
    user = current_user(request)
    alert = selectors.get_alert(user=user, reference=reference)
    if alerts.review_alert(user=user, alert=alert):
        messages.success(request, "Alert marked as reviewed")
    else:
        messages.success(request, "That alert had already been reviewed")
    return redirect("flags:alerts")


def _can_register(user: User) -> bool:
    return user.organisation.kind in KINDS_WITH_SYSTEMS


@staff(ADMIN)
@require_http_methods(["GET"])
def list_clients(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "flags/admin/clients.html",
        {
            "clients": list(selectors.list_clients(user=user)),
            "can_register": _can_register(user),
            "health": user.organisation.kind == OrganisationKind.NHS,
        },
    )


@staff(ADMIN)
@require_http_methods(["GET", "POST"])
def new_client(request: HttpRequest) -> HttpResponse:
    """Register a system; the key is rendered into this response only (no redirect), once."""
    user = current_user(request)
    if not _can_register(user):
        raise PermissionDenied(NO_SYSTEMS)
    health = user.organisation.kind == OrganisationKind.NHS
    form = SystemClientForm(request.POST if request.method == "POST" else None, health=health)
    if request.method != "POST" or not form.is_valid():
        return render(
            request,
            "flags/admin/new_client.html",
            {"form": form, "health": health},
            status=400 if form.is_bound else 200,
        )
    data = form.cleaned_data
    try:
        client, key = clients.issue_client(
            user=user,
            name=data["name"],
            care_setting=data.get("care_setting", ""),
            hourly_limit=data["hourly_limit"],
            daily_limit=data["daily_limit"],
        )
    except ValueError as error:
        form.add_error("care_setting" if health else None, str(error))
        return render(
            request, "flags/admin/new_client.html", {"form": form, "health": health}, status=400
        )
    return render(
        request,
        "flags/admin/client_key.html",
        {"client": client, "key": key, "health": health},
    )


@staff(ADMIN)
@require_POST
def revoke_client(request: HttpRequest, reference: UUID) -> HttpResponse:
    user = current_user(request)
    client = selectors.get_client(user=user, reference=reference)
    if client.revoked_at is not None:
        messages.success(request, f"The key for {client.name} had already been revoked")
    else:
        clients.revoke_client(user=user, client=client)
        messages.success(request, f"The key for {client.name} has been revoked")
    return redirect("flags:clients")
