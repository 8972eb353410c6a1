"""/api/v1/flags/...: a local authority's uploads and access notifications, as JSON.

Two kinds of caller, both of a local authority: its case system, with the key an
administrator issued (`Authorization: Bearer`, no cookie so no CSRF), or one of its flag
managers in a verified browser session. Errors are problem+json; another authority's upload
or notification answers 404, as if it did not exist.

Acknowledging a notification is left to people: it tells the authority's escalation that
somebody has seen the access, so a system acknowledging on receipt would silence it.
"""

from __future__ import annotations

from typing import Any, Final, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Path, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from candour.accounts.models import Organisation, OrganisationKind, Role, User
from candour.core.problems import ProblemOut, problem
from candour.flags import selectors
from candour.flags.lifecycle import PENDING_STATES
from candour.flags.models import Notification, SystemClient, Upload
from candour.flags.schemas import (
    DATABASE_INT_MAX,
    LINES_OFFSET_MAX,
    LINES_PAGE_MAX,
    NOTIFICATION_OFFSET_MAX,
    AccessOut,
    AcknowledgedOut,
    NotificationOut,
    SubjectOut,
    UploadLineOut,
    UploadLinesOut,
    UploadOut,
)
from candour.flags.services import notifications
from candour.flags.services import upload as upload_service

router = Router(tags=["flags"])

# Upload.sequence is a PositiveIntegerField: the largest value every database stores.
MAX_SEQUENCE: Final = DATABASE_INT_MAX
CSV_TYPES: Final = frozenset({"text/csv", "application/csv"})
NOTIFICATION_PAGE_MAX: Final = 500

_CSV_BODY: Final[dict[str, Any]] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {
                "schema": {"type": "string", "minLength": 1},
                # A fictitious child, numbered from the never-issued 999 test range.
                "example": (
                    "identifier_system,identifier,family_name,given_name,date_of_birth,"
                    "plan_type,plan_start,plan_end,action\r\n"
                    "nhs,9990000018,Fenwick,Maisie,2016-04-12,CPP,2025-01-10,,upsert\r\n"
                ),
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary", "minLength": 1}},
                    "required": ["file"],
                }
            },
        },
    }
}


class ClientKeyAuth(HttpBearer):
    """A registered system's key (`Authorization: Bearer <key>`); revoked keys fail.

    A caller that sends a key is judged by it alone: a wrong key is 401 at once, rather than
    falling through to the session check (whose CSRF refusal, 403, would mislead a system).
    """

    def __call__(self, request: HttpRequest) -> Any:
        # Parsed here rather than by HttpBearer, which logs a malformed header in full.
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> SystemClient:
        client = selectors.find_client_by_key(token)
        if client is None:
            raise AuthenticationError()
        return client


def _flag_actor(request: HttpRequest) -> tuple[User | SystemClient, Organisation]:
    """The caller and its local authority: a flag manager, or one of the authority's systems."""
    actor: User | SystemClient | None = getattr(request, "auth", None)
    if isinstance(actor, SystemClient):
        allowed = actor.revoked_at is None
    elif isinstance(actor, User):
        allowed = actor.is_active and actor.role == Role.FLAG_MANAGER
    if actor is None or not allowed or actor.organisation.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise HttpError(403, "Only a local authority's flag managers and systems may do this")
    return actor, actor.organisation


def _upload_out(upload: Upload, *, resent: bool) -> UploadOut:
    """The file's state and counts; its lines are read a page at a time (`lines_url`), so
    the answer stays small however many lines were refused."""
    return UploadOut(
        sequence=upload.sequence,
        status=upload.status,
        result=upload.result,
        message=upload.message,
        lines_total=upload.lines_total,
        lines_applied=upload.lines_applied,
        lines_refused=upload.lines_refused,
        counts=upload.result_counts,
        lines_url=reverse("api:flag_upload_lines", kwargs={"sequence": upload.sequence}),
        resent=resent,
    )


