"""The reporter's inbox: a receipt code opens it; the session then holds only the report's
primary key, until the reporter leaves or closes the browser.

A signed-in member of staff is asked to sign out first, so that no session ever holds both
a user account and a report.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from candour.core.access import public
from candour.reporting import selectors
from candour.reporting.forms.inbox import RECEIPT_REFUSED, ReceiptForm, ReplyForm
from candour.reporting.lifecycle import REPORTER_VIEW
from candour.reporting.models import Message, Report
from candour.reporting.services import conversation
from candour.reporting.services import inbox as inbox_service

SESSION_KEY = "inbox_report"


def _inbox_report(request: HttpRequest) -> Report | None:
    """The report this session's receipt opened, while it can still be opened."""
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return selectors.find_inbox_report(pk=pk)


def _signed_in(request: HttpRequest, status: int = 200) -> HttpResponse:
    return render(request, "reporting/inbox/signed_in.html", status=status)


@public
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return _signed_in(request, status=200 if request.method == "GET" else 403)
    if request.method == "GET":
        return render(request, "reporting/inbox/open.html", {"form": ReceiptForm()})
    form = ReceiptForm(request.POST)
    if form.is_valid():
        try:
            report = inbox_service.open_inbox(receipt=form.cleaned_data["receipt"])
        except inbox_service.ReceiptRefused:
            form.add_error("receipt", RECEIPT_REFUSED)
        else:
            request.session.cycle_key()
            request.session[SESSION_KEY] = report.pk
            return redirect("reporting:inbox_messages")
    return render(request, "reporting/inbox/open.html", {"form": form}, status=400)


def _messages_page(
    request: HttpRequest, report: Report, form: ReplyForm, status: int = 200
) -> HttpResponse:
    messages_ = conversation.read_messages(report=report)
    tag, colour, detail = REPORTER_VIEW.get(
        report.status, (report.get_status_display(), "govuk-tag--grey", "")
    )
    context = {
        "report": report,
        "status": {"text": tag, "colour": colour, "detail": detail},
        "feedback": [m for m in messages_ if m["purpose"] == Message.Purpose.FEEDBACK],
        "conversation": [m for m in messages_ if m["purpose"] != Message.Purpose.FEEDBACK],
        "form": form,
        "can_reply": inbox_service.can_reply(report),
    }
    return render(request, "reporting/inbox/messages.html", context, status=status)


@public
@require_safe
def inbox_messages(request: HttpRequest) -> HttpResponse:
    report = _inbox_report(request)
    if report is None:
        return redirect("reporting:inbox")
    return _messages_page(request, report, ReplyForm())


@public
@require_POST
def inbox_reply(request: HttpRequest) -> HttpResponse:
    report = _inbox_report(request)
    if report is None:
        return redirect("reporting:inbox")
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            inbox_service.reply_as_reporter(report=report, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_error(None, exc)  # keyed by field name: "body"
        except inbox_service.ReportClosed:
            return _messages_page(request, report, ReplyForm(), status=409)
        else:
            messages.success(request, "Your reply has been sent")
            return redirect("reporting:inbox_messages")
    return _messages_page(request, report, form, status=400)


@public
@require_POST
def inbox_leave(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:  # never sign staff out from here
        request.session.pop(SESSION_KEY, None)
    else:
        request.session.flush()
    return render(request, "reporting/inbox/left.html")


urlpatterns = [
    path("inbox", inbox, name="inbox"),
    path("inbox/messages", inbox_messages, name="inbox_messages"),
    path("inbox/reply", inbox_reply, name="inbox_reply"),
    path("inbox/leave", inbox_leave, name="inbox_leave"),
]
