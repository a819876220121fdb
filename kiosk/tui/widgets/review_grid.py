"""The review grid: the pictures a job returned, each with big Keep and Drop buttons.

A visitor decides picture by picture (or all at once); a kept picture becomes a training sample at
once and a dropped one is gone, so the grid only ever shows what is still undecided. The grid only
asks (`Decided`); the screen stores the decision on a worker thread and then shows what is left.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from kiosk.generation.status import Result
from kiosk.tui.widgets.thumbnail import thumbnail

THUMBNAIL_CELLS = (11, 5)
"""One cell narrower than a grid column, so neighbouring pictures do not touch."""


class ReviewGrid(Vertical):
    DEFAULT_CSS = """
    ReviewGrid {
        height: 1fr;
        width: 100%;
    }
    ReviewGrid > .review-heading {
        height: 1;
        width: 100%;
        text-style: bold;
    }
    ReviewGrid > VerticalScroll {
        height: 1fr;
    }
    ReviewGrid Grid {
        grid-size: 4;
        grid-gutter: 0 0;
        grid-rows: 8;
        height: auto;
    }
    ReviewGrid .review-cell {
        height: 8;
        width: 100%;
        align-horizontal: center;
    }
    ReviewGrid .review-cell Horizontal {
        height: 3;
        width: 100%;
    }
    ReviewGrid .review-cell Button {
        width: 1fr;
        min-width: 6;
        padding: 0;
    }
    ReviewGrid > .review-all {
        height: 3;
        width: 100%;
    }
    ReviewGrid > .review-all Button {
        width: 1fr;
    }
    """

    class Decided(Message):
        """Keep (`keep`) or drop the pictures with these indices of job `job_id`."""

        def __init__(self, job_id: str, indices: tuple[int, ...], keep: bool) -> None:
            super().__init__()
            self.job_id = job_id
            self.indices = indices
            self.keep = keep

    def __init__(self, job_id: str, results: Sequence[Result], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.job_id = job_id
        self.results = tuple(results)

    def compose(self) -> ComposeResult:
        count = len(self.results)
        heading = f"Keep or drop each of the {count} new pictures"
        yield Static(heading, classes="review-heading")
        with VerticalScroll(), Grid():
            for result in self.results:
                with Vertical(classes="review-cell", id=f"review-{result.index}"):
                    yield thumbnail(result.image, THUMBNAIL_CELLS)
                    with Horizontal():
                        yield Button("Keep", id=f"keep-{result.index}", variant="success")
                        yield Button("Drop", id=f"drop-{result.index}", variant="error")
        with Horizontal(classes="review-all"):
            yield Button(f"Keep all {count}", id="keep-all", variant="success")
            yield Button(f"Drop all {count}", id="drop-all", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        name = event.button.id or ""
        action, _, which = name.partition("-")
        if action not in ("keep", "drop"):
            return
        event.stop()
        indices = tuple(r.index for r in self.results) if which == "all" else (int(which),)
        self.post_message(self.Decided(self.job_id, indices, keep=action == "keep"))
