"""Running a batch of queued jobs on one backend: progress out, images out, every job answered.

A batch is one or more compatible jobs (see Backend.batch_key) run as one GPU
pass. Each job in it still lives its own life: it gets its own progress, its
own images and its own `done`, and a job that is cancelled or expires mid-batch
fails alone at the next step while the others go on; the pass stops only when
no job in it is wanted any more. A batch that fails as a whole (a bug, a preset
one job cannot use) is run again one job at a time, so one bad job cannot take
its neighbours down with it.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from gpu_worker.backends import Backend, GeneratedImage, OutOfMemory, UnsupportedRequest
from gpu_worker.cancellations import Cancellations
from gpu_worker.intake import QueuedJob, Rejection
from gpu_worker.replies import Replies
from gpu_worker.result_image import result_jpeg
from gpu_worker.results import StoredEvent
from gpu_worker.safety.image_checker import ImageSafetyChecker
from shared.imaging import BadImage
from shared.masks import encode_mask
from shared.protocol import FailureCode, ImageRecipe, JobDone, JobImage, JobProgress

log = logging.getLogger(__name__)


class _NobodyWaiting(Exception):
    """Every job in the pass was cancelled or expired: give the GPU back now."""


@dataclass
class _JobRun:
    item: QueuedJob
    kept: list[StoredEvent] = field(default_factory=list)
    images: int = 0
    withheld: int = 0
    stopped: bool = False


class BatchRunner:
    def __init__(
        self,
        worker_id: str,
        replies: Replies,
        cancellations: Cancellations,
        clock: Callable[[], float],
        stats: Counter[str],
        image_checker: ImageSafetyChecker | None = None,
    ) -> None:
        """`image_checker`, when given, sees every image first; what it flags is withheld and counted."""
        self._worker_id = worker_id
        self._image_checker = image_checker
        self.last_step_at = time.monotonic()
        """When a pass last moved on (monotonic): how the service tells a slow job from a hung GPU."""
        self._replies = replies
        self._cancellations = cancellations
        self._clock = clock
        self._stats = stats

    def run(self, backend: Backend, items: list[QueuedJob]) -> None:
        """Run `items` on `backend` and answer each of them, whatever happens."""
        runs = [_JobRun(item) for item in items]
        for run in runs:
            self._stop_if_unwanted(run, "while it was queued")
        live = [run for run in runs if not run.stopped]
        if len(live) > 1:
            self._stats["batched_jobs"] += len(live)
        self._run_together(backend, live, isolate_failures=len(live) > 1)

    def _run_together(self, backend: Backend, runs: list[_JobRun], isolate_failures: bool) -> None:
        if not runs:
            return
        started = self.last_step_at = time.monotonic()
        backend.reset_peak_memory()
        try:
            requests = [run.item.request for run in runs]
            for position, generated in backend.generate_batch(requests, self._step_reporter(runs)):
                run = runs[position]
                if not run.stopped:
                    self._publish_image(run, generated)
        except _NobodyWaiting:
            return
        except OutOfMemory as exc:
            self._fail_live(runs, FailureCode.OUT_OF_MEMORY, str(exc))
            return
        except Exception as exc:
            if isolate_failures:
                log.warning("a batch of %d jobs failed (%s); running them one at a time", len(runs), exc)
                for run in runs:
                    if not run.stopped:
                        self._run_together(backend, [_JobRun(run.item)], isolate_failures=False)
                return
            if isinstance(exc, UnsupportedRequest):
                self._fail_live(runs, FailureCode.UNSUPPORTED_PRESET, str(exc))
            else:
                job = runs[0].item.job
                log.exception("backend %s failed on job %s", job.backend, job.job_id)
                self._fail_live(runs, FailureCode.BACKEND_ERROR, f"the {job.backend} backend failed: {exc}")
            return
        peak = backend.peak_memory_mb()
        for run in runs:
            if not run.stopped:
                self._finish(run, time.monotonic() - started, peak)

    def _step_reporter(self, runs: list[_JobRun]) -> Callable[[int, int], None]:
        """Progress for each kiosk, and the point where unwanted jobs give the GPU back."""

        def on_step(step: int, total: int) -> None:
            self.last_step_at = time.monotonic()
            for run in runs:
                if run.stopped or self._stop_if_unwanted(run, f"at step {step} of {total}"):
                    continue
                job = run.item.job
                progress = JobProgress(job_id=job.job_id, worker_id=self._worker_id, step=step, total=total)
                self._replies.publish(job, progress)
            if all(run.stopped for run in runs):
                raise _NobodyWaiting

        return on_step

    def _stop_if_unwanted(self, run: _JobRun, when: str) -> bool:
        """Fail a cancelled or expired job now; True when it was stopped."""
        if run.item.key in self._cancellations:
            rejection = Rejection(FailureCode.CANCELLED, f"the kiosk cancelled the job {when}")
        elif run.item.job.expired(self._clock()):
            rejection = Rejection(FailureCode.EXPIRED, f"the job's deadline passed {when}")
        else:
            return False
        run.stopped = True
        self._replies.fail_claimed(run.item.job, rejection)
        return True

    def _publish_image(self, run: _JobRun, generated: GeneratedImage) -> None:
        job = run.item.job
        if self._image_checker is not None and self._image_checker.flagged([generated.image])[0]:
            log.warning("job %s: image %d withheld by the safety checker", job.job_id, generated.index)
            run.withheld += 1
            self._stats["withheld_images"] += 1
            return
        recipe = ImageRecipe(
            backend=job.backend,
            preset=job.preset,
            prompt=generated.prompt if generated.prompt is not None else job.prompt,
            negative_prompt=generated.negative_prompt,
            change=job.change,
            seed=job.seed,
            index=generated.index,
            whole_image=generated.whole_image,
            operations=list(generated.operations),
            model=generated.model,
        )
        image = JobImage(
            job_id=job.job_id,
            worker_id=self._worker_id,
            index=generated.index,
            total=job.num_images,
            recipe=recipe,
            image=result_jpeg(generated.image),
            mask=self._mask_png(job.job_id, generated),
        )
        run.kept.append(self._replies.publish(job, image))
        run.images += 1

    @staticmethod
    def _mask_png(job_id: str, generated: GeneratedImage) -> bytes | None:
        """The image's object mask for the wire; a mask that does not fit its image is refused here.

        A backend bug must not reach the kiosk as a mask describing the wrong pixels, nor cost the
        visitor the picture: the image goes without it (the kiosk then masks it itself), and the
        log says why.
        """
        if generated.mask is None:
            return None
        try:
            return encode_mask(generated.mask, generated.image.size, f"image {generated.index}'s mask")
        except BadImage as exc:
            log.error("job %s: %s; the image is sent without it", job_id, exc)
            return None

    def _finish(self, run: _JobRun, elapsed_s: float, peak_gpu_mb: float | None) -> None:
        job = run.item.job
        done = JobDone(
            job_id=job.job_id,
            worker_id=self._worker_id,
            num_images=run.images,
            elapsed_s=elapsed_s,
            withheld=run.withheld,
            peak_gpu_mb=peak_gpu_mb,
        )
        run.kept.append(self._replies.stored(job, done))
        self._stats["done"] += 1
        self._replies.finish(job, run.kept)

    def _fail_live(self, runs: list[_JobRun], code: FailureCode, message: str) -> None:
        for run in runs:
            if not run.stopped:
                run.stopped = True
                self._replies.fail_claimed(run.item.job, Rejection(code, message))
