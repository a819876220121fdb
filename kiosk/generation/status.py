"""What the expand step shows about one generation job: its phase, progress and results, in words.

The research prototype's visitors waited without knowing why; here every state a job can be in has
one plain sentence, and a failure says what went wrong and what to try instead of a machine code.
These records are immutable snapshots: a worker thread makes a new one for every change and hands
it to the screen, which never reads half-updated state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from PIL import Image

from kiosk.generation.engine_policy import LOCAL_BACKEND
from shared.presets import Preset
from shared.protocol import FailureCode


class Phase(StrEnum):
    QUEUED = "queued"
    """Sent; no worker has started it yet."""
    WAITING = "waiting"
    """No worker (or no broker) right now: the job is kept and goes out when one is back."""
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (Phase.DONE, Phase.FAILED, Phase.CANCELLED)


class Engine(StrEnum):
    """Where the images are made: a worker over MQTT, or the kiosk itself with the classic engine."""

    WORKER = "worker"
    LOCAL = "local"


@dataclass(frozen=True)
class Request:
    """What a visitor asked for on the expand step."""

    sample_id: str
    """The real photo to vary."""
    preset: Preset | None
    change: float
    """How much to change, 0 (nothing) to 1 (a lot): the one slider."""
    text: str | None = None
    """Custom words, for backends that read text; the classic engine ignores them."""
    count: int = 4
    seed: int | None = None
    """None: a random seed; tests pass one for pictures that repeat."""


@dataclass(frozen=True)
class ClassRequest:
    """Variations of every photo of a class, or of the photos named, asked for with one tap."""

    label: str
    preset: Preset | None
    change: float
    text: str | None = None
    count: int = 4
    """Pictures per photo."""
    sample_ids: tuple[str, ...] | None = None
    """Only these photos of the class (the ones the coach named); None: every real photo of it."""
    seed: int | None = None
    """The first photo's seed, the next one's seed + 1, ...; None: random."""


@dataclass(frozen=True)
class ClassRun:
    """The jobs of one whole-class request, sent together so a worker can batch them."""

    group: str
    label: str
    job_ids: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...] = ()
    """(photo id, why) for the photos no engine could take; the others went ahead."""


@dataclass(frozen=True)
class Result:
    """One returned image waiting for the visitor's accept or reject."""

    index: int
    image: Image.Image
    mask: Image.Image | None
    """The object's mask in the image (kiosk/generation/picture_masks.py says where it comes from), saved
    with the sample; None when nobody could tell where the object is."""
    recipe: dict[str, Any]
    """How it was made, JSON-ready; saved with the sample when accepted."""


@dataclass(frozen=True)
class JobStatus:
    job_id: str
    request: Request
    label: str
    """Class of the source photo, which the accepted images join."""
    engine: Engine
    phase: Phase
    message: str
    """One sentence for the visitor: what is happening or what went wrong."""
    step: int = 0
    total: int = 0
    results: tuple[Result, ...] = ()
    """Images not yet accepted or rejected."""
    backend: str = LOCAL_BACKEND
    """The backend the engine policy picked for this job (`engine_policy.PREFERENCES`)."""
    group: str | None = None
    """The whole-class run this job belongs to (`Expansion.send_class`), None for a single photo."""

    @property
    def fraction(self) -> float:
        """Progress in [0, 1] for a bar; a finished job is full."""
        if self.phase.finished:
            return 1.0
        return self.step / self.total if self.total else 0.0

    @property
    def progress_text(self) -> str:
        if self.phase is Phase.RUNNING and self.total:
            return f"step {self.step} of {self.total}"
        return self.phase.value


def group_status(group: str, statuses: Sequence[JobStatus]) -> JobStatus:
    """One snapshot standing for a whole-class run, for its one progress bar: the run's phase is the
    most urgent of its jobs' (running, then waiting, then queued), its steps their sum, its message
    the waiting job's (it says which backend is missing) or a count of the photos done."""
    if not statuses:
        raise ValueError("a group needs at least one job")
    phases = {status.phase for status in statuses}
    done = [status for status in statuses if status.phase.finished]
    failed = [status for status in statuses if status.phase is Phase.FAILED]
    waiting = next((status for status in statuses if status.phase is Phase.WAITING), None)
    photos = f"{len(done)} of {len(statuses)} photos done"
    if len(done) == len(statuses):
        phase = next(p for p in (Phase.DONE, Phase.FAILED, Phase.CANCELLED) if p in phases)
        message = f"{len(done) - len(failed)} of {len(statuses)} photos have new pictures."
        if phase is Phase.CANCELLED:
            message = "Cancelled."
        if failed:
            message += f" {len(failed)} failed: {failed[0].message}"
    elif Phase.RUNNING in phases:
        phase = Phase.RUNNING
        running = next(status for status in statuses if status.phase is Phase.RUNNING)
        message = f"{photos}. {running.message}"
    elif waiting is not None:
        phase, message = Phase.WAITING, f"{photos}. {waiting.message}"
    else:
        phase, message = Phase.QUEUED, f"{photos}. Sent: waiting for the worker to start."
    step = sum(status.total if status.phase.finished else status.step for status in statuses)
    total = sum(status.total for status in statuses)
    first = statuses[0]
    return replace(first, job_id=group, phase=phase, message=message, step=step, total=total, results=())


_FAILURE_WORDS: dict[FailureCode, str] = {
    FailureCode.INVALID_JOB: "The worker could not read the request.",
    FailureCode.TOO_LARGE: "The photo is too large to send.",
    FailureCode.BAD_IMAGE: "The worker could not open the photo.",
    FailureCode.UNSUPPORTED_BACKEND: "The worker cannot make this kind of picture.",
    FailureCode.UNSUPPORTED_PRESET: "This change is not available there: pick another one.",
    FailureCode.PROMPT_REJECTED: "Those words are not allowed here: try other words.",
    FailureCode.EXPIRED: "It took too long: no worker finished it in time. Try again.",
    FailureCode.CANCELLED: "Cancelled.",
    FailureCode.BUSY: "The worker is busy right now: try again in a moment.",
    FailureCode.OUT_OF_MEMORY: "The worker ran out of memory: ask for fewer pictures.",
    FailureCode.BACKEND_ERROR: "Something went wrong on the worker: try again.",
}


def failure_words(code: FailureCode, detail: str) -> str:
    """The sentence for a failed job, with the worker's own reason after it."""
    words = _FAILURE_WORDS.get(code, "The job failed.")
    return f"{words} ({detail})" if detail else words
