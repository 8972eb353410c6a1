"""Intake officers: the queue, one report, review and release, the conversation with the
reporter, alerts, closure, contact details and disclosure (two-person rule).

Raw narrative and contact details are decrypted only by the services, each time with a
reason that is audited, and only ever rendered into the response: nothing decrypted is
kept in the session. Another organisation's report is not found (404, in the selectors).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from candour.accounts.current import current_user
from candour.accounts.models import Role, User
from candour.core.access import staff
from candour.deidentify.types import LABELS, EntityType
from candour.reporting import selectors, services
from candour.reporting.forms_staff import (
    KIND_SHORT,
    AlertForm,
    DecisionForm,
    MessageForm,
    ReasonForm,
    ReleaseForm,
    add_service_errors,
)
from candour.reporting.models import (
    NARRATIVE_FIELDS,
    Confidentiality,
    Disclosure,
    Report,
    Status,
)

INTAKE = Role.INTAKE_OFFICER


def _report(request: HttpRequest, reference: str) -> tuple[User, Report]:
    user = current_user(request)
    return user, selectors.get_report_for_intake(user=user, reference=reference)


def _refused(request: HttpRequest, report: Report, error: PermissionDenied) -> HttpResponse:
    """A service said no: a GOV.UK page that says why, never a crash."""
    message = str(error) or "You cannot do this to this report."
    return render(
        request, "reporting/intake/refused.html", {"report": report, "message": message}, status=403
    )


# --- Queue and report -------------------------------------------------------------------


@staff(INTAKE)
def queue(request: HttpRequest) -> HttpResponse:
    reports = selectors.list_queue(user=current_user(request))
    rows = [(report, KIND_SHORT.get(report.kind, report.kind)) for report in reports]
    return render(request, "reporting/intake/queue.html", {"rows": rows})


def _harm_detail(report: Report) -> str:
    kinds = [
        name
        for name, present in (
            ("physical", report.harm_physical),
            ("psychological", report.harm_psychological),
        )
        if present
    ]
    return " and ".join(kinds).capitalize()


@staff(INTAKE)
def show_report(request: HttpRequest, reference: str) -> HttpResponse:
    user, report = _report(request, reference)
    mine = str(user.reference)
    disclosures = [
        (disclosure, disclosure.requested_by_ref == mine)
        for disclosure in selectors.pending_disclosures(report=report)
    ]
    released = [
        (label, report.released[key])
        for key, label in NARRATIVE_FIELDS
        if report.released and report.released.get(key)
    ]
    context = {
        "report": report,
        "conversation": services.read_messages(report=report),
        "disclosures": disclosures,
        "disclosure_approved": selectors.has_approved_disclosure(report=report),
        "released": released,
        "occurred": f"{calendar.month_name[report.occurred_month]} {report.occurred_year}",
        "harm_detail": _harm_detail(report),
        "is_confidential": report.confidentiality == Confidentiality.CONFIDENTIAL,
        "is_closed": report.status == Status.CLOSED,
    }
    return render(request, "reporting/intake/report.html", context)


# --- Review and release -----------------------------------------------------------------

REVIEW_REASON = {
    "title": "Review and release",
    "label": "Why are you opening the original account?",
    "intro": (
        "The original account may name children, families, staff and the reporter. "
        "You will see it beside a de-identified draft that you can edit, then release "
        "for analysis."
    ),
    "button": "Open the original account",
}


def _entity_rows(original: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for entity in entities:
        try:
            kind = LABELS[EntityType(entity["type"])]
        except (KeyError, ValueError):
            kind = str(entity["type"])
        rows.append(
            {
                "type": kind,
                "found": original[entity["start"] : entity["end"]],
                "replacement": entity["replacement"],
                "suspect": entity["suspect"],
            }
        )
    return rows


def _render_review(
    request: HttpRequest,
    report: Report,
    opened: dict[str, Any],
    form: ReleaseForm,
    status: int = 200,
) -> HttpResponse:
    sections = []
    for key, label in NARRATIVE_FIELDS:
        original = opened["narrative"].get(key, "")
        draft = opened["draft"].get(key) or {"text": "", "entities": []}
        if not original.strip() and not draft["text"].strip():
            continue
        sections.append(
            {
                "key": key,
                "label": label,
                "original": original,
                "draft": draft["text"],
                "entities": _entity_rows(original, draft["entities"]),
                "field": form[key],
            }
        )
    return render(
        request,
        "reporting/intake/review.html",
        {"report": report, "form": form, "sections": sections},
        status=status,
    )


def _render_reason(
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


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask why; then show the original beside the draft (each opening is audited)."""
    user, report = _report(request, reference)
    form = ReasonForm(request.POST or None, label=REVIEW_REASON["label"])
    if report.is_shredded:
        unavailable = "The original account of this report has been destroyed."
        return _render_reason(request, report, form, REVIEW_REASON, "review", unavailable)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            opened = services.open_narrative(user=user, report=report, reason=reason)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, report, exc)
        else:
            initial: dict[str, Any] = {"reason": reason}
            for key, draft in opened["draft"].items():
                initial[key] = draft["text"]
            return _render_review(request, report, opened, ReleaseForm(initial=initial))
    return _render_reason(request, report, form, REVIEW_REASON, "review")


