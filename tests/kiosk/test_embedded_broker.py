"""The embedded amqtt broker (MQTT 3.1.1 only): the protocol works on it too.

No MQTT 5 means no shared subscriptions: every worker receives every job. The
kiosk must still show exactly one set of images.
"""

from __future__ import annotations

from collections import Counter

from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from kiosk.jobs.client import JobClient
from shared.mqtt import BrokerUrl
from shared.protocol import JobImage, WorkerStatus, topics
from testkit.embedded_broker import embedded_url  # noqa: F401  (a fixture)
from testkit.jobs import make_job
from testkit.probe import Probe


def start_worker(url: str, worker_id: str) -> WorkerService:
    service = WorkerService(WorkerConfig(broker=url, worker_id=worker_id))
    service.start()
    return service


def test_two_workers_without_shared_subscriptions_deliver_one_set(embedded_url, tmp_path):  # noqa: F811
    status = Probe(embedded_url, topics.WORKER_STATUS_FILTER)
    workers = [start_worker(embedded_url, "w1"), start_worker(embedded_url, "w2")]
    for worker_id in ("w1", "w2"):
        status.expect(
            lambda seen, wid=worker_id: (
                isinstance(seen.message, WorkerStatus)
                and seen.message.worker_id == wid
                and seen.message.state == "online"
            )
        )
    delivered: Counter[int] = Counter()
    client = JobClient(
        BrokerUrl.parse(embedded_url),
        "k1",
        tmp_path / "outbox.sqlite",
        on_event=lambda _h, event: isinstance(event, JobImage) and delivered.update([event.index]),
    )
    client.start()
    try:
        handle = client.wait(client.submit(make_job()), timeout=60)
    finally:
        client.stop()
        for worker in workers:
            worker.stop()
        status.close()

    assert sorted(handle.images) == [0, 1, 2, 3]
    assert delivered == {0: 1, 1: 1, 2: 1, 3: 1}
    assert [worker.stats["accepted"] for worker in workers] == [1, 1], (
        "without $share both workers get the job"
    )


def test_retained_status_and_last_will_work_on_mqtt_311(embedded_url):  # noqa: F811
    worker = start_worker(embedded_url, "w-311")
    status = Probe(embedded_url, topics.worker_status("w-311"))
    try:
        seen = status.expect(
            lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "online"
        )
        worker.stop()
        status.expect(lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "offline")
    finally:
        status.close()
    assert seen.message.backends == ["classic"]
