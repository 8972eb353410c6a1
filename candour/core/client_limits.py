"""Slow down one client without slowing everyone, and without storing who the client is.

A *client* is the network address a request comes from (an IPv6 address counts as its /64,
which one household or phone is given). It is never stored: limits key their counters by an
HMAC of it under a random key that lives only in this process's memory and is replaced each
period, so once a period has passed nobody, not even someone holding every secret and the
database, can tell which address a counter belonged to (ADR 0016). Nothing here touches the
database, a log or a file.

``Backoff`` is the one policy: a client may fail a few times for free, then must wait before
each further try, twice as long each time up to a cap; a period without failures forgets it.
Counters are per process: with W worker processes a client gets at most W times the budget,
which ADR 0016 counts in its guessing bound.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

# A generation's counters are dropped beyond this many clients (oldest first), so a flood of
# addresses costs bounded memory; the flood itself is then slowed by the work each try costs.
MAX_CLIENTS = 100_000

V = TypeVar("V")


class Client:
    """Where a request came from, for counting only. Its repr shows nothing, so a traceback
    or a debugger's dump of locals never prints an address."""

    __slots__ = ("_address",)

    def __init__(self, address: str) -> None:
        self._address = address

    def __repr__(self) -> str:
        return "<client>"

    __str__ = __repr__

    def material(self) -> bytes:
        return self._address.encode()


def _normalise(raw: str) -> str:
    raw = raw.strip().strip("[]")
    try:
        address = ipaddress.ip_address(raw.split("%", 1)[0])
    except ValueError:
        return raw  # not an address (a misconfigured proxy header): count it as it is
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)


def client_of(request: HttpRequest) -> Client:
    """The client of a request: the peer address, or with ``CANDOUR_TRUSTED_PROXY_HOPS``
    reverse proxies in front, the address the outermost of them saw (``X-Forwarded-For``
    read from the right, so a client cannot choose its own entry)."""
    hops: int = settings.CANDOUR_TRUSTED_PROXY_HOPS
    address = request.META.get("REMOTE_ADDR", "")
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            address = forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
    return Client(_normalise(address))


@dataclass(frozen=True)
class Rule:
    free: int  # failures allowed before any wait
    base_seconds: int  # the first wait; each further failure doubles it
    max_seconds: int  # the longest wait
    forget_seconds: int  # a client that has not failed for this long starts afresh


@dataclass
class _Entry:
    failures: int
    last_failure: float


@dataclass
class _Generation(Generic[V]):
    started: float
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    entries: dict[bytes, V] = field(default_factory=dict)

    def digest(self, material: bytes) -> bytes:
        return hmac.new(self.key, material, hashlib.sha256).digest()[:16]


class ClientStore(Generic[V]):
    """Values per client, keyed by an HMAC under a random in-memory key replaced each
    ``period`` seconds. The generation before is kept one more period, so a client does not
    start afresh at a boundary, then dropped with its key: after two periods nobody can tell
    which client a value belonged to. Not thread-safe: callers hold their own lock."""

    def __init__(self) -> None:
        self._current: _Generation[V] | None = None
        self._previous: _Generation[V] | None = None

    def _rotate(self, now: float, period: float) -> _Generation[V]:
        if self._current is None or now - self._current.started >= period:
            previous = self._current
            if previous is not None and now - previous.started >= 2 * period:
                previous = None
            self._previous, self._current = previous, _Generation(started=now)
        return self._current

    def get(self, material: bytes, now: float, period: float) -> V | None:
        """The client's value, moved into the current generation if it was in the last."""
        current = self._rotate(now, period)
        mine = current.digest(material)
        value = current.entries.get(mine)
        if value is None and self._previous is not None:
            value = self._previous.entries.pop(self._previous.digest(material), None)
            if value is not None:
                current.entries[mine] = value
        return value

    def put(self, material: bytes, now: float, period: float, value: V) -> None:
        """Keep the client's value; past ``MAX_CLIENTS`` the oldest client is dropped."""
        current = self._rotate(now, period)
        mine = current.digest(material)
        if mine not in current.entries and len(current.entries) >= MAX_CLIENTS:
            current.entries.pop(next(iter(current.entries)))
        current.entries[mine] = value

    def pop(self, material: bytes, now: float, period: float) -> None:
        current = self._rotate(now, period)
        current.entries.pop(current.digest(material), None)
        if self._previous is not None:
            self._previous.entries.pop(self._previous.digest(material), None)

    def clear(self) -> None:
        self._current = self._previous = None


