"""One owner for each lifecycle: a state machine (python-statemachine) bound to a model's
status field, and the only code that writes that field (ADR 0013).

An app declares its states and moves once, in its ``lifecycle.py``; its services call
``Lifecycle.move`` and its pages ask ``Lifecycle.allows`` which actions to offer. A move is a
conditional UPDATE (``WHERE status = <the state it was read in>``), so two people acting on
the same object at once never overwrite each other: the second move is checked again
against the state the first left, and applied there or refused with a clear message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.db import models
from statemachine import Event, StateMachine
from statemachine.exceptions import TransitionNotAllowed

M = TypeVar("M", bound=models.Model)
# Rounds of the compare-and-set loop before giving up on an object that keeps changing.
MOVE_ATTEMPTS = 3


class IllegalMove(Exception):  # noqa: N818  (a refusal people read, not a programming error)
    """The object's state does not allow this action; the message says why, for people."""


@dataclass(frozen=True)
class Move:
    """One row of a lifecycle's transition table."""

    event: str
    source: str
    target: str


class Lifecycle(Generic[M]):
    """Binds a StateMachine class to one model field, with wording for refusals."""

    def __init__(
        self, machine: type[StateMachine], *, model: type[M], field: str = "status", noun: str
    ) -> None:
        self.machine = machine
        self.model = model
        self.field = field
        self.noun = noun

    def _bind(self, obj: Any) -> StateMachine:
        return self.machine(model=obj, state_field=self.field)

    def table(self) -> list[Move]:
        """Every allowed move, for tests and documentation."""
        return [
            Move(
                event=str(transition.event),
                source=str(state.value),
                target=str(transition.target.value),
            )
            for state in self.machine.states
            for transition in state.transitions
        ]

    def _events(self) -> list[Event]:
        # A property of the machine's metaclass, which the library's types do not show.
        return list(cast("Iterable[Event]", self.machine.events))

    def events(self) -> list[str]:
        return [event.id for event in self._events()]

    def state_label(self, value: str) -> str:
        for state in self.machine.states:
            if state.value == value:
                return str(state.name)
        return value

    def event_label(self, event: str) -> str:
        for each in self._events():
            if each.id == event:
                return str(each.name)
        return event

    def allows(self, obj: M, event: str) -> bool:
        """Whether ``event`` is possible now (conditions included), e.g. to offer a button."""
        return event in {
            each.id for each in self._bind(_Snapshot(obj, self.field)).enabled_events()
        }

    def allowed(self, obj: M) -> set[str]:
        return {each.id for each in self._bind(_Snapshot(obj, self.field)).enabled_events()}

    def refusal(self, obj: M, event: str) -> str:
        state = self.state_label(getattr(obj, self.field)).lower()
        return f"This {self.noun} is {state}, so you cannot {self.event_label(event)}."

    def check(self, obj: M, event: str) -> str:
        """The state ``event`` would move ``obj`` to; IllegalMove if it is not allowed now."""
        snapshot = _Snapshot(obj, self.field)
        try:
            self._bind(snapshot).send(event)
        except TransitionNotAllowed:
            raise IllegalMove(self.refusal(obj, event)) from None
        return str(getattr(snapshot, self.field))

    def move(self, obj: M, event: str, **changes: Any) -> str:
        """Apply ``event`` to ``obj`` with other field ``changes`` in the same UPDATE, only if
        the state is still the one the move was checked against; update ``obj`` and return
        the new state.

        If someone moved the object meanwhile, the event is checked again against the state
        they left (a compare-and-set loop): still allowed, it applies there; no longer
        allowed, the refusal says why. Two concurrent actions therefore both take effect in
        some order, or one is refused, and none overwrites the other."""
        for _attempt in range(MOVE_ATTEMPTS):
            before = getattr(obj, self.field)
            after = self.check(obj, event)
            updated = (
                type(obj)
                ._default_manager.filter(pk=obj.pk, **{self.field: before})
                .update(**{self.field: after}, **changes)
            )
            if updated:
                setattr(obj, self.field, after)
                for name, value in changes.items():
                    setattr(obj, name, value)
                return after
            obj.refresh_from_db()
        raise IllegalMove(
            f"This {self.noun} is being changed by someone else. "
            "Reload the page to see what changed."
        )


class _Snapshot:
    """A stand-in for the model instance, so checking a move never changes the real object;
    conditions (``cond=``) read the instance's attributes through it."""

    def __init__(self, obj: Any, field: str) -> None:
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, field, getattr(obj, field))

    def __getattr__(self, name: str) -> Any:
        return getattr(object.__getattribute__(self, "_obj"), name)
