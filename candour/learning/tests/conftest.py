"""Released reports for learning's tests, made through the real reporting services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from candour.accounts.models import Organisation, OrganisationKind, Role, User
from candour.accounts.tests.factories import OrganisationFactory, UserFactory
from candour.learning.services import sharing as sharing_service
from candour.reporting.models import Programme, Report
from candour.reporting.services import analysis
from candour.reporting.services import intake as intake_service
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import (  # noqa: F401 - fixtures
    MARKER,
    analyst,
    intake,
    other_programme,
    programme,
    submission,
)

REASON = "Reviewing the account to release it"


@pytest.fixture
def national(db: None) -> Organisation:
    return OrganisationFactory(
        name="National Learning Programme",
        kind=OrganisationKind.NATIONAL_PROGRAMME,
        ods_code="XNP01",
    )


@pytest.fixture
def national_analyst(national: Organisation) -> User:
    return UserFactory(role=Role.ANALYST, organisation=national, full_name="Nia National")


@pytest.fixture
def other_intake(other_organisation: Organisation) -> User:
    return UserFactory(role=Role.INTAKE_OFFICER, organisation=other_organisation)


@pytest.fixture
def other_analyst(other_organisation: Organisation) -> User:
    return UserFactory(role=Role.ANALYST, organisation=other_organisation, full_name="Otto Other")


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMINISTRATOR, full_name="Ada Admin")


@pytest.fixture
def release() -> Callable[..., Report]:
    """release(programme, intake, text, **answers): a report filed, reviewed and released
    with `text` as its de-identified account (the raw narrative holds MARKER)."""

    def make(into: Programme, officer: User, text: str, **overrides: Any) -> Report:
        report, _receipt = submission_service.submit_report(
            programme=into, submission=submission(**overrides)
        )
        intake_service.open_narrative(user=officer, report=report, reason=REASON)
        return intake_service.release_report(
            user=officer, report=report, texts={"what_happened": text}
        )

    return make


def code(user: User, report: Report, **fields: Any) -> None:
    values: dict[str, Any] = {
        "scie_patterns": [],
        "london_factors": [],
        "detection": "supervision",
        "mitigation": "",
        "harm": "none",
        "synopsis": "A synopsis.",
    }
    values.update(fields)
    analysis.code_report(user=user, report=report, **values)


def share(admin: User, *, region: str = "north_east", name_shown: bool = False) -> None:
    sharing_service.update_sharing(
        admin=admin, share_nationally=True, region=region, name_shown=name_shown
    )
