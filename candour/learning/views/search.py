"""Analysts search released, de-identified reports (their authority's, or for national
analysts every sharing authority's), and read one report found that way."""

from __future__ import annotations

import calendar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from candour.accounts.current import current_user
from candour.accounts.models import Role
from candour.core.access import staff
from candour.core.pagination import paginate
from candour.learning import presenters
from candour.learning.forms.search import SaveSearchForm, SearchForm
from candour.learning.selectors import pool, traps
from candour.learning.selectors import search as search_selectors

RESULTS_PER_PAGE = 20
# Matches are counted up to here (50 pages), and a broader search ranks its most recent this
# many: counting or ranking every match of a common word over a million reports costs more
# than anyone paging through them would gain (benchmarks/learning_scale.py, ADR 0019).
COUNT_LIMIT = 1000


@staff(Role.ANALYST)
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    national = pool.is_national(user)
    form = SearchForm(
        request.GET or None,
        authorities=pool.authority_choices(user=user),
        traps=traps.trap_choices(user=user),
    )
    context: dict[str, object] = {"form": form, "national": national, "searched": False}
    if form.is_bound and form.is_valid():
        query = form.query()
        found = search_selectors.ranked(
            user=user, query=query, filters=form.filters(), limit=COUNT_LIMIT
        )
        pagination = paginate(
            request, found.reports, per_page=RESULTS_PER_PAGE, count_limit=COUNT_LIMIT
        )
        page = list(pagination.page)
        snippets = search_selectors.snippets(page=page, query=query)
        labels = (
            pool.authority_labels(organisation_ids={r.organisation_id for r in page})
            if national
            else {}
        )
        context.update(
            searched=True,
            bounded=found.bounded,
            ranked_from_words=query is not None,
            page=pagination.page,
            pagination=pagination,
            results=presenters.results(page, snippets=snippets, authorities=labels),
            save_form=SaveSearchForm(),
            criteria=request.GET.urlencode(),
        )
    status = 400 if form.errors else 200
    return render(request, "learning/search.html", context, status=status)


@staff(Role.ANALYST)
@require_safe
def show_report(request: HttpRequest, reference: str) -> HttpResponse:
    """A released report as search found it: de-identified text and codes only."""
    user = current_user(request)
    indexed = pool.get_visible_report(user=user, reference=reference)
    label = ""
    if pool.is_national(user):
        label = pool.authority_labels(organisation_ids={indexed.organisation_id})[
            indexed.organisation_id
        ]
    year, month = divmod(indexed.occurred, 100)
    return render(
        request,
        "learning/report.html",
        {
            "indexed": indexed,
            "authority": label,
            "occurred": f"{calendar.month_name[month]} {year}",
            "summary": presenters.summary(indexed),
            "own": indexed.organisation_id == user.organisation_id,
        },
    )


urlpatterns: list[URLPattern] = [
    path("learning/search", search, name="search"),
    path("learning/reports/<str:reference>", show_report, name="report"),
]
