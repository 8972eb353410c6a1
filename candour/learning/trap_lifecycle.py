"""The life of an error trap: the one place that says which moves are allowed (ADR 0013).

- candidate → confirmed when an analyst names it (a recurring trap, worth acting on);
- candidate → closed when an analyst dismisses it (not a real pattern);
- confirmed ⇄ monitoring: an improvement is under way and its effect is being watched;
- confirmed or monitoring → closed when the trap no longer catches people;
- closed → monitoring when it recurs (reopened, keeping its number and history);
- candidate, confirmed or monitoring → closed when an analyst merges it into another trap
  (it stays, closed, so later runs send what resembles it to the trap it joined).

Discovery never moves a trap: it only refreshes what the last run found.
"""

from __future__ import annotations

from statemachine import Event, State, StateMachine

from candour.core.lifecycle import Lifecycle
from candour.learning.models.traps import ErrorTrap, TrapStatus


class TrapMachine(StateMachine):
    candidate = State(TrapStatus.CANDIDATE.label, value=TrapStatus.CANDIDATE, initial=True)
    confirmed = State(TrapStatus.CONFIRMED.label, value=TrapStatus.CONFIRMED)
    monitoring = State(TrapStatus.MONITORING.label, value=TrapStatus.MONITORING)
    closed = State(TrapStatus.CLOSED.label, value=TrapStatus.CLOSED)

    confirm = Event(candidate.to(confirmed), name="confirm it as an error trap")
    dismiss = Event(candidate.to(closed), name="dismiss it")
    monitor = Event(confirmed.to(monitoring), name="start monitoring it")
    resume = Event(monitoring.to(confirmed), name="stop monitoring it")
    close = Event(confirmed.to(closed) | monitoring.to(closed), name="close it")
    # A merged trap lives on in the trap it joined: reopen that one instead.
    reopen = Event(closed.to(monitoring, unless="was_merged"), name="reopen it")
    merge = Event(
        candidate.to(closed) | confirmed.to(closed) | monitoring.to(closed),
        name="merge it into another trap",
    )
    describe = Event(
        confirmed.to.itself() | monitoring.to.itself(), name="change its name or description"
    )

    def was_merged(self) -> bool:
        return self.model.merged_into_id is not None


TRAP = Lifecycle(TrapMachine, model=ErrorTrap, noun="error trap")

# Traps analysts have accepted as real: new reports are suggested to these.
ACTIVE_STATES = (TrapStatus.CONFIRMED, TrapStatus.MONITORING)
