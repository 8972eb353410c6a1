"""Disclosure control: the one place every figure a leader sees, every export and every
published page is made safe (ADR 0021).

No Django here, so the rules can be tested on their own and used by any part of candour.

- A count below the threshold k (default 10, never below 5) is shown as "fewer than k".
- Complementary suppression: in a table whose cells add up to a total, more cells (and,
  if need be, the total) are withheld until no figure shown narrows a hidden count beyond
  what "fewer than k" says already: each one could still be anything from 1 to k - 1.
  The audit is exact for a table with one total, which is the only kind candour shows:
  breakdowns are never crossed with each other.
- Rounding (to 5, for published outputs) is applied after suppression, and the audit reads
  a rounded figure as the range it stands for.
- A share, a rate or a statistic is shown only when the counts under it could be.

Differencing across filters is prevented by what leaders may ask, not here: see the ADR.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 10
THRESHOLD_FLOOR = 5
PUBLISHED_ROUNDING = 5


class PolicyError(ValueError):
    """A disclosure setting outside what the rules allow; the message says what to change."""


@dataclass(frozen=True)
class Policy:
    """The threshold k and, for published outputs, the base figures are rounded to."""

    threshold: int = DEFAULT_THRESHOLD
    rounding: int = 1  # 1: exact figures

    def __post_init__(self) -> None:
        if self.threshold < THRESHOLD_FLOOR:
            raise PolicyError(f"The threshold must be {THRESHOLD_FLOOR} or more")
        if self.rounding < 1:
            raise PolicyError("Figures must be rounded to a whole number of 1 or more")

    def published(self) -> Policy:
        """The same threshold, rounded to 5, for outputs that leave the programme."""
        return Policy(threshold=self.threshold, rounding=max(self.rounding, PUBLISHED_ROUNDING))


class State(enum.StrEnum):
    SHOWN = "shown"
    FEWER = "fewer"  # below the threshold: shown as "fewer than k"
    WITHHELD = "withheld"  # hidden so that a figure below the threshold cannot be worked out


@dataclass(frozen=True)
class Figure:
    """What may be shown of one figure: never the hidden number itself."""

    state: State
    value: float | None = None  # the number to show (rounded where the policy rounds)
    threshold: int = DEFAULT_THRESHOLD

    @property
    def shown(self) -> bool:
        return self.state is State.SHOWN

    def text(self) -> str:
        if self.state is State.FEWER:
            return f"fewer than {self.threshold}"
        if self.state is State.WITHHELD:
            return "withheld"
        assert self.value is not None  # noqa: S101 - a shown figure has a value
        return f"{self.value:,.0f}" if float(self.value).is_integer() else f"{self.value:,.1f}"


@dataclass(frozen=True)
class Table:
    """A breakdown's cells, in order, and its total, after suppression."""

    cells: tuple[Figure, ...]
    total: Figure

    @property
    def any_hidden(self) -> bool:
        return any(not c.shown for c in (*self.cells, self.total))


def _round(value: int, base: int) -> int:
    return base * math.floor(value / base + 0.5)


def _is_primary(value: int, policy: Policy) -> bool:
    return 0 < value < policy.threshold


