"""A local authority's flag manager: uploads and their results, the authority's contact details,
and the inbox of access notifications.

Uploads and notifications are read through selectors that keep to the user's own authority,
so another authority's object is not found (404). Notification pages show the child's
identifier and name: it is the authority's own record, shown only to its flag managers, and
only ever in a page, never in a URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from candour.accounts.current import current_user
from candour.accounts.models import Role
from candour.core.access import staff
from candour.core.forms import add_service_errors
from candour.core.pagination import paginate
from candour.flags import presenters, selectors, uploads
from candour.flags.forms.local_authority import ContactForm, UploadForm
from candour.flags.identifiers import IdentifierSystem
from candour.flags.lifecycle import PENDING_STATES
from candour.flags.models import APPLIED_RESULTS, Notification, Subject
from candour.flags.services import contact as contact_service
from candour.flags.services import notifications
from candour.flags.services import upload as upload_service

FLAG_MANAGER = Role.FLAG_MANAGER
LINES_PER_PAGE = 500
NOTIFICATIONS_PER_PAGE = 50
# A one-off "Important" notice for the next page shown at a given path (the sign-in page's
# pattern): django.contrib.messages shows every message as "Success", and these are not.
NOTICE_KEY = "flags_notice"


def _notify_next(request: HttpRequest, path: str, text: str) -> None:
    request.session[NOTICE_KEY] = {"path": path, "text": text}


def _notice_for(request: HttpRequest) -> str | None:
    notice = request.session.get(NOTICE_KEY)
    if not isinstance(notice, dict) or notice.get("path") != request.path:
        return None
    del request.session[NOTICE_KEY]
    return str(notice.get("text", ""))


# --- Uploads ----------------------------------------------------------------------------------


@staff(FLAG_MANAGER)
@require_safe
def list_uploads(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "flags/local_authority/uploads.html",
        {
            "uploads": list(selectors.list_uploads(user=user)),
            "sent_elsewhere": selectors.list_plans_sent_elsewhere(user=user).count(),
        },
    )


@staff(FLAG_MANAGER)
@require_http_methods(["GET", "POST"])
def new_upload(request: HttpRequest) -> HttpResponse:
    """Send a file once: POST, then redirect to its page, where the result appears when the
    worker has applied it (a resend shows the first file; a malformed one is a form error)."""
    user = current_user(request)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        next_sequence=selectors.next_upload_sequence(user=user),
    )
    if request.method == "POST" and form.is_valid():
        sequence: int = form.cleaned_data["sequence"]
        receipt = upload_service.receive_upload(
            user=user,
            organisation=user.organisation,
            sequence=sequence,
            data=form.cleaned_data["file"].read(),
        )
        if receipt.malformed:
            form.add_error(
                "file",
                f"The file cannot be read. {receipt.upload.message} Nothing in it was "
                f"applied: correct it and upload it again (sequence number {sequence} is "
                "still free)",
            )
        else:
            target = reverse("flags:upload", kwargs={"reference": receipt.upload.reference})
            if receipt.resent:
                _notify_next(
                    request,
                    target,
                    f"Sequence number {sequence} was already used, so the file you just sent "
                    "was not applied again. This is the file first sent with that number. To "
                    "send a new file, give it the next unused number.",
                )
            return redirect(target)
    return render(
        request,
        "flags/local_authority/new_upload.html",
        {"form": form, "header": ",".join(uploads.HEADER)},
        status=400 if form.is_bound else 200,
    )


@staff(FLAG_MANAGER)
@require_safe
def show_upload(request: HttpRequest, reference: UUID) -> HttpResponse:
    user = current_user(request)
    upload = selectors.get_upload(user=user, reference=reference)
    pagination = paginate(
        request,
        selectors.list_upload_lines(user=user, upload_id=upload.pk, refused_first=True),
        per_page=LINES_PER_PAGE,
    )
    return render(
        request,
        "flags/local_authority/upload.html",
        {
            "upload": upload,
            "pending": upload.status in PENDING_STATES,
            "counts": presenters.result_counts(upload),
            "page": pagination.page,
            "pagination": pagination,
            "notice": _notice_for(request),
            "applied_results": APPLIED_RESULTS,
        },
    )


@staff(FLAG_MANAGER)
@require_safe
def list_plans_sent_elsewhere(request: HttpRequest) -> HttpResponse:
    """Plans other authorities sent for children whose record this authority holds: not
    recorded there (one record per child), so the two can agree who holds it."""
    pagination = paginate(
        request,
        selectors.list_plans_sent_elsewhere(user=current_user(request)),
        per_page=NOTIFICATIONS_PER_PAGE,
    )
    rows = [(line, Child.for_subject(line.subject)) for line in pagination.page]
    return render(
        request,
        "flags/local_authority/sent_elsewhere.html",
        {"page": pagination.page, "pagination": pagination, "rows": rows},
    )


# --- Contact details --------------------------------------------------------------------------


@staff(FLAG_MANAGER)
@require_http_methods(["GET", "POST"])
def edit_contact(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    contact = selectors.find_contact(organisation_id=user.organisation_id)
    initial = {
        "display_name": contact.display_name if contact else user.organisation.name,
        "office_hours_phone": contact.office_hours_phone if contact else "",
        "emergency_duty_phone": contact.emergency_duty_phone if contact else "",
        "notification_email": contact.notification_email if contact else "",
        "webhook_url": contact.webhook_url if contact else "",
        "escalation_email": contact.escalation_email if contact else "",
        "escalate_after_minutes": (
            contact.escalate_after_minutes
            if contact
            else notifications.DEFAULT_ESCALATE_AFTER_MINUTES
        ),
    }
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = contact_service.update_contact(user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Contact details saved. The webhook signing secret is at the end of this page"
                if saved.webhook_url
                else "Contact details saved",
            )
            return redirect("flags:contact")
    return render(
        request,
        "flags/local_authority/contact.html",
        {"form": form, "contact": contact},
        status=400 if form.is_bound else 200,
    )


# --- Access notifications ---------------------------------------------------------------------


@dataclass(frozen=True)
class Child:
    """How a notification's child is shown: the identifier grouped 3-3-4 for reading aloud."""

    system_label: str
    identifier: str
    name: str

    @classmethod
    def of(cls, notification: Notification) -> Child:
        return cls.for_subject(notification.access.subject)

    @classmethod
    def for_subject(cls, subject: Subject) -> Child:
        value = subject.identifier
        return cls(
            system_label=IdentifierSystem(subject.identifier_system).label,
            identifier=f"{value[:3]} {value[3:6]} {value[6:]}",
            name=f"{subject.given_name} {subject.family_name}",
        )