def _csv_data(request: HttpRequest) -> bytes | HttpResponse:
    """The file, sent as the whole body (text/csv) or as a form's `file` field."""
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        file = request.FILES.get("file")
        data = file.read() if file is not None else b""
    elif content_type in CSV_TYPES:
        data = request.body
    else:
        return problem(
            status=415,
            title="Send the file as CSV",
            detail="Set Content-Type: text/csv and send the file as the body, or send it as "
            "the file field of a multipart/form-data form.",
        )
    if not data:
        return problem(
            status=400,
            title="The file is empty",
            detail="Nothing was applied, and the sequence number can still be used.",
        )
    return data


@router.post(
    "/flags/uploads",
    response={
        202: UploadOut,
        200: UploadOut,
        frozenset({400, 403, 413, 415, 422}): ProblemOut,
    },
    summary="Upload flags (CSV)",
    description=(
        "Sends a CSV file of child protection plans (format: candour/flags/uploads.py). "
        "Number each file: `sequence` is the next whole number for your authority. A file "
        "that can be read is answered 202 with `status: received` and a `Location` to ask "
        "for its result: the service applies it in the background, usually within seconds, "
        "and its status is then `applied`, with counts by result and each line's result at "
        "`lines_url`. A file that cannot be read as a whole (not UTF-8, a wrong header, a "
        "line with the wrong number of columns) is answered 422: nothing in it is applied and "
        "the sequence number is still free for the corrected file. A sequence number already "
        "used is not applied again: the answer is 200 with the earlier upload and `resent: "
        "true`, so resending after a lost answer is safe."
    ),
    openapi_extra=_CSV_BODY,
    operation_id="create_flag_upload",
)
def create_upload(
    request: HttpRequest,
    response: HttpResponse,
    sequence: int = Query(..., ge=1, le=MAX_SEQUENCE),
) -> HttpResponse | Status[UploadOut]:
    actor, organisation = _flag_actor(request)
    data = _csv_data(request)
    if isinstance(data, HttpResponse):
        return data
    try:
        receipt = upload_service.receive_upload(
            user=actor, organisation=organisation, sequence=sequence, data=data
        )
    except PermissionDenied as denied:
        raise HttpError(403, str(denied)) from None
    if receipt.malformed:
        return problem(
            status=422,
            title="The file cannot be read",
            detail=f"{receipt.upload.message} Nothing in it was applied, and sequence number "
            f"{sequence} is still free: correct the file and send it again with that number.",
        )
    out = _upload_out(receipt.upload, resent=receipt.resent)
    if receipt.resent:
        return Status(200, out)
    response["Location"] = reverse("api:flag_upload", kwargs={"sequence": sequence})
    return Status(202, out)


@router.get(
    "/flags/uploads/{sequence}",
    response={200: UploadOut, frozenset({403, 404, 422}): ProblemOut},
    summary="An upload's result",
    description=(
        "The upload holding this sequence number (`status` says whether it is applied yet) "
        "or, if none does, the last malformed file sent with it."
    ),
    operation_id="show_flag_upload",
    url_name="flag_upload",
)
def show_upload(
    request: HttpRequest, sequence: int = Path(..., ge=1, le=MAX_SEQUENCE)
) -> UploadOut:
    return _upload_out(_own_upload(request, sequence), resent=False)


def _own_upload(request: HttpRequest, sequence: int) -> Upload:
    _actor, organisation = _flag_actor(request)
    upload = selectors.find_upload_by_sequence(organisation_id=organisation.pk, sequence=sequence)
    if upload is None:
        raise Http404
    return upload


@router.get(
    "/flags/uploads/{sequence}/lines",
    response={200: UploadLinesOut, frozenset({403, 404, 409, 422}): ProblemOut},
    summary="An upload's line results, a page at a time",
    description=(
        "Each line's result in file order: `which=refused` for the lines to correct, "
        "`applied` or `all`; page with `offset` and `limit` (at most "
        f"{LINES_PAGE_MAX:,}). 409 while the upload is still being applied."
    ),
    operation_id="show_flag_upload_lines",
    url_name="flag_upload_lines",
)
def list_upload_lines(
    request: HttpRequest,
    sequence: int = Path(..., ge=1, le=MAX_SEQUENCE),
    which: Literal["all", "refused", "applied"] = "all",
    limit: int = Query(100, ge=1, le=LINES_PAGE_MAX),
    offset: int = Query(0, ge=0, le=LINES_OFFSET_MAX),
) -> HttpResponse | UploadLinesOut:
    upload = _own_upload(request, sequence)
    if upload.status in PENDING_STATES:
        return problem(
            status=409,
            title="The upload is still being applied",
            detail="Its line results are published when every line has been applied. Ask "
            "for the upload again in a few seconds.",
        )
    lines = selectors.list_lines_of(upload, which=which)
    return UploadLinesOut(
        total=lines.count(),
        offset=offset,
        limit=limit,
        lines=[
            UploadLineOut(
                line=line.line_number, result=line.result, field=line.field, message=line.message
            )
            for line in lines[offset : offset + limit]
        ],
    )


