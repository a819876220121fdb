"""Did the generated pictures help? The real-only / mixed / generated-only check, in words and bars.

The sentence comes first (`training_run.comparison_words`); the bars beneath show the three scores
on the visitor's real photos so the "+12 points" can be seen, not only read.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from kiosk.learning.comparison import Comparison
from kiosk.tui.widgets.bars import bar_text, percent

BAR_CELLS = 16
ARMS = (("real_only", "Photos only"), ("mixed", "With generated"), ("generated_only", "Generated only"))


def comparison_text(words: str, comparison: Comparison | None) -> Text:
    text = Text(words, style="bold")
    if comparison is None or comparison.generated_count == 0:
        return text
    for name, title in ARMS:
        arm = getattr(comparison, name)
        accuracy = None if arm.evaluation is None else arm.evaluation.accuracy
        text.append(f"\n{title:<15}")
        text.append(bar_text(accuracy, BAR_CELLS), style="cyan")
        text.append(f" {percent(accuracy):>4}")
    return text


class ComparisonSummary(Static):
    DEFAULT_CSS = """
    ComparisonSummary {
        height: auto;
        width: 100%;
    }
    """

    def __init__(self, words: str, comparison: Comparison | None, *, id: str | None = None) -> None:
        super().__init__(comparison_text(words, comparison), id=id)
