"""Per-client buckets of seconds of work (candour.core.ceilings, ADR 0014)."""

from __future__ import annotations

import datetime as dt

import pytest

from candour.core.ceilings import CeilingReached, CeilingRule, WorkCeiling
from candour.core.client_limits import Client

pytestmark = pytest.mark.clock

RULE = CeilingRule(
    burst_seconds=20, seconds_per_hour=120, reserve_seconds=10, minimum_charge_seconds=1
)
ALICE = Client("203.0.113.7")
BOB = Client("198.51.100.20")


@pytest.fixture
def ceiling(time_machine) -> WorkCeiling:
    time_machine.move_to(dt.datetime(2026, 6, 15, 10, 30, tzinfo=dt.UTC), tick=False)
    return WorkCeiling("test", lambda: RULE)


def _spend(ceiling: WorkCeiling, client: Client) -> None:
    with ceiling.spend(client):
        pass


def test_quick_requests_cost_the_minimum_so_many_fit_in_a_burst(ceiling):
    for _ in range(11):  # 20 s in hand, 10 needed to start, 1 s each
        _spend(ceiling, ALICE)
    with pytest.raises(CeilingReached) as refused:
        _spend(ceiling, ALICE)
    assert refused.value.retry_after == 30  # 1 s of work short, at 120 s an hour


def test_one_client_refused_leaves_another_untouched(ceiling):
    for _ in range(11):
        _spend(ceiling, ALICE)
    with pytest.raises(CeilingReached):
        _spend(ceiling, ALICE)
    _spend(ceiling, BOB)


def test_the_bucket_refills_with_time(ceiling, time_machine):
    for _ in range(11):
        _spend(ceiling, ALICE)
    with pytest.raises(CeilingReached) as refused:
        _spend(ceiling, ALICE)
    time_machine.shift(dt.timedelta(seconds=refused.value.retry_after))
    _spend(ceiling, ALICE)


def test_a_request_is_charged_what_it_took(ceiling, monkeypatch):
    clock = [0.0]
    monkeypatch.setattr("candour.core.ceilings._work_clock", lambda: clock[0])
    with ceiling.spend(ALICE):
        clock[0] += 9  # an expensive request: 9 s of work, 11 left
    _spend(ceiling, ALICE)  # 10 left
    _spend(ceiling, ALICE)  # 9 left: below what a request needs to start
    with pytest.raises(CeilingReached) as refused:
        _spend(ceiling, ALICE)
    assert refused.value.retry_after == 30


def test_the_reserve_is_held_while_a_request_runs(ceiling):
    """Requests at once (threads, or one client's many connections to one process) each
    hold what a request can cost, so 20 s in hand start two, not twenty."""
    with ceiling.spend(ALICE), ceiling.spend(ALICE), pytest.raises(CeilingReached):
        _spend(ceiling, ALICE)


class RequestFailedError(Exception):
    pass


def test_a_failing_request_is_charged_too(ceiling):
    for _ in range(11):
        with pytest.raises(RequestFailedError), ceiling.spend(ALICE):
            raise RequestFailedError
    with pytest.raises(CeilingReached):
        _spend(ceiling, ALICE)


def test_buckets_are_keyed_by_digests_under_a_key_that_is_replaced(ceiling, time_machine):
    _spend(ceiling, ALICE)
    first = ceiling._store._current
    assert first is not None
    [digest] = first.entries
    assert len(digest) == 16
    assert b"203.0.113.7" not in digest
    # A generation lasts one refill period (10 minutes), the one before is then kept one
    # more period and forgotten after it.
    time_machine.shift(dt.timedelta(minutes=10))
    _spend(ceiling, BOB)
    assert ceiling._store._current is not first
    assert ceiling._store._current.key != first.key
    time_machine.shift(dt.timedelta(minutes=20))
    _spend(ceiling, BOB)
    assert ceiling._store._previous is None or ceiling._store._previous is not first
