"""An authority's administrator decides whether its released reports join the national pool."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from candour.accounts.current import current_user
from candour.accounts.models import OrganisationKind, Role
from candour.core.access import staff
from candour.core.forms import add_service_errors
from candour.learning.forms.sharing import SharingForm
from candour.learning.selectors import pool
from candour.learning.services import sharing as sharing_service


@staff(Role.ADMINISTRATOR)
@require_http_methods(["GET", "HEAD", "POST"])
def edit_sharing(request: HttpRequest) -> HttpResponse:
    admin = current_user(request)
    if admin.organisation.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise Http404
    current = pool.find_sharing(organisation=admin.organisation)
    initial = {
        "share_nationally": "yes" if current and current.share_nationally else "no",
        "region": current.region if current else "",
        "name_shown": "yes" if current and current.name_shown else "no",
    }
    form = SharingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sharing_service.update_sharing(
                admin=admin,
                share_nationally=data["share_nationally"] == "yes",
                region=data["region"],
                name_shown=data["name_shown"] == "yes",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "National learning settings saved")
            return redirect("learning:sharing")
    return render(
        request,
        "learning/sharing.html",
        {"form": form, "sharing": current},
        status=400 if form.errors else 200,
    )


urlpatterns: list[URLPattern] = [
    path("learning/sharing", edit_sharing, name="sharing"),
]
