"""Lookup limits slide: the limit reached at the end of one hour still counts at the start of
the next, so nobody gets twice the limit by straddling a boundary."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from candour.accounts.models import Role
from candour.flags.identifiers import parse
from candour.flags.models import CareSetting
from candour.flags.services import lookups as lookups_service

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
CHILD = "401 023 2137"  # valid and issued; nobody holds a plan for it here: every lookup misses
END_OF_HOUR = datetime(2026, 6, 15, 10, 59, 0, tzinfo=UTC)


def _refusal(principal) -> lookups_service.LookupRefused | None:
    try:
        lookups_service.look_up(
            principal=principal,
            identifier=parse(CHILD),
            care_setting=CareSetting.EMERGENCY_DEPARTMENT,
        )
    except lookups_service.LookupRefused as refused:
        return refused
    return None


def _look(principal) -> bool:
    refused = _refusal(principal)
    assert refused is None or refused.code == "rate_limited"
    return refused is None


def test_the_hourly_limit_counts_the_end_of_the_last_hour(make_user, nhs_organisation, settings):
    settings.CANDOUR_FLAGS_PERSON_HOURLY_LIMIT = 10
    settings.CANDOUR_FLAGS_PERSON_MISS_ALERT_PER_HOUR = 1000
    clinician = make_user(Role.HEALTH_UNSCHEDULED, organisation=nhs_organisation)
    principal = lookups_service.Principal.for_user(clinician)
    with time_machine.travel(END_OF_HOUR, tick=False):
        assert all(_look(principal) for _ in range(10))
        assert not _look(principal)
    # A minute and a half later, in a new fixed window: the eleven attempts of 10:59 (refused
    # ones count too) still weigh 11 x 58.5/60, rounded down to 10, so the limit holds.
    with time_machine.travel(END_OF_HOUR + timedelta(minutes=1, seconds=30), tick=False):
        assert timezone.now().hour == 11
        assert not _look(principal)
        assert not _look(principal)
    # Half an hour on, about half of them still count: floor(11 x 29/60) = 5 earlier, and
    # this hour's attempts so far are 2, so three more are allowed.
    with time_machine.travel(END_OF_HOUR + timedelta(minutes=31), tick=False):
        allowed = sum(_look(principal) for _ in range(10))
    assert allowed == 3
    # An hour with no lookups in between: the full limit is back.
    with time_machine.travel(END_OF_HOUR + timedelta(hours=2), tick=False):
        assert sum(_look(principal) for _ in range(12)) == 10


def test_the_refusal_says_when_a_lookup_would_be_counted_in_again(
    make_user, nhs_organisation, settings
):
    """Two clinicians with the same burst: one asks again just before the time the refusal
    gave (refused), the other at that time (counted in). A refused attempt counts too, so
    each clinician asks only once afterwards."""
    settings.CANDOUR_FLAGS_PERSON_HOURLY_LIMIT = 10
    settings.CANDOUR_FLAGS_PERSON_MISS_ALERT_PER_HOUR = 1000
    early, on_time = (
        lookups_service.Principal.for_user(
            make_user(Role.HEALTH_UNSCHEDULED, organisation=nhs_organisation)
        )
        for _ in range(2)
    )
    with time_machine.travel(END_OF_HOUR, tick=False):
        for principal in (early, on_time):
            assert all(_look(principal) for _ in range(10))
            refused = _refusal(principal)
            assert refused is not None
    # 11 attempts this hour, limit 10: wait out the minute left, then until 11 x weight < 10.
    wait = 60 + math.ceil(3600 * (1 - 10 / 11))
    assert refused.retry_after == wait
    with time_machine.travel(END_OF_HOUR + timedelta(seconds=wait - 5), tick=False):
        assert not _look(early)
    with time_machine.travel(END_OF_HOUR + timedelta(seconds=wait), tick=False):
        assert _look(on_time)
