"""Job handlers by kind. A handler must be idempotent: the outbox delivers at least once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from candour.notifications.models import Job

Handler = Callable[["Job"], None]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        if kind in _HANDLERS and _HANDLERS[kind] is not func:
            raise ValueError(f"Two handlers for job kind {kind!r}")
        _HANDLERS[kind] = func
        return func

    return register


def handler_for(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


def known_kinds() -> frozenset[str]:
    return frozenset(_HANDLERS)
