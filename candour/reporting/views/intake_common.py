"""What every intake officer's page shares: the officer and the report (404 for another
organisation's), the refusal page, and the page that asks why sealed content is opened."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from candour.accounts.current import current_user
from candour.accounts.models import Role, User
from candour.reporting import selectors
from candour.reporting.forms.staff import ReasonForm
from candour.reporting.models import Report

INTAKE = Role.INTAKE_OFFICER


def officer_and_report(request: HttpRequest, reference: str) -> tuple[User, Report]:
    user = current_user(request)
    return user, selectors.get_report_for_intake(user=user, reference=reference)


def refused(request: HttpRequest, report: Report, error: PermissionDenied) -> HttpResponse:
    """A service said no: a GOV.UK page that says why, never a crash."""
    message = str(error) or "You cannot do this to this report."
    return render(
        request, "reporting/intake/refused.html", {"report": report, "message": message}, status=403
    )


def render_reason(
    request: HttpRequest,
    report: Report,
    form: ReasonForm,
    page: dict[str, str],
    action: str,
    unavailable: str = "",
) -> HttpResponse:
    return render(
        request,
        "reporting/intake/reason.html",
        {
            "report": report,
            "form": form,
            "page": page,
            "action": reverse(f"reporting:intake_{action}", kwargs={"reference": report.reference}),
            "unavailable": unavailable,
        },
        status=400 if form.errors and not unavailable else 200,
    )
