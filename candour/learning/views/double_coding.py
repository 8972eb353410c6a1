"""Double coding: blind second codings, reconciliation and agreement (issue 11, part 5).

- analysts: the reports chosen for double coding, the blind second coding (which never shows
  the first coding) and the reconciliation (which shows both only once both exist);
- analysts and leaders: the agreement figures, aggregates only (no report, no coder);
- the administrator: the share of released reports coded twice.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_safe

from candour.accounts.current import current_user
from candour.accounts.models import OrganisationKind, Role, User
from candour.core.access import staff
from candour.core.forms import add_service_errors
from candour.core.lifecycle import IllegalMove
from candour.core.pagination import paginate
from candour.learning import agreement
from candour.learning.forms.double_coding import (
    PeriodForm,
    ReconcileForm,
    SecondCodingForm,
    ShareForm,
)
from candour.learning.lifecycle import DOUBLE_CODING, PAIRED_STATES
from candour.learning.models.double_coding import DoubleCoding, DoubleCodingStatus
from candour.learning.selectors import double_coding as selectors
from candour.learning.services import double_coding as service
from candour.reporting.vocabulary import (
    KIND_SHORT,
    NARRATIVE_FIELDS,
    Detection,
    Harm,
    LondonFactor,
    SciePattern,
)

PER_PAGE = 50
S = DoubleCodingStatus
FIELDS: tuple[tuple[str, str], ...] = (
    ("scie_patterns", "Underlying patterns (SCIE)"),
    ("london_factors", "Contributory factors (London Protocol)"),
    ("detection", "How it was detected"),
    ("harm", "Harm"),
    ("mitigation", "What mitigated it"),
    ("synopsis", "Synopsis"),
)
FIELD_LABELS = dict(FIELDS)
CHOICES: dict[str, dict[str, str]] = {
    "scie_patterns": dict(SciePattern.choices),
    "london_factors": dict(LondonFactor.choices),
    "detection": dict(Detection.choices),
    "harm": dict(Harm.choices),
}
CATEGORIES = {"scie_patterns": SciePattern.values, "london_factors": LondonFactor.values}
TAGS = {
    S.AWAITING_FIRST: "govuk-tag--grey",
    S.AWAITING_SECOND: "govuk-tag--blue",
    S.AWAITING_RECONCILIATION: "govuk-tag--yellow",
    S.RECONCILED: "govuk-tag--green",
}


# Display (no queries): what each page shows of a chosen report and of the figures.


@dataclass(frozen=True)
class Row:
    reference: str
    released_on: Any
    status: str
    tag: str
    action: str
    href: str


def _row(chosen: DoubleCoding, user: User) -> Row:
    reference = chosen.report.reference
    status = S(chosen.status)
    action, route = {
        S.AWAITING_FIRST: ("Code it", "reporting:analysis_report"),
        S.AWAITING_SECOND: ("Code it a second time", "learning:double_coding_second"),
        S.AWAITING_RECONCILIATION: ("Compare and agree", "learning:double_coding_reconcile"),
        S.RECONCILED: ("See both codings", "learning:double_coding_reconcile"),
    }[status]
    if status == S.AWAITING_SECOND and chosen.first_coded_by_ref == str(user.reference):
        action, route = "Another analyst will code it a second time", ""
    href = reverse(route, args=[reference]) if route else ""
    label = DOUBLE_CODING.state_label(status)
    return Row(reference, chosen.report.released_on, label, TAGS[status], action, href)


def _report_context(chosen: DoubleCoding) -> dict[str, Any]:
    report = chosen.report
    released = report.released or {}
    return {
        "report": report,
        "kind": KIND_SHORT.get(report.kind, report.kind),
        "occurred": f"{calendar.month_name[report.occurred_month]} {report.occurred_year}",
        "released": [
            (label, released[key]) for key, label in NARRATIVE_FIELDS if released.get(key)
        ],
    }


def _shown(name: str, coding: dict[str, Any] | None) -> list[str]:
    if coding is None:
        return []
    value = coding.get(name)
    names = CHOICES.get(name, {})
    if isinstance(value, list):
        return [names.get(str(v), str(v)) for v in value] or ["None selected"]
    if names:
        return [names.get(str(value), str(value))]
    return [str(value)] if value else ["Not recorded"]


@dataclass(frozen=True)
class Comparison:
    label: str
    first: list[str]
    second: list[str]
    agreed: list[str]
    same: bool


def _comparisons(chosen: DoubleCoding) -> list[Comparison]:
    first, second = chosen.first_coding or {}, chosen.second_coding or {}
    return [
        Comparison(
            label=label,
            first=_shown(name, first),
            second=_shown(name, second),
            agreed=_shown(name, chosen.agreed_coding),
            same=first.get(name) == second.get(name),
        )
        for name, label in FIELDS
    ]


def _starting_point(chosen: DoubleCoding) -> dict[str, Any]:
    """The agreed coding starts from what both chose alike (and the first coder's texts)."""
    first, second = chosen.first_coding or {}, chosen.second_coding or {}
    start: dict[str, Any] = {
        "mitigation": first.get("mitigation", ""),
        "synopsis": first.get("synopsis", ""),
    }
    for name in ("scie_patterns", "london_factors"):
        both = set(first.get(name) or ()) & set(second.get(name) or ())
        start[name] = [v for v in CATEGORIES[name] if v in both]
    for name in ("detection", "harm"):
        if first.get(name) == second.get(name):
            start[name] = first.get(name)
    return start


def _figure(coefficient: agreement.Coefficient) -> str:
    return f"{coefficient.value:.2f}" if coefficient.value is not None else "Not enough data"


def _percent(share: float | None) -> str:
    return "Not enough data" if share is None else f"{round(share * 100)}%"


def _figures(results: list[agreement.FieldAgreement]) -> list[dict[str, Any]]:
    shown = []
    for result in results:
        names = CHOICES[result.field]
        shown.append(
            {
                "field": result.field,
                "label": FIELD_LABELS[result.field],
                "method": result.method,
                "pairs": result.pairs,
                "observed": _percent(result.observed),
                "figure": _figure(result.coefficient),
                "reason": result.coefficient.reason,
                "categories": [
                    {
                        "label": names.get(category.category, category.category),
                        "first": category.first_count,
                        "second": category.second_count,
                        "observed": _percent(category.observed),
                        "kappa": _figure(category.kappa),
                    }
                    for category in result.categories
                ],
            }
        )
    return shown


# Pages.


@staff(Role.ANALYST)
@require_safe
def list_double_codings(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    pagination = paginate(request, selectors.list_for_analyst(user=user), per_page=PER_PAGE)
    return render(
        request,
        "learning/double_coding/list.html",
        {
            "rows": [_row(chosen, user) for chosen in pagination.page],
            "page": pagination.page,
            "pagination": pagination,
            "share": selectors.current_share(organisation=user.organisation),
        },
    )


@staff(Role.ANALYST)
@require_http_methods(["GET", "HEAD", "POST"])
def code_second(request: HttpRequest, reference: str) -> HttpResponse:
    """The blind second coding: the report's released account, never the first coding."""
    user = current_user(request)
    chosen = selectors.get_for_analyst(user=user, reference=reference)
    form = SecondCodingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service.record_second_coding(user=user, double_coding=chosen, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except IllegalMove as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Second coding of report {reference} saved")
            return redirect("learning:double_coding_list")
    is_first_coder = chosen.first_coded_by_ref == str(user.reference)
    context = {
        **_report_context(chosen),
        "form": form,
        "can_code": DOUBLE_CODING.allows(chosen, "record_second") and not is_first_coder,
        "is_first_coder": is_first_coder,
        "status": chosen.status,
        "status_label": DOUBLE_CODING.state_label(chosen.status),
    }
    status = 400 if form.errors else 200
    return render(request, "learning/double_coding/second.html", context, status=status)


@staff(Role.ANALYST)
@require_http_methods(["GET", "HEAD", "POST"])
def reconcile(request: HttpRequest, reference: str) -> HttpResponse:
    """Both codings side by side (only once both exist), and the one agreed coding."""
    user = current_user(request)
    chosen = selectors.get_for_analyst(user=user, reference=reference)
    paired = chosen.status in PAIRED_STATES
    # Nothing of either coding reaches the page before both exist (blindness).
    form = ReconcileForm(
        request.POST if request.method == "POST" else None,
        initial=_starting_point(chosen) if paired else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.reconcile(user=user, double_coding=chosen, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except IllegalMove as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Agreed coding of report {reference} saved")
            return redirect("learning:double_coding_reconcile", reference=reference)
    context = {
        **_report_context(chosen),
        "form": form,
        "paired": paired,
        "reconciled": chosen.status == S.RECONCILED,
        "can_reconcile": DOUBLE_CODING.allows(chosen, "reconcile"),
        "comparisons": _comparisons(chosen) if paired else [],
        "chosen": chosen,
        "status_label": DOUBLE_CODING.state_label(chosen.status),
    }
    status = 400 if form.errors else 200
    return render(request, "learning/double_coding/reconcile.html", context, status=status)


@staff(Role.ANALYST, Role.LEADER)
@require_safe
def show_agreement(request: HttpRequest) -> HttpResponse:
    """Per-field agreement between first and second codings over a period (aggregates)."""
    user = current_user(request)
    form = PeriodForm(request.GET or None)
    figures: list[dict[str, Any]] = []
    pairs = 0
    if not form.is_bound or form.is_valid():
        period = form.period() if form.is_bound else selectors.Period()
        found = selectors.list_pairs(user=user, period=period)
        pairs = len(found)
        figures = _figures(agreement.agreement(found, categories=CATEGORIES))
    counts = selectors.count_by_status(user=user)
    context = {
        "form": form,
        "figures": figures,
        "pairs": pairs,
        "min_pairs": agreement.MIN_PAIRS,
        "counts": [(DOUBLE_CODING.state_label(state), counts[state]) for state in S.values],
        "share": selectors.current_share(organisation=user.organisation),
    }
    status = 400 if form.errors else 200
    return render(request, "learning/double_coding/agreement.html", context, status=status)


@staff(Role.ADMINISTRATOR)
@require_http_methods(["GET", "HEAD", "POST"])
def edit_share(request: HttpRequest) -> HttpResponse:
    admin = current_user(request)
    if admin.organisation.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise Http404
    share = selectors.current_share(organisation=admin.organisation)
    form = ShareForm(
        request.POST if request.method == "POST" else None, initial={"share_percent": share}
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.set_share(admin=admin, share_percent=form.cleaned_data["share_percent"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Double coding share saved")
            return redirect("learning:double_coding_settings")
    status = 400 if form.errors else 200
    return render(
        request,
        "learning/double_coding/settings.html",
        {"form": form, "share": share},
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("learning/double-coding/", list_double_codings, name="double_coding_list"),
    path("learning/double-coding/agreement", show_agreement, name="double_coding_agreement"),
    path("learning/double-coding/settings", edit_share, name="double_coding_settings"),
    path(
        "learning/double-coding/<str:reference>/second",
        code_second,
        name="double_coding_second",
    ),
    path(
        "learning/double-coding/<str:reference>/reconcile",
        reconcile,
        name="double_coding_reconcile",
    ),
]
