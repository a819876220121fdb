"""The worker service: jobs in over MQTT, variations out, status always current.

Threads: paho's network thread runs intake (parse, validate, de-duplicate,
queue: all quick), one runner thread runs jobs one at a time (one GPU) with
the kiosks taking turns (job_queue.py), and publishing is thread-safe. Nothing
a kiosk sends can stop either thread: every failure becomes a `failed` event
for that job and a count in `stats`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from operator import attrgetter

from gpu_worker.backends import Backend, StepCallback, UnsupportedRequest, create_backend
from gpu_worker.config import WorkerConfig
from gpu_worker.intake import Rejection, parse_job, prepare_request, screen_prompt
from gpu_worker.job_queue import JobQueue, QueueFull
from gpu_worker.results import JobKey, ResultCache, StoredEvent
from shared import __version__
from shared.imaging import encode_jpeg
from shared.mqtt import BrokerUrl, MqttLink, Publication, Session
from shared.protocol import (
    FailureCode,
    GenerationJob,
    ImageRecipe,
    JobAccepted,
    JobDone,
    JobFailed,
    JobImage,
    JobProgress,
    WireModel,
    WorkerStatus,
    encode,
    topics,
)

log = logging.getLogger(__name__)

STATUS_INTERVAL_S = 0.5
"""Queue-depth changes within this interval go out as one status message."""

_RETRYABLE = frozenset({FailureCode.BUSY, FailureCode.BACKEND_ERROR})
"""Failures that say nothing about the job itself: a resend of it may run."""


class WorkerService:
    def __init__(
        self,
        config: WorkerConfig,
        backends: dict[str, Backend] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.stats: Counter[str] = Counter()
        self._clock = clock
        self._backends = backends or {name: create_backend(name, config) for name in config.backends}
        self._prompt_filter = config.prompt_filter.build()
        self._queue: JobQueue[GenerationJob] = JobQueue(
            config.queue_limit, kiosk_of=attrgetter("kiosk_id"), per_kiosk_limit=config.per_kiosk_limit
        )
        self._results = ResultCache(config.result_cache_mb * 2**20)
        self._intake_lock = threading.Lock()
        self._status_lock = threading.Lock()
        self._status_timer: threading.Timer | None = None
        self._status_sent_at = 0.0
        self._stopping = False
        self._status_topic = topics.worker_status(config.worker_id)
        self._link = MqttLink(
            BrokerUrl.parse(config.broker),
            config.worker_id,
            on_message=self._on_message,
            subscriptions=self._subscriptions,
            on_connected=self._on_connected,
            will=Publication(self._status_topic, encode(self._status("offline"))),
        )
        self._runner = threading.Thread(target=self._run_jobs, name="job-runner", daemon=True)

    def start(self) -> None:
        self._runner.start()
        self._link.start()

    def wait_connected(self, timeout: float) -> bool:
        return self._link.wait_connected(timeout)

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop taking jobs, publish `offline`, and let the current job end."""
        self._queue.close()
        with self._status_lock:
            self._stopping = True
            if self._status_timer is not None:
                self._status_timer.cancel()
        self._link.stop(farewell=Publication(self._status_topic, encode(self._status("offline"))))
        self._runner.join(timeout_s)

    # -- connection -------------------------------------------------------

    def _subscriptions(self, session: Session) -> list[tuple[str, int]]:
        if session.shared_subscriptions:
            return [(topics.shared_jobs_filter(self.config.shared_group), 1)]
        log.warning("broker offers no shared subscriptions: every worker on it receives every job")
        return [(topics.ALL_JOBS_FILTER, 1)]

    def _on_connected(self, _session: Session) -> None:
        self._publish_status()

    def _status(self, state: str) -> WorkerStatus:
        depth = self._queue.depth if state == "online" else 0
        return WorkerStatus(
            worker_id=self.config.worker_id,
            state=state,
            backends=list(self._backends),
            queue_depth=depth,
            version=__version__,
        )

    def _publish_status(self) -> None:
        with self._status_lock:
            self._status_timer = None
            self._status_sent_at = time.monotonic()
        self._link.publish(self._status_topic, encode(self._status("online")), qos=1, retain=True)

    def _status_changed(self) -> None:
        """Publish the new queue depth, at most every STATUS_INTERVAL_S.

        Every kiosk follows every worker's status, so one status per job
        start and end would cost each job two deliveries per kiosk; a burst of
        changes is folded into one message carrying the latest depth.
        """
        with self._status_lock:
            if self._status_timer is not None or self._stopping:
                return
            wait = max(0.0, self._status_sent_at + STATUS_INTERVAL_S - time.monotonic())
            self._status_timer = threading.Timer(wait, self._publish_status)
            self._status_timer.daemon = True
            self._status_timer.start()

    # -- intake (paho's thread) ----------------------------------------------

    def _on_message(self, topic: str, payload: bytes) -> None:
        ids = topics.parse_job_topic(topic)
        if ids is None:
            self.stats["unroutable"] += 1
            log.warning("ignored a message on %r: not a valid jobs topic", topic[:200])
            return
        kiosk_id, job_id = ids
        try:
            job = parse_job(kiosk_id, job_id, payload)
            screen_prompt(job, self._prompt_filter)
            self._admit(job)
        except Rejection as rejection:
            self._send_failure(kiosk_id, job_id, rejection)

    def _admit(self, job: GenerationJob) -> None:
        if job.backend not in self._backends:
            raise Rejection(
                FailureCode.UNSUPPORTED_BACKEND,
                f"this worker runs {', '.join(self._backends)}, not {job.backend!r}",
            )
        if job.expired(self._clock()):
            raise Rejection(FailureCode.EXPIRED, "the job's deadline had passed when it reached the worker")
        key: JobKey = (job.kiosk_id, job.job_id)
        claim = self._results.claim(key)
        if claim.replay:
            self.stats["replayed"] += 1
            log.info("job %s seen again after it finished: resending its result", job.job_id)
            for event in claim.replay:
                self._send(event)
            return
        if not claim.owned:
            self.stats["duplicates"] += 1
            log.info("job %s seen again while queued or running: ignored", job.job_id)
            return
        with self._intake_lock:
            try:
                ahead = self._queue.put(job)
            except QueueFull as exc:
                self._results.release(key)
                raise Rejection(FailureCode.BUSY, f"{exc}; try again shortly") from None
            accepted = JobAccepted(job_id=job.job_id, worker_id=self.config.worker_id, queue_position=ahead)
            self._publish_event(job, accepted)
        self.stats["accepted"] += 1
        self._status_changed()

    # -- running (runner thread) ---------------------------------------------

    def _run_jobs(self) -> None:
        while (job := self._queue.get()) is not None:
            with self._intake_lock:
                pass  # intake publishes `accepted` under this lock: it goes out before any progress
            try:
                self._execute(job)
            finally:
                self._queue.finished()
                self._status_changed()

    def _execute(self, job: GenerationJob) -> None:
        key: JobKey = (job.kiosk_id, job.job_id)
        started = time.monotonic()
        kept: list[StoredEvent] = []
        try:
            if job.expired(self._clock()):
                raise Rejection(FailureCode.EXPIRED, "the job's deadline passed while it was queued")
            request = prepare_request(job, self.config.working_size)
            on_step = self._step_reporter(job)
            count = 0
            for generated in self._backends[job.backend].generate(request, on_step):
                recipe = ImageRecipe(
                    backend=job.backend,
                    preset=job.preset,
                    prompt=job.prompt,
                    change=job.change,
                    seed=job.seed,
                    index=generated.index,
                    whole_image=generated.whole_image,
                    operations=list(generated.operations),
                    model=generated.model,
                )
                image = JobImage(
                    job_id=job.job_id,
                    worker_id=self.config.worker_id,
                    index=generated.index,
                    total=job.num_images,
                    recipe=recipe,
                    image=encode_jpeg(generated.image),
                )
                kept.append(self._publish_event(job, image))
                count += 1
            done = JobDone(
                job_id=job.job_id,
                worker_id=self.config.worker_id,
                num_images=count,
                elapsed_s=time.monotonic() - started,
            )
            kept.append(self._stored(job, done))
            # Recorded before `done` goes out: whoever sees it and resends gets a replay.
            self._results.finish(key, kept)
            self.stats["done"] += 1
            self._send(kept[-1])
        except Rejection as rejection:
            self._fail_claimed(job, rejection)
        except UnsupportedRequest as exc:
            self._fail_claimed(job, Rejection(FailureCode.UNSUPPORTED_PRESET, str(exc)))
        except Exception as exc:
            log.exception("backend %s failed on job %s", job.backend, job.job_id)
            self._fail_claimed(
                job, Rejection(FailureCode.BACKEND_ERROR, f"the {job.backend} backend failed: {exc}")
            )

    def _step_reporter(self, job: GenerationJob) -> StepCallback:
        """Progress for the kiosk, and the point where an expired job gives the GPU back."""

        def on_step(step: int, total: int) -> None:
            if job.expired(self._clock()):
                raise Rejection(FailureCode.EXPIRED, f"the job's deadline passed at step {step} of {total}")
            self._publish_event(
                job, JobProgress(job_id=job.job_id, worker_id=self.config.worker_id, step=step, total=total)
            )

        return on_step

    # -- replies ---------------------------------------------------------------

    def _stored(self, job: GenerationJob, event: WireModel) -> StoredEvent:
        return StoredEvent(topics.events(job.kiosk_id, job.job_id), encode(event))

    def _send(self, event: StoredEvent) -> StoredEvent:
        self._link.publish(event.topic, event.payload, qos=1)
        return event

    def _publish_event(self, job: GenerationJob, event: WireModel) -> StoredEvent:
        return self._send(self._stored(job, event))

    def _fail_claimed(self, job: GenerationJob, rejection: Rejection) -> None:
        """Fail a job this worker owned; remember final failures so resends get the same answer."""
        stored = self._send_failure(job.kiosk_id, job.job_id, rejection)
        key: JobKey = (job.kiosk_id, job.job_id)
        if rejection.code in _RETRYABLE:
            self._results.release(key)
        else:
            self._results.finish(key, [stored])

    def _send_failure(self, kiosk_id: str, job_id: str, rejection: Rejection) -> StoredEvent:
        self.stats[f"failed_{rejection.code}"] += 1
        log.info("job %s from %s failed: %s (%s)", job_id, kiosk_id, rejection.message, rejection.code)
        failed = JobFailed(
            job_id=job_id,
            worker_id=self.config.worker_id,
            code=rejection.code,
            message=rejection.message[:500],
        )
        stored = StoredEvent(topics.events(kiosk_id, job_id), encode(failed))
        self._link.publish(stored.topic, stored.payload, qos=1)
        return stored
