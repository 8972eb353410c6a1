"""The life of a double coding: the one place that says which moves are allowed (ADR 0013).

- awaiting_first → awaiting_second when the report's ordinary coding is saved (its copy is
  the first coding); while no second coding exists, saving it again refreshes the copy;
- awaiting_second → awaiting_reconciliation when another analyst codes it blind;
- awaiting_reconciliation → reconciled when an analyst keeps one agreed coding.

Reconciled is final: the two originals never change after the second coding, so the
agreement figures are about what each coder decided on their own.
"""

from __future__ import annotations

from statemachine import Event, State, StateMachine

from candour.core.lifecycle import Lifecycle
from candour.learning.models.double_coding import DoubleCoding, DoubleCodingStatus

S = DoubleCodingStatus


class DoubleCodingMachine(StateMachine):
    awaiting_first = State(S.AWAITING_FIRST.label, value=S.AWAITING_FIRST, initial=True)
    awaiting_second = State(S.AWAITING_SECOND.label, value=S.AWAITING_SECOND)
    awaiting_reconciliation = State(
        S.AWAITING_RECONCILIATION.label, value=S.AWAITING_RECONCILIATION
    )
    reconciled = State(S.RECONCILED.label, value=S.RECONCILED, final=True)

    record_first = Event(
        awaiting_first.to(awaiting_second) | awaiting_second.to.itself(),
        name="change the first coding",
    )
    record_second = Event(
        awaiting_second.to(awaiting_reconciliation), name="record a second coding"
    )
    reconcile = Event(awaiting_reconciliation.to(reconciled), name="reconcile the two codings")


DOUBLE_CODING = Lifecycle(DoubleCodingMachine, model=DoubleCoding, noun="double coding")

# States in which both codings exist, so the pair counts towards agreement.
PAIRED_STATES = (S.AWAITING_RECONCILIATION, S.RECONCILED)
