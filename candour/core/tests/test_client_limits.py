"""Per-client limits without storing who the client is (ADR 0016)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from candour.core import client_limits
from candour.core.client_limits import Backoff, Client, RateAlarm, Rule, client_of, describe_wait

pytestmark = pytest.mark.clock
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
RULE = Rule(free=2, base_seconds=2, max_seconds=60, forget_seconds=3600)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def backoff():
    limit = Backoff("test.backoff", lambda: RULE)
    yield limit
    client_limits._REGISTRY.remove(limit)


def _request(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def _key(client: Client) -> bytes:
    return client.material()


def test_a_client_never_shows_its_address():
    client = client_of(_request("203.0.113.9"))
    assert repr(client) == str(client) == "<client>"
    assert "203.0.113.9" not in f"{client!r} {client}"


def test_an_ipv6_client_is_its_slash_64(settings):
    one = client_of(_request("2001:db8:1:2:aaaa::1"))
    other = client_of(_request("2001:db8:1:2:bbbb::2"))
    elsewhere = client_of(_request("2001:db8:1:3::1"))
    assert _key(one) == _key(other) != _key(elsewhere)
    assert _key(client_of(_request("::ffff:203.0.113.9"))) == _key(
        client_of(_request("203.0.113.9"))
    )


def test_behind_trusted_proxies_the_client_is_read_from_the_right(settings):
    settings.CANDOUR_TRUSTED_PROXY_HOPS = 1
    # The client wrote its own "1.2.3.4"; the one proxy appended what it saw.
    request = _request("10.0.0.5", forwarded="1.2.3.4, 203.0.113.9")
    assert _key(client_of(request)) == b"203.0.113.9"
    settings.CANDOUR_TRUSTED_PROXY_HOPS = 2
    assert _key(client_of(request)) == b"1.2.3.4"
    settings.CANDOUR_TRUSTED_PROXY_HOPS = 0
    assert _key(client_of(request)) == b"10.0.0.5"  # the header is ignored without proxies


def test_waits_double_after_the_free_tries_up_to_the_cap(clock, backoff):
    client = Client("203.0.113.9")
    assert [backoff.record_failure(client) for _ in range(2)] == [0, 2]
    assert backoff.wait_seconds(client) == 2
    assert backoff.wait_seconds(Client("203.0.113.10")) == 0  # anyone else: no wait
    assert backoff.wait_seconds(client, "another address") == 0
    waits = []
    for _ in range(8):
        clock.shift(dt.timedelta(seconds=60))
        waits.append(backoff.record_failure(client))
    assert waits == [4, 8, 16, 32, 60, 60, 60, 60]


def test_a_quiet_hour_forgets_and_the_keys_change(clock, backoff):
    client = Client("203.0.113.9")
    for _ in range(3):
        backoff.record_failure(client)
    first_key = backoff._store._current.key
    clock.shift(dt.timedelta(minutes=59))
    assert backoff.record_failure(client) == 8  # the fourth failure
    clock.shift(dt.timedelta(minutes=2))
    # A new period has a new key; a client that keeps failing keeps its count across it.
    assert backoff.record_failure(client) == 16
    assert backoff._store._current.key != first_key
    # A quiet hour forgets it, and two periods on the first key and all under it are gone.
    clock.shift(dt.timedelta(hours=2))
    assert backoff.record_failure(client) == 0
    assert backoff._store._previous is None


def test_forget_starts_a_client_afresh(clock, backoff):
    client = Client("203.0.113.9")
    for _ in range(4):
        backoff.record_failure(client)
    backoff.forget(client)
    assert backoff.wait_seconds(client) == 0


def test_memory_is_bounded(clock, backoff, monkeypatch):
    monkeypatch.setattr(client_limits, "MAX_CLIENTS", 5)
    for n in range(20):
        backoff.record_failure(Client(f"203.0.113.{n}"))
    assert len(backoff._store._current.entries) == 5


def test_the_alarm_rings_once_per_quiet_period(clock):
    alarm = RateAlarm(lambda: 10, quiet_seconds=3600)
    try:
        assert not any(alarm.record() for _ in range(9))
        assert alarm.record()  # the tenth in a minute
        assert not any(alarm.record() for _ in range(50))
        clock.shift(dt.timedelta(hours=1, seconds=1))
        assert not any(alarm.record() for _ in range(9))
        assert alarm.record()
    finally:
        client_limits._ALARMS.remove(alarm)


def test_the_alarm_slides_across_a_minute(clock):
    alarm = RateAlarm(lambda: 10)
    try:
        clock.move_to(START + dt.timedelta(seconds=50), tick=False)
        assert not any(alarm.record() for _ in range(8))
        clock.move_to(START + dt.timedelta(seconds=62), tick=False)
        # The 8 of the last minute still weigh 8 x 58/60 = 7.7: the third now makes 10.7.
        assert not alarm.record()
        assert not alarm.record()
        assert alarm.record()
    finally:
        client_limits._ALARMS.remove(alarm)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "1 second"),
        (2, "2 seconds"),
        (59, "59 seconds"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (900, "15 minutes"),
    ],
)
def test_waits_are_described_for_people(seconds, text):
    assert describe_wait(seconds) == text
