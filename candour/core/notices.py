"""The facts the privacy notice and accessibility statement state, read from the settings and
the code that enforce them (retention periods, the idle limit), so the pages cannot drift from
what the service does. Reads only: this is a selector module for those two pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from candour.accounts.models import Organisation, User
from candour.reporting.models import Programme


@dataclass(frozen=True)
class Operator:
    """Who runs this deployment (a processor for the organisations that use it)."""

    name: str
    email: str
    accessibility_email: str


@dataclass(frozen=True)
class PrivacyFacts:
    operator: Operator
    organisation: Organisation | None
    report_retention_days: int  # the organisation's programme, else the default
    default_report_retention_days: int
    has_own_programme: bool
    flag_retention_days: int
    idle_timeout_minutes: int


def operator() -> Operator:
    return Operator(
        name=settings.CANDOUR_OPERATOR_NAME,
        email=settings.CANDOUR_OPERATOR_EMAIL,
        accessibility_email=settings.CANDOUR_ACCESSIBILITY_EMAIL or settings.CANDOUR_OPERATOR_EMAIL,
    )


def default_report_retention_days() -> int:
    """The retention period a new reporting programme starts with (the model's default)."""
    default: Any = Programme._meta.get_field("retention_days").default
    return int(default)


def flag_retention_days() -> int:
    """Days after the last plan ends before a flag and its access history are deleted."""
    from candour.flags.services import retention  # the rule lives with the deletion job

    return int(retention.RETENTION_DAYS)


def get_privacy_facts(*, user: object) -> PrivacyFacts:
    """Return what the privacy notice says, for the organisation of a signed-in user."""
    verified = isinstance(user, User) and user.is_verified()
    organisation = user.organisation if verified and isinstance(user, User) else None
    default = default_report_retention_days()
    own = None
    if organisation is not None:
        own = (
            Programme.objects.filter(organisation=organisation)
            .values_list("retention_days", flat=True)
            .first()
        )
    return PrivacyFacts(
        operator=operator(),
        organisation=organisation,
        report_retention_days=own if own is not None else default,
        default_report_retention_days=default,
        has_own_programme=own is not None,
        flag_retention_days=flag_retention_days(),
        idle_timeout_minutes=settings.CANDOUR_IDLE_TIMEOUT_SECONDS // 60,
    )
