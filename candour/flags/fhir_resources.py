"""The FHIR R4 resources the FHIR views answer with, as plain dicts (the hot path: no model
classes): a plan as a ``Flag``, the responsible local authority as an ``Organization``, an
earlier access as an ``AuditEvent``, and the server's ``CapabilityStatement``.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Final

from django.utils import timezone

from candour.accounts.models import Organisation
from candour.core import keys
from candour.flags.fhir_http import FHIR_VERSION, RESPONSIBLE_PERSON_HEADER
from candour.flags.identifiers import Identifier
from candour.flags.models import (
    UNSCHEDULED_SETTINGS,
    Access,
    CareSetting,
    LocalAuthorityContact,
    Plan,
    PlanType,
    Subject,
)

FLAG_CATEGORY_SYSTEM: Final = "https://fhir.nhs.uk/England/CodeSystem/England-FlagCategoryPatient"
FLAG_CATEGORY_CODE: Final = "child-protection-information-system-flag"
SNOMED: Final = "http://snomed.info/sct"
ODS_SYSTEM: Final = "https://fhir.nhs.uk/Id/ods-organization-code"
AUDIT_EVENT_TYPE_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/audit-event-type"
RESTFUL_INTERACTION_SYSTEM: Final = "http://hl7.org/fhir/restful-interaction"
PURPOSE_OF_USE_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/v3-ActReason"

_PLAN_LABELS: Final[dict[str, str]] = {str(value): str(label) for value, label in PlanType.choices}
_SETTING_LABELS: Final[dict[str, str]] = {
    str(value): str(label) for value, label in CareSetting.choices
}


def flag_id(subject: Subject, plan_type: str) -> str:
    """A Flag's id: stable for a child's plan (and across SECRET_KEY rotation) but saying
    nothing about the database: a name-based UUID in a namespace only this deployment knows."""
    namespace = uuid.UUID(bytes=keys.derive("flags.fhir-flag-id")[:16])
    return str(uuid.uuid5(namespace, f"{subject.pk}:{plan_type}"))


def flag_resource(
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


def organization_resource(
    authority: Organisation, contact: LocalAuthorityContact | None
) -> dict[str, Any]:
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


def audit_event_resource(access: Access, entity: dict[str, Any]) -> dict[str, Any]:
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
CAPABILITIES: Final[dict[str, Any]] = {
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
