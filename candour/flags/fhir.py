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

The views are here; HTTP and FHIR's protocol (negotiation, OperationOutcomes, the
`fhir_interaction` decorator) are in `fhir_http`, the resources in `fhir_resources`.
"""

from __future__ import annotations

from typing import Any, Final

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from candour.accounts.models import OrganisationKind
from candour.core import text
from candour.core.access import machine, public
from candour.flags import identifiers, selectors
from candour.flags.fhir_http import (
    RESPONSIBLE_PERSON_HEADER,
    RESPONSIBLE_PERSON_MAX,
    Refusal,
    fhir_interaction,
    json_response,
    outcome,
)
from candour.flags.fhir_resources import (
    CAPABILITIES,
    audit_event_resource,
    flag_resource,
    organization_resource,
)
from candour.flags.identifiers import FHIR_SYSTEM_URIS, Identifier, IdentifierSystem
from candour.flags.models import SystemClient
from candour.flags.services import lookups

_SYSTEMS_BY_URI: Final[dict[str, IdentifierSystem]] = {
    uri: system for system, uri in FHIR_SYSTEM_URIS.items()
}


def _client(request: HttpRequest) -> tuple[SystemClient, str]:
    """The calling system (a health organisation's, key live) and its responsible person."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    client = selectors.find_client_by_key(key.strip()) if scheme.lower() == "bearer" else None
    if client is None:
        raise Refusal(
            outcome(
                401,
                "login",
                "Send a valid system key as Authorization: Bearer <key>.",
                spine="UNAUTHORIZED",
                WWW_Authenticate='Bearer realm="candour"',
            )
        )
    if client.organisation.kind != OrganisationKind.NHS:
        raise Refusal(
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
        raise Refusal(
            outcome(
                400,
                "invalid",
                f"The {RESPONSIBLE_PERSON_HEADER} header {found}.",
                spine="PRECONDITION_FAILED",
            )
        )
    if not person or len(person) > RESPONSIBLE_PERSON_MAX or not person.isprintable():
        raise Refusal(
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
        raise Refusal(
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
        raise Refusal(
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
        raise Refusal(
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
    return json_response(body)


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
    except Refusal as refusal:
        return refusal.response
    except lookups.LookupRefused as refusal:
        return _refused(refusal)
    subject = result.subject
    if subject is None:
        return _searchset(request, [], 0)
    base = _base(request)
    authority = subject.responsible_authority
    organisation = organization_resource(authority, result.contact)
    today = timezone.localdate()
    entries = [
        {
            "fullUrl": f"{base}Flag/{flag['id']}",
            "resource": flag,
            "search": {"mode": "match"},
        }
        for flag in (
            flag_resource(plan, subject, identifier, organisation, today) for plan in result.plans
        )
    ]
    entries.append(
        {
            "fullUrl": f"{base}Organization/{organisation['id']}",
            "resource": organisation,
            "search": {"mode": "include"},
        }
    )
    return _searchset(request, entries, len(result.plans))


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
    except Refusal as refusal:
        return refusal.response
    except lookups.LookupRefused as refusal:
        return _refused(refusal)
    base = _base(request)
    entity = {"what": {"identifier": {"system": identifier.system.uri, "value": identifier.value}}}
    entries = [
        {
            "fullUrl": f"{base}AuditEvent/{access.reference}",
            "resource": audit_event_resource(access, entity),
            "search": {"mode": "match"},
        }
        for access in history
    ]
    return _searchset(request, entries, len(entries))


@public
@fhir_interaction
def capability_statement(request: HttpRequest) -> HttpResponse:
    """What the server supports; public, as FHIR clients read it before authenticating."""
    body = dict(CAPABILITIES)
    body["implementation"] = {
        "description": "candour child protection flags",
        "url": _base(request).rstrip("/"),
    }
    return json_response(body)
