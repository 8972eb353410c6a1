"""Administrators configure their organisation's reporting programme."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from candour.accounts.current import current_user
from candour.accounts.models import Role
from candour.core.access import staff
from candour.reporting import selectors
from candour.reporting.forms.programme import ProgrammeForm
from candour.reporting.services import programme as programme_service


@staff(Role.ADMINISTRATOR)
def edit_programme(request: HttpRequest) -> HttpResponse:
    admin = current_user(request)
    programme = selectors.get_programme_for_admin(admin=admin)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        programme_service.update_programme(
            admin=admin, programme=programme, changes=form.cleaned_data
        )
        messages.success(request, "Reporting programme saved")
        return redirect("reporting:edit_programme")
    status = 400 if form.is_bound else 200
    return render(
        request,
        "reporting/programme/edit.html",
        {"form": form, "programme": programme},
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("programme", edit_programme, name="edit_programme"),
]
