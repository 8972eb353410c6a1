"""A time budget for one call of the engine, so that no text can hold a worker for long.

The patterns are linear in the length of the text (ADR 0014), and spaCy is too, so the
budget is a second line: a caller that must answer in time (a web request) gives the engine
a number of seconds, and the engine checks it between texts, between its steps and while a
recogniser runs. When it runs out, the text it was working on, and every one after it, is
left *missing* (``Result.missing``): nothing of a half-finished text is ever returned as if
it were de-identified. A caller without a budget (the command line, the benchmark) is never
stopped.

The deadline lives in a context variable, so one engine shared by the threads of a process
gives each call its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_deadline: ContextVar[float | None] = ContextVar("candour_deidentify_deadline", default=None)


def _now() -> float:
    return time.monotonic()


class BudgetExceeded(Exception):  # noqa: N818  (it is not an error of the caller's)
    """The time budget ran out before the text was de-identified."""


@contextmanager
def limit(seconds: float | None) -> Iterator[None]:
    """Run the block with a deadline ``seconds`` from now (None: no deadline)."""
    deadline = None if seconds is None else _now() + seconds
    token = _deadline.set(deadline)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left (never below 0), or None without a deadline."""
    deadline = _deadline.get()
    if deadline is None:
        return None
    return max(0.0, deadline - _now())


def expired() -> bool:
    deadline = _deadline.get()
    return deadline is not None and _now() >= deadline


def check() -> None:
    """Raise BudgetExceeded once the deadline has passed."""
    if expired():
        raise BudgetExceeded
