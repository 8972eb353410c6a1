"""POST /api/v1/reports: the public report as JSON, for integration with case systems.

No sign-in (like the public reporting link) and no session, so no CSRF check: the caller
names the programme by its slug. Every error is problem+json; no answer, error or log line
carries what the report says.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from ninja import Header, Router, Status
from ninja.decorators import decorate_view

from candour.core import keys
from candour.core.ceilings import CeilingReached
from candour.core.client_limits import client_of
from candour.core.problems import ProblemOut, problem
from candour.deidentify.types import KnownEntity
from candour.reporting import selectors
from candour.reporting.schemas import (
    IdempotencyKey,
    ReceiptOut,
    ReportIn,
)
from candour.reporting.services import submission as submissions
from candour.reporting.vocabulary import NARRATIVE_KEYS

router = Router(tags=["reporting"])

_JSON_TYPES = ("application/json",)
_KEY_VERSION = "api1:"

# check_submission's error keys, as the fields of the JSON body.
_FIELD_NAMES = {key: f"narrative.{key}" for key in NARRATIVE_KEYS} | {
    "contact_email": "contact",
}


def _json_only(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Refuse a body that is not declared as JSON (415) before anything parses it."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        content_type = request.content_type or ""
        if content_type not in _JSON_TYPES and not content_type.endswith("+json"):
            return problem(
                status=415,
                title="Send the report as JSON",
                detail="Set Content-Type: application/json.",
            )
        return run(request, *args, **kwargs)

    return wrapper


def stored_idempotency_key(*, programme_id: int, key: str, payload: ReportIn) -> str:
    """What is stored for a caller's Idempotency-Key: keyed digests of the programme and
    key, then of the whole report.

    A replay (the same report and receipt) needs the same programme, key and report, so
    nobody gets a receipt by guessing another system's key, and the database holds no key a
    case system could match to its own records.
    """
    scope = keys.digest("reporting.idempotency", f"scope:{programme_id}:{key}")
    body = keys.digest("reporting.idempotency", f"body:{payload.model_dump_json()}")
    return f"{_KEY_VERSION}{scope[:32]}:{body[:32]}"


def _key_prefix(stored_key: str) -> str:
    return stored_key.rsplit(":", 1)[0] + ":"


def _submission(payload: ReportIn) -> submissions.Submission:
    contact = payload.contact
    return submissions.Submission(
        kind=payload.kind,
        service_area=payload.service_area,
        occurred_month=payload.occurred_month,
        occurred_year=payload.occurred_year,
        narrative=payload.narrative.model_dump(),
        harm=payload.harm,
        harm_physical=payload.harm_physical,
        harm_psychological=payload.harm_psychological,
        reporter_role=payload.reporter_role,
        consent_to_publish=payload.consent_to_publish,
        confidentiality=payload.confidentiality,
        contact=submissions.Contact(**contact.model_dump()) if contact else submissions.Contact(),
        known=[KnownEntity(text=k.text, role=k.role) for k in payload.known],
    )


def _field_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    return [
        {"field": _FIELD_NAMES.get(name, name), "message": message}
        for name, messages in exc.message_dict.items()
        for message in messages
    ]


@router.post(
    "/reports",
    auth=None,
    response={
        201: ReceiptOut,
        200: ReceiptOut,
        frozenset({400, 404, 409, 413, 415, 422, 429}): ProblemOut,
    },
    summary="File a confidential report",
    description=(
        "Files a near-miss report with a reporting programme, as its public link does; no "
        "sign-in. Answers 201 with the report's reference and its 16-digit receipt, which "
        "opens the reporter's inbox and is shown only once. Send an `Idempotency-Key` "
        "(a new unique string, up to 100 characters, for each report) so that a retry after "
        "a lost answer files nothing new: for a day, the same report sent again with the "
        "same key answers 200 with the same reference and receipt; a different report with "
        "a key already used is refused (422). Errors are RFC 9457 problem+json; 422 lists "
        "every field error in `errors`. A client that has filed a lot in a short time gets "
        "429 with `Retry-After` (seconds) and nothing is filed: send the same report with "
        "the same key after that."
    ),
    operation_id="submit_report",
)
@decorate_view(_json_only)
def submit_report(
    request: HttpRequest,
    payload: ReportIn,
    idempotency_key: IdempotencyKey | None = Header(
        None,
        alias="Idempotency-Key",
        description="A new unique key for each report; sending the same report again "
        "with the same key returns the same reference and receipt instead of filing it twice",
    ),
) -> HttpResponse | Status:
    try:
        programme = selectors.get_programme(slug=payload.programme)
    except Http404:
        return problem(
            status=404, title="Not found", detail="There is no reporting programme with this name."
        )
    stored_key = None
    replay = False
    if idempotency_key:
        stored_key = stored_idempotency_key(
            programme_id=programme.pk, key=idempotency_key, payload=payload
        )
        in_use = selectors.find_idempotency_key(prefix=_key_prefix(stored_key))
        if in_use is not None and in_use != stored_key:
            return problem(
                status=422,
                title="The request has errors",
                detail="Correct the fields listed in errors and send it again.",
                errors=[
                    {
                        "field": "Idempotency-Key",
                        "message": "This key was already used for a different report. "
                        "Send a new key with each new report, and the same report with a retry.",
                    }
                ],
            )
        replay = in_use is not None
    try:
        report, receipt = submissions.submit_report(
            programme=programme,
            submission=_submission(payload),
            idempotency_key=stored_key,
            client=client_of(request),
        )
    except CeilingReached as refusal:
        response = problem(
            status=429,
            title="Too many reports from this client just now",
            detail=f"Nothing was filed. Send the same report again, with the same "
            f"Idempotency-Key, after {refusal.retry_after} seconds.",
        )
        response["Retry-After"] = str(refusal.retry_after)
        return response
    except DjangoValidationError as exc:
        return problem(
            status=422,
            title="The request has errors",
            detail="Correct the fields listed in errors and send it again.",
            errors=_field_errors(exc),
        )
    except submissions.ReplayExpired:
        return problem(
            status=409, title="This report was already received; its receipt can no longer be shown"
        )
    return Status(200 if replay else 201, ReceiptOut(reference=report.reference, receipt=receipt))
