"""Reading flag uploads, always within the user's own organisation (ADR 0006)."""

from __future__ import annotations

from django.db.models import QuerySet

from candour.accounts.models import Role, User
from candour.flags.models import LocalAuthorityContact, Upload, UploadLine


def uploads_for(*, user: User) -> QuerySet[Upload]:
    """The uploads a flag manager may see: their own local authority's, newest first."""
    if user.role != Role.FLAG_MANAGER:
        return Upload.objects.none()
    return Upload.objects.filter(organisation_id=user.organisation_id).order_by("-sequence")


def upload_lines(*, user: User, upload_id: int) -> QuerySet[UploadLine]:
    """Line results of one of the user's uploads; another organisation's upload has none."""
    return UploadLine.objects.filter(
        upload_id=upload_id, upload__in=uploads_for(user=user)
    ).order_by("line_number")


def contact_for(*, organisation_id: int) -> LocalAuthorityContact | None:
    return LocalAuthorityContact.objects.filter(organisation_id=organisation_id).first()
