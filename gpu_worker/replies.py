"""What the worker tells kiosks, and what it keeps of it to answer a resent job.

Every event goes to the job's own events topic (the kiosk's ACL lets it read
only its own), and a job's final events are recorded in the result cache
before the last one goes out, so a kiosk that resends on seeing it gets a
replay rather than a second run.
"""

from __future__ import annotations

import logging
from collections import Counter

from gpu_worker.intake import Rejection
from gpu_worker.results import JobKey, ResultCache, StoredEvent
from shared.mqtt import MqttLink
from shared.protocol import FailureCode, GenerationJob, JobFailed, WireModel, encode, topics

log = logging.getLogger(__name__)

RETRYABLE = frozenset({FailureCode.BUSY, FailureCode.OUT_OF_MEMORY, FailureCode.BACKEND_ERROR})
"""Failures that say nothing final about the job (a full queue, memory in use by other work, a crash):
a resend of it may run, so they are not remembered."""


class Replies:
    def __init__(self, link: MqttLink, worker_id: str, results: ResultCache, stats: Counter[str]) -> None:
        self._link = link
        self._worker_id = worker_id
        self._results = results
        self._stats = stats

    def stored(self, job: GenerationJob, event: WireModel) -> StoredEvent:
        return StoredEvent(topics.events(job.kiosk_id, job.job_id), encode(event))

    def send(self, event: StoredEvent) -> StoredEvent:
        self._link.publish(event.topic, event.payload, qos=1)
        return event

    def publish(self, job: GenerationJob, event: WireModel) -> StoredEvent:
        return self.send(self.stored(job, event))

    def finish(self, job: GenerationJob, kept: list[StoredEvent]) -> None:
        """Record a finished job's events, then send the last (its `done`)."""
        self._results.finish((job.kiosk_id, job.job_id), kept)
        self.send(kept[-1])

    def fail_claimed(self, job: GenerationJob, rejection: Rejection) -> None:
        """Fail a job this worker owned; remember final failures so resends get the same answer."""
        stored = self.fail(job.kiosk_id, job.job_id, rejection)
        key: JobKey = (job.kiosk_id, job.job_id)
        if rejection.code in RETRYABLE:
            self._results.release(key)
        else:
            self._results.finish(key, [stored])

    def fail(self, kiosk_id: str, job_id: str, rejection: Rejection) -> StoredEvent:
        """Tell a kiosk its job failed and why (also for jobs this worker never owned)."""
        self._stats[f"failed_{rejection.code}"] += 1
        log.info("job %s from %s failed: %s (%s)", job_id, kiosk_id, rejection.message, rejection.code)
        failed = JobFailed(
            job_id=job_id,
            worker_id=self._worker_id,
            code=rejection.code,
            message=rejection.message[:500],
        )
        return self.send(StoredEvent(topics.events(kiosk_id, job_id), encode(failed)))
