"""The reporter's inbox: a receipt code opens it; the reporter's browser then holds a sealed
inbox pass (``reporting.inbox_pass``), until they leave or close the browser. The server
keeps no session for a reporter: no row, no expiry time (ADR 0016).

A signed-in member of staff is asked to sign out first, so that no browser ever holds a
staff session and an inbox pass that both work.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from candour.core.access import public
from candour.core.client_limits import client_of, describe_wait
from candour.reporting import inbox_pass, selectors
from candour.reporting.forms.inbox import RECEIPT_REFUSED, ReceiptForm, ReplyForm
from candour.reporting.lifecycle import REPORTER_VIEW
from candour.reporting.models import Message, Report
from candour.reporting.services import conversation
from candour.reporting.services import inbox as inbox_service


def _inbox_report(request: HttpRequest) -> Report | None:
    """The report this browser's pass opens, while its receipt can still open it."""
    if request.user.is_authenticated:
        return None
    pk = inbox_pass.read(request.COOKIES.get(inbox_pass.COOKIE, ""))
    return None if pk is None else selectors.find_inbox_report(pk=pk)


def _give_pass(response: HttpResponse, report: Report) -> HttpResponse:
    """A browser-session cookie (no expiry date: it ends when the browser closes), issued
    once when the receipt opens the inbox: the pass's own end is not moved by activity."""
    response.set_cookie(
        inbox_pass.COOKIE,
        inbox_pass.issue(report_pk=report.pk),
        path=inbox_pass.COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


def _take_pass(response: HttpResponse) -> HttpResponse:
    response.delete_cookie(inbox_pass.COOKIE, path=inbox_pass.COOKIE_PATH, samesite="Strict")
    return response


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
    wait = 0
    if form.is_valid():
        try:
            report = inbox_service.open_inbox(
                receipt=form.cleaned_data["receipt"], client=client_of(request)
            )
        except inbox_service.ReceiptRefused:
            form.add_error("receipt", RECEIPT_REFUSED)
        except inbox_service.TryLater as later:
            wait = later.seconds
            form.add_error("receipt", _try_later_message(wait))
        else:
            return _give_pass(redirect("reporting:inbox_messages"), report)
    response = render(
        request, "reporting/inbox/open.html", {"form": form}, status=429 if wait else 400
    )
    if wait:
        response["Retry-After"] = str(wait)
    return response


def _try_later_message(seconds: int) -> str:
    return (
        "You have entered too many receipt codes that were not recognised. "
        f"Wait {describe_wait(seconds)}, then try again."
    )


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
    """Delete the pass (a signed-in member of staff stays signed in)."""
    return _take_pass(render(request, "reporting/inbox/left.html"))


urlpatterns = [
    path("inbox", inbox, name="inbox"),
    path("inbox/messages", inbox_messages, name="inbox_messages"),
    path("inbox/reply", inbox_reply, name="inbox_reply"),
    path("inbox/leave", inbox_leave, name="inbox_leave"),
]
