"""The confusion matrix as a small table: rows are what a photo is, columns what the model said.

The diagonal (right answers) is green, any other non-zero cell red, so the pair the model mixes up
stands out without reading numbers; the coach's "confused pair" advice points at the same cell.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

CELL = 7
LABEL_CELLS = 10


def confusion_text(labels: Sequence[str], confusion: Sequence[Sequence[int]]) -> Text:
    text = Text()
    text.append("is/said".ljust(LABEL_CELLS), style="dim")
    for label in labels:
        text.append(f"{label[: CELL - 1]:>{CELL}}", style="bold")
    for i, (label, row) in enumerate(zip(labels, confusion, strict=True)):
        text.append(f"\n{label[:LABEL_CELLS]:<{LABEL_CELLS}}", style="bold")
        for j, count in enumerate(row):
            style = "green" if i == j and count else "bold red" if count else "dim"
            text.append(f"{count:>{CELL}}", style=style)
    return text


class ConfusionMatrix(Static):
    DEFAULT_CSS = """
    ConfusionMatrix {
        height: auto;
        width: auto;
    }
    """

    def __init__(
        self, labels: Sequence[str], confusion: Sequence[Sequence[int]], *, id: str | None = None
    ) -> None:
        super().__init__(confusion_text(labels, confusion), id=id)