class _Known:
    """What a reader of the table knows of each figure: an inclusive range."""

    def __init__(self, policy: Policy, unbounded: int) -> None:
        self.policy = policy
        self.unbounded = unbounded  # larger than any figure in the table

    def of(self, value: int, state: State) -> tuple[int, int]:
        k, base = self.policy.threshold, self.policy.rounding
        if state is State.FEWER:
            return 1, k - 1
        if state is State.WITHHELD:
            # Withheld figures are never 0 nor below k (those are shown or "fewer than").
            return k, self.unbounded
        if value == 0 or base == 1:
            return value, value
        # A shown figure other than 0 is at least k; rounded, it stands for a range.
        shown = _round(value, base)
        return max(shown - base // 2, k), shown + (base - 1) // 2


def _narrowed(values: Sequence[int], total: int, states: list[State], known: _Known) -> bool:
    """Whether the shown figures narrow any "fewer than" cell below 1 to k - 1.

    With cells x_i in known ranges [lo_i, hi_i] and their total t in [lo_t, hi_t], the
    values x_i can take are exactly [max(lo_i, lo_t - sum hi_j), min(hi_i, hi_t - sum lo_j)]
    over the other cells j: one equality and ranges, so the bounds are attained."""
    ranges = [known.of(v, s) for v, s in zip(values, states[:-1], strict=True)]
    low_total, high_total = known.of(total, states[-1])
    sum_low = sum(lo for lo, _ in ranges)
    sum_high = sum(hi for _, hi in ranges)
    k = known.policy.threshold
    for index, (low, high) in enumerate(ranges):
        if states[index] is not State.FEWER:
            continue
        least = max(low, low_total - (sum_high - high))
        most = min(high, high_total - (sum_low - low))
        if least > 1 or most < k - 1:
            return True
    return False


def protect(counts: Sequence[int], policy: Policy) -> Table:
    """A breakdown whose cells add up to its total (each report in exactly one cell)."""
    values = [int(v) for v in counts]
    if any(v < 0 for v in values):
        raise ValueError("Counts cannot be negative")
    total = sum(values)
    if _is_primary(total, policy):
        # Every cell is fewer than k too (a 0 as well): nothing is shown but that.
        hidden = Figure(State.FEWER, threshold=policy.threshold)
        return Table(cells=tuple(hidden for _ in values), total=hidden)
    states = [State.FEWER if _is_primary(v, policy) else State.SHOWN for v in values]
    states.append(State.SHOWN)  # the total
    known = _Known(policy, unbounded=total + policy.threshold + policy.rounding)
    while _narrowed(values, total, states, known):
        # Withhold the smallest shown, non-zero cell; when none is left, the total.
        candidates = [i for i, v in enumerate(values) if states[i] is State.SHOWN and v > 0]
        if candidates:
            states[min(candidates, key=lambda i: (values[i], i))] = State.WITHHELD
        elif states[-1] is State.SHOWN:
            states[-1] = State.WITHHELD
        else:  # every figure but the zeros is hidden: nothing is left to narrow them
            break
    figures = [_figure(v, s, policy) for v, s in zip([*values, total], states, strict=True)]
    return Table(cells=tuple(figures[:-1]), total=figures[-1])


def protect_each(counts: Sequence[int], policy: Policy) -> tuple[Figure, ...]:
    """Counts that add up to no figure shown (a report can be in several, or in none, as
    with error traps or codes): each is suppressed on its own."""
    return tuple(count(v, policy) for v in counts)


def count(value: int, policy: Policy) -> Figure:
    """One count standing alone."""
    state = State.FEWER if _is_primary(int(value), policy) else State.SHOWN
    return _figure(int(value), state, policy)


def share(part: int, whole: int, policy: Policy) -> Figure:
    """``part`` of ``whole`` as a percentage, shown only if neither the part nor the rest
    is below the threshold (a share of 95 % of 12 says who the other one is)."""
    rest = whole - part
    if whole < policy.threshold or _is_primary(part, policy) or _is_primary(rest, policy):
        return Figure(State.FEWER, threshold=policy.threshold)
    return Figure(State.SHOWN, round(100 * part / whole, 1), policy.threshold)


def statistic(value: float, people: int, policy: Policy) -> Figure:
    """A figure summarising ``people`` (a median, a mean, a rate), shown only if at
    least k people are in it."""
    if people < policy.threshold:
        return Figure(State.FEWER, threshold=policy.threshold)
    return Figure(State.SHOWN, value, policy.threshold)


def _figure(value: int, state: State, policy: Policy) -> Figure:
    if state is not State.SHOWN:
        return Figure(state, threshold=policy.threshold)
    return Figure(State.SHOWN, _round(value, policy.rounding), policy.threshold)
