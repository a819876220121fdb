"""Attacks by a provisioned kiosk on the rest of the fleet, through the shipped broker (issue 14).

Each test runs the attack against the shipped mosquitto configuration with a
fleet written by the real provisioning code and a real worker, and checks
the fleet is unhurt. Waits are on messages (a probe's queue), never the clock.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from dataclasses import dataclass, field

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from gpu_worker.backends.classic import ClassicBackend
from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from kiosk.jobs.client import JobClient
from kiosk.jobs.handle import JobState
from shared.mqtt import BrokerUrl
from shared.protocol import JobDone, JobFailed, WorkerStatus, encode, topics
from testkit.jobs import make_job
from testkit.probe import Probe
from tests.systemd.secured_broker import connect_reason

SHARED_CLASSIC_JOBS = topics.shared_backend_jobs_filter(topics.DEFAULT_SHARED_GROUP, "classic")


@dataclass
class Mqtt5Client:
    """A raw MQTT 5 client as an attacker writes one: it records SUBACK reasons and what it receives."""

    url: str
    suback: queue.Queue[list[str]] = field(default_factory=queue.Queue)
    received: queue.Queue[str] = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        parsed = BrokerUrl.parse(self.url)
        connected: queue.Queue[str] = queue.Queue()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, parsed.client_id or "", protocol=paho.MQTTv5)
        self.client.username_pw_set(parsed.username, parsed.password)
        self.client.tls_set(ca_certs=parsed.ca_file)
        self.client.on_connect = lambda _c, _u, _f, reason, _p: connected.put(str(reason))
        self.client.on_subscribe = lambda _c, _u, _m, reasons, _p: self.suback.put([str(r) for r in reasons])
        self.client.on_message = lambda _c, _u, message: self.received.put(message.topic)
        self.client.connect(parsed.host, parsed.port)
        self.client.loop_start()
        assert connected.get(timeout=10) == "Success"

    def subscribe(self, topic_filter: str) -> list[str]:
        """Subscribe and return the SUBACK's reason codes, as paho names them."""
        self.client.subscribe(topic_filter, qos=1)
        return self.suback.get(timeout=10)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def worker(secured) -> Iterator[WorkerService]:
    """A real `classic` worker, w1, in its backend's shared group; online before the test starts."""
    service = WorkerService(
        WorkerConfig(broker=secured.url("w1"), worker_id="w1"), backends={"classic": ClassicBackend()}
    )
    watcher = Probe(secured.url("kB"), topics.WORKER_STATUS_FILTER)
    service.start()
    watcher.expect(lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "online")
    watcher.close()
    yield service
    service.stop()


@pytest.fixture
def spies(secured) -> Iterator[list[Mqtt5Client]]:
    made: list[Mqtt5Client] = []
    yield made
    for spy in made:
        spy.close()


def all_done(secured, kiosk_id: str, jobs: int = 1) -> None:
    """`jobs` one-image jobs sent at once by `kiosk_id` all come back done."""
    kiosk = Probe(secured.url(kiosk_id), topics.kiosk_events_filter(kiosk_id))
    try:
        sent = [make_job(kiosk_id, num_images=1) for _ in range(jobs)]
        for job in sent:
            kiosk.publish(topics.job(kiosk_id, "classic", job.job_id), encode(job))
        for job in sent:
            outcome = kiosk.expect(
                lambda seen, job_id=job.job_id: (
                    isinstance(seen.message, JobDone | JobFailed) and seen.message.job_id == job_id
                )
            ).message
            assert isinstance(outcome, JobDone), outcome
    finally:
        kiosk.close()


# -- hole 1: a kiosk joining the workers' shared group ------------------------------


@pytest.mark.parametrize(
    "topic_filter",
    [SHARED_CLASSIC_JOBS, f"$share/any/{topics.ALL_JOBS_FILTER}", topics.ALL_JOBS_FILTER, "#"],
    ids=["workers-group", "any-group", "plain", "everything"],
)
def test_a_kiosk_may_not_subscribe_to_other_kiosks_jobs(secured, spies, topic_filter):
    """The broker refuses the SUBSCRIBE itself; it does not grant it and filter deliveries later."""
    spies.append(spy := Mqtt5Client(secured.url("kA")))
    assert spy.subscribe(topic_filter) == ["Not authorized"]


def test_no_job_is_lost_to_kiosks_that_try_to_join_the_workers_group(secured, worker, spies):
    """Before dynamic security a spy in the group took its round-robin share: 10 of 20 jobs lost."""
    for spy_kiosk in ("kA", "kC"):
        spies.append(spy := Mqtt5Client(secured.url(spy_kiosk)))
        assert spy.subscribe(SHARED_CLASSIC_JOBS) == ["Not authorized"]
    all_done(secured, "kB", jobs=12)
    assert all(spy.received.empty() for spy in spies)


# -- hole 4: a kiosk taking a worker's client id -------------------------------------


@pytest.mark.parametrize("intruder", ["kA", "w2"])
def test_nobody_can_connect_with_a_worker_s_client_id_and_knock_it_off(secured, worker, intruder):
    """The worker's id is public (its status topic names it); its client id is pinned to its user."""
    assert connect_reason(secured.url(intruder, client_id="w1")) == "Not authorized"
    all_done(secured, "kB")
    assert worker.stats["connections"] == 1, "the worker was disconnected and came back"


def test_each_member_may_connect_only_with_its_own_client_id(secured):
    assert connect_reason(secured.url("kA")) == "Success"
    assert connect_reason(secured.url("kA", client_id="kA-second-process")) == "Not authorized"
    assert connect_reason(secured.url("kA", client_id="kB")) == "Not authorized"


def test_the_kiosk_s_job_client_connects_with_its_provisioned_client_id(secured, worker, tmp_path):
    """JobClient picks a fresh client id of its own; the provisioned URL's pinned one wins."""
    client = JobClient(BrokerUrl.parse(secured.url("kC")), "kC", tmp_path / "outbox.sqlite")
    client.start()
    try:
        handle = client.wait(client.submit(make_job("kC", num_images=1)), timeout=30)
        assert handle.state is JobState.DONE
    finally:
        client.stop()
