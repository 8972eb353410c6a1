"""FHIR R4 API for clinical systems (CP-IS "device" access, reference sheet §4.3).

- `GET /fhir/Flag?identifier=<system>|<value>`: is this child flagged, and whom to call. A
  searchset Bundle of one `Flag` per plan, plus the responsible local authority as an
  included `Organization`; no entries means no record (not an error).
- `GET /fhir/AuditEvent?entity-identifier=<system>|<value>`: who looked before (the last 25).
- `GET /fhir/metadata`: the CapabilityStatement.

A system sends `Authorization: Bearer <key>` and `X-Responsible-Person` (the person answerable
for the access, recorded in the history the local authority sees) on every call. Only health
organisations' systems may search; the system's registered care setting decides whether the
local authority is notified (§3.4).

This is the hot path, so answers are plain dicts passed to `json.dumps`: FHIR model classes
(fhir.resources) only check the output, in tests. Every error is an `OperationOutcome`, with
a Spine error code where CP-IS defines one; `ApiProblemMiddleware` turns Django's own errors
under /fhir/ (unknown path, a body too large) into one too, and the gunicorn worker
(`candour.config.gunicorn_worker`) the errors it answers before Django runs (414, 431, 400).

Every endpoint answers as a FHIR server (`fhir_interaction`): GET, and HEAD as GET, with any
other method a 405 OperationOutcome naming them in `Allow` (no CSRF check: no FHIR call
is authenticated by a cookie, so there is nothing for one to protect); JSON only, as the
CapabilityStatement declares, so `_format` or an `Accept` header asking for anything else
(XML, Turtle, HTML) is a 406.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date
from functools import wraps
from http import HTTPStatus
from typing import Any, Final

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from candour.accounts.models import Organisation, OrganisationKind
from candour.core import keys, text
from candour.core.access import machine, public
from candour.flags import identifiers, selectors
from candour.flags.identifiers import FHIR_SYSTEM_URIS, Identifier, IdentifierSystem
from candour.flags.models import (
    UNSCHEDULED_SETTINGS,
    Access,
    CareSetting,
    LocalAuthorityContact,
    Plan,
    PlanType,
    Subject,
    SystemClient,
)
from candour.flags.services import lookups

CONTENT_TYPE: Final = "application/fhir+json"
# What a client may ask for and get: FHIR's JSON type, or plain JSON for a client that names
# only that (FHIR http.html: a generic type is answered with the type asked for).
PLAIN_JSON: Final = "application/json"
MEDIA_TYPES: Final = frozenset({CONTENT_TYPE, PLAIN_JSON})
ALLOWED_METHODS: Final = "GET, HEAD"
FHIR_VERSION: Final = "4.0.1"
RESPONSIBLE_PERSON_HEADER: Final = "X-Responsible-Person"
RESPONSIBLE_PERSON_MAX: Final = 200

FLAG_CATEGORY_SYSTEM: Final = "https://fhir.nhs.uk/England/CodeSystem/England-FlagCategoryPatient"
FLAG_CATEGORY_CODE: Final = "child-protection-information-system-flag"
SNOMED: Final = "http://snomed.info/sct"
ODS_SYSTEM: Final = "https://fhir.nhs.uk/Id/ods-organization-code"
SPINE_ERROR_SYSTEM: Final = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode"
AUDIT_EVENT_TYPE_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/audit-event-type"
RESTFUL_INTERACTION_SYSTEM: Final = "http://hl7.org/fhir/restful-interaction"
PURPOSE_OF_USE_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/v3-ActReason"

_SYSTEMS_BY_URI: Final[dict[str, IdentifierSystem]] = {
    uri: system for system, uri in FHIR_SYSTEM_URIS.items()
}
_PLAN_LABELS: Final[dict[str, str]] = {str(value): str(label) for value, label in PlanType.choices}
_SETTING_LABELS: Final[dict[str, str]] = {
    str(value): str(label) for value, label in CareSetting.choices
}

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


class _Refusal(Exception):  # noqa: N818  (a verdict on a request, answered as an outcome)
    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def _json(body: dict[str, Any], status: int = 200) -> HttpResponse:
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
    response = _json(body, status=status)
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
            raise _Refusal(_not_acceptable("The format asked for in _format is not available"))
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
        raise _Refusal(_not_acceptable("None of the types in Accept is available"))
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
        except _Refusal as refusal:
            return refusal.response
        response = view(request)
        if media_type != CONTENT_TYPE:
            response["Content-Type"] = media_type
        return response

    return csrf_exempt(interaction)


def _client(request: HttpRequest) -> tuple[SystemClient, str]:
    """The calling system (a health organisation's, key live) and its responsible person."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    client = selectors.find_client_by_key(key.strip()) if scheme.lower() == "bearer" else None
    if client is None:
        raise _Refusal(
            outcome(
                401,
                "login",
                "Send a valid system key as Authorization: Bearer <key>.",
                spine="UNAUTHORIZED",
                WWW_Authenticate='Bearer realm="candour"',
            )
        )
    if client.organisation.kind != OrganisationKind.NHS:
        raise _Refusal(
            outcome(
                403,
                "forbidden",
                "Only health organisations' systems may look children up.",
                spine="ACCESS_DENIED",
            )
        )
    person = _header_text(request.headers.get(RESPONSIBLE_PERSON_HEADER, "")).strip()
    found = text.problem(person, multiline=False)
    if found is not None:
        raise _Refusal(
            outcome(
                400,
                "invalid",
                f"The {RESPONSIBLE_PERSON_HEADER} header {found}.",
                spine="PRECONDITION_FAILED",
            )
        )
    if not person or len(person) > RESPONSIBLE_PERSON_MAX or not person.isprintable():
        raise _Refusal(
            outcome(
                400,
                "required",
                f"Send the name of the person responsible for this access in the "
                f"{RESPONSIBLE_PERSON_HEADER} header (1 to {RESPONSIBLE_PERSON_MAX} characters).",
                spine="PRECONDITION_FAILED",
            )
        )
    return client, person


def _header_text(value: str) -> str:
    """WSGI hands header bytes over as Latin-1; names (Siân, Zoë) arrive as UTF-8 bytes."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _identifier(request: HttpRequest, parameter: str) -> Identifier:
    """The one `<system>|<value>` token search parameter, checked as a national identifier."""
    values = request.GET.getlist(parameter)
    if len(values) != 1:
        raise _Refusal(
            outcome(
                400,
                "required" if not values else "invalid",
                f"Search with exactly one {parameter} parameter, as "
                f"{parameter}={FHIR_SYSTEM_URIS[IdentifierSystem.NHS]}|<NHS number>.",
                spine="INVALID_SEARCH_DATA",
            )
        )
    uri, bar, value = values[0].partition("|")
    system = _SYSTEMS_BY_URI.get(uri)
    if not bar or system is None:
        known = ", ".join(FHIR_SYSTEM_URIS.values())
        raise _Refusal(
            outcome(
                400,
                "invalid",
                f"The {parameter} system must be one of {known}, followed by | and the number.",
                spine="INVALID_SEARCH_DATA",
            )
        )
    try:
        return lookups.parse_identifier(value, system)
    except identifiers.InvalidIdentifier as invalid:
        raise _Refusal(
            outcome(400, "invalid", invalid.message, spine="INVALID_SEARCH_DATA")
        ) from None


def _refused(refusal: lookups.LookupRefused) -> HttpResponse:
    if refusal.code == "rate_limited":
        retry_after = refusal.retry_after or 60
        return outcome(429, "throttled", refusal.message, Retry_After=str(retry_after))
    return outcome(403, "forbidden", refusal.message, spine="ACCESS_DENIED")


def _searchset(request: HttpRequest, entries: list[dict[str, Any]], total: int) -> HttpResponse:
    body: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": "self", "url": request.build_absolute_uri()}],
    }
    if entries:
        body["entry"] = entries
    return _json(body)


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/")


@machine
@fhir_interaction
def search_flags(request: HttpRequest) -> HttpResponse:
    """Search for a child's flags; an unscheduled-care system's hit notifies the authority."""
    try:
        client, person = _client(request)
        identifier = _identifier(request, "identifier")
        result = lookups.look_up(
            principal=lookups.Principal.for_client(client, person),
            identifier=identifier,
            care_setting=client.care_setting,
            with_history=False,  # the history is the AuditEvent search's answer
        )
    except _Refusal as refusal:
        return refusal.response
    except lookups.LookupRefused as refusal:
        return _refused(refusal)
    subject = result.subject
    if subject is None:
        return _searchset(request, [], 0)
    base = _base(request)
    authority = subject.responsible_authority
    organisation = _organization(authority, result.contact)
    today = timezone.localdate()
    entries = [
        {
            "fullUrl": f"{base}Flag/{flag['id']}",
            "resource": flag,
            "search": {"mode": "match"},
        }
        for flag in (_flag(plan, subject, identifier, organisation, today) for plan in result.plans)
    ]
    entries.append(
        {
            "fullUrl": f"{base}Organization/{organisation['id']}",
            "resource": organisation,
            "search": {"mode": "include"},
        }
    )
    return _searchset(request, entries, len(result.plans))


def flag_id(subject: Subject, plan_type: str) -> str:
    """A Flag's id: stable for a child's plan (and across SECRET_KEY rotation) but saying
    nothing about the database: a name-based UUID in a namespace only this deployment knows."""
    namespace = uuid.UUID(bytes=keys.derive("flags.fhir-flag-id")[:16])
    return str(uuid.uuid5(namespace, f"{subject.pk}:{plan_type}"))


def _flag(
    plan: Plan,
    subject: Subject,
    identifier: Identifier,
    organisation: dict[str, Any],
    today: date,
) -> dict[str, Any]:
    period = {"start": plan.start_date.isoformat()}
    if plan.end_date is not None:
        period["end"] = plan.end_date.isoformat()
    active = plan.end_date is None or plan.end_date >= today
    return {
        "resourceType": "Flag",
        "id": flag_id(subject, plan.plan_type),
        "status": "active" if active else "inactive",
        "category": [
            {
                "coding": [
                    {
                        "system": FLAG_CATEGORY_SYSTEM,
                        "code": FLAG_CATEGORY_CODE,
                    }
                ]
            }
        ],
        "code": {
            "coding": [
                {
                    "system": SNOMED,
                    "code": plan.snomed_code,
                    "display": _PLAN_LABELS[plan.plan_type],
                }
            ],
            "text": _PLAN_LABELS[plan.plan_type],
        },
        "subject": {"identifier": {"system": identifier.system.uri, "value": identifier.value}},
        "period": period,
        "author": {
            "reference": f"Organization/{organisation['id']}",
            "display": organisation["name"],
        },
    }


def _organization(authority: Organisation, contact: LocalAuthorityContact | None) -> dict[str, Any]:
    """The responsible local authority and whom to call: the emergency duty team as `mobile`
    (as CP-IS maps it, reachable at any hour) and the office-hours number as `work`."""
    resource: dict[str, Any] = {"resourceType": "Organization", "id": str(authority.reference)}
    if authority.ods_code:
        resource["identifier"] = [{"system": ODS_SYSTEM, "value": authority.ods_code}]
    resource["name"] = (contact.display_name if contact else "") or authority.name
    telecom = []
    if contact is not None:
        if contact.emergency_duty_phone:
            telecom.append(
                {
                    "system": "phone",
                    "value": contact.emergency_duty_phone,
                    "use": "mobile",
                    "rank": 1,
                }
            )
        if contact.office_hours_phone:
            telecom.append(
                {"system": "phone", "value": contact.office_hours_phone, "use": "work", "rank": 2}
            )
    if telecom:
        resource["telecom"] = telecom
    return resource


@machine
@fhir_interaction
def search_audit_events(request: HttpRequest) -> HttpResponse:
    """Search for who looked a child up before (newest first, the last 25). Audited and
    rate-limited like a lookup, but it notifies nobody: it shows no flag."""
    try:
        client, person = _client(request)
        identifier = _identifier(request, "entity-identifier")
        _subject, history = lookups.view_history(
            principal=lookups.Principal.for_client(client, person), identifier=identifier
        )
    except _Refusal as refusal:
        return refusal.response
    except lookups.LookupRefused as refusal:
        return _refused(refusal)
    base = _base(request)
    entity = {"what": {"identifier": {"system": identifier.system.uri, "value": identifier.value}}}
    entries = [
        {
            "fullUrl": f"{base}AuditEvent/{access.reference}",
            "resource": _audit_event(access, entity),
            "search": {"mode": "match"},
        }
        for access in history
    ]
    return _searchset(request, entries, len(entries))


def _audit_event(access: Access, entity: dict[str, Any]) -> dict[str, Any]:
    """One earlier access as an R4 AuditEvent.

    Who looked is two agents: the person (their name and role, as recorded; the requestor)
    and their organisation (ODS code and name). The care setting goes in `purposeOfEvent`:
    emergency treatment (ETREAT) from an unscheduled setting, treatment (TREAT) otherwise,
    with the setting's name as the text; R4 has no element for a care setting as such.
    """
    organisation = access.organisation
    who: dict[str, Any] = {"display": organisation.name}
    if organisation.ods_code:
        who["identifier"] = {"system": ODS_SYSTEM, "value": organisation.ods_code}
    unscheduled = access.care_setting in UNSCHEDULED_SETTINGS
    return {
        "resourceType": "AuditEvent",
        "id": str(access.reference),
        "type": {"system": AUDIT_EVENT_TYPE_SYSTEM, "code": "rest", "display": "RESTful Operation"},
        "subtype": [{"system": RESTFUL_INTERACTION_SYSTEM, "code": "read", "display": "read"}],
        "action": "R",
        "recorded": timezone.localtime(access.accessed_at).isoformat(timespec="seconds"),
        "outcome": "0",
        "purposeOfEvent": [
            {
                "coding": [
                    {
                        "system": PURPOSE_OF_USE_SYSTEM,
                        "code": "ETREAT" if unscheduled else "TREAT",
                        "display": "Emergency Treatment" if unscheduled else "treatment",
                    }
                ],
                "text": _SETTING_LABELS.get(access.care_setting, access.care_setting),
            }
        ],
        "agent": [
            {
                "who": {"display": access.person_name},
                "role": [{"text": access.role_label}],
                "requestor": True,
            },
            {"who": who, "requestor": False},
        ],
        "source": {"observer": {"display": "candour"}},
        "entity": [entity],
    }


# What this server does, for clients that read it before calling (CapabilityStatement.date is
# the date the statement last changed).
_CAPABILITIES: Final[dict[str, Any]] = {
    "resourceType": "CapabilityStatement",
    "status": "active",
    "date": "2026-11-26",
    "publisher": "candour",
    "kind": "instance",
    "software": {"name": "candour"},
    "fhirVersion": FHIR_VERSION,
    "format": ["json"],
    "rest": [
        {
            "mode": "server",
            "documentation": (
                "Child protection flags for health systems. Send Authorization: Bearer <system "
                f"key> and {RESPONSIBLE_PERSON_HEADER} (the person responsible for the access) "
                "on every search. Identifiers are NHS, CHI or H&C numbers as <system>|<number>."
            ),
            "security": {
                "cors": False,
                "description": "A key issued to the system by its organisation's administrator.",
            },
            "resource": [
                {
                    "type": "Flag",
                    "interaction": [{"code": "search-type"}],
                    "searchParam": [
                        {
                            "name": "identifier",
                            "type": "token",
                            "documentation": "The child's (or, for an unborn child's plan, "
                            "the mother's) national identifier, <system>|<number>.",
                        }
                    ],
                },
                {
                    "type": "AuditEvent",
                    "interaction": [{"code": "search-type"}],
                    "searchParam": [
                        {
                            "name": "entity-identifier",
                            "type": "token",
                            "documentation": "Earlier accesses to this identifier's record.",
                        }
                    ],
                },
            ],
        }
    ],
}


@public
@fhir_interaction
def capability_statement(request: HttpRequest) -> HttpResponse:
    """What the server supports; public, as FHIR clients read it before authenticating."""
    body = dict(_CAPABILITIES)
    body["implementation"] = {
        "description": "candour child protection flags",
        "url": _base(request).rstrip("/"),
    }
    return _json(body)
