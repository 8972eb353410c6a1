from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from candour.accounts.current import current_user
from candour.audit import selectors
from candour.audit.forms import AuditFilterForm
from candour.core.access import auditor

PAGE_SIZE = 50


@auditor
def list_entries(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = AuditFilterForm(request.GET or None, actions=selectors.list_actions(auditor=user))
    filters = selectors.AuditFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.AuditFilters(
            action=data["action"] or "",
            actor_ref=str(data["actor_ref"]) if data["actor_ref"] else "",
            object_ref=data["object_ref"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    page = Paginator(
        selectors.list_entries_for_auditor(auditor=user, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    names = selectors.actor_names(auditor=user, refs={e.actor_ref for e in page})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list_entries.html",
        {"form": form, "page": page, "names": names, "query": query.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
