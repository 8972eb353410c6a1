"""Intake officers: the queue, one report, and its review and release (the other pages:
``intake_actions`` for messages, alerts, closing and reopening; ``intake_identity`` for
contact details and disclosure).

Raw narrative and contact details are decrypted only by the services, each time with a
reason that is audited, and only ever rendered into the response: nothing decrypted is
kept in the session. Another organisation's report is not found (404, in the selectors).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from candour.accounts.current import current_user
from candour.core.access import staff
from candour.core.forms import add_service_errors
from candour.core.pagination import paginate
from candour.reporting import presenters as present
from candour.reporting import selectors
from candour.reporting.forms.staff import (
    QueueFilterForm,
    ReasonForm,
    ReleaseForm,
)
from candour.reporting.lifecycle import REPORT
from candour.reporting.models import Report
from candour.reporting.services import conversation, intake
from candour.reporting.views.intake_common import (
    INTAKE,
    officer_and_report,
    refused,
    render_reason,
)
from candour.reporting.vocabulary import NARRATIVE_FIELDS, Confidentiality

QUEUE_PAGE_SIZE = 50


# --- Queue and report -------------------------------------------------------------------


@staff(INTAKE)
@require_http_methods(["GET"])
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    today = timezone.localdate()
    reports = selectors.list_queue(user=current_user(request), filters=form.filters(), today=today)
    pagination = paginate(request, reports, per_page=QUEUE_PAGE_SIZE)
    context = {
        "form": form,
        "pagination": pagination,
        "rows": present.queue_rows(list(pagination.page), today=today),
        "overdue_days": present.OVERDUE_DAYS,
    }
    return render(
        request,
        "reporting/intake/queue.html",
        context,
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@staff(INTAKE)
def show_report(request: HttpRequest, reference: str) -> HttpResponse:
    user, report = officer_and_report(request, reference)
    mine = str(user.reference)
    disclosures_ = [
        (disclosure, disclosure.requested_by_ref == mine)
        for disclosure in selectors.list_pending_disclosures(report=report)
    ]
    context = {
        "report": report,
        "actions": present.intake_actions(report),
        "conversation": conversation.read_messages(report=report),
        "disclosures": disclosures_,
        "disclosure_approved": selectors.has_approved_disclosure(report=report),
        "released": present.released_sections(report),
        "occurred": present.occurred(report),
        "harm_detail": present.harm_detail(report),
        "is_confidential": report.confidentiality == Confidentiality.CONFIDENTIAL,
        "has_review_draft": report.review_draft is not None,
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
                "entities": present.entity_rows(original, draft["entities"]),
                "field": form[key],
                # The engine ran out of time (or failed) on this answer (ADR 0014).
                "missing": bool(draft.get("missing")),
            }
        )
    missing = [section for section in sections if section["missing"]]
    return render(
        request,
        "reporting/intake/review.html",
        {
            "report": report,
            "form": form,
            "sections": sections,
            "has_review_draft": opened.get("review") is not None,
            "missing_sections": missing,
            "all_missing": bool(missing) and len(missing) == len(sections),
        },
        status=status,
    )


def _unavailable_review(report: Report) -> str:
    if report.is_shredded:
        return "The original account of this report has been destroyed."
    if not intake.can_review(report):
        return REPORT.refusal(report, "release")
    return ""


@staff(INTAKE)
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask why; then show the original beside the draft (each opening is audited), with the
    officer's saved review, if any, in the boxes to edit."""
    user, report = officer_and_report(request, reference)
    form = ReasonForm(request.POST or None, label=REVIEW_REASON["label"])
    unavailable = _unavailable_review(report)
    if unavailable:
        return render_reason(request, report, form, REVIEW_REASON, "review", unavailable)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            opened = intake.open_narrative(user=user, report=report, reason=reason)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return refused(request, report, exc)
        else:
            initial: dict[str, Any] = {"reason": reason}
            if opened["review"] is not None:
                initial.update(opened["review"])
            else:
                for key, draft in opened["draft"].items():
                    initial[key] = draft["text"]
            return _render_review(request, report, opened, ReleaseForm(initial=initial))
    return render_reason(request, report, form, REVIEW_REASON, "review")


def _confirm_release(request: HttpRequest, report: Report, form: ReleaseForm) -> HttpResponse:
    texts = form.texts()
    sections = [(label, texts[key]) for key, label in NARRATIVE_FIELDS if texts.get(key)]
    return render(
        request,
        "reporting/intake/confirm_release.html",
        {"report": report, "form": form, "sections": sections},
    )


@staff(INTAKE)
@require_POST
def release(request: HttpRequest, reference: str) -> HttpResponse:
    """The review form's buttons: save the draft; continue to a confirmation of exactly what
    analysts will read; release (from that confirmation); or go back and edit."""
    user, report = officer_and_report(request, reference)
    form = ReleaseForm(request.POST)
    action = request.POST.get("action", "")
    if form.is_valid() and action in {"save", "continue", "release"}:
        try:
            if action == "save":
                intake.save_review_draft(user=user, report=report, texts=form.texts())
            elif action == "release":
                intake.release_report(user=user, report=report, texts=form.texts())
            else:
                intake.check_release_texts(form.texts())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            return refused(request, report, exc)
        else:
            if action == "continue":
                return _confirm_release(request, report, form)
            done = "Your review has been saved. You can finish it later"
            if action == "release":
                done = f"Report {report.reference} released for analysis"
            messages.success(request, done)
            return redirect("reporting:intake_report", reference=report.reference)
    # Show the original again beside the officer's edits: a new opening, audited with the
    # reason given when the review began.
    reason_form = ReasonForm({"reason": request.POST.get("reason", "")})
    if not reason_form.is_valid():
        return render_reason(request, report, reason_form, REVIEW_REASON, "review")
    try:
        opened = intake.open_narrative(
            user=user, report=report, reason=reason_form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        add_service_errors(reason_form, exc)
        return render_reason(request, report, reason_form, REVIEW_REASON, "review")
    except PermissionDenied as exc:
        return refused(request, report, exc)
    status = 400 if form.errors else 200
    return _render_review(request, report, opened, form, status=status)


urlpatterns: list[URLPattern] = [
    path("intake/", queue, name="intake_queue"),
    path("intake/<str:reference>", show_report, name="intake_report"),
    path("intake/<str:reference>/review", review, name="intake_review"),
    path("intake/<str:reference>/release", release, name="intake_release"),
]