def status_of(notification: Notification) -> str:
    if notification.acknowledged_at is not None:
        return "Acknowledged"
    if notification.escalated_at is not None:
        return "Escalated"
    return "New"


@staff(FLAG_MANAGER)
@require_safe
def list_notifications(request: HttpRequest) -> HttpResponse:
    pagination = paginate(
        request,
        selectors.list_notifications(user=current_user(request)),
        per_page=NOTIFICATIONS_PER_PAGE,
    )
    page = pagination.page
    rows = [(each, Child.of(each), status_of(each)) for each in page]
    return render(
        request,
        "flags/local_authority/notifications.html",
        {"page": page, "rows": rows, "pagination": pagination},
    )


@staff(FLAG_MANAGER)
@require_safe
def show_notification(request: HttpRequest, reference: UUID) -> HttpResponse:
    notification = selectors.get_notification(user=current_user(request), reference=reference)
    return render(
        request,
        "flags/local_authority/notification.html",
        {
            "notification": notification,
            "access": notification.access,
            "subject": notification.access.subject,
            "child": Child.of(notification),
            "status": status_of(notification),
            "notice": _notice_for(request),
            "history": list(selectors.list_access_history(notification=notification)),
        },
    )


@staff(FLAG_MANAGER)
@require_POST
def acknowledge_notification(request: HttpRequest, reference: UUID) -> HttpResponse:
    user = current_user(request)
    notification = selectors.get_notification(user=user, reference=reference)
    target = reverse("flags:notification", kwargs={"reference": notification.reference})
    if notifications.acknowledge(user=user, notification=notification):
        messages.success(request, "Notification acknowledged")
    else:
        _notify_next(
            request,
            target,
            "This notification had already been acknowledged, so nothing has changed.",
        )
    return redirect(target)