def _notification_out(notification: Notification) -> NotificationOut:
    access = notification.access
    subject = access.subject
    return NotificationOut(
        reference=notification.reference,
        created_at=notification.created_at,
        acknowledged_at=notification.acknowledged_at,
        escalated_at=notification.escalated_at,
        subject=SubjectOut(
            identifier_system=subject.identifier_system, identifier=subject.identifier
        ),
        access=AccessOut(
            at=access.accessed_at,
            care_setting=access.care_setting,
            person=access.person_name,
            role=access.role_label,
            organisation=access.organisation.name,
            organisation_ods_code=access.organisation.ods_code,
        ),
    )


_ACKNOWLEDGED: Final[dict[str, bool | None]] = {
    "all": None,
    "unacknowledged": False,
    "acknowledged": True,
}


@router.get(
    "/flags/notifications",
    response={200: list[NotificationOut], frozenset({403, 422}): ProblemOut},
    summary="Access notifications",
    description=(
        "Lookups of your authority's children from unscheduled care, unacknowledged first, "
        "then newest first. Page with `offset` and `limit`."
    ),
    operation_id="list_flag_notifications",
)
def list_notifications(
    request: HttpRequest,
    status: Literal["all", "unacknowledged", "acknowledged"] = "all",
    limit: int = Query(100, ge=1, le=NOTIFICATION_PAGE_MAX),
    offset: int = Query(0, ge=0, le=NOTIFICATION_OFFSET_MAX),
) -> list[NotificationOut]:
    _actor, organisation = _flag_actor(request)
    notifications = selectors.list_notifications_of(
        organisation_id=organisation.pk, acknowledged=_ACKNOWLEDGED[status]
    )
    return [_notification_out(n) for n in notifications[offset : offset + limit]]


def _notification(
    request: HttpRequest, reference: UUID
) -> tuple[User | SystemClient, Notification]:
    actor, organisation = _flag_actor(request)
    notification = selectors.find_notification_of(
        organisation_id=organisation.pk, reference=reference
    )
    if notification is None:
        raise Http404
    return actor, notification


@router.get(
    "/flags/notifications/{reference}",
    response={200: NotificationOut, frozenset({403, 404, 422}): ProblemOut},
    summary="One access notification",
    operation_id="show_flag_notification",
)
def show_notification(request: HttpRequest, reference: UUID) -> NotificationOut:
    _actor, notification = _notification(request, reference)
    return _notification_out(notification)


@router.post(
    "/flags/notifications/{reference}/acknowledge",
    response={200: AcknowledgedOut, frozenset({403, 404, 422}): ProblemOut},
    summary="Acknowledge an access notification",
    description=(
        "A flag manager confirms the authority has seen the access, which stops its "
        "escalation; `acknowledged` is false if someone already had. Systems may not "
        "acknowledge (403): a person has to have seen it."
    ),
    operation_id="acknowledge_flag_notification",
)
def acknowledge_notification(request: HttpRequest, reference: UUID) -> AcknowledgedOut:
    actor, notification = _notification(request, reference)
    if not isinstance(actor, User):
        raise HttpError(403, "A person must acknowledge: sign in as a flag manager")
    try:
        acknowledged = notifications.acknowledge(user=actor, notification=notification)
    except PermissionDenied as denied:
        raise HttpError(403, str(denied)) from None
    return AcknowledgedOut(acknowledged=acknowledged)