_REGISTRY: list[Backoff] = []
_ALARMS: list[RateAlarm] = []


class Backoff:
    """Progressive delays per client (and, optionally, per what it tried: an address)."""

    def __init__(self, name: str, rule: Callable[[], Rule]) -> None:
        self.name = name
        self._rule = rule
        self._lock = threading.Lock()
        self._store: ClientStore[_Entry] = ClientStore()
        _REGISTRY.append(self)

    def _material(self, client: Client, parts: tuple[str, ...]) -> bytes:
        return b"\0".join([self.name.encode(), client.material(), *(p.encode() for p in parts)])

    def _find(self, material: bytes, now: float, rule: Rule) -> _Entry | None:
        """The client's live entry (None once it has not failed for ``forget_seconds``)."""
        entry = self._store.get(material, now, rule.forget_seconds)
        if entry is not None and now - entry.last_failure >= rule.forget_seconds:
            self._store.pop(material, now, rule.forget_seconds)
            return None
        return entry

    @staticmethod
    def _wait(entry: _Entry | None, now: float, rule: Rule) -> int:
        if entry is None or entry.failures < rule.free:
            return 0
        delay = min(rule.max_seconds, rule.base_seconds * 2 ** min(entry.failures - rule.free, 30))
        return max(0, int(entry.last_failure + delay - now + 0.999))

    def wait_seconds(self, client: Client, *parts: str) -> int:
        """Seconds this client must wait before its next try (0: it may try now)."""
        rule, now = self._rule(), timezone.now().timestamp()
        with self._lock:
            return self._wait(self._find(self._material(client, parts), now, rule), now, rule)

    def record_failure(self, client: Client, *parts: str) -> int:
        """Count a failed try; return the wait before the next one."""
        rule, now = self._rule(), timezone.now().timestamp()
        material = self._material(client, parts)
        with self._lock:
            entry = self._find(material, now, rule)
            if entry is None:
                entry = _Entry(0, now)
                self._store.put(material, now, rule.forget_seconds, entry)
            entry.failures += 1
            entry.last_failure = now
            return self._wait(entry, now, rule)

    def forget(self, client: Client, *parts: str) -> None:
        """Start this client afresh (it proved itself, e.g. signed in)."""
        rule, now = self._rule(), timezone.now().timestamp()
        material = self._material(client, parts)
        with self._lock:
            self._store.pop(material, now, rule.forget_seconds)

    def clear(self) -> None:
        with self._lock:
            self._store.clear()


def clear_all() -> None:
    """Forget every client of every limit, their keys and every alarm (tests start afresh)."""
    for backoff in _REGISTRY:
        backoff.clear()
    for alarm in _ALARMS:
        alarm.clear()


class RateAlarm:
    """Counts events across all clients in this process and says when they pass ``limit``
    a minute (a sliding minute), at most once per ``quiet_seconds``: for alerting people,
    never for refusing anyone."""

    def __init__(self, limit: Callable[[], int], *, quiet_seconds: int = 3600) -> None:
        self._limit = limit
        self._quiet = quiet_seconds
        self._lock = threading.Lock()
        self._minute = 0
        self._count = 0
        self._previous_count = 0
        self._last_alarm: float | None = None
        _ALARMS.append(self)

    def record(self) -> bool:
        """Count one event; True when this one crosses the limit and no alarm is recent."""
        now = timezone.now().timestamp()
        minute = int(now // 60)
        with self._lock:
            if minute != self._minute:
                self._previous_count = self._count if minute == self._minute + 1 else 0
                self._minute, self._count = minute, 0
            self._count += 1
            weight = 1 - (now % 60) / 60
            rate = self._count + self._previous_count * weight
            if rate < self._limit():
                return False
            if self._last_alarm is not None and now - self._last_alarm < self._quiet:
                return False
            self._last_alarm = now
            return True

    def clear(self) -> None:
        with self._lock:
            self._minute = self._count = self._previous_count = 0
            self._last_alarm = None


def describe_wait(seconds: int) -> str:
    """ "45 seconds", "1 minute", "15 minutes": whole minutes (rounded up) from a minute."""
    if seconds < 60:
        seconds = max(1, seconds)
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
