"""Analysts keep searches and are told when a newly released report matches one.

A saved search keeps the search form's own query string, so it is re-read by the same form
(and the same rules) when it runs; the notice and its e-mail carry the report's reference
only, never its text nor the search's words (ADR 0019).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from candour.accounts.models import Role, User
from candour.audit import services as audit
from candour.learning.models.search import SavedSearch, SavedSearchMatch
from candour.notifications.models import Job
from candour.notifications.services import send_email_once
from candour.reporting.models import Report

MAX_SAVED_A_USER = 50


@transaction.atomic
def save_search(*, user: User, name: str, criteria: dict[str, str]) -> SavedSearch:
    if user.role != Role.ANALYST:
        raise PermissionDenied
    if SavedSearch.objects.filter(owner=user).count() >= MAX_SAVED_A_USER:
        raise ValidationError(
            {"name": f"You can keep {MAX_SAVED_A_USER} saved searches; delete one first"}
        )
    saved = SavedSearch.objects.create(
        owner=user,
        name=name.strip(),
        criteria={k: v for k, v in criteria.items() if k != "page" and v},
        created_on=timezone.localdate(),
    )
    audit.record(
        actor=user,
        action="learning.search.saved",
        object_type="saved_search",
        object_ref=saved.reference,
    )
    return saved


@transaction.atomic
def delete_search(*, user: User, saved: SavedSearch) -> None:
    if saved.owner_id != user.pk:
        raise PermissionDenied
    reference = saved.reference
    saved.delete()
    audit.record(
        actor=user,
        action="learning.search.deleted",
        object_type="saved_search",
        object_ref=reference,
    )


@transaction.atomic
def mark_seen(*, user: User, saved: SavedSearch) -> None:
    if saved.owner_id != user.pk:
        raise PermissionDenied
    saved.matches.filter(seen=False).update(seen=True)


def record_match(*, job: Job, saved: SavedSearch, report: Report) -> None:
    """Note the match for the analyst's page and e-mail them (once, whatever the retries)."""
    match, created = SavedSearchMatch.objects.get_or_create(
        saved_search=saved, report=report, defaults={"matched_on": timezone.localdate()}
    )
    if not created and match.seen:
        return
    link = settings.CANDOUR_BASE_URL.rstrip("/") + reverse("learning:saved")
    send_email_once(
        job=job,
        message_key=f"saved-search:{saved.reference}:{report.reference}",
        to=saved.owner.email,
        subject=f"A newly released report matches a saved search: {report.reference}",
        body=(
            f"Report {report.reference} has been released and matches one of your saved "
            f"searches.\n\nSign in to see it: {link}\n"
        ),
    )


def query_string(saved: SavedSearch) -> str:
    return urlencode(saved.criteria)
