"""Reads for the service-wide pages: the health check and the site's start page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.urls import reverse

from candour.reporting.models import Programme


def database_answers() -> bool:
    """Return whether the default database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


@dataclass(frozen=True)
class ReportingLink:
    organisation: str
    path: str


def list_reporting_links() -> list[ReportingLink]:
    """Return every organisation's public reporting link, by organisation name.

    The links are public on purpose: a practitioner reports without an account.
    """
    programmes = Programme.objects.select_related("organisation").order_by(
        "organisation__name", "slug"
    )
    return [
        ReportingLink(
            organisation=programme.organisation.name,
            path=reverse("reporting:start", kwargs={"slug": programme.slug}),
        )
        for programme in programmes
    ]
