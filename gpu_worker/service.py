"""The worker service: jobs in over MQTT, variations out, status always current.

Threads: paho's network thread runs the cheap part of intake (parse,
validate, de-duplicate, hold a place in the queue) and cancels; one intake
thread decodes the images of the jobs given a place and queues them; one
runner thread takes batches of compatible jobs from the queue (one GPU; the
kiosks share the worker's time, job_queue.py) and runs them (batch_run.py); publishing is
thread-safe. Nothing a kiosk sends can stop any of them: every failure
becomes a `failed` event for that job and a count in `stats`.

Decoding is kept off the network thread because the broker keeps one queue
per subscriber for every kiosk's jobs, and drops what overflows it: while
this worker decodes one kiosk's 1,024-px JPEG (tens of milliseconds) it reads
nothing, and a flooding kiosk's jobs fill that queue in front of everyone
else's. Reading at wire speed keeps it short (systemd/README.md, fairness).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from operator import attrgetter

from gpu_worker.backends import Backend, create_backend
from gpu_worker.batch_run import BatchRunner
from gpu_worker.cancellations import Cancellations
from gpu_worker.config import WorkerConfig
from gpu_worker.intake import (
    QueuedJob,
    Rejection,
    check_deadline,
    parse_job,
    prepare_request,
    screen_prompt,
)
from gpu_worker.job_queue import JobQueue, QueueFull
from gpu_worker.replies import Replies
from gpu_worker.results import ResultCache
from gpu_worker.safety.image_checker import ImageSafetyChecker
from shared import __version__
from shared.mqtt import BrokerUrl, MqttLink, Publication, Session
from shared.protocol import (
    FailureCode,
    GenerationJob,
    JobAccepted,
    JobCancel,
    ProtocolError,
    WorkerStatus,
    decode,
    encode,
    topics,
)

log = logging.getLogger(__name__)

STATUS_INTERVAL_S = 0.5
"""Queue-depth changes within this interval go out as one status message."""

STALL_S = 300.0
"""A pass with no denoising step for this long is hung (a wedged GPU call), not slow: the slowest
step of a full-size model on a CPU takes seconds, never minutes."""


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
        image_checker = None if config.safety_checker is None else ImageSafetyChecker(config.safety_checker)
        self._queue: JobQueue[QueuedJob] = JobQueue(
            config.queue_limit,
            kiosk_of=attrgetter("kiosk_id"),
            per_kiosk_limit=config.per_kiosk_limit,
            share_of=lambda queued: queued.job.num_images,
        )
        self._results = ResultCache(config.result_cache_mb * 2**20)
        self._cancellations = Cancellations()
        # One thread: a kiosk's jobs are queued in the order they arrived. Its backlog is bounded by
        # the places the queue reserved for it, never more than the queue limit.
        self._decoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake")
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
            on_retained=self._on_retained,
            will=Publication(self._status_topic, encode(self._status("offline"))),
        )
        self._replies = Replies(self._link, config.worker_id, self._results, self.stats)
        self._batches = BatchRunner(
            config.worker_id, self._replies, self._cancellations, clock, self.stats, image_checker
        )
        self._runner = threading.Thread(target=self._run_jobs, name="job-runner", daemon=True)
        self._running_batch = False
        self._online_since: float | None = None

    def start(self) -> None:
        self._runner.start()
        self._link.start()

    def wait_connected(self, timeout: float) -> bool:
        return self._link.wait_connected(timeout)

    def healthy(self, stall_s: float = STALL_S) -> bool:
        """The runner is alive and either waiting for work or still making steps: what the watchdog asks.

        A lost broker is not unhealthy (the link reconnects by itself); a hung
        GPU call is, and only a restart frees it.
        """
        if not self._runner.is_alive():
            return False
        return not self._running_batch or time.monotonic() - self._batches.last_step_at < stall_s

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop taking jobs, publish `offline`, and let the current job end."""
        self._queue.close()
        with self._status_lock:
            self._stopping = True
            if self._status_timer is not None:
                self._status_timer.cancel()
        self._link.stop(farewell=Publication(self._status_topic, encode(self._status("offline"))))
        self._decoder.shutdown(wait=False, cancel_futures=True)
        self._runner.join(timeout_s)

    # -- connection -------------------------------------------------------

    def _subscriptions(self, session: Session) -> list[tuple[str, int]]:
        """The jobs of the backends this worker serves, one filter each, and every cancel.

        Each backend's workers form a shared group of their own, so the broker
        hands a job only to a worker that can run it (docs/protocol.md, routing).
        Cancels are not shared: only the worker holding a job can stop it, and
        none knows which that is.
        """
        cancels = (topics.ALL_CANCELS_FILTER, 1)
        if session.shared_subscriptions:
            group = self.config.shared_group
            jobs = [(topics.shared_backend_jobs_filter(group, name), 1) for name in self._backends]
            return [*jobs, cancels]
        log.warning("broker offers no shared subscriptions: every worker of a backend receives its every job")
        return [*((topics.backend_jobs_filter(name), 1) for name in self._backends), cancels]

    def _on_connected(self, _session: Session) -> None:
        self.stats["connections"] += 1  # more than one: the broker or the network dropped this worker
        self._online_since = time.time()
        self._publish_status()

    def _status(self, state: str) -> WorkerStatus:
        depth = self._queue.depth if state == "online" else 0
        return WorkerStatus(
            worker_id=self.config.worker_id,
            state=state,
            backends=list(self._backends),
            queue_depth=depth,
            version=__version__,
            online_since=self._online_since if state == "online" else None,
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
        if (job_topic := topics.parse_job_topic(topic)) is not None:
            self._on_job(job_topic, payload)
        elif (ids := topics.parse_cancel_topic(topic)) is not None:
            self._on_cancel(*ids, payload)
        else:
            self.stats["unroutable"] += 1
            log.warning("ignored a message on %r: not a valid jobs or cancel topic", topic[:200])

    def _on_retained(self, topic: str, payload: bytes) -> None:
        """A job or cancel its kiosk published retained is never acted on, and is cleared at the broker.

        The broker keeps a retained message and hands it to every new
        subscriber: a retained job ran again at each worker restart, and its
        image stayed in the broker's database for good. The broker cannot
        refuse the retain flag on one topic (mosquitto has it only on or off
        for everything, and the statuses need it), so the worker refuses the
        job, tells the kiosk why, and publishes the empty retained message
        that deletes the copy (its role may publish on job and cancel
        topics for this). An empty one is such a deletion, by this worker or
        another: nothing to do. Nor is a retained message on any other topic
        this worker's to clear: a broker that delivers one outside the
        worker's subscriptions (the embedded amqtt broker hands over other
        workers' retained statuses) must not cost those workers their status.
        """
        if not payload:
            return
        if topics.parse_job_topic(topic) is None and topics.parse_cancel_topic(topic) is None:
            self.stats["unroutable"] += 1
            log.warning("ignored a retained message on %r: not a jobs or cancel topic", topic[:200])
            return
        self.stats["retained_refused"] += 1
        self._link.publish(topic, b"", qos=1, retain=True)
        if (job_topic := topics.parse_job_topic(topic)) is not None:
            rejection = Rejection(
                FailureCode.INVALID_JOB, "a job must be published without the retain flag; it was not run"
            )
            self._replies.fail(job_topic.kiosk_id, job_topic.job_id, rejection)
        else:
            log.warning("ignored and cleared a retained message on %r", topic[:200])

    def _on_job(self, job_topic: topics.JobTopic, payload: bytes) -> None:
        try:
            job = parse_job(job_topic, payload)
            screen_prompt(job, self._prompt_filter)
            self._admit(job)
        except Rejection as rejection:
            self._replies.fail(job_topic.kiosk_id, job_topic.job_id, rejection)

    def _admit(self, job: GenerationJob) -> None:
        # Routing keeps these away (a worker subscribes to its own backends' topics only); a job can
        # still get here on a hand-made subscription or a stray publish, and is refused, never run.
        if job.backend not in self._backends:
            raise Rejection(
                FailureCode.UNSUPPORTED_BACKEND,
                f"this worker runs {', '.join(self._backends)}, not {job.backend!r}",
            )
        check_deadline(job, self._clock())
        if (job.kiosk_id, job.job_id) in self._cancellations:
            raise Rejection(FailureCode.CANCELLED, "the kiosk cancelled the job before it reached the worker")
        key = (job.kiosk_id, job.job_id)
        claim = self._results.claim(key)
        if claim.replay:
            self.stats["replayed"] += 1
            log.info("job %s seen again after it finished: resending its result", job.job_id)
            for event in claim.replay:
                self._replies.send(event)
            return
        if not claim.owned:
            self.stats["duplicates"] += 1
            log.info("job %s seen again while queued or running: ignored", job.job_id)
            return
        try:
            self._queue.reserve(job.kiosk_id)
        except QueueFull as exc:
            self._results.release(key)
            raise Rejection(FailureCode.BUSY, f"{exc}; try again shortly") from None
        self._decoder.submit(self._prepare_and_queue, job)

    # -- intake, decoding (the intake thread) ----------------------------------------

    def _prepare_and_queue(self, job: GenerationJob) -> None:
        """Decode a job that holds a place in the queue, queue it and tell its kiosk `accepted`.

        Its place was reserved before decoding, so a kiosk over its share never
        gets here: it is answered `busy` on the network thread, at the speed
        its jobs arrive.
        """
        try:
            request = prepare_request(job, self.config.working_size)
            if (job.kiosk_id, job.job_id) in self._cancellations:
                raise Rejection(FailureCode.CANCELLED, "the kiosk cancelled the job while it was queued")
        except Rejection as rejection:
            self._refuse_reserved(job, rejection)
            return
        except Exception:
            log.exception("job %s: preparing it failed", job.job_id)
            failure = Rejection(FailureCode.BACKEND_ERROR, "the worker could not prepare the job")
            self._refuse_reserved(job, failure)
            return
        queued = QueuedJob(job, request, self._backends[job.backend].batch_key(request))
        try:
            with self._intake_lock:
                ahead = self._queue.put(queued, reserved=True)
                worker = self.config.worker_id
                accepted = JobAccepted(job_id=job.job_id, worker_id=worker, queue_position=ahead)
                self._replies.publish(job, accepted)
        except QueueFull as exc:
            self._replies.fail_claimed(job, Rejection(FailureCode.BUSY, f"{exc}; try again shortly"))
            return
        self.stats["accepted"] += 1
        self._status_changed()

    def _refuse_reserved(self, job: GenerationJob, rejection: Rejection) -> None:
        """A job that held a place failed before it was queued: free the place, tell its kiosk."""
        self._queue.release(job.kiosk_id)
        self._replies.fail_claimed(job, rejection)

    def _on_cancel(self, kiosk_id: str, job_id: str, payload: bytes) -> None:
        """Withdraw a job: drop it from the queue now, or stop it at its next step if it is running."""
        try:
            message = decode(payload)
        except ProtocolError as exc:
            message = exc
        if not isinstance(message, JobCancel) or (message.kiosk_id, message.job_id) != (kiosk_id, job_id):
            self.stats["bad_cancels"] += 1
            log.warning("ignored a cancel for %s/%s: not a cancel matching its topic", kiosk_id, job_id)
            return
        key = (kiosk_id, job_id)
        self._cancellations.add(key)
        self.stats["cancels"] += 1
        for item in self._queue.remove(lambda queued: queued.key == key):
            self._replies.fail_claimed(
                item.job, Rejection(FailureCode.CANCELLED, "the kiosk cancelled the job while it was queued")
            )
            self._status_changed()

    # -- running (runner thread) ---------------------------------------------

    def _run_jobs(self) -> None:
        while batch := self._queue.get_batch(self._batchable(), self.config.max_batch_images):
            with self._intake_lock:
                pass  # intake publishes `accepted` under this lock: it goes out before any progress
            self._running_batch = True
            began = time.monotonic()
            try:
                self._batches.run(self._backends[batch[0].job.backend], batch)
            finally:
                self._running_batch = False
                self._queue.finished(batch, seconds=time.monotonic() - began)
                self._status_changed()

    def _batchable(self) -> Callable[[QueuedJob, QueuedJob], bool]:
        """Which waiting jobs may join the head's GPU pass: same backend and key, images within the cap."""
        images = 0

        def compatible(head: QueuedJob, other: QueuedJob) -> bool:
            nonlocal images
            images = images or head.job.num_images
            fits = images + other.job.num_images <= self.config.max_batch_images
            if not (fits and head.batch_key is not None and head.job.backend == other.job.backend):
                return False
            if head.batch_key != other.batch_key:
                return False
            images += other.job.num_images
            return True

        return compatible