@staff(INTAKE)
@require_POST
def release(request: HttpRequest, reference: str) -> HttpResponse:
    user, report = _report(request, reference)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            services.release_report(user=user, report=report, texts=form.texts())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, report, exc)
        else:
            messages.success(request, f"Report {report.reference} released for analysis")
            return redirect("reporting:intake_report", reference=report.reference)
    # Show the original again beside the officer's edits: a new opening, audited with the
    # reason given when the review began.
    reason_form = ReasonForm({"reason": request.POST.get("reason", "")})
    if not reason_form.is_valid():
        return _render_reason(request, report, reason_form, REVIEW_REASON, "review")
    try:
        opened = services.open_narrative(
            user=user, report=report, reason=reason_form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        add_service_errors(reason_form, exc)
        return _render_reason(request, report, reason_form, REVIEW_REASON, "review")
    except PermissionDenied as exc:
        return _refused(request, report, exc)
    return _render_review(request, report, opened, form, status=400)


# --- Messages to the reporter -------------------------------------------------------------

_MESSAGE_PAGES: dict[str, dict[str, Any]] = {
    "question": {
        "service": services.ask_reporter,
        "title": "Ask the reporter a question",
        "label": "Your question",
        "hint": "Do not include names or other details that could identify anyone.",
        "required": "Enter your question",
        "button": "Send question",
        "done": "Question sent to the reporter",
    },
    "feedback": {
        "service": services.give_feedback,
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
    user, report = _report(request, reference)
    page = _MESSAGE_PAGES[which]
    form = MessageForm(
        request.POST or None, label=page["label"], hint=page["hint"], required=page["required"]
    )
    if request.method == "POST" and form.is_valid():
        service: Callable[..., Any] = page["service"]
        try:
            service(user=user, report=report, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, report, exc)
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
    user, report = _report(request, reference)
    form = AlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.raise_alert(user=user, report=report, summary=form.cleaned_data["summary"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, report, exc)
        else:
            messages.success(request, "Alert sent to the safety lead")
            return redirect("reporting:intake_report", reference=report.reference)
    return render(
        request,
        "reporting/intake/alert.html",
        {"report": report, "form": form},
        status=400 if form.errors else 200,
    )


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, reference: str) -> HttpResponse:
    user, report = _report(request, reference)
    error = ""
    if report.status == Status.CLOSED:
        # Closing again would restart the retention period: refuse instead.
        error = "This report is already closed"
    elif request.method == "POST":
        try:
            services.close_report(user=user, report=report)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied as exc:
            return _refused(request, report, exc)
        else:
            messages.success(request, f"Report {report.reference} closed")
            return redirect("reporting:intake_report", reference=report.reference)
    status = 400 if error and request.method == "POST" else 200
    return render(
        request, "reporting/intake/close.html", {"report": report, "error": error}, status=status
    )


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
    if report.contact_key is None or report.contact is None:
        return "The contact details of this report have been destroyed."
    return ""


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, reference: str) -> HttpResponse:
    user, report = _report(request, reference)
    form = ReasonForm(request.POST or None, label=CONTACT_REASON["label"])
    unavailable = _no_contact(report)
    if unavailable:
        return _render_reason(request, report, form, CONTACT_REASON, "contact", unavailable)
    if request.method == "POST" and form.is_valid():
        try:
            details = services.open_contact(
                user=user, report=report, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, report, exc)
        else:
            return render(
                request, "reporting/intake/contact.html", {"report": report, "contact": details}
            )
    return _render_reason(request, report, form, CONTACT_REASON, "contact")


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def disclosure(request: HttpRequest, reference: str) -> HttpResponse:
    user, report = _report(request, reference)
    form = ReasonForm(request.POST or None, label=DISCLOSURE_REASON["label"])
    unavailable = ""
    if report.confidentiality != Confidentiality.CONFIDENTIAL:
        unavailable = "This report is anonymous. There is no identity to disclose."
        return _render_reason(request, report, form, DISCLOSURE_REASON, "disclosure", unavailable)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_disclosure(
                user=user, report=report, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, report, exc)
        else:
            messages.success(
                request, "Disclosure requested. A second intake officer must now decide."
            )
            return redirect("reporting:intake_report", reference=report.reference)
    return _render_reason(request, report, form, DISCLOSURE_REASON, "disclosure")


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def decide_disclosure(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    request_ = selectors.get_disclosure_for_intake(user=user, pk=pk)
    report = request_.report
    own = request_.requested_by_ref == str(user.reference)
    form = DecisionForm(request.POST or None)
    status = 200
    error = ""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.decide_disclosure(user=user, disclosure=request_, approve=form.approve)
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
    path("intake/", queue, name="intake_queue"),
    path("intake/disclosures/<int:pk>", decide_disclosure, name="intake_disclosure_decide"),
    path("intake/<str:reference>", show_report, name="intake_report"),
    path("intake/<str:reference>/review", review, name="intake_review"),
    path("intake/<str:reference>/release", release, name="intake_release"),
    path("intake/<str:reference>/question", question, name="intake_question"),
    path("intake/<str:reference>/feedback", feedback, name="intake_feedback"),
    path("intake/<str:reference>/alert", alert, name="intake_alert"),
    path("intake/<str:reference>/close", close, name="intake_close"),
    path("intake/<str:reference>/contact", contact, name="intake_contact"),
    path("intake/<str:reference>/disclosure", disclosure, name="intake_disclosure"),
]
