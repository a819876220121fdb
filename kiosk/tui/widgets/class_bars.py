"""Per-class accuracy as bars: which of the visitor's classes the model gets right, at a glance."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from kiosk.learning.training_run import ClassScore
from kiosk.tui.widgets.bars import bar_text, percent

BAR_CELLS = 12
LABEL_CELLS = 10


def class_bars_text(scores: Sequence[ClassScore]) -> Text:
    text = Text()
    for score in scores:
        share = score.accuracy or 0.0
        style = "green" if share >= 0.8 else "yellow" if share >= 0.5 else "red"
        text.append(f"{score.label[:LABEL_CELLS]:<{LABEL_CELLS}} ")
        text.append(bar_text(score.accuracy, BAR_CELLS), style=style)
        text.append(f" {percent(score.accuracy):>4}  {score.photos} photos\n")
    text.rstrip()
    return text


class ClassBars(Static):
    DEFAULT_CSS = """
    ClassBars {
        height: auto;
        width: 100%;
    }
    """

    def __init__(self, scores: Sequence[ClassScore], *, id: str | None = None) -> None:
        super().__init__(class_bars_text(scores), id=id)
