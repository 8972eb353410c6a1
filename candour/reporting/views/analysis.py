"""Analysts: released, de-identified reports of their organisation, and coding them.

Analysts never see the raw narrative, the conversation or contact details: the selectors
return released reports only, and these pages show only ``Report.released``.
"""

from __future__ import annotations

import calendar
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from candour.accounts.current import current_user
from candour.accounts.models import Role
from candour.core.access import staff
from candour.core.forms import add_service_errors
from candour.reporting import selectors, signals
from candour.reporting.forms.staff import CodingForm
from candour.reporting.models import Coding, Report
from candour.reporting.services import analysis
from candour.reporting.vocabulary import (
    KIND_SHORT,
    NARRATIVE_FIELDS,
    Detection,
    Harm,
    LondonFactor,
    SciePattern,
)

ANALYST = Role.ANALYST


def _coding_of(report: Report) -> Coding | None:
    """The report's coding, if any (the selectors load it with the report)."""
    return getattr(report, "coding", None)


@staff(ANALYST)
def list_reports(request: HttpRequest) -> HttpResponse:
    reports = selectors.list_released(user=current_user(request))
    rows = [
        (report, KIND_SHORT.get(report.kind, report.kind), _coding_of(report) is not None)
        for report in reports
    ]
    return render(request, "reporting/analysis/list.html", {"rows": rows})


def _labels(values: list[str], choices: list[tuple[str, str]]) -> list[str]:
    names = dict(choices)
    return [names.get(value, value) for value in values]


def _coding_summary(coding: Coding) -> dict[str, Any]:
    return {
        "scie_patterns": _labels(coding.scie_patterns, SciePattern.choices),
        "london_factors": _labels(coding.london_factors, LondonFactor.choices),
        "detection": dict(Detection.choices).get(coding.detection, coding.detection),
        "mitigation": coding.mitigation,
        "harm": dict(Harm.choices).get(coding.harm, coding.harm),
        "synopsis": coding.synopsis,
        "coded_on": coding.coded_on,
    }


BLIND = (
    "This report is being coded a second time, blind: its coding is shown again once the "
    "two codings are reconciled."
)


def _account(report: Report) -> dict[str, Any]:
    released = report.released or {}
    return {
        "report": report,
        "kind": KIND_SHORT.get(report.kind, report.kind),
        "occurred": f"{calendar.month_name[report.occurred_month]} {report.occurred_year}",
        "released": [
            (label, released[key]) for key, label in NARRATIVE_FIELDS if released.get(key)
        ],
    }


def _blind_page(request: HttpRequest, report: Report) -> HttpResponse:
    context = {**_account(report), "coding": None, "form": None, "blind": BLIND}
    status = 409 if request.method == "POST" else 200
    return render(request, "reporting/analysis/report.html", context, status=status)


@staff(ANALYST)
@require_http_methods(["GET", "POST"])
def show_report(request: HttpRequest, reference: str) -> HttpResponse:
    user = current_user(request)
    report = selectors.get_released_for_analyst(user=user, reference=reference)
    if signals.coding_hidden(user, report):
        # A blind second coding is awaited: the released account only, no coding, no form.
        return _blind_page(request, report)
    coding = _coding_of(report)
    initial: dict[str, Any] = {}
    if coding is not None:
        initial = {
            "scie_patterns": coding.scie_patterns,
            "london_factors": coding.london_factors,
            "detection": coding.detection,
            "mitigation": coding.mitigation,
            "harm": coding.harm,
            "synopsis": coding.synopsis,
        }
    form = CodingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            analysis.code_report(user=user, report=report, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Coding of report {report.reference} saved")
            return redirect("reporting:analysis_report", reference=report.reference)
    context = {
        **_account(report),
        "coding": _coding_summary(coding) if coding is not None else None,
        "form": form,
    }
    return render(
        request,
        "reporting/analysis/report.html",
        context,
        status=400 if form.errors else 200,
    )


urlpatterns: list[URLPattern] = [
    path("analysis/", list_reports, name="analysis_list"),
    path("analysis/<str:reference>", show_report, name="analysis_report"),
]
