"""Dates keep their month and year (or are removed), per the organisation's policy."""

from __future__ import annotations

import re

from candour.deidentify.lexicon import MONTH_ABBREVIATIONS, MONTHS
from candour.deidentify.types import DatePolicy

_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b")
_ISO = re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")


def _month_name(number: int) -> str:
    return MONTHS[number - 1].title()


def date_replacement(value: str, *, is_birth: bool, policy: DatePolicy) -> str | None:
    """Return "March 2024" (or "March") for a date, or None when it must become a label."""
    if is_birth or policy is DatePolicy.REMOVE:
        return None
    if match := _ISO.search(value):
        return f"{_month_name(int(match.group(2)))} {match.group(1)}"
    if match := _NUMERIC.search(value):
        numeric_month = int(match.group(2))
        year = match.group(3)
        if len(year) == 2:
            year = f"20{year}"
        return f"{_month_name(numeric_month)} {year}" if 1 <= numeric_month <= 12 else None
    lowered = value.lower()
    month_number: int | None = None
    for index, name in enumerate(MONTHS, start=1):
        if re.search(rf"\b{name}\b", lowered):
            month_number = index
            break
    if month_number is None:
        for abbreviation, number in MONTH_ABBREVIATIONS.items():
            if re.search(rf"\b{abbreviation}\b\.?", lowered):
                month_number = number
                break
    if month_number is None:
        return None
    year_match = _YEAR.search(value)
    month = _month_name(month_number)
    return f"{month} {year_match.group(1)}" if year_match else month
