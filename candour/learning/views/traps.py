"""Error traps: what discovery found, and analysts confirming, naming, closing, linking
and unlinking. Analysts of the organisation only."""

from __future__ import annotations

from uuid import UUID

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
from candour.learning import presenters
from candour.learning.forms.traps import LinkForm, MergeForm, SplitForm, TrapForm
from candour.learning.models.traps import ErrorTrap, TrapStatus
from candour.learning.selectors import traps as selectors
from candour.learning.services import traps as trap_service
from candour.learning.trap_lifecycle import TRAP


@staff(Role.ANALYST)
@require_http_methods(["GET", "HEAD", "POST"])
def list_traps(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if request.method == "POST":
        trap_service.request_discovery(user=user)
        messages.success(request, "Looking for error traps now. Refresh this page in a minute.")
        return redirect("learning:traps")
    named, candidates = selectors.list_traps(user=user)
    waiting = selectors.waiting_suggestions(user=user)
    return render(
        request,
        "learning/traps/list.html",
        {
            "named": [(t, presenters.trend(t.months), waiting.get(t.pk, 0)) for t in named],
            "candidates": [(t, presenters.trend(t.months), 0) for t in candidates],
            "waiting": sum(waiting.values()),
            "last_run": selectors.find_last_run(organisation=user.organisation),
        },
    )


def _page(
    request: HttpRequest,
    trap: ErrorTrap,
    *,
    trap_form: TrapForm | None = None,
    link_form: LinkForm | None = None,
    merge_form: MergeForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    synopses = selectors.synopses(references=list(trap.representatives))
    return render(
        request,
        "learning/traps/trap.html",
        {
            "trap": trap,
            "status": TRAP.state_label(trap.status),
            "trend": presenters.trend(trap.months),
            "codes": [(presenters.code_label(code), count) for code, count in trap.codes],
            "representatives": [(ref, synopses.get(ref, "")) for ref in trap.representatives],
            "members": list(selectors.list_members(trap=trap)),
            "suggestions": list(selectors.list_suggestions(trap=trap)),
            "merge_form": merge_form or _merge_form(trap),
            "allowed": TRAP.allowed(trap),
            "buttons": [
                (event, TRAP.event_label(event).capitalize())
                for event in trap_service.BUTTON_EVENTS
                if TRAP.allows(trap, event)
            ],
            "trap_form": trap_form
            or TrapForm(initial={"name": trap.name, "description": trap.description}),
            "link_form": link_form or LinkForm(),
            "error": error,
        },
        status=status,
    )


def _merge_form(trap: ErrorTrap, data: object = None) -> MergeForm | None:
    if trap.status == TrapStatus.CLOSED:
        return None
    choices = [
        (str(other.reference), f"T-{other.number}" + (f": {other.name}" if other.name else ""))
        for other in selectors.list_merge_choices(trap=trap)
    ]
    return MergeForm(data, choices=choices) if choices else None


@staff(Role.ANALYST)
@require_http_methods(["GET", "HEAD", "POST"])
def show_trap(request: HttpRequest, reference: UUID) -> HttpResponse:
    """The trap; POST carries one action: name (confirm or rename), a status button, link
    a report or unlink one, answer a suggestion, or merge another trap into this one."""
    user = current_user(request)
    trap = selectors.get_trap(user=user, reference=reference)
    if request.method != "POST":
        return _page(request, trap)
    action = request.POST.get("action", "")
    try:
        if action == "name":
            form = TrapForm(request.POST)
            if not form.is_valid():
                return _page(request, trap, trap_form=form, status=400)
            change = trap_service.confirm if TRAP.allows(trap, "confirm") else trap_service.describe
            change(user=user, trap=trap, **form.cleaned_data)
            done = f"T-{trap.number} saved"
        elif action == "link":
            link_form = LinkForm(request.POST)
            if not link_form.is_valid():
                return _page(request, trap, link_form=link_form, status=400)
            try:
                trap_service.link(
                    user=user, trap=trap, reference=link_form.cleaned_data["reference"]
                )
            except ValidationError as error:
                add_service_errors(link_form, error)
                return _page(request, trap, link_form=link_form, status=400)
            done = "Report linked to the trap"
        elif action == "unlink":
            membership = selectors.get_membership(
                trap=trap, report_reference=request.POST.get("member", "")
            )
            trap_service.unlink(user=user, trap=trap, membership=membership)
            done = "Report taken out of the trap"
        elif action in {"accept", "reject"}:
            membership = selectors.get_membership(
                trap=trap, report_reference=request.POST.get("member", "")
            )
            trap_service.answer_suggestion(
                user=user, trap=trap, membership=membership, accept=action == "accept"
            )
            done = (
                f"{membership.report.reference} added to the trap"
                if action == "accept"
                else f"{membership.report.reference} will not be suggested to this trap again"
            )
        elif action == "merge":
            merge_form = _merge_form(trap, request.POST)
            if merge_form is None:
                raise ValidationError("There is no other open error trap to merge into this one")
            if not merge_form.is_valid():
                return _page(request, trap, merge_form=merge_form, status=400)
            try:
                trap_service.merge(
                    user=user, trap=trap, other_reference=merge_form.cleaned_data["other"]
                )
            except ValidationError as error:
                add_service_errors(merge_form, error)
                return _page(request, trap, merge_form=merge_form, status=400)
            done = "Trap merged into this one"
        else:
            trap_service.change_status(user=user, trap=trap, event=action)
            done = f"T-{trap.number} is now {TRAP.state_label(trap.status).lower()}"
    except ValidationError as error:
        trap.refresh_from_db()
        return _page(request, trap, error=" ".join(error.messages), status=400)
    messages.success(request, done)
    return redirect("learning:trap", reference=trap.reference)


@staff(Role.ANALYST)
@require_http_methods(["GET", "HEAD", "POST"])
def split_trap(request: HttpRequest, reference: UUID) -> HttpResponse:
    """Choose reports of the trap to move to a new candidate trap."""
    user = current_user(request)
    trap = selectors.get_trap(user=user, reference=reference)
    choices = [(m.report.reference, m.report.reference) for m in selectors.list_members(trap=trap)]
    form = SplitForm(request.POST if request.method == "POST" else None, choices=choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                new = trap_service.split(
                    user=user, trap=trap, references=form.cleaned_data["reports"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"T-{new.number} made from T-{trap.number}")
                return redirect("learning:trap", reference=new.reference)
    return render(
        request,
        "learning/traps/split.html",
        {"trap": trap, "form": form, "open": trap.status != TrapStatus.CLOSED},
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("learning/traps", list_traps, name="traps"),
    path("learning/traps/<uuid:reference>", show_trap, name="trap"),
    path("learning/traps/<uuid:reference>/split", split_trap, name="split_trap"),
]
