"""Leaders' dashboard: the year's reports in one-way tables and charts, and the confirmed
error traps by month, every figure through disclosure control. No link leads to a report."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_safe

from candour.accounts.current import current_user
from candour.accounts.models import Role, User
from candour.core import charts
from candour.core.access import staff
from candour.learning.forms.dashboard import DashboardForm
from candour.learning.selectors import dashboard as selectors
from candour.learning.services import dashboard as dashboard_service


def _chosen(request: HttpRequest, user: User) -> tuple[DashboardForm, int | None]:
    years = selectors.years(user=user, today=timezone.localdate())
    form = DashboardForm(request.GET or {"year": str(years[0])}, years=years)
    return form, form.cleaned_data["year"] if form.is_valid() else None


@staff(Role.LEADER)
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form, year = _chosen(request, user)
    context: dict[str, object] = {"form": form}
    if year is not None:
        figures = dashboard_service.view_dashboard(user=user, year=year)
        context.update(
            figures=figures,
            charts=[(b, charts.bar_chart(b.rows)) for b in figures.breakdowns],
            traps=[(t, charts.bar_chart(t.rows)) for t in figures.traps],
        )
    status = 400 if form.errors else 200
    return render(request, "learning/dashboard/dashboard.html", context, status=status)


@staff(Role.LEADER)
@require_safe
def download(request: HttpRequest) -> HttpResponse:
    """Exactly the figures the page shows, as CSV."""
    user = current_user(request)
    form, year = _chosen(request, user)
    if year is None:
        return render(request, "learning/dashboard/dashboard.html", {"form": form}, status=400)
    figures = dashboard_service.view_dashboard(user=user, year=year, download=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="candour-dashboard-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Table", "Row", "Figure"])
    tables = [*figures.breakdowns, *figures.traps]
    for breakdown in tables:
        for label, figure in breakdown.rows:
            writer.writerow([breakdown.title, label, figure.text()])
        writer.writerow([breakdown.title, "Total", breakdown.table.total.text()])
    return response


urlpatterns: list[URLPattern] = [
    path("dashboard", dashboard, name="dashboard"),
    path("dashboard.csv", download, name="dashboard_csv"),
]
