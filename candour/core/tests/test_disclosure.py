"""Disclosure control: no count below k is shown, and none can be worked out from the rest.

The property tests read a protected table as an intruder would (every table of counts
consistent with what is shown, found by brute force, not by the module's own arithmetic)
and fail if any hidden count below k is narrowed beyond "fewer than k"."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candour.core import disclosure
from candour.core.disclosure import Figure, Policy, PolicyError, State

LARGEST = 12  # counts in the brute-force search stay small enough to enumerate


def _reader_range(figure: Figure, policy: Policy, largest: int, least_fewer: int = 1) -> range:
    """Every value a reader can believe a figure has, from what it shows and the rules
    (shown: exact or the rounding's range, and 0 or at least k; fewer: below k; withheld:
    at least k)."""
    k = policy.threshold
    if figure.state is State.FEWER:
        return range(least_fewer, k)
    if figure.state is State.WITHHELD:
        return range(k, largest + 1)
    assert figure.value is not None
    shown = int(figure.value)
    if shown == 0:
        return range(0, 1)
    base = policy.rounding
    return range(max(shown - base // 2, k), shown + (base - 1) // 2 + 1)


def _consistent_tables(table, policy, largest):
    # Below a shown total, "fewer than k" means 1 to k - 1; below a hidden one, 0 too.
    least = 0 if table.total.state is State.FEWER else 1
    cells = [_reader_range(c, policy, largest, least) for c in table.cells]
    totals = set(_reader_range(table.total, policy, largest * len(cells), least))
    for values in itertools.product(*cells):
        if sum(values) in totals:
            yield values


@settings(max_examples=300, deadline=None)
@given(
    counts=st.lists(st.integers(0, LARGEST), min_size=1, max_size=4),
    threshold=st.integers(5, 7),
    rounding=st.sampled_from([1, 5]),
)
def test_no_hidden_count_can_be_worked_out_from_a_table(counts, threshold, rounding):
    policy = Policy(threshold=threshold, rounding=rounding)
    table = disclosure.protect(counts, policy)
    tables = list(_consistent_tables(table, policy, LARGEST * len(counts)))
    assert tuple(counts) in tables  # the truth is among what a reader can believe
    for index, figure in enumerate(table.cells):
        if 0 < counts[index] < threshold:
            assert figure.state is State.FEWER
        if figure.state is State.FEWER:
            possible = {values[index] for values in tables}
            # Anything from 1 to k - 1 is still possible: nothing was learned.
            assert set(range(1, threshold)) <= possible, (counts, table)
        if figure.shown:
            assert figure.value == disclosure._round(counts[index], rounding)


@given(counts=st.lists(st.integers(0, 500), min_size=1, max_size=12))
def test_suppression_hides_only_what_it_must_and_shows_the_rest(counts):
    policy = Policy()
    table = disclosure.protect(counts, policy)
    for value, figure in zip(counts, table.cells, strict=True):
        if 0 < value < policy.threshold or 0 < sum(counts) < policy.threshold:
            assert not figure.shown
        if figure.shown:
            assert figure.value == value
        if figure.state is State.WITHHELD:
            assert value >= policy.threshold
    if not any(0 < v < policy.threshold for v in counts) and sum(counts) >= policy.threshold:
        assert not table.any_hidden


def test_a_single_small_cell_takes_the_next_smallest_with_it():
    table = disclosure.protect([3, 20, 30], Policy())
    assert [c.state for c in table.cells] == [State.FEWER, State.WITHHELD, State.SHOWN]
    assert table.total.value == 53
    assert [c.text() for c in table.cells] == ["fewer than 10", "withheld", "30"]


def test_a_complement_too_small_to_hide_the_cell_takes_another():
    # 1 + 10 = 11, with the 10 known to be at least 10: the 1 would be worked out.
    table = disclosure.protect([1, 10, 40], Policy())
    assert [c.state for c in table.cells] == [State.FEWER, State.WITHHELD, State.WITHHELD]
    assert table.total.value == 51


def test_the_total_is_withheld_when_no_cell_is_left_to_withhold():
    table = disclosure.protect([2, 0, 0], Policy())
    assert table.cells[0].state is State.FEWER
    assert table.total.state is State.FEWER  # 2 is below k too
    table = disclosure.protect([4, 10], Policy())  # 14 would say the 4 is at most 4
    assert [c.state for c in table.cells] == [State.FEWER, State.WITHHELD]
    assert table.total.state is State.WITHHELD


def test_published_figures_are_rounded_to_five():
    policy = Policy().published()
    assert policy.rounding == 5
    table = disclosure.protect([12, 13, 40], policy)
    assert [c.value for c in table.cells] == [10, 15, 40]
    assert table.total.value == 65


def test_the_threshold_has_a_floor_of_five():
    with pytest.raises(PolicyError, match="5 or more"):
        Policy(threshold=4)
    assert Policy(threshold=5).threshold == 5


def test_counts_that_add_up_to_nothing_shown_are_suppressed_one_by_one():
    figures = disclosure.protect_each([3, 0, 25], Policy())
    assert [f.state for f in figures] == [State.FEWER, State.SHOWN, State.SHOWN]


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [(50, 100, 50.0), (9, 100, None), (95, 100, None), (5, 9, None), (0, 40, 0.0)],
)
def test_a_share_is_shown_only_if_the_part_and_the_rest_could_be(part, whole, shown):
    figure = disclosure.share(part, whole, Policy())
    assert figure.value == shown


def test_a_statistic_needs_k_people():
    assert not disclosure.statistic(12.5, 9, Policy()).shown
    assert disclosure.statistic(12.5, 10, Policy()).text() == "12.5"
