"""How flags data is shown on pages: display logic only, no queries (ADR 0013)."""

from __future__ import annotations

from dataclasses import dataclass

from candour.flags.models import APPLIED_RESULTS, LineResult, Upload


@dataclass(frozen=True)
class ResultCount:
    """One row of an upload's summary: how many lines had this result."""

    label: str
    lines: int
    applied: bool


def result_counts(upload: Upload) -> list[ResultCount]:
    """An applied upload's lines by result: applied results first, then refusals, most
    frequent first, so a file of thousands of refused lines reads as a few rows."""
    rows = [
        ResultCount(
            label=LineResult(result).label if result in LineResult.values else result,
            lines=int(lines),
            applied=result in APPLIED_RESULTS,
        )
        for result, lines in upload.result_counts.items()
    ]
    return sorted(rows, key=lambda row: (not row.applied, -row.lines, row.label))
