"""The review grid: the pictures jobs returned, grouped per source photo, each with Keep and Drop.

A visitor decides picture by picture (or all at once); a kept picture becomes a training sample at
once and a dropped one is gone, so the grid only ever shows what is still undecided. One section per
job, headed by the photo it varied: a whole-class run is reviewed photo by photo. Every card names
the engine and model that made its picture (`engine_policy.made_by`, from its recipe), so a visitor
can tell an inpainted apple from a recoloured one. The grid only asks (`Decided`); the screen stores
the decision on a worker thread and then shows what is left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from kiosk.generation.engine_policy import made_by
from kiosk.generation.status import Result
from kiosk.tui.widgets.thumbnail import thumbnail

THUMBNAIL_CELLS = (11, 5)
"""One cell narrower than a grid column, so neighbouring pictures do not touch."""


@dataclass(frozen=True)
class ReviewSection:
    """The undecided pictures of one job, under a heading naming its source photo."""

    job_id: str
    heading: str
    results: tuple[Result, ...]


Choices = tuple[tuple[str, tuple[int, ...]], ...]
"""(job id, picture indices) pairs: what a Keep or Drop tap decides."""


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
    ReviewGrid .review-source {
        height: 1;
        width: 100%;
        color: $text-muted;
    }
    ReviewGrid Grid {
        grid-size: 4;
        grid-gutter: 0 0;
        grid-rows: 10;
        height: auto;
    }
    ReviewGrid .review-engine {
        height: 2;
        width: 100%;
        text-overflow: ellipsis;
        text-wrap: nowrap;
        color: $text-muted;
    }
    ReviewGrid .review-cell {
        height: 10;
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
        """Keep (`keep`) or drop these pictures: (job id, indices) pairs."""

        def __init__(self, choices: Choices, keep: bool) -> None:
            super().__init__()
            self.choices = choices
            self.keep = keep

    def __init__(self, sections: Sequence[ReviewSection], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sections = tuple(section for section in sections if section.results)

    @property
    def key(self) -> Choices:
        """What the grid shows, to tell whether it must be rebuilt."""
        return tuple((s.job_id, tuple(r.index for r in s.results)) for s in self.sections)

    def compose(self) -> ComposeResult:
        count = sum(len(section.results) for section in self.sections)
        heading = f"Keep or drop each of the {count} new pictures"
        yield Static(heading, classes="review-heading")
        with VerticalScroll():
            for number, section in enumerate(self.sections):
                yield Static(section.heading, classes="review-source")
                with Grid():
                    for result in section.results:
                        with Vertical(classes="review-cell", id=f"review-{number}-{result.index}"):
                            yield thumbnail(result.image, THUMBNAIL_CELLS)
                            yield Static("\n".join(made_by(result.recipe)), classes="review-engine")
                            with Horizontal():
                                yield Button("Keep", id=f"keep-{number}-{result.index}", variant="success")
                                yield Button("Drop", id=f"drop-{number}-{result.index}", variant="error")
        with Horizontal(classes="review-all"):
            yield Button(f"Keep all {count}", id="keep-all", variant="success")
            yield Button(f"Drop all {count}", id="drop-all", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        name = event.button.id or ""
        action, _, which = name.partition("-")
        if action not in ("keep", "drop"):
            return
        event.stop()
        if which == "all":
            choices = self.key
        else:
            number, _, index = which.partition("-")
            choices = ((self.sections[int(number)].job_id, (int(index),)),)
        self.post_message(self.Decided(choices, keep=action == "keep"))
