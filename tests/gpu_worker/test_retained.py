"""Retained jobs on an MQTT 3.1.1 broker (the demo's embedded one), where Retain As Published is missing.

The shipped mosquitto (MQTT 5) is attacked in tests/systemd/test_fleet_attacks.py. On 3.1.1 a
retained job published while the worker listens arrives like any other and runs once; the copy
the broker keeps arrives flagged on the next subscription, and must not run again.
"""

from __future__ import annotations

from gpu_worker.backends.classic import ClassicBackend
from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from shared.protocol import JobDone, JobFailed, encode, topics
from testkit.embedded_broker import embedded_url  # noqa: F401  (a fixture)
from testkit.jobs import make_job
from testkit.probe import Probe


def test_a_job_retained_before_the_worker_subscribed_is_refused_and_cleared(embedded_url):  # noqa: F811
    kiosk = Probe(embedded_url, topics.kiosk_events_filter("kA"))
    job = make_job("kA", num_images=1)
    kiosk.publish(topics.job("kA", "classic", job.job_id), encode(job), retain=True)
    worker = WorkerService(
        WorkerConfig(broker=embedded_url, worker_id="w1"), backends={"classic": ClassicBackend()}
    )
    worker.start()
    try:
        ended = kiosk.expect(lambda seen: isinstance(seen.message, JobDone | JobFailed)).message
        assert isinstance(ended, JobFailed) and ended.code == "invalid_job" and ended.job_id == job.job_id
        spy = Probe(embedded_url, topics.backend_jobs_filter("classic"))
        marker = make_job("kA", num_images=1)
        kiosk.publish(topics.job("kA", "classic", marker.job_id), encode(marker))
        first = spy.expect(lambda seen: True)
        assert first.topic == topics.job("kA", "classic", marker.job_id), "the retained copy is still there"
        spy.close()
    finally:
        worker.stop()
        kiosk.close()
