"""FHIR over HTTP for the FHIR views (``fhir``): the media types answered and their
negotiation (``_format``, ``Accept``), errors as OperationOutcomes with Spine error codes
(also for the errors Django and the WSGI server answer themselves: ``outcome_for_status``,
``is_fhir_answer``), and ``fhir_interaction``, which makes a view answer as a FHIR server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any, Final

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

CONTENT_TYPE: Final = "application/fhir+json"
# What a client may ask for and get: FHIR's JSON type, or plain JSON for a client that names
# only that (FHIR http.html: a generic type is answered with the type asked for).
PLAIN_JSON: Final = "application/json"
MEDIA_TYPES: Final = frozenset({CONTENT_TYPE, PLAIN_JSON})
ALLOWED_METHODS: Final = "GET, HEAD"
FHIR_VERSION: Final = "4.0.1"
RESPONSIBLE_PERSON_HEADER: Final = "X-Responsible-Person"
RESPONSIBLE_PERSON_MAX: Final = 200
SPINE_ERROR_SYSTEM: Final = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode"

# Spine error codes (Spine-ErrorOrWarningCode) CP-IS answers with (§4.3), with their displays.
_SPINE_DISPLAYS: Final[dict[str, str]] = {
    "INVALID_SEARCH_DATA": "Invalid search data",
    "PRECONDITION_FAILED": "Precondition failed",
    "ACCESS_DENIED": "Access denied",
    "UNAUTHORIZED": "Unauthorized",
}
# FHIR issue types for errors Django answers itself (mapped by ApiProblemMiddleware).
_ISSUE_BY_STATUS: Final[dict[int, str]] = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    413: "too-long",
    414: "too-long",
    415: "not-supported",
    429: "throttled",
    431: "too-long",
    501: "not-supported",
}


class Refusal(Exception):  # noqa: N818  (a verdict on a request, answered as an outcome)
    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def json_response(body: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        status=status,
        content_type=CONTENT_TYPE,
    )


def outcome(
    status: int, code: str, text: str, *, spine: str | None = None, **headers: str
) -> HttpResponse:
    """An OperationOutcome with one error issue: `code` from FHIR's IssueType, `text` for
    people (never the identifier in full), `spine` a Spine-ErrorOrWarningCode."""
    details: dict[str, Any] = {"text": text}
    if spine:
        details["coding"] = [
            {
                "system": SPINE_ERROR_SYSTEM,
                "version": "1",
                "code": spine,
                "display": _SPINE_DISPLAYS[spine],
            }
        ]
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "details": details}],
    }
    response = json_response(body, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def outcome_for_status(status: int, detail: str | None = None) -> HttpResponse:
    """For errors answered before or outside the views (unknown path, a body too large, or
    the WSGI server's own refusals)."""
    code = _ISSUE_BY_STATUS.get(status, "exception" if status >= 500 else "processing")
    if detail is None:
        try:
            detail = HTTPStatus(status).phrase
        except ValueError:
            detail = "The request could not be answered"
    return outcome(status, code, detail)


def is_fhir_answer(content_type: str) -> bool:
    """Whether a response of this Content-Type came from the FHIR views (as is)."""
    return content_type.split(";")[0].strip().lower() in MEDIA_TYPES


# `_format` values (FHIR http.html §3.1.0.1.8) that mean JSON, and the type each is answered
# with; any other (xml, ttl, html, text/xml, …) asks for a format this server does not have.
_FORMATS: Final[dict[str, str]] = {
    "json": CONTENT_TYPE,
    CONTENT_TYPE: CONTENT_TYPE,
    "application/json+fhir": CONTENT_TYPE,  # the DSTU2 name, still sent by older clients
    PLAIN_JSON: PLAIN_JSON,
    "text/json": PLAIN_JSON,
}
# Accept media ranges, and which of our two types each one covers.
_RANGES: Final[dict[str, frozenset[str]]] = {
    CONTENT_TYPE: frozenset({CONTENT_TYPE}),
    "application/json+fhir": frozenset({CONTENT_TYPE}),
    PLAIN_JSON: frozenset({PLAIN_JSON}),
    "text/json": frozenset({PLAIN_JSON}),
    "application/*": MEDIA_TYPES,
    "*/*": MEDIA_TYPES,
}
_FHIR_VERSIONS: Final = frozenset({"4.0", FHIR_VERSION})


def _media_type(value: str) -> tuple[str, dict[str, str]]:
    name, *parameters = value.split(";")
    options = {}
    for parameter in parameters:
        key, _, option = parameter.partition("=")
        options[key.strip().lower()] = option.strip().strip('"')
    return name.strip().lower(), options


def negotiate(request: HttpRequest) -> str:
    """The media type to answer with: `_format` wins over `Accept` (as FHIR says), and a
    request for a format or FHIR version this server lacks is a 406 OperationOutcome."""
    formats = request.GET.getlist("_format")
    if formats:
        # An unencoded "+" (fhir+json) reaches us as a space, as a query string decodes it.
        kind, separator, parameters = formats[0].partition(";")
        name, options = _media_type(kind.strip().replace(" ", "+") + separator + parameters)
        answer = _FORMATS.get(name)
        if answer is None or options.get("fhirversion", FHIR_VERSION) not in _FHIR_VERSIONS:
            raise Refusal(_not_acceptable("The format asked for in _format is not available"))
        return answer
    accept = request.headers.get("Accept", "").strip()
    if not accept:
        return CONTENT_TYPE
    quality = dict.fromkeys(MEDIA_TYPES, 0.0)
    specificity = dict.fromkeys(MEDIA_TYPES, -1)
    for item in accept.split(","):
        name, options = _media_type(item)
        covered = _RANGES.get(name)
        if covered is None or options.get("fhirversion", FHIR_VERSION) not in _FHIR_VERSIONS:
            continue
        try:
            q = min(max(float(options.get("q", "1")), 0.0), 1.0)
        except ValueError:
            q = 0.0
        rank = 2 - name.count("*")  # a type, then type/*, then */*
        for media_type in covered:
            # The most specific range that names a type decides its quality (RFC 9110 §12.5.1).
            if rank > specificity[media_type]:
                quality[media_type], specificity[media_type] = q, rank
    best = max(quality[CONTENT_TYPE], quality[PLAIN_JSON])
    if best <= 0:
        raise Refusal(_not_acceptable("None of the types in Accept is available"))
    return CONTENT_TYPE if quality[CONTENT_TYPE] >= quality[PLAIN_JSON] else PLAIN_JSON


def _not_acceptable(reason: str) -> HttpResponse:
    return outcome(
        406,
        "not-supported",
        f"{reason}: this server answers in JSON only (_format=json, or Accept: "
        f"{CONTENT_TYPE}), FHIR {FHIR_VERSION}.",
    )


View = Callable[[HttpRequest], HttpResponse]


def fhir_interaction(view: View) -> View:
    """Answer GET (and HEAD, as GET) in the negotiated format; any other method is a 405
    OperationOutcome. Exempt from CSRF: FHIR calls are authenticated by their Authorization
    header alone, never by a cookie, and change nothing a forged request could use."""

    @wraps(view)
    def interaction(request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return outcome(
                405,
                "not-supported",
                f"{request.path} answers GET (and HEAD) only: this server supports the "
                "interactions its CapabilityStatement (GET /fhir/metadata) lists.",
                Allow=ALLOWED_METHODS,
            )
        try:
            media_type = negotiate(request)
        except Refusal as refusal:
            return refusal.response
        response = view(request)
        if media_type != CONTENT_TYPE:
            response["Content-Type"] = media_type
        return response

    return csrf_exempt(interaction)
