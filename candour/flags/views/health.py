"""Health users look a child up, typically in an emergency department in the small hours.

The number travels only in the POST body and the answer is rendered into that response (no
redirect), so it never reaches a URL, a log line or the browser's history; pages are no-store.
The service audits every lookup by a keyed digest and, from unscheduled care, tells the local
authority.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from candour.accounts.current import current_user
from candour.accounts.models import Role
from candour.core.access import staff
from candour.flags.forms.health import LookupForm
from candour.flags.models import Plan, PlanType
from candour.flags.services import lookups

# The last care setting chosen, so a clinician on a shift need not pick it every time. It is
# not personal data about the child.
SETTING_SESSION_KEY = "flags_care_setting"


@dataclass(frozen=True)
class PlanRow:
    label: str
    start_date: date
    end_date: date | None
    ended: bool


@dataclass(frozen=True)
class Phone:
    number: str
    href: str


def _phone(number: str) -> Phone | None:
    """A number as written, and a tel: link a phone can dial (digits and a leading +)."""
    number = number.strip()
    if not number:
        return None
    dialable = re.sub(r"[^0-9+]", "", number)
    return Phone(number, f"tel:{dialable}" if dialable else "")


def _plan_rows(plans: tuple[Plan, ...], today: date) -> list[PlanRow]:
    rows = [
        PlanRow(
            label=PlanType(plan.plan_type).label,
            start_date=plan.start_date,
            end_date=plan.end_date,
            ended=plan.end_date is not None and plan.end_date <= today,
        )
        for plan in plans
    ]
    # Current plans first: those are what the clinician must act on.
    return sorted(rows, key=lambda row: row.ended)


def _form_page(
    request: HttpRequest, form: LookupForm, *, notifies: bool, status: int = 200
) -> HttpResponse:
    return render(
        request, "flags/health/look_up.html", {"form": form, "notifies": notifies}, status=status
    )


def _result_page(request: HttpRequest, result: lookups.LookupResult) -> HttpResponse:
    if not result.found or result.subject is None:
        return render(request, "flags/health/not_found.html", {"result": result})
    subject = result.subject
    contact = result.contact
    plans = _plan_rows(result.plans, timezone.localdate())
    context = {
        "result": result,
        "subject": subject,
        "plans": plans,
        "has_current_plan": any(not plan.ended for plan in plans),
        "authority_name": contact.display_name if contact else subject.responsible_authority.name,
        "office_hours_phone": _phone(contact.office_hours_phone) if contact else None,
        "emergency_duty_phone": _phone(contact.emergency_duty_phone) if contact else None,
        "notified": bool(result.access and result.access.unscheduled),
        "history": result.history,
    }
    return render(request, "flags/health/found.html", context)


@staff(Role.HEALTH_UNSCHEDULED, Role.HEALTH_SCHEDULED)
@require_http_methods(["GET", "POST"])
def look_up(request: HttpRequest) -> HttpResponse:
    """Ask for the number and care setting; answer in the same response, never by redirect."""
    user = current_user(request)
    allowed = lookups.LOOKUP_SETTINGS.get(user.role, frozenset())
    notifies = user.role == Role.HEALTH_UNSCHEDULED
    if request.method != "POST":
        remembered = request.session.get(SETTING_SESSION_KEY)
        initial = {"care_setting": remembered} if remembered in allowed else {}
        form = LookupForm(allowed_settings=allowed, initial=initial)
        return _form_page(request, form, notifies=notifies)

    form = LookupForm(request.POST, allowed_settings=allowed)
    if not form.is_valid():
        return _form_page(request, form, notifies=notifies, status=400)
    care_setting: str = form.cleaned_data["care_setting"]
    request.session[SETTING_SESSION_KEY] = care_setting
    try:
        result = lookups.look_up(
            principal=lookups.Principal.for_user(user),
            identifier=form.cleaned_data["identifier"],
            care_setting=care_setting,
        )
    except lookups.LookupRefused as refusal:
        if refusal.code == "rate_limited":
            return render(
                request, "flags/health/refused.html", {"message": refusal.message}, status=429
            )
        if refusal.code == "care_setting":
            form.add_error("care_setting", refusal.message)
            return _form_page(request, form, notifies=notifies, status=400)
        raise PermissionDenied(refusal.message) from refusal
    return _result_page(request, result)
