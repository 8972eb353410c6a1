"""Intake officers and the reporter's identity: contact details (with an audited reason) and
disclosure outside the programme (the two-person rule)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from candour.accounts.current import current_user
from candour.core.access import staff
from candour.core.forms import add_service_errors
from candour.reporting import selectors
from candour.reporting.forms.staff import (
    DecisionForm,
    ReasonForm,
)
from candour.reporting.models import Disclosure, Report
from candour.reporting.services import disclosure as disclosures
from candour.reporting.services import intake
from candour.reporting.views.intake_common import (
    INTAKE,
    officer_and_report,
    refused,
    render_reason,
)
from candour.reporting.vocabulary import Confidentiality

# --- Contact details and disclosure ---------------------------------------------------------

CONTACT_REASON = {
    "title": "Contact details",
    "label": "Why do you need the reporter's contact details?",
    "intro": (
        "The reporter gave contact details so the programme could talk to them in "
        "confidence. Open them only when you need to."
    ),
    "button": "Show contact details",
}

DISCLOSURE_REASON = {
    "title": "Ask to disclose the reporter's identity",
    "label": "Why must the reporter's identity be disclosed outside the programme?",
    "intro": (
        "The reporter was promised confidentiality. A second intake officer must approve "
        "this request before their identity is disclosed."
    ),
    "button": "Send the request",
}


def _no_contact(report: Report) -> str:
    if report.confidentiality != Confidentiality.CONFIDENTIAL:
        return "This report is anonymous. There are no contact details."
    if report.contact is None:
        return "The contact details of this report have been destroyed."
    return ""


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, reference: str) -> HttpResponse:
    user, report = officer_and_report(request, reference)
    form = ReasonForm(request.POST or None, label=CONTACT_REASON["label"])
    unavailable = _no_contact(report)
    if unavailable:
        return render_reason(request, report, form, CONTACT_REASON, "contact", unavailable)
    if request.method == "POST" and form.is_valid():
        try:
            details = intake.open_contact(
                user=user, report=report, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return refused(request, report, exc)
        else:
            return render(
                request, "reporting/intake/contact.html", {"report": report, "contact": details}
            )
    return render_reason(request, report, form, CONTACT_REASON, "contact")


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def disclosure(request: HttpRequest, reference: str) -> HttpResponse:
    user, report = officer_and_report(request, reference)
    form = ReasonForm(request.POST or None, label=DISCLOSURE_REASON["label"])
    unavailable = ""
    if report.confidentiality != Confidentiality.CONFIDENTIAL:
        unavailable = "This report is anonymous. There is no identity to disclose."
        return render_reason(request, report, form, DISCLOSURE_REASON, "disclosure", unavailable)
    if request.method == "POST" and form.is_valid():
        try:
            disclosures.request_disclosure(
                user=user, report=report, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return refused(request, report, exc)
        else:
            messages.success(
                request, "Disclosure requested. A second intake officer must now decide."
            )
            return redirect("reporting:intake_report", reference=report.reference)
    return render_reason(request, report, form, DISCLOSURE_REASON, "disclosure")


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def decide_disclosure(request: HttpRequest, reference: UUID) -> HttpResponse:
    user = current_user(request)
    request_ = selectors.get_disclosure_for_intake(user=user, reference=reference)
    report = request_.report
    own = request_.requested_by_ref == str(user.reference)
    form = DecisionForm(request.POST or None)
    status = 200
    error = ""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                disclosures.decide_disclosure(user=user, disclosure=request_, approve=form.approve)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            except PermissionDenied as exc:
                error = (
                    "You asked for this disclosure, so you cannot decide it. "
                    "A second intake officer must approve or refuse it."
                    if own
                    else str(exc) or "You cannot decide this request."
                )
                status = 403
            else:
                outcome = "approved" if form.approve else "refused"
                messages.success(request, f"Disclosure {outcome}")
                return redirect("reporting:intake_report", reference=report.reference)
    return render(
        request,
        "reporting/intake/decide.html",
        {
            "report": report,
            "disclosure": request_,
            "form": form,
            "own": own,
            "error": error,
            "is_open": request_.state == Disclosure.State.REQUESTED,
        },
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("intake/disclosures/<uuid:reference>", decide_disclosure, name="intake_disclosure_decide"),
    path("intake/<str:reference>/contact", contact, name="intake_contact"),
    path("intake/<str:reference>/disclosure", disclosure, name="intake_disclosure"),
]
