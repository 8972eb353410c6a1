"""An analyst's saved searches: save one, see which new reports matched, delete one."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_safe

from candour.accounts.current import current_user
from candour.accounts.models import Role
from candour.core.access import staff
from candour.core.forms import add_service_errors
from candour.learning.forms.search import SaveSearchForm, SearchForm
from candour.learning.selectors import pool, traps
from candour.learning.selectors import saved_searches as selectors
from candour.learning.services import saved_searches


@staff(Role.ANALYST)
@require_http_methods(["GET", "HEAD", "POST"])
def save_search(request: HttpRequest) -> HttpResponse:
    """POST with the search's own query string; GET (a restored tab) goes back to search."""
    if request.method != "POST":
        return redirect(reverse("learning:search") + (f"?{request.GET.urlencode()}"))
    user = current_user(request)
    search_form = SearchForm(
        request.GET,
        authorities=pool.authority_choices(user=user),
        traps=traps.trap_choices(user=user),
    )
    form = SaveSearchForm(request.POST)
    if search_form.is_valid() and form.is_valid():
        try:
            saved_searches.save_search(
                user=user, name=form.cleaned_data["name"], criteria=request.GET.dict()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Search saved. We will tell you when a new report matches.")
            return redirect("learning:saved")
    return render(
        request,
        "learning/save_search.html",
        {"form": form, "search_form": search_form, "criteria": request.GET.urlencode()},
        status=400,
    )


@staff(Role.ANALYST)
@require_safe
def list_saved(request: HttpRequest) -> HttpResponse:
    saved = list(selectors.list_saved(user=current_user(request)))
    rows = [(s, saved_searches.query_string(s)) for s in saved]
    return render(request, "learning/saved.html", {"rows": rows})


@staff(Role.ANALYST)
@require_http_methods(["GET", "HEAD", "POST"])
def show_saved(request: HttpRequest, reference: UUID) -> HttpResponse:
    """The reports that matched since it was saved; POST deletes it or marks all seen."""
    user = current_user(request)
    saved = selectors.get_saved(user=user, reference=reference)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            saved_searches.delete_search(user=user, saved=saved)
            messages.success(request, "Saved search deleted")
            return redirect("learning:saved")
        saved_searches.mark_seen(user=user, saved=saved)
        return redirect("learning:saved_one", reference=saved.reference)
    return render(
        request,
        "learning/saved_one.html",
        {
            "saved": saved,
            "matches": list(selectors.list_matches(saved=saved)),
            "criteria": saved_searches.query_string(saved),
        },
    )


urlpatterns: list[URLPattern] = [
    path("learning/saved", list_saved, name="saved"),
    path("learning/saved/new", save_search, name="save_search"),
    path("learning/saved/<uuid:reference>", show_saved, name="saved_one"),
]
