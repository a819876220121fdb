"""The kiosk's side of the job path: submit, resend, collect, explain.

Delivery is at-least-once and results are de-duplicated: every unfinished
job in the durable outbox is sent again whenever the link (re)connects and
whenever a worker serving its backend comes online, workers answer a job id
they have finished from their result cache, and `JobHandle` keeps one image
per index. So a job survives the broker, the worker and the kiosk itself going
away, and the app still sees exactly one set of images.

An untaken job also goes out again on its own timer (resend.py): after a
`busy` answer, and when no answer comes, with a back-off that grows per job.

A job goes to its backend's topic, which only workers serving that backend
read (docs/protocol.md, routing): a job for a backend no online worker serves
is not refused by anyone, it waits in the outbox (`waiting_for_backend` says
so) until such a worker announces itself.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from kiosk.jobs.handle import Applied, JobHandle, JobState
from kiosk.jobs.news import News
from kiosk.jobs.outbox import Outbox, OutboxEntry
from kiosk.jobs.resend import Backoff, Dice, Resends, Schedule, thread_timer
from shared import __version__
from shared.mqtt import BrokerUrl, MqttLink, Publication, Session
from shared.protocol import (
    FailureCode,
    GenerationJob,
    JobAccepted,
    JobCancel,
    JobEvent,
    JobFailed,
    KioskStatus,
    ProtocolError,
    WorkerStatus,
    decode,
    encode,
    topics,
)

log = logging.getLogger(__name__)

EventCallback = Callable[[JobHandle, JobEvent], None]
KEEP_FINISHED_HANDLES = 32
BUSY_BACKOFF = Backoff(base_s=0.5, cap_s=30.0)
"""Pauses of an untaken job (resend.py): under a second at first, never more than half a minute."""
NO_ANSWER_S = 30.0
"""Silence after which a job no worker has answered is sent again (resend.py), plus its back-off."""


class JobTimeout(TimeoutError):
    """No result in time; the message says what the kiosk was waiting for."""


class JobFailedError(RuntimeError):
    """The worker refused or failed the job; `code` says why for code, the message for people."""

    def __init__(self, code: FailureCode, message: str) -> None:
        super().__init__(message)
        self.code = code


class JobClient:
    def __init__(
        self,
        url: BrokerUrl,
        kiosk_id: str,
        outbox_path: Path,
        *,
        on_event: EventCallback | None = None,
        busy_backoff: Backoff = BUSY_BACKOFF,
        no_answer_s: float = NO_ANSWER_S,
        schedule: Schedule = thread_timer,
        rng: Dice | None = None,
    ) -> None:
        """`busy_backoff`: how an untaken job's pauses grow (after `busy`, and on top of `no_answer_s`
        when nothing answers); `schedule` and `rng` run and draw them (the tests' clock and dice)."""
        if not topics.is_valid_id(kiosk_id):
            raise ValueError(f"kiosk id {kiosk_id!r} may only hold letters, digits, '-' and '_' (1 to 64)")
        self.kiosk_id = kiosk_id
        self.url = url
        self._resends = Resends(
            self._resend_untaken, busy=busy_backoff, no_answer_s=no_answer_s, schedule=schedule, rng=rng
        )
        self.stats: Counter[str] = Counter()
        self._on_event = on_event
        self.news = News()
        """Raised on every job event, worker status and link change: what watchers wait on (news.py)."""
        self._outbox = Outbox(outbox_path)
        self._handles: dict[str, JobHandle] = {}
        self._workers: dict[str, WorkerStatus] = {}
        self._lock = threading.Lock()
        self._workers_changed = threading.Condition(self._lock)
        self._status_topic = topics.kiosk_status(kiosk_id)
        self._link = MqttLink(
            url,
            # Unique per process: two clients with one id would keep disconnecting each other.
            f"kiosk-{kiosk_id}-{secrets.token_hex(3)}",
            on_message=self._on_message,
            subscriptions=lambda _session: [
                (topics.kiosk_events_filter(kiosk_id), 1),
                (topics.WORKER_STATUS_FILTER, 1),
            ],
            on_connected=self._on_connected,
            on_disconnected=self.news.raise_,
            will=Publication(self._status_topic, encode(self._status("offline"))),
        )

    # -- life cycle -------------------------------------------------------------

    def start(self) -> None:
        """Pick up unfinished jobs from the outbox and start connecting.

        A row this version cannot read (a job stored by a kiosk of an older
        wire version, docs/protocol.md) could never be sent where a worker
        would read it: it is dropped, with the job id in the log, rather than
        kept forever or stopping the kiosk.
        """
        for entry in self._outbox.entries(self.kiosk_id):
            try:
                self._handle_for(entry)
            except ProtocolError as exc:
                self._outbox.remove(self.kiosk_id, entry.job_id)
                self.stats["unreadable_outbox_rows"] += 1
                log.warning("dropped job %s from the outbox: %s", entry.job_id, exc.message)
        self._link.start()

    def stop(self) -> None:
        """Stop resending, say `offline`, disconnect, close the outbox: in that order, so that no
        timer or message handler uses the outbox after it is closed."""
        self._resends.stop()
        self._link.stop(farewell=Publication(self._status_topic, encode(self._status("offline"))))
        self._outbox.close()
        self.news.raise_()

    @property
    def connected(self) -> bool:
        return self._link.connected

    def wait_connected(self, timeout: float) -> bool:
        return self._link.wait_connected(timeout)

    def workers_online(self) -> list[str]:
        with self._lock:
            return self._online(None)

    def workers_offering(self, backend: str) -> list[str]:
        """Online workers that serve `backend`: whether a job for it can run now, not just be queued."""
        with self._lock:
            return self._online(backend)

    def waiting_for_backend(self, handle: JobHandle) -> str | None:
        """The backend this job waits for, when no online worker serves it; None once one does.

        For the screens: "waiting for a worker that does inpaint" rather than a
        silent spinner. The job is not failed meanwhile; it goes out as soon as
        such a worker announces itself (or ends at its deadline).
        """
        if handle.state is not JobState.QUEUED:
            return None
        with self._lock:
            return None if self._online(handle.backend) else handle.backend

    def wait_for_workers(self, timeout: float, count: int = 1, backend: str | None = None) -> list[str]:
        """Block until `count` workers (serving `backend`, if given) are online; the ones seen then,
        fewer on timeout. Woken by each worker status, so nothing polls."""
        with self._workers_changed:
            self._workers_changed.wait_for(lambda: len(self._online(backend)) >= count, timeout)
            return self._online(backend)

    def _online(self, backend: str | None) -> list[str]:
        """Caller holds `_lock`."""
        return sorted(
            wid
            for wid, status in self._workers.items()
            if status.state == "online" and (backend is None or backend in status.backends)
        )

    # -- jobs -----------------------------------------------------------------------

    def submit(self, job: GenerationJob) -> JobHandle:
        """Store the job durably, then send it if the broker is there.

        Raises `ProtocolError` if the job breaks the wire limits (e.g. an image
        too large), before anything is stored.
        """
        if job.kiosk_id != self.kiosk_id:
            raise ValueError(f"job is for kiosk {job.kiosk_id!r}, this client is {self.kiosk_id!r}")
        payload = encode(job)
        topic = topics.job(job.kiosk_id, job.backend, job.job_id)
        self._outbox.add(job.kiosk_id, job.job_id, topic, payload, job.deadline)
        with self._lock:
            self._forget_old_handles()
        handle = self._track(job)
        if self.connected:
            self._send(job.job_id, topic, payload, untaken=True)
        return handle

    def cancel(self, job_id: str) -> bool:
        """Withdraw a job: it is never sent again, and the worker holding it drops it or stops it.

        The handle ends at once as failed with code `cancelled` (events that
        still arrive for it are ignored), so the app can move on without
        waiting for the worker. Returns False when the job had already ended
        or is unknown. Without a broker the job simply leaves the outbox; a
        worker that took it before the link went down finishes it unheard.
        """
        handle = self.handle(job_id)
        entry = self._outbox.get(self.kiosk_id, job_id)
        if handle is None and entry is not None:
            handle = self._handle_for(entry)
        if handle is None or handle.finished:
            return False
        self._outbox.remove(self.kiosk_id, job_id)
        if self.connected:
            cancel = JobCancel(job_id=job_id, kiosk_id=self.kiosk_id)
            self._link.publish(topics.cancel(self.kiosk_id, job_id), encode(cancel), qos=1)
        self.stats["cancelled"] += 1
        self._end_locally(job_id, FailureCode.CANCELLED, "cancelled on this kiosk")
        return True

    def unfinished_jobs(self) -> list[GenerationJob]:
        """The jobs in the outbox, oldest first: submitted by this client or by an earlier one with the
        same outbox (a process that was killed), and not yet done or failed."""
        return [_job_in(entry) for entry in self._outbox.entries(self.kiosk_id)]

    def resume(self, job: GenerationJob) -> JobHandle:
        """The handle of one of the `unfinished_jobs`, to wait on instead of submitting the job again.

        Nothing new is sent: the outbox's jobs go out again on every connect, and the worker that
        has the job ignores the copy while it runs it and replays its result once it has finished.
        """
        return self._track(job)

    def _forget_old_handles(self) -> None:
        """Keep only the last few finished jobs (their images are the caller's now): memory stays flat."""
        finished = [job_id for job_id, handle in self._handles.items() if handle.finished]
        for job_id in finished[:-KEEP_FINISHED_HANDLES]:
            del self._handles[job_id]

    def handle(self, job_id: str) -> JobHandle | None:
        with self._lock:
            return self._handles.get(job_id)

    def outbox_depth(self) -> int:
        return self._outbox.depth(self.kiosk_id)

    def wait(self, handle: JobHandle, timeout: float) -> JobHandle:
        """Wait for the job to end; raises `JobTimeout` or `JobFailedError` with a reason."""
        if not handle.wait(timeout):
            raise JobTimeout(self._explain_wait(handle, timeout))
        if handle.failure is not None:
            raise JobFailedError(handle.failure.code, handle.failure.message)
        return handle

    def _explain_wait(self, handle: JobHandle, timeout: float) -> str:
        waited = f"after {timeout:g} s"
        if not self.connected:
            return (
                f"could not reach the broker at {self.url.redacted()} {waited}; the job is kept"
                " and will be sent when the broker is back"
            )
        if handle.state is JobState.QUEUED:
            online = self.workers_online()
            if not online:
                return f"no worker is online {waited}; the job stays queued and is sent when one comes online"
            if self.waiting_for_backend(handle) is not None:
                return (
                    f"no online worker runs {handle.backend} {waited} (online: {', '.join(online)}); the job"
                    f" stays queued and is sent when a worker that runs {handle.backend} comes online"
                )
            return f"no worker took the job {waited} (online: {', '.join(online)})"
        step = f" (step {handle.progress[0]} of {handle.progress[1]})" if handle.progress else ""
        return f"worker {handle.worker_id} took the job but had not finished it {waited}{step}"

    # -- connection and messages (paho's thread) -----------------------------------

    def _status(self, state: str) -> KioskStatus:
        depth = self._outbox.depth(self.kiosk_id) if state == "online" else 0
        return KioskStatus(kiosk_id=self.kiosk_id, state=state, outbox_depth=depth, version=__version__)

    def _on_connected(self, _session: Session) -> None:
        self._link.publish(self._status_topic, encode(self._status("online")), qos=1, retain=True)
        self._drain(include_accepted=True)
        self.news.raise_()

    def _drain(self, include_accepted: bool, backends: list[str] | None = None) -> None:
        """Send unfinished jobs: all after a reconnect; when a worker appears, the untaken ones for the
        `backends` it serves (the others would reach no new reader)."""
        for job_id in self._outbox.remove_expired(self.kiosk_id, time.time()):
            self._end_locally(
                job_id, FailureCode.EXPIRED, "the job's deadline passed before a worker could take it"
            )
        for entry in self._outbox.entries(self.kiosk_id):
            if entry.accepted and not include_accepted:
                continue
            if backends is not None and _backend_of(entry) not in backends:
                continue
            self._send(entry.job_id, entry.topic, entry.payload, untaken=not entry.accepted)
            self.stats["sent_from_outbox"] += 1

    def _send(self, job_id: str, topic: str, payload: bytes, *, untaken: bool) -> None:
        """Publish a job; one no worker has taken is sent again if nothing answers (resend.py)."""
        self._link.publish(topic, payload, qos=1)
        if untaken:
            self._resends.sent(job_id)

    def _end_locally(self, job_id: str, code: FailureCode, message: str) -> None:
        """End a job on the kiosk's own authority (expired, cancelled) and tell the app like any event."""
        self._resends.settled(job_id)
        handle = self.handle(job_id)
        if handle is None:
            return
        failed = JobFailed(job_id=job_id, worker_id=self.kiosk_id, code=code, message=message)
        if handle.apply(failed) is Applied.NEW:
            self._tell(handle, failed)

    def _on_message(self, topic: str, payload: bytes) -> None:
        try:
            message = decode(payload)
        except ProtocolError as exc:
            self.stats["bad_messages"] += 1
            log.warning("ignored a bad message on %s: %s", topic[:200], exc.message)
            return
        if isinstance(message, WorkerStatus):
            self._on_worker_status(message)
        elif isinstance(message, JobEvent):
            self._on_job_event(topic, message)
        else:
            self.stats["bad_messages"] += 1

    def _on_worker_status(self, status: WorkerStatus) -> None:
        """Act on a worker's news, then let it count: whoever sees a worker online (`workers_offering`,
        `wait_for_workers`) knows the jobs waiting for it have gone out already, and a job submitted
        from then on is not sent a second time by this drain."""
        with self._lock:
            previous = self._workers.get(status.worker_id)
        # A new session (online_since) counts as coming online too: after a broker crash there is no Last
        # Will, the retained `online` from before still stands, and jobs sent meanwhile were dropped.
        came_online = status.state == "online" and (
            previous is None or previous.state != "online" or previous.online_since != status.online_since
        )
        if came_online:
            log.info("worker %s is online, serving %s", status.worker_id, ", ".join(status.backends))
            self._drain(include_accepted=False, backends=status.backends)
        elif status.state == "offline" and previous is not None and previous.state == "online":
            log.info("worker %s went offline", status.worker_id)
            self._resend_taken_by(status.worker_id)
        with self._workers_changed:
            self._workers[status.worker_id] = status
            self._workers_changed.notify_all()
        self.news.raise_()

    def _resend_taken_by(self, worker_id: str) -> None:
        """Give another worker of the same backend the jobs a vanished worker had taken.

        A worker that dies mid-job had already acknowledged the job's message,
        so the broker will not deliver it again: only the kiosk can. The resend
        goes to the job's own backend topic, so only a worker serving that
        backend gets it. Images the dead worker sent are kept; the other
        worker's copies of them (same seeds) are dropped by index.
        """
        with self._lock:
            orphans = [h for h in self._handles.values() if h.worker_id == worker_id and not h.finished]
        for handle in orphans:
            entry = self._outbox.get(self.kiosk_id, handle.job_id)
            if entry is not None and handle.requeue():
                # Untaken again: if no worker hears this resend, the next to come online gets the job.
                self._outbox.mark_untaken(self.kiosk_id, handle.job_id)
                self.stats["resent_after_worker_loss"] += 1
                self._send(entry.job_id, entry.topic, entry.payload, untaken=True)

    def _on_job_event(self, topic: str, event: JobEvent) -> None:
        ids = topics.parse_events_topic(topic)
        if ids != (self.kiosk_id, event.job_id):
            self.stats["bad_messages"] += 1
            log.warning("ignored an event whose job id does not match its topic %s", topic[:200])
            return
        handle = self.handle(event.job_id)
        if handle is None:
            entry = self._outbox.get(self.kiosk_id, event.job_id)
            if entry is None:
                self.stats["stray_events"] += 1
                return
            handle = self._handle_for(entry)
        if isinstance(event, JobFailed) and event.code is FailureCode.BUSY:
            if handle.state is JobState.QUEUED:  # not when another worker took it meanwhile
                self.stats["busy_retries"] += 1
                self._resends.busy(handle.job_id)
            return
        self._resends.settled(event.job_id)  # any other answer: a worker has the job, or it has ended
        applied = handle.apply(event)
        if applied is Applied.DUPLICATE:
            self.stats["duplicate_events"] += 1
            return
        if applied is Applied.INCOMPLETE_DONE:
            self._request_replay(handle)
            return
        if isinstance(event, JobAccepted):
            self._outbox.mark_accepted(self.kiosk_id, event.job_id)
        if handle.finished:
            self._outbox.remove(self.kiosk_id, event.job_id)
        self._tell(handle, event)

    def _tell(self, handle: JobHandle, event: JobEvent) -> None:
        """An event changed a job: the `on_event` callback gets it, then every watcher of `news` wakes."""
        if self._on_event is not None:
            self._on_event(handle, event)
        self.news.raise_()

    def _resend_untaken(self, job_id: str) -> None:
        """A resend's time has come (resend.py): send the job again if it is still untaken and a worker
        could take it. Otherwise nothing: the next connect or worker arrival sends it anyway."""
        handle = self.handle(job_id)
        entry = self._outbox.get(self.kiosk_id, job_id)
        if entry is None or entry.accepted or handle is None or handle.state is not JobState.QUEUED:
            return
        if not self.connected or not self.workers_offering(handle.backend):
            return
        self.stats["resent_untaken"] += 1
        self._send(job_id, entry.topic, entry.payload, untaken=True)

    def _request_replay(self, handle: JobHandle) -> None:
        """Some images went missing: resending the job makes the worker replay its stored result."""
        entry = self._outbox.get(self.kiosk_id, handle.job_id)
        if entry is not None:
            self.stats["replays_requested"] += 1
            self._link.publish(entry.topic, entry.payload, qos=1)

    def _handle_for(self, entry: OutboxEntry) -> JobHandle:
        """Rebuild a handle for a job restored from the outbox (its images count is in the payload)."""
        return self._track(_job_in(entry))

    def _track(self, job: GenerationJob) -> JobHandle:
        """The job's handle, made on first sight."""
        with self._lock:
            return self._handles.setdefault(
                job.job_id, JobHandle(job.kiosk_id, job.job_id, job.num_images, backend=job.backend)
            )


def _job_in(entry: OutboxEntry) -> GenerationJob:
    job = decode(entry.payload)
    if not isinstance(job, GenerationJob):
        raise TypeError(f"outbox row {entry.job_id} does not hold a job")
    return job


def _backend_of(entry: OutboxEntry) -> str | None:
    """The backend a stored job was sent for: a level of its topic."""
    parsed = topics.parse_job_topic(entry.topic)
    return None if parsed is None else parsed.backend
