"""The reporter's journey: start, immediate risk, the report, check answers, submit.

No sign-in and nothing kept between pages: the answers travel in the form itself (hidden
inputs on the check-answers page), never in a session, so a half-written report is never
stored on the server. These views never touch ``request.session``.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from candour.core.access import public
from candour.reporting import receipts, selectors, services
from candour.reporting.forms_report import ImmediateRiskForm, ReportForm, SubmitReportForm
from candour.reporting.models import Programme

FORM_TEMPLATE = "reporting/report/new.html"


@public
@require_safe
def start(request: HttpRequest, slug: str) -> HttpResponse:
    programme = selectors.get_programme(slug=slug)
    return render(request, "reporting/report/start.html", {"programme": programme})


@public
@require_http_methods(["GET", "POST"])
def immediate_risk(request: HttpRequest, slug: str) -> HttpResponse:
    programme = selectors.get_programme(slug=slug)
    if request.method == "POST":
        form = ImmediateRiskForm(request.POST)
        if form.is_valid():
            at_risk = form.cleaned_data["immediate_risk"]
            return redirect("reporting:emergency" if at_risk else "reporting:new", slug=slug)
        status = 400
    else:
        form, status = ImmediateRiskForm(), 200
    context = {"programme": programme, "form": form}
    return render(request, "reporting/report/immediate_risk.html", context, status=status)


@public
@require_safe
def emergency(request: HttpRequest, slug: str) -> HttpResponse:
    programme = selectors.get_programme(slug=slug)
    return render(request, "reporting/report/emergency.html", {"programme": programme})


def _form_page(
    request: HttpRequest, programme: Programme, form: ReportForm, status: int = 200
) -> HttpResponse:
    return render(request, FORM_TEMPLATE, {"programme": programme, "form": form}, status=status)


@public
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, slug: str) -> HttpResponse:
    """The report form. A valid answer goes to check answers; nothing is stored yet."""
    programme = selectors.get_programme(slug=slug)
    if request.method == "GET":
        return _form_page(request, programme, ReportForm())
    form = ReportForm(request.POST)
    if "change" in request.POST:  # back from check answers: show the answers to edit
        return _form_page(request, programme, form)
    if not form.is_valid():
        return _form_page(request, programme, form, status=400)
    context = {
        "programme": programme,
        "form": form,
        "sections": form.summary(),
        "carried": form.carried(),
        "idempotency_key": secrets.token_urlsafe(24),
    }
    return render(request, "reporting/report/check.html", context)


@public
@require_POST
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    """File the report. The same idempotency key again shows the same receipt."""
    programme = selectors.get_programme(slug=slug)
    form = SubmitReportForm(request.POST)
    if not form.is_valid():
        return _form_page(request, programme, form, status=400)
    try:
        report, receipt = services.submit_report(
            programme=programme,
            submission=form.submission(),
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except services.ReplayExpired:
        return render(request, "reporting/report/already_received.html", {"programme": programme})
    except ValidationError as exc:  # the month turned between the two pages, say
        form.add_service_errors(exc)
        return _form_page(request, programme, form, status=400)
    context = {"programme": programme, "report": report, "receipt": receipts.display(receipt)}
    return render(request, "reporting/report/received.html", context)


urlpatterns = [
    path("report/<slug:slug>", start, name="start"),
    path("report/<slug:slug>/immediate-risk", immediate_risk, name="immediate_risk"),
    path("report/<slug:slug>/emergency", emergency, name="emergency"),
    path("report/<slug:slug>/new", new, name="new"),
    path("report/<slug:slug>/submit", submit, name="submit"),
]
