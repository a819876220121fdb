"""The kiosk's view of one job: what has arrived for it so far.

Events can arrive twice (a job is resent after a reconnect and the worker
replays its stored result) or from two workers (a broker without shared
subscriptions). A handle therefore keys images by index, keeps the first of
each, and ignores everything after the job has ended: the app sees exactly
one set of images.
"""

from __future__ import annotations

import threading
from enum import StrEnum

from shared.protocol import JobAccepted, JobDone, JobEvent, JobFailed, JobImage, JobProgress


class JobState(StrEnum):
    QUEUED = "queued"
    """In the outbox; no worker has taken it yet."""
    ACCEPTED = "accepted"
    DONE = "done"
    FAILED = "failed"


class Applied(StrEnum):
    """What an event did to a handle, so the client knows what to do next."""

    NEW = "new"
    DUPLICATE = "duplicate"
    INCOMPLETE_DONE = "incomplete_done"
    """`done` arrived before all images: ask the worker to replay its result."""


class JobHandle:
    def __init__(self, kiosk_id: str, job_id: str, num_images: int, *, backend: str) -> None:
        self.kiosk_id = kiosk_id
        self.job_id = job_id
        self.num_images = num_images
        self.backend = backend
        """The backend the job asked for: only a worker serving it will ever take it."""
        self.state = JobState.QUEUED
        self.worker_id: str | None = None
        self.progress: tuple[int, int] | None = None
        self.images: dict[int, JobImage] = {}
        self.events: list[JobEvent] = []
        self.failure: JobFailed | None = None
        self._ended = threading.Condition()

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    def apply(self, event: JobEvent) -> Applied:
        with self._ended:
            if self.finished:
                return Applied.DUPLICATE
            match event:
                case JobAccepted():
                    if self.state is not JobState.QUEUED:
                        return Applied.DUPLICATE
                    self.state, self.worker_id = JobState.ACCEPTED, event.worker_id
                case JobProgress():
                    self.progress = (event.step, event.total)
                case JobImage():
                    if event.index in self.images:
                        return Applied.DUPLICATE
                    self.images[event.index] = event
                case JobDone():
                    if len(self.images) < event.num_images:
                        return Applied.INCOMPLETE_DONE
                    self.state = JobState.DONE
                case JobFailed():
                    self.state, self.failure = JobState.FAILED, event
            self.events.append(event)
            if self.finished:
                self._ended.notify_all()
            return Applied.NEW

    def requeue(self) -> bool:
        """The worker that took the job is gone: wait for another to accept it. False if it has ended."""
        with self._ended:
            if self.finished:
                return False
            self.state, self.worker_id = JobState.QUEUED, None
            return True

    def wait(self, timeout: float) -> bool:
        """Block until the job has ended; False on timeout."""
        with self._ended:
            return self._ended.wait_for(lambda: self.finished, timeout)

    def sorted_images(self) -> list[JobImage]:
        return [self.images[index] for index in sorted(self.images)]
