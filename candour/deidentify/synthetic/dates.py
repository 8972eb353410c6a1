"""Dates, dates of birth and times of day, in the forms people write them."""

from __future__ import annotations

import datetime as dt
import random

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _ordinal(day: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    if 11 <= day % 100 <= 13:
        suffix = "th"
    return f"{day}{suffix}"


def format_date(rng: random.Random, day: dt.date) -> tuple[str, str]:
    """(plain prefix, date text) in one of the forms people write."""
    d, m, y = day.day, day.month, day.year
    month = MONTHS[m - 1]
    weekday = _WEEKDAYS[day.weekday()]
    forms: list[tuple[str, str]] = [
        ("", f"{d} {month} {y}"),
        ("", f"{_ordinal(d)} {month}"),
        ("", f"{_ordinal(d)} {month} {y}"),
        ("", f"{d:02d}/{m:02d}/{y}"),
        ("", f"{d}/{m}/{y}"),
        ("", f"{d:02d}/{m:02d}/{y % 100:02d}"),
        ("", f"{d:02d}.{m:02d}.{y % 100:02d}"),
        ("", f"{weekday} {d} {month} {y}"),
        ("", f"{weekday} {_ordinal(d)} {month}"),
        ("", f"{d} {month[:3]} {y}"),
        ("", f"{month} {_ordinal(d)}"),
        ("the ", _ordinal(d)),
        ("", f"{d:02d}-{m:02d}-{y}"),
    ]
    weights = [14, 10, 8, 14, 4, 6, 6, 8, 4, 5, 3, 4, 2]
    return rng.choices(forms, weights)[0]


def format_dob(rng: random.Random, day: dt.date) -> str:
    d, m, y = day.day, day.month, day.year
    month = MONTHS[m - 1]
    forms = [
        f"{d:02d}/{m:02d}/{y}",
        f"{d} {month} {y}",
        f"{_ordinal(d)} {month} {y}",
        f"{d:02d}.{m:02d}.{y}",
        f"{d:02d}-{m:02d}-{y}",
        f"{d}/{m}/{y}",
    ]
    return rng.choices(forms, [10, 7, 4, 2, 2, 2])[0]


def time_of_day(rng: random.Random) -> str:
    """A time as a case note gives it: "14:30", "2pm" or "2.30pm"."""
    hour = rng.randint(0, 23)
    minute = rng.choice((0, 0, 15, 30, 45, 10, 50))
    if rng.random() < 0.5:
        return f"{hour:02d}:{minute:02d}"
    suffix = "am" if hour < 12 else "pm"
    h12 = hour % 12 or 12
    return f"{h12}{suffix}" if minute == 0 else f"{h12}.{minute:02d}{suffix}"
