"""One generation job, or one whole-class run, on the expand step: what was asked, a progress bar,
what is happening now.

Every state a job passes through has a sentence (`kiosk.generation.status`), so a visitor whose worker
went offline reads "waiting" (and for which backend) rather than watching a bar that never moves;
a running job has a big Cancel button beside it. A whole-class run is one bar (`group_status`), and
its button cancels all of its jobs.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static

from kiosk.generation.status import JobStatus
from kiosk.tui.widgets.bars import bar_text

BAR_CELLS = 16


def job_title(status: JobStatus, photos: int = 1) -> str:
    """ "apple: new colour, change 0.5", and "apple (all 5 photos): ..." for a whole-class run."""
    request = status.request
    wanted = str(request.preset).replace("_", " ") if request.preset else f"“{request.text}”"
    if request.preset and request.text:
        wanted += f" “{request.text}”"
    counted = f"all {photos} photos" if photos > 1 else "its one photo"
    whose = f"{status.label} ({counted})" if status.group else status.label
    return f"{whose}: {wanted}, change {request.change:.1f}"


class JobProgress(Horizontal):
    DEFAULT_CSS = """
    JobProgress {
        height: 3;
        width: 100%;
    }
    JobProgress > Vertical {
        width: 1fr;
        height: 3;
    }
    JobProgress .job-title, JobProgress .job-bar, JobProgress .job-message {
        height: 1;
        width: 100%;
    }
    JobProgress .job-title {
        text-style: bold;
    }
    JobProgress.-failed .job-message {
        color: $error;
    }
    JobProgress.-waiting .job-message {
        color: $warning;
    }
    JobProgress > Button {
        width: 10;
        min-width: 10;
    }
    """

    class CancelPressed(Message):
        def __init__(self, job_id: str) -> None:
            super().__init__()
            self.job_id = job_id

    def __init__(self, status: JobStatus, photos: int = 1) -> None:
        super().__init__(id=f"job-{status.job_id}", classes="job-progress")
        self.status = status
        self.photos = photos

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(classes="job-title")
            yield Static(classes="job-bar")
            yield Static(classes="job-message")
        yield Button("Cancel", classes="job-cancel", variant="error")

    def on_mount(self) -> None:
        self.show(self.status, self.photos)

    def show(self, status: JobStatus, photos: int = 1) -> None:
        """Draw `status` (of `photos` photos, for a whole-class run); the latest snapshot wins."""
        self.status, self.photos = status, photos
        self.query_one(".job-title", Static).update(job_title(status, photos))
        bar = f"{bar_text(status.fraction, BAR_CELLS)} {status.progress_text}"
        self.query_one(".job-bar", Static).update(bar)
        self.query_one(".job-message", Static).update(status.message)
        self.query_one(".job-cancel", Button).display = not status.phase.finished
        for phase in ("failed", "waiting", "done", "cancelled"):
            self.set_class(status.phase == phase, f"-{phase}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("job-cancel"):
            event.stop()
            self.post_message(self.CancelPressed(self.status.job_id))
