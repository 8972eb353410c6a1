from __future__ import annotations

import pytest

from candour.accounts.models import Role
from candour.reporting.models import Programme
from candour.reporting.services.submission import Contact, Submission

MARKER = "ZEBRA-CANARY-7731"


@pytest.fixture
def programme(organisation) -> Programme:
    return Programme.objects.create(
        organisation=organisation,
        slug="northbrook",
        duty_contact="Front door: 01632 960010",
        emergency_contact="Emergency duty team: 01632 960999",
        safety_lead_email="safety-lead@northbrook.example",
    )


@pytest.fixture
def other_programme(other_organisation) -> Programme:
    return Programme.objects.create(
        organisation=other_organisation,
        slug="eastmere",
        duty_contact="Front door: 01632 960020",
        emergency_contact="Emergency duty team: 01632 960998",
    )


@pytest.fixture
def intake(make_user):
    return make_user(Role.INTAKE_OFFICER, full_name="Ivy Intake")


@pytest.fixture
def intake2(make_user):
    return make_user(Role.INTAKE_OFFICER, full_name="Isaac Intake")


@pytest.fixture
def analyst(make_user):
    return make_user(Role.ANALYST, full_name="Ana Analyst")


def submission(**overrides) -> Submission:
    data = {
        "kind": "near_miss",
        "service_area": "assessment",
        "occurred_month": 1,
        "occurred_year": 2026,
        "narrative": {
            "what_happened": f"Kayden Walsh was nearly sent home to 27 Elm Grove. {MARKER}",
            "how_noticed": "The duty manager checked the chronology.",
        },
        "harm": "none",
        "reporter_role": "social_worker",
        "confidentiality": "anonymous",
    }
    data.update(overrides)
    return Submission(**data)


def confidential_submission(**overrides) -> Submission:
    return submission(
        confidentiality="confidential",
        contact=Contact(name=f"Sam {MARKER}", email="sam.reporter@northbrook.example"),
        **overrides,
    )
