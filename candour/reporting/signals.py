"""What reporting tells the parts that learn from reports, inside the same transaction.

Learning keeps a search copy of released reports (ADR 0019). Reporting must not import
learning (learning reads reporting's models), so the release and coding services send these
and learning connects to them; a receiver's failure rolls the release back with it, so the
copy is never out of step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

# Sent with ``report`` and ``first`` (True on the first release, False on a correction).
report_released = Signal()
# Sent with ``report`` when an analyst saves its coding.
report_coded = Signal()


# Whether a report's coding is hidden from a user for now (a blind second coding is
# awaited, and the user is not the first coder). Other parts register checks; reporting's
# coding page then shows no coding and takes none, so the second coder stays blind.
CodingHiddenCheck = Callable[[Any, Any], bool]
_coding_hidden_checks: list[CodingHiddenCheck] = []


def register_coding_hidden(check: CodingHiddenCheck) -> None:
    if check not in _coding_hidden_checks:
        _coding_hidden_checks.append(check)


def coding_hidden(user: Any, report: Any) -> bool:
    return any(check(user, report) for check in _coding_hidden_checks)
