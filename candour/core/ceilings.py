"""A ceiling on the work one client can make a worker process do (ADR 0014).

Public endpoints that cost real work (filing a report runs the de-identification engine and
Argon2) must not let one client take the workers from everyone else. Each client has a
bucket of *seconds of work*: a request may start only if the bucket holds what one request
can cost at most (``reserve_seconds``), which it holds while it runs; afterwards it is
charged what it really took (never less than ``minimum_charge_seconds``) and the rest goes
back. The bucket refills at ``seconds_per_hour`` up to ``burst_seconds``. A cheap request
(a normal report, under a second) costs little, so many people behind one address (a
council's network) are not refused; an expensive one (a text that runs the engine to its
time budget) soon is. Refusing costs almost nothing, and one client's bucket says nothing
about another's, so nobody can lock anyone else out.

Clients are those of ``candour.core.client_limits``: never stored. Buckets are keyed by an
HMAC of the client under a random key that lives only in this process's memory and is
replaced each period (the time an empty bucket takes to fill), so an old bucket cannot be
tied to an address by anyone. Nothing touches the database, a log or a file. Buckets are
per process: with W worker processes a client gets at most W times the ceiling (ADR 0014
counts it).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils import timezone

from candour.core.client_limits import Client, ClientStore


def _work_clock() -> float:
    """Seconds of real time, to measure what a request took."""
    return time.monotonic()


@dataclass(frozen=True)
class CeilingRule:
    burst_seconds: float  # the most work a client may have in hand
    seconds_per_hour: float  # work a client regains each hour
    reserve_seconds: float  # the most one request can cost: needed to start, held meanwhile
    minimum_charge_seconds: float = 1.0  # what even the quickest request costs

    @property
    def refill_seconds(self) -> float:
        """How long an empty bucket takes to fill."""
        return 3600 * self.burst_seconds / self.seconds_per_hour


class CeilingReached(Exception):  # noqa: N818  (a refusal, not a fault)
    """The client has used its share of work; it may try again after ``retry_after`` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Try again in {retry_after} seconds.")
        self.retry_after = retry_after


@dataclass
class _Bucket:
    seconds: float
    updated: float


_CEILINGS: list[WorkCeiling] = []


class WorkCeiling:
    """Per-client buckets of seconds of work, for one kind of request."""

    def __init__(self, name: str, rule: Callable[[], CeilingRule]) -> None:
        self.name = name
        self._rule = rule
        self._lock = threading.Lock()
        self._store: ClientStore[_Bucket] = ClientStore()
        _CEILINGS.append(self)

    def _material(self, client: Client) -> bytes:
        return self.name.encode() + b"\0" + client.material()

    def _bucket(self, material: bytes, now: float, rule: CeilingRule) -> _Bucket:
        """The client's bucket, filled up to now (a new client's is full); a new key each
        refill period, so an old bucket is forgotten with its key."""
        bucket = self._store.get(material, now, rule.refill_seconds)
        if bucket is None:
            bucket = _Bucket(seconds=rule.burst_seconds, updated=now)
            self._store.put(material, now, rule.refill_seconds, bucket)
        refill = (now - bucket.updated) * rule.seconds_per_hour / 3600
        bucket.seconds = min(rule.burst_seconds, bucket.seconds + max(0.0, refill))
        bucket.updated = now
        return bucket

    @contextmanager
    def spend(self, client: Client) -> Iterator[None]:
        """Run the block as work of this client, or raise CeilingReached without running it."""
        rule = self._rule()
        material = self._material(client)
        with self._lock:
            now = timezone.now().timestamp()
            bucket = self._bucket(material, now, rule)
            if bucket.seconds < rule.reserve_seconds:
                short = rule.reserve_seconds - bucket.seconds
                wait = math.ceil(short * 3600 / rule.seconds_per_hour)
                raise CeilingReached(max(1, wait))
            bucket.seconds -= rule.reserve_seconds
        started = _work_clock()
        try:
            yield
        finally:
            used = max(rule.minimum_charge_seconds, _work_clock() - started)
            with self._lock:
                bucket = self._bucket(material, timezone.now().timestamp(), rule)
                bucket.seconds = min(
                    rule.burst_seconds, bucket.seconds + rule.reserve_seconds - used
                )

    def clear(self) -> None:
        """Forget every client and the keys (tests start from nothing)."""
        with self._lock:
            self._store.clear()


def clear_all() -> None:
    """Forget every client of every ceiling, and their keys (tests start from nothing)."""
    for ceiling in _CEILINGS:
        ceiling.clear()
