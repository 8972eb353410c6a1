"""How far two analysts agree when they code the same reports blind (pure: no Django).

- Single-valued fields (how it was detected, harm): Cohen's kappa, from scikit-learn.
- Multi-valued fields (SCIE patterns, London Protocol factors): each category is a yes/no
  decision about each report. Each category gets its own Cohen's kappa, and the field as a
  whole gets Krippendorff's alpha (nominal, from the ``krippendorff`` package) over all its
  category decisions pooled.

A coefficient that cannot be computed is ``None`` with a reason people can read, never NaN
and never an exception: no pairs or too few of them, or both coders giving one and the same
answer throughout (agreement beyond chance is then undefined: chance alone would agree).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import krippendorff
import numpy as np

SINGLE_FIELDS = ("detection", "harm")
MULTI_FIELDS = ("scie_patterns", "london_factors")
# Below this many reports coded twice a coefficient says more about chance than about the
# coders, so none is shown.
MIN_PAIRS = 5

NO_PAIRS = "No reports were coded twice in this period."
ONE_ANSWER = (
    "Both coders gave the same single answer every time, so agreement beyond chance "
    "cannot be measured."
)


def too_few(min_pairs: int) -> str:
    return f"Fewer than {min_pairs} reports were coded twice, too few for a reliable figure."


@dataclass(frozen=True)
class Coefficient:
    """A coefficient, or ``None`` with the reason it is not enough data."""

    value: float | None
    reason: str = ""

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class CategoryAgreement:
    """One category of a multi-valued field, as a yes/no decision about each report."""

    category: str
    first_count: int  # reports the first coder gave this category
    second_count: int
    observed: float | None  # share of reports on which both decided alike
    kappa: Coefficient


@dataclass(frozen=True)
class FieldAgreement:
    field: str
    multi: bool
    pairs: int
    observed: float | None  # share of reports with exactly the same answer (the same set)
    coefficient: Coefficient  # Cohen's kappa, or Krippendorff's alpha for a multi field
    categories: tuple[CategoryAgreement, ...] = ()

    @property
    def method(self) -> str:
        return "Krippendorff's alpha (nominal)" if self.multi else "Cohen's kappa"


def _undefined(value: float) -> bool:
    return math.isnan(value) or math.isinf(value)


def cohen_kappa(
    first: Sequence[Hashable], second: Sequence[Hashable], *, min_pairs: int = MIN_PAIRS
) -> Coefficient:
    """Cohen's kappa between two coders' answers to the same items, in the same order."""
    if len(first) != len(second):
        raise ValueError("Both coders must answer the same items")
    if not first:
        return Coefficient(None, NO_PAIRS)
    if len(first) < min_pairs:
        return Coefficient(None, too_few(min_pairs))
    labels = sorted({*first, *second}, key=str)
    if len(labels) < 2:
        return Coefficient(None, ONE_ANSWER)
    # Imported here: scikit-learn takes seconds to import, and the pages that import this
    # module are served by every web process, most of which never compute a kappa.
    from sklearn.metrics import cohen_kappa_score

    value = float(cohen_kappa_score(list(first), list(second), labels=labels))
    if _undefined(value):
        return Coefficient(None, ONE_ANSWER)
    return Coefficient(value)


def krippendorff_alpha(
    reliability_data: Sequence[Sequence[Hashable | None]], *, min_units: int = MIN_PAIRS
) -> Coefficient:
    """Krippendorff's alpha (nominal): one row per coder, one column per unit, ``None`` for
    a missing value.

    Values may be any hashable (codes, not only numbers): they are numbered here, since the
    library counts numbers."""
    values = sorted(
        {value for row in reliability_data for value in row if value is not None}, key=str
    )
    units = len(reliability_data[0]) if reliability_data else 0
    pairable = sum(
        1
        for unit in range(units)
        if sum(1 for row in reliability_data if row[unit] is not None) >= 2
    )
    if pairable == 0:
        return Coefficient(None, NO_PAIRS)
    if pairable < min_units:
        return Coefficient(None, too_few(min_units))
    if len(values) < 2:
        return Coefficient(None, ONE_ANSWER)
    number = {value: index for index, value in enumerate(values)}
    data = np.array(
        [[np.nan if value is None else number[value] for value in row] for row in reliability_data],
        dtype=float,
    )
    value = float(
        krippendorff.alpha(
            reliability_data=data,
            value_domain=list(range(len(values))),
            level_of_measurement="nominal",
        )
    )
    if _undefined(value):
        return Coefficient(None, ONE_ANSWER)
    return Coefficient(value)


def _observed(first: Sequence[Any], second: Sequence[Any]) -> float | None:
    if not first:
        return None
    return sum(1 for a, b in zip(first, second, strict=True) if a == b) / len(first)


def single_field(
    name: str, pairs: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]], *, min_pairs: int
) -> FieldAgreement:
    first = [str(a.get(name, "")) for a, _b in pairs]
    second = [str(b.get(name, "")) for _a, b in pairs]
    return FieldAgreement(
        field=name,
        multi=False,
        pairs=len(pairs),
        observed=_observed(first, second),
        coefficient=cohen_kappa(first, second, min_pairs=min_pairs),
    )


def multi_field(
    name: str,
    pairs: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
    *,
    categories: Sequence[str],
    min_pairs: int,
) -> FieldAgreement:
    first_sets = [frozenset(a.get(name) or ()) for a, _b in pairs]
    second_sets = [frozenset(b.get(name) or ()) for _a, b in pairs]
    per_category = []
    pooled_first: list[Hashable | None] = []
    pooled_second: list[Hashable | None] = []
    for category in categories:
        first = [category in chosen for chosen in first_sets]
        second = [category in chosen for chosen in second_sets]
        pooled_first.extend(first)
        pooled_second.extend(second)
        per_category.append(
            CategoryAgreement(
                category=category,
                first_count=sum(first),
                second_count=sum(second),
                observed=_observed(first, second),
                kappa=cohen_kappa(first, second, min_pairs=min_pairs),
            )
        )
    if len(pairs) < min_pairs:  # the pooled decisions outnumber the reports they are about
        alpha = Coefficient(None, NO_PAIRS if not pairs else too_few(min_pairs))
    else:
        alpha = krippendorff_alpha([pooled_first, pooled_second], min_units=min_pairs)
    return FieldAgreement(
        field=name,
        multi=True,
        pairs=len(pairs),
        observed=_observed(first_sets, second_sets),
        coefficient=alpha,
        categories=tuple(per_category),
    )


def agreement(
    pairs: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
    *,
    categories: Mapping[str, Sequence[str]],
    min_pairs: int = MIN_PAIRS,
) -> list[FieldAgreement]:
    """Agreement on every coded field over ``pairs`` of (first, second) codings.

    ``categories`` gives each multi-valued field's possible values, so a category neither
    coder chose still has its (undefined) row."""
    return [
        *(single_field(name, pairs, min_pairs=min_pairs) for name in SINGLE_FIELDS),
        *(
            multi_field(name, pairs, categories=categories[name], min_pairs=min_pairs)
            for name in MULTI_FIELDS
        ),
    ]
