"""The agreement coefficients, checked against published worked examples, and the cases in
which there is not enough data for one (never NaN, never an exception)."""

from __future__ import annotations

import math

import pytest

from candour.learning import agreement
from candour.learning.agreement import (
    NO_PAIRS,
    ONE_ANSWER,
    cohen_kappa,
    krippendorff_alpha,
    too_few,
)

CATEGORIES = {"scie_patterns": ["a", "b", "c"], "london_factors": ["x", "y"]}


def test_cohen_kappa_reproduces_the_wikipedia_worked_example():
    # https://en.wikipedia.org/wiki/Cohen%27s_kappa, "Simple example": 50 applications,
    # both yes 20, A yes and B no 5, A no and B yes 10, both no 15: p_o 0.7, p_e 0.5.
    first = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    result = cohen_kappa(first, second)
    assert result.value == pytest.approx(0.4)
    assert result.reason == ""


def test_krippendorff_alpha_reproduces_the_nominal_worked_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
    # observers, twelve units, missing values; nominal alpha = 0.743.
    m = None
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3],
        [m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m],
    ]
    result = krippendorff_alpha(data)
    assert result.value == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_alpha_takes_codes_as_well_as_numbers():
    m = None
    numbers = [[1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3]]
    words = [[None if v is None else f"code-{v}" for v in row] for row in numbers]
    assert krippendorff_alpha(words).value == pytest.approx(krippendorff_alpha(numbers).value)


def test_perfect_agreement_is_one():
    answers = ["supervision", "colleague", "reporter", "colleague", "supervision"]
    assert cohen_kappa(answers, answers).value == pytest.approx(1.0)
    assert krippendorff_alpha([answers, answers]).value == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        ([], [], NO_PAIRS),
        (["a", "b"], ["a", "b"], too_few(agreement.MIN_PAIRS)),
        (["none"] * 6, ["none"] * 6, ONE_ANSWER),
    ],
)
def test_kappa_without_enough_data_is_none_with_a_reason(first, second, reason):
    result = cohen_kappa(first, second)
    assert result.value is None
    assert not result.known
    assert result.reason == reason


def test_two_coders_each_always_giving_a_different_single_answer_score_zero():
    assert cohen_kappa(["a"] * 6, ["b"] * 6).value == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([[], []], NO_PAIRS),
        ([[1, None, None], [None, 2, None]], NO_PAIRS),  # no unit has two values
        ([[1, 2], [1, 2]], too_few(agreement.MIN_PAIRS)),
        ([[3] * 6, [3] * 6], ONE_ANSWER),
        ([], NO_PAIRS),
    ],
)
def test_alpha_without_enough_data_is_none_with_a_reason(data, reason):
    result = krippendorff_alpha(data)
    assert result.value is None
    assert result.reason == reason


def test_kappa_needs_the_same_items_from_both_coders():
    with pytest.raises(ValueError, match="same items"):
        cohen_kappa(["a"], ["a", "b"])


def coding(detection="supervision", harm="none", scie=(), london=()):
    return {
        "detection": detection,
        "harm": harm,
        "scie_patterns": list(scie),
        "london_factors": list(london),
    }


def test_agreement_over_no_pairs_says_so_for_every_field():
    results = agreement.agreement([], categories=CATEGORIES)
    assert [r.field for r in results] == ["detection", "harm", "scie_patterns", "london_factors"]
    for result in results:
        assert result.pairs == 0
        assert result.observed is None
        assert result.coefficient.value is None
        assert result.coefficient.reason == NO_PAIRS
    scie = results[2]
    assert [c.category for c in scie.categories] == ["a", "b", "c"]
    assert all(c.kappa.reason == NO_PAIRS for c in scie.categories)


def test_agreement_per_field_and_per_category():
    pairs = [
        (coding("supervision", "none", ["a"], ["x"]), coding("supervision", "none", ["a"], ["x"])),
        (coding("colleague", "low", ["a", "b"], []), coding("colleague", "low", ["a"], [])),
        (coding("colleague", "none", ["b"], ["y"]), coding("supervision", "none", ["b"], ["y"])),
        (coding("reporter", "low", [], ["x"]), coding("reporter", "low", [], ["x", "y"])),
        (coding("reporter", "none", ["a"], []), coding("reporter", "none", ["a"], [])),
        (coding("supervision", "low", ["b"], ["y"]), coding("supervision", "low", ["b"], ["y"])),
    ]
    detection, harm, scie, london = agreement.agreement(pairs, categories=CATEGORIES)

    assert detection.method == "Cohen's kappa"
    assert detection.pairs == 6
    assert detection.observed == pytest.approx(5 / 6)
    # p_o = 5/6; first: sup 2, col 2, rep 2; second: sup 3, col 1, rep 2 (of 6);
    # p_e = (2*3 + 2*1 + 2*2) / 36 = 1/3; kappa = (5/6 - 1/3) / (2/3) = 0.75.
    assert detection.coefficient.value == pytest.approx(0.75)
    assert harm.coefficient.value == pytest.approx(1.0)

    assert scie.method == "Krippendorff's alpha (nominal)"
    assert scie.observed == pytest.approx(5 / 6)  # report 2 differs (a+b vs a)
    by_category = {c.category: c for c in scie.categories}
    assert by_category["a"].first_count == 3
    assert by_category["a"].second_count == 3
    assert by_category["a"].kappa.value == pytest.approx(1.0)
    assert by_category["b"].first_count == 3
    assert by_category["b"].second_count == 2
    # "b": first yes on 2, 3, 6; second yes on 3, 6: p_o 5/6, p_e (3*2 + 3*4)/36 = 1/2.
    assert by_category["b"].kappa.value == pytest.approx(2 / 3)
    assert by_category["c"].kappa.value is None  # nobody chose it
    assert by_category["c"].kappa.reason == ONE_ANSWER
    assert scie.coefficient.known
    assert 0 < scie.coefficient.value < 1
    assert london.coefficient.known


def test_agreement_never_answers_nan():
    pairs = [(coding(), coding())] * 8  # everyone always agrees on one answer
    for result in agreement.agreement(pairs, categories=CATEGORIES):
        assert result.observed == pytest.approx(1.0)
        value = result.coefficient.value
        assert value is None or not math.isnan(value)
        assert result.coefficient.reason == ONE_ANSWER


def test_too_few_pairs_for_a_multi_valued_field_says_so():
    pairs = [(coding(scie=["a"]), coding(scie=["b"]))] * 2
    scie = agreement.agreement(pairs, categories=CATEGORIES)[2]
    assert scie.coefficient.reason == too_few(agreement.MIN_PAIRS)
    assert all(c.kappa.reason == too_few(agreement.MIN_PAIRS) for c in scie.categories)
