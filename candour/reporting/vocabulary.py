"""The reporting programme's vocabulary: the answers a report can give and the codes analysts
use. Machine values are stored (in ``Report`` and ``Coding``) and never change; only labels
may. Learning, lessons and dashboards count by these values.
"""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    INCIDENT = "incident", "An incident: something went wrong"
    NEAR_MISS = "near_miss", "A near miss: something nearly went wrong"
    GOOD_CATCH = "good_catch", "A good catch: someone noticed and stopped it"
    UNSAFE_CONDITION = "unsafe_condition", "An unsafe condition: an accident waiting to happen"


class ServiceArea(models.TextChoices):
    FRONT_DOOR = "front_door", "Front door or MASH"
    ASSESSMENT = "assessment", "Assessment"
    CHILD_PROTECTION = "child_protection", "Child protection"
    CHILDREN_IN_CARE = "children_in_care", "Children in care"
    FOSTERING = "fostering", "Fostering"
    RESIDENTIAL = "residential", "Residential care"
    LEAVING_CARE = "leaving_care", "Leaving care"
    OUT_OF_HOURS = "out_of_hours", "Out of hours"
    OTHER = "other", "Other"


class Harm(models.TextChoices):
    NONE = "none", "No harm"
    LOW = "low", "Low harm"
    MODERATE = "moderate", "Moderate harm"
    SEVERE = "severe", "Severe harm"


class ReporterRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    SENIOR_PRACTITIONER = "senior_practitioner", "Senior practitioner or team manager"
    FAMILY_SUPPORT = "family_support", "Family support or early help worker"
    RESIDENTIAL_WORKER = "residential_worker", "Residential or foster care worker"
    BUSINESS_SUPPORT = "business_support", "Business support"
    OTHER = "other", "Other"


class Confidentiality(models.TextChoices):
    CONFIDENTIAL = "confidential", "Confidential"
    ANONYMOUS = "anonymous", "Anonymous"


# Free-text answers, in the order the form asks them. Each is encrypted at rest.
NARRATIVE_FIELDS = (
    ("what_happened", "What happened"),
    ("lead_up", "What led up to it"),
    ("how_noticed", "How it was noticed or caught"),
    ("what_was_done", "What was done"),
    ("outcome", "What the outcome was"),
    ("why", "Why you think it happened"),
    ("prevention", "What might stop it happening again"),
)

NARRATIVE_KEYS = tuple(key for key, _label in NARRATIVE_FIELDS)

# Short names for tables; the reporter's form uses the longer labels in ``Kind``.
KIND_SHORT: dict[str, str] = {
    Kind.INCIDENT: "Incident",
    Kind.NEAR_MISS: "Near miss",
    Kind.GOOD_CATCH: "Good catch",
    Kind.UNSAFE_CONDITION: "Unsafe condition",
}


class SciePattern(models.TextChoices):
    """SCIE Learning Together: underlying patterns."""

    HUMAN_TOOL = "human_tool", "Human\u2013tool operation"
    HUMAN_MANAGEMENT_SYSTEM = "human_management_system", "Human\u2013management system operation"
    MULTI_AGENCY_INCIDENTS = (
        "multi_agency_incidents",
        "Multi-agency working in response to incidents or crises",
    )
    MULTI_AGENCY_ASSESSMENT = (
        "multi_agency_assessment",
        "Multi-agency working in assessment and longer-term work",
    )
    FAMILY_PROFESSIONAL = "family_professional", "Family\u2013professional interaction"
    HUMAN_JUDGEMENT = "human_judgement", "Human judgement and reasoning"


class LondonFactor(models.TextChoices):
    """London Protocol: contributory factors."""

    INSTITUTIONAL = "institutional", "Institutional context"
    ORGANISATIONAL = "organisational", "Organisational and management"
    WORK_ENVIRONMENT = "work_environment", "Work environment"
    TEAM = "team", "Team"
    INDIVIDUAL = "individual", "Individual staff"
    TASK_TECHNOLOGY = "task_technology", "Task and technology"
    CHILD_FAMILY = "child_family", "Child and family"


class Detection(models.TextChoices):
    SUPERVISION = "supervision", "Supervision"
    COLLEAGUE = "colleague", "A colleague"
    REPORTER = "reporter", "The reporter themselves"
    OTHER_AGENCY = "other_agency", "Another agency"
    FAMILY_CHILD = "family_child", "The family or child"
    SYSTEM_CHECK = "system_check", "A system check or audit"
    OTHER = "other", "Other"
