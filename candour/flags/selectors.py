"""Reading flags data, always within the user's own organisation (ADR 0006): another
organisation's upload, notification, alert or system answers as if it did not exist.

One rule (ADR 0013): ``get_*`` returns the object or raises Http404 (pages, and the JSON
API, which answers it as problem+json); ``find_*`` returns it or None (FHIR and jobs decide
for themselves); ``list_*`` returns a queryset."""

from __future__ import annotations

import hmac
import time
from typing import TypeVar
from uuid import UUID

from django.conf import settings
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import Http404

from candour.accounts.models import Role, User
from candour.flags import client_keys
from candour.flags.client_keys import KEY_PREFIX_LENGTH
from candour.flags.models import (
    ACCESS_HISTORY_LENGTH,
    APPLIED_RESULTS,
    AbuseAlert,
    Access,
    LineResult,
    LocalAuthorityContact,
    Notification,
    SystemClient,
    Upload,
    UploadLine,
    UploadStatus,
)

T = TypeVar("T")


def list_uploads(*, user: User) -> QuerySet[Upload]:
    """The uploads a flag manager may see: their own local authority's, newest first (a
    malformed file after the one that took its sequence number, if any). The file itself
    (`data`, kept until applied) is left in the database."""
    if user.role != Role.FLAG_MANAGER:
        return Upload.objects.none()
    return (
        Upload.objects.filter(organisation_id=user.organisation_id)
        .defer("data")
        .order_by("-sequence", "-pk")
    )


def _found(obj: T | None) -> T:
    if obj is None:
        raise Http404
    return obj


def get_upload(*, user: User, reference: UUID) -> Upload:
    return _found(list_uploads(user=user).filter(reference=reference).first())


def next_upload_sequence(*, user: User) -> int:
    """The number to suggest for a flag manager's next file: one above the highest held (a
    malformed file's number is still free)."""
    latest = list_uploads(user=user).exclude(status=UploadStatus.MALFORMED).first()
    return latest.sequence + 1 if latest else 1


def find_upload_holding(*, organisation_id: int, sequence: int) -> Upload | None:
    """The upload that holds this sequence number: received, being applied or applied (a
    malformed file holds none)."""
    return (
        Upload.objects.filter(organisation_id=organisation_id, sequence=sequence)
        .exclude(status=UploadStatus.MALFORMED)
        .defer("data")
        .first()
    )


