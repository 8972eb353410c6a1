"""Intake officers act on a report: ask the reporter, give feedback, alert the safety lead,
close and reopen. Each page offers only what the report's state allows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from candour.core.access import staff
from candour.core.forms import add_service_errors
from candour.reporting.forms.staff import (
    AlertForm,
    MessageForm,
)
from candour.reporting.lifecycle import REPORT
from candour.reporting.services import intake
from candour.reporting.views.intake_common import (
    INTAKE,
    officer_and_report,
    refused,
)
from candour.reporting.vocabulary import Confidentiality

# --- Messages to the reporter -------------------------------------------------------------

_MESSAGE_PAGES: dict[str, dict[str, Any]] = {
    "question": {
        "service": intake.ask_reporter,
        "event": "ask",
        "title": "Ask the reporter a question",
        "label": "Your question",
        "hint": "Do not include names or other details that could identify anyone.",
        "required": "Enter your question",
        "button": "Send question",
        "done": "Question sent to the reporter",
    },
    "feedback": {
        "service": intake.give_feedback,
        "event": "give_feedback",
        "title": "You said, we did",
        "label": "What has been done as a result of this report",
        "hint": (
            "Tell the reporter what changed because they spoke up. "
            "Do not include names or other details that could identify anyone."
        ),
        "required": "Enter what has been done",
        "button": "Send feedback",
        "done": "Feedback sent to the reporter",
    },
}


def _message(request: HttpRequest, reference: str, which: str) -> HttpResponse:
    user, report = officer_and_report(request, reference)
    page = _MESSAGE_PAGES[which]
    form = MessageForm(
        request.POST or None, label=page["label"], hint=page["hint"], required=page["required"]
    )
    unavailable = (
        "" if REPORT.allows(report, page["event"]) else REPORT.refusal(report, page["event"])
    )
    if request.method == "POST" and unavailable:
        form.is_valid()
        form.add_error(None, unavailable)
    elif request.method == "POST" and form.is_valid():
        service: Callable[..., Any] = page["service"]
        try:
            service(user=user, report=report, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return refused(request, report, exc)
        else:
            messages.success(request, page["done"])
            return redirect("reporting:intake_report", reference=report.reference)
    return render(
        request,
        "reporting/intake/message.html",
        {
            "report": report,
            "form": form,
            "page": page,
            "is_confidential": report.confidentiality == Confidentiality.CONFIDENTIAL,
            "unavailable": unavailable,
        },
        status=400 if form.errors else 200,
    )


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, reference: str) -> HttpResponse:
    return _message(request, reference, "question")


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, reference: str) -> HttpResponse:
    return _message(request, reference, "feedback")


# --- Alert and closure --------------------------------------------------------------------


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def alert(request: HttpRequest, reference: str) -> HttpResponse:
    user, report = officer_and_report(request, reference)
    form = AlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            intake.raise_alert(user=user, report=report, summary=form.cleaned_data["summary"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return refused(request, report, exc)
        else:
            messages.success(request, "Alert sent to the safety lead")
            return redirect("reporting:intake_report", reference=report.reference)
    return render(
        request,
        "reporting/intake/alert.html",
        {"report": report, "form": form},
        status=400 if form.errors else 200,
    )


_MOVE_PAGES: dict[str, dict[str, str]] = {
    "close": {
        "event": "close",
        "title": "Close",
        "heading": "Close this report?",
        "intro": (
            "Close a report when the programme has finished with it: it has been reviewed, "
            "released if it is useful for learning, and the reporter has had any feedback."
        ),
        "warning": (
            "After the programme's retention period, the original account, the conversation "
            "and the reporter's contact details are destroyed for good. The released, "
            "de-identified account is kept."
        ),
        "button": "Close the report",
        "done": "closed",
    },
    "reopen": {
        "event": "reopen",
        "title": "Reopen",
        "heading": "Reopen this report?",
        "intro": (
            "Reopen a report to ask the reporter a question, give feedback or correct the "
            "released account. Its retention period stops: the original account is not "
            "destroyed while it is open, and the period starts again when you close it."
        ),
        "warning": "",
        "button": "Reopen the report",
        "done": "reopened",
    },
}


def _move(request: HttpRequest, reference: str, event: str) -> HttpResponse:
    """Close or reopen: a confirmation page, then the move; a state that no longer allows it
    gets the reason, never a crash or a silent restart of the retention clock."""
    user, report = officer_and_report(request, reference)
    page = _MOVE_PAGES[event]
    error = "" if REPORT.allows(report, event) else REPORT.refusal(report, event)
    if request.method == "POST" and not error:
        service = intake.close_report if event == "close" else intake.reopen_report
        try:
            service(user=user, report=report)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied as exc:
            return refused(request, report, exc)
        else:
            messages.success(request, f"Report {report.reference} {page['done']}")
            return redirect("reporting:intake_report", reference=report.reference)
    status = 400 if error and request.method == "POST" else 200
    context = {"report": report, "error": error, "page": page}
    return render(request, "reporting/intake/move.html", context, status=status)


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, reference: str) -> HttpResponse:
    return _move(request, reference, "close")


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    return _move(request, reference, "reopen")


urlpatterns: list[URLPattern] = [
    path("intake/<str:reference>/question", question, name="intake_question"),
    path("intake/<str:reference>/feedback", feedback, name="intake_feedback"),
    path("intake/<str:reference>/alert", alert, name="intake_alert"),
    path("intake/<str:reference>/close", close, name="intake_close"),
    path("intake/<str:reference>/reopen", reopen, name="intake_reopen"),
]
