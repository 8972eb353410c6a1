"""Bar charts drawn on the server as SVG, from figures disclosure control has passed.

Every chart is shown with the table of its figures and a sentence saying what it shows, so
nothing depends on seeing the picture or on JavaScript. A figure that is not shown (fewer
than k, withheld) gets no bar and its words instead, never a bar of its hidden length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from candour.core.disclosure import Figure

ROW_HEIGHT = 28
BAR_HEIGHT = 18
LABEL_WIDTH = 170
BAR_WIDTH = 300
VALUE_GAP = 8
WIDTH = LABEL_WIDTH + BAR_WIDTH + 110


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the figure as words: "12", "fewer than 10", "withheld"
    y: int
    width: int  # 0 for a figure not shown
    shown: bool

    @property
    def text_x(self) -> int:
        return LABEL_WIDTH + self.width + VALUE_GAP

    @property
    def label_y(self) -> int:
        return self.y + BAR_HEIGHT - 4


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    height: int
    summary: str
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(rows: Sequence[tuple[str, Figure]], *, noun: str = "reports") -> BarChart:
    """Horizontal bars, one a row, scaled to the largest figure shown."""
    largest = max((float(f.value or 0) for _, f in rows if f.shown), default=0.0)
    bars = tuple(
        Bar(
            label=label,
            text=figure.text(),
            y=index * ROW_HEIGHT + 4,
            width=round(BAR_WIDTH * float(figure.value or 0) / largest)
            if figure.shown and largest
            else 0,
            shown=figure.shown,
        )
        for index, (label, figure) in enumerate(rows)
    )
    return BarChart(bars=bars, height=len(rows) * ROW_HEIGHT + 8, summary=summary(rows, noun))


def summary(rows: Sequence[tuple[str, Figure]], noun: str) -> str:
    """A sentence from the shown figures only: the largest, and how many are not shown."""
    shown = [(label, f) for label, f in rows if f.shown and f.value]
    hidden = sum(1 for _, f in rows if not f.shown)
    parts = []
    if shown:
        label, figure = max(shown, key=lambda row: float(row[1].value or 0))
        parts.append(f"The most {noun}: {label} ({figure.text()}).")
    elif hidden:
        parts.append("No figure is large enough to show.")
    else:
        parts.append(f"No {noun}.")
    if hidden:
        parts.append(
            f"{hidden} figure{'s are' if hidden != 1 else ' is'} not shown, so that no"
            " small group can be worked out."
        )
    return " ".join(parts)