def find_upload_by_sequence(*, organisation_id: int, sequence: int) -> Upload | None:
    """The upload holding this sequence number or, if none does, the latest malformed file
    sent with it (so a case system can read why it was not applied)."""
    return (
        Upload.objects.filter(organisation_id=organisation_id, sequence=sequence)
        .defer("data")
        .order_by(
            Case(
                When(status=UploadStatus.MALFORMED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            "-pk",
        )
        .first()
    )


def find_upload_to_apply(*, reference: str | UUID) -> Upload | None:
    """An upload for the worker that applies it, with its file (None once it is deleted)."""
    return Upload.objects.select_related("organisation").filter(reference=reference).first()


def list_upload_lines(
    *, user: User, upload_id: int, refused_first: bool = False
) -> QuerySet[UploadLine]:
    """Line results of one of the user's uploads once it is applied (none while it is being
    applied: the authority sees a file's whole result or nothing); another organisation's
    upload has none. With `refused_first`, refused lines come before applied ones (each in
    file order), so the problems are on page one."""
    lines = UploadLine.objects.filter(
        upload_id=upload_id,
        upload__in=list_uploads(user=user).filter(status=UploadStatus.APPLIED),
    )
    if not refused_first:
        return lines.order_by("line_number")
    return lines.annotate(
        applied=Case(
            When(result__in=APPLIED_RESULTS, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("applied", "line_number")


LINE_FILTERS = ("all", "refused", "applied")


def list_lines_of(upload: Upload, *, which: str = "all") -> QuerySet[UploadLine]:
    """An applied upload's line results in file order: all, only the refused or only the
    applied ones (the caller has checked the upload is the caller's)."""
    if upload.status != UploadStatus.APPLIED:
        return UploadLine.objects.none()
    lines = UploadLine.objects.filter(upload=upload).order_by("line_number")
    if which == "refused":
        return lines.exclude(result__in=APPLIED_RESULTS)
    if which == "applied":
        return lines.filter(result__in=APPLIED_RESULTS)
    return lines


def list_plans_sent_elsewhere(*, user: User) -> QuerySet[UploadLine]:
    """For a flag manager: upsert lines other authorities sent for children whose record the
    user's authority holds (refused there, so nothing changed here), newest first."""
    if user.role != Role.FLAG_MANAGER:
        return UploadLine.objects.none()
    return (
        UploadLine.objects.filter(
            result=LineResult.OTHER_AUTHORITY,
            subject__responsible_authority_id=user.organisation_id,
            upload__status=UploadStatus.APPLIED,
        )
        .exclude(upload__organisation_id=user.organisation_id)
        .select_related("subject", "upload__organisation__flag_contact")
        .defer("upload__data")
        .order_by("-upload__received_on", "-upload_id", "line_number")
    )


def find_contact(*, organisation_id: int) -> LocalAuthorityContact | None:
    return LocalAuthorityContact.objects.filter(organisation_id=organisation_id).first()


def list_notifications(*, user: User) -> QuerySet[Notification]:
    """A flag manager's inbox: their authority's notifications, unacknowledged first."""
    if user.role != Role.FLAG_MANAGER:
        return Notification.objects.none()
    return list_notifications_of(organisation_id=user.organisation_id)


def list_notifications_of(
    *, organisation_id: int, acknowledged: bool | None = None
) -> QuerySet[Notification]:
    """An authority's notifications, unacknowledged first (for its flag managers and, through
    the JSON API, its case system); the caller has checked who may see them. `acknowledged`
    True or False keeps only those that are (or are not) acknowledged."""
    notifications = Notification.objects.filter(authority_id=organisation_id)
    if acknowledged is not None:
        notifications = notifications.filter(acknowledged_at__isnull=not acknowledged)
    return notifications.select_related(
        "access__subject", "access__organisation", "acknowledged_by"
    ).order_by(F("acknowledged_at").asc(nulls_first=True), "-created_at")


def get_notification(*, user: User, reference: UUID) -> Notification:
    return _found(list_notifications(user=user).filter(reference=reference).first())


def find_notification(*, reference: str | UUID) -> Notification | None:
    """A notification for its delivery and escalation jobs (None once retention deleted it)."""
    return (
        Notification.objects.select_related("access__subject", "access__organisation", "authority")
        .filter(reference=reference)
        .first()
    )


def find_alert(*, reference: str | UUID) -> AbuseAlert | None:
    return AbuseAlert.objects.filter(reference=reference).first()


def find_notification_of(*, organisation_id: int, reference: UUID) -> Notification | None:
    return (
        list_notifications_of(organisation_id=organisation_id).filter(reference=reference).first()
    )


def list_access_history(*, notification: Notification) -> QuerySet[Access]:
    """The child's last 25 accesses, silent scheduled reads included, for the authority that
    holds the record (reference sheet F3: the history is visible to health and the LA). The
    caller has already found the notification through `notification_for`."""
    return (
        Access.objects.filter(subject_id=notification.access.subject_id)
        .select_related("organisation")
        .order_by("-accessed_at", "-pk")[:ACCESS_HISTORY_LENGTH]
    )


def list_alerts(*, user: User) -> QuerySet[AbuseAlert]:
    """An administrator's lookup alerts: their own organisation's, unreviewed first."""
    if user.role != Role.ADMINISTRATOR:
        return AbuseAlert.objects.none()
    return AbuseAlert.objects.filter(organisation_id=user.organisation_id).order_by(
        F("reviewed_at").asc(nulls_first=True), "-created_at"
    )


def get_alert(*, user: User, reference: UUID) -> AbuseAlert:
    return _found(list_alerts(user=user).filter(reference=reference).first())


def list_clients(*, user: User) -> QuerySet[SystemClient]:
    """An administrator's registered systems, newest first."""
    if user.role != Role.ADMINISTRATOR:
        return SystemClient.objects.none()
    return SystemClient.objects.filter(organisation_id=user.organisation_id).order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at"
    )


def get_client(*, user: User, reference: UUID) -> SystemClient:
    return _found(list_clients(user=user).filter(reference=reference).first())


# Live keys recently seen by this process: key hash -> (client, monotonic expiry). A system
# calls many times a second, and its key rarely changes, so one read serves a few seconds of
# calls; revoking clears this process's entry and other processes' expire within the TTL.
_KEY_CACHE: dict[str, tuple[SystemClient, float]] = {}
_KEY_CACHE_MAX = 1024


def find_client_by_key(key: str) -> SystemClient | None:
    """The live system a key belongs to, or None; compares hashes in constant time."""
    if not client_keys.looks_like_a_key(key):
        return None
    prefix = key[:KEY_PREFIX_LENGTH]
    digest = client_keys.hash_key(key)
    ttl = settings.CANDOUR_FLAGS_KEY_CACHE_SECONDS
    cached = _KEY_CACHE.get(digest)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    # [:1] rather than first(): the prefix is unique, and no ORDER BY to compile per call.
    client = next(
        iter(
            SystemClient.objects.select_related("organisation").filter(
                key_prefix=prefix, revoked_at__isnull=True
            )[:1]
        ),
        None,
    )
    if client is None or not hmac.compare_digest(client.key_hash, digest):
        return None
    if ttl > 0:
        if len(_KEY_CACHE) >= _KEY_CACHE_MAX:
            _KEY_CACHE.clear()
        _KEY_CACHE[digest] = (client, time.monotonic() + ttl)
    return client


def forget_client(client: SystemClient) -> None:
    """Drop a revoked key from this process's cache at once."""
    _KEY_CACHE.pop(client.key_hash, None)
