"""Attacks by a provisioned kiosk on the rest of the fleet, through the shipped broker (issue 14).

Each test runs the attack against the shipped mosquitto configuration with a
fleet written by the real provisioning code and a real worker, and checks
the fleet is unhurt. Waits are on messages (a probe's queue), never the clock.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest

from gpu_worker.backends.classic import ClassicBackend
from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from kiosk.jobs.client import JobClient
from kiosk.jobs.handle import JobState
from shared.mqtt import BrokerUrl
from shared.protocol import JobCancel, JobDone, JobFailed, WorkerStatus, encode, limits, topics
from shared.provisioning.acl import worker_role_name
from testkit.fleet import Flood
from testkit.jobs import make_job
from testkit.probe import Probe
from tests.systemd.secured_broker import connect_reason

SHARED_CLASSIC_JOBS = topics.shared_backend_jobs_filter(topics.DEFAULT_SHARED_GROUP, "classic")
FLOOD_JOBS_PER_S = 10.0
"""Jobs of the largest frame (2.6 MiB): 20 MiB/s, more than a Pi's Wi-Fi uplink carries. Issue 14's
~34/s outruns one Python subscriber on a loaded 2-core test VM, and then mosquitto drops
(systemd/README.md says what closes that: a per-client rate limit at the broker)."""
HONEST_JOB_BOUND_S = 25.0
"""An honest one-image job ends in 1 to 10 s on a loaded test VM while the flood runs; one the broker
dropped is resent after 30 s of silence (kiosk/jobs/resend.py), so the bound catches any drop."""


@pytest.fixture
def start_worker(secured) -> Iterator[Callable[[], WorkerService]]:
    """Start a real `classic` worker, w1, in its backend's shared group; it is online when this returns."""
    started: list[WorkerService] = []

    def start() -> WorkerService:
        service = WorkerService(
            WorkerConfig(broker=secured.url("w1"), worker_id="w1"), backends={"classic": ClassicBackend()}
        )
        watcher = Probe(secured.url("kB"), topics.WORKER_STATUS_FILTER)
        service.start()
        started.append(service)
        # Any earlier w1 said `offline` (retained) when it stopped: an `online` now is this one's.
        watcher.expect(lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "online")
        watcher.close()
        return service

    yield start
    for service in started:
        service.stop()


@pytest.fixture
def worker(start_worker) -> WorkerService:
    return start_worker()


@pytest.fixture
def kiosk_a(secured) -> Iterator[Probe]:
    """Kiosk kA, following its own events."""
    probe = Probe(secured.url("kA"), topics.kiosk_events_filter("kA"))
    yield probe
    probe.close()


def outcome(kiosk: Probe, job_id: str) -> JobDone | JobFailed:
    """How the job ended, as its kiosk was told."""
    return kiosk.expect(
        lambda seen: isinstance(seen.message, JobDone | JobFailed) and seen.message.job_id == job_id
    ).message


def events_of(kiosk: Probe, job_id: str) -> list[str]:
    return [seen.message.type for seen in kiosk.drain() if getattr(seen.message, "job_id", None) == job_id]


def all_done(secured, kiosk_id: str, jobs: int = 1) -> None:
    """`jobs` one-image jobs sent at once by `kiosk_id` all come back done."""
    kiosk = Probe(secured.url(kiosk_id), topics.kiosk_events_filter(kiosk_id))
    try:
        sent = [make_job(kiosk_id, num_images=1) for _ in range(jobs)]
        for job in sent:
            kiosk.publish(topics.job(kiosk_id, "classic", job.job_id), encode(job))
        for job in sent:
            assert isinstance(ended := outcome(kiosk, job.job_id), JobDone), ended
    finally:
        kiosk.close()


# -- hole 1: a kiosk joining the workers' shared group ------------------------------


@pytest.mark.parametrize(
    "topic_filter",
    [SHARED_CLASSIC_JOBS, f"$share/any/{topics.ALL_JOBS_FILTER}", topics.ALL_JOBS_FILTER, "#"],
    ids=["workers-group", "any-group", "plain", "everything"],
)
def test_a_kiosk_may_not_subscribe_to_other_kiosks_jobs(mqtt5, topic_filter):
    """The broker refuses the SUBSCRIBE itself; it does not grant it and filter deliveries later."""
    assert mqtt5("kA").subscribe(topic_filter) == ["Not authorized"]


def test_no_job_is_lost_to_kiosks_that_try_to_join_the_workers_group(secured, worker, mqtt5):
    """Before dynamic security a spy in the group took its round-robin share: 10 of 20 jobs lost."""
    spies = [mqtt5(spy_kiosk) for spy_kiosk in ("kA", "kC")]
    for spy in spies:
        assert spy.subscribe(SHARED_CLASSIC_JOBS) == ["Not authorized"]
    all_done(secured, "kB", jobs=12)
    assert all(spy.received.empty() for spy in spies)


DYNSEC_CONTROL = "$CONTROL/dynamic-security/v1"


def test_a_kiosk_cannot_grant_itself_a_worker_s_role_through_the_plugin_s_control_topic(mqtt5):
    """The plugin takes commands on a topic; no member may publish there, nor read its answers.

    The SUBSCRIBE after the command travels on the same connection, so the broker has handled
    the command (which would have applied at once) before it answers the SUBACK."""
    spy = mqtt5("kA")
    assert spy.subscribe(f"{DYNSEC_CONTROL}/response") == ["Not authorized"]
    grant = {
        "commands": [
            {"command": "addClientRole", "username": "kA", "rolename": worker_role_name("w1")},
            {"command": "setDefaultACLAccess", "acls": [{"acltype": "subscribe", "allow": True}]},
        ]
    }
    spy.client.publish(DYNSEC_CONTROL, json.dumps(grant), qos=1).wait_for_publish(10)
    assert spy.subscribe(SHARED_CLASSIC_JOBS) == ["Not authorized"]
    assert spy.subscribe(topics.kiosk_events_filter("kB")) == ["Not authorized"]


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


# -- hole 2: retained jobs, cancels and far deadlines -------------------------------


def test_a_retained_job_is_refused_cleared_and_not_run_again_by_a_restarted_worker(
    secured, worker, start_worker, kiosk_a
):
    """It used to run at every worker restart: the broker hands a retained copy to each new subscriber."""
    job = make_job("kA", num_images=1)
    kiosk_a.publish(topics.job("kA", "classic", job.job_id), encode(job), retain=True)
    refused = outcome(kiosk_a, job.job_id)
    assert isinstance(refused, JobFailed) and refused.code == "invalid_job", refused
    assert "retain" in refused.message
    worker.stop()
    restarted = start_worker()
    marker = make_job("kA", num_images=1)
    kiosk_a.publish(topics.job("kA", "classic", marker.job_id), encode(marker))
    # The restarted worker would have met a retained copy on subscribing, before the marker.
    assert isinstance(outcome(kiosk_a, marker.job_id), JobDone)
    assert events_of(kiosk_a, job.job_id) == ["failed"], "run, or refused again: the copy was not cleared"
    assert restarted.stats["retained_refused"] == 0


def test_a_retained_cancel_cancels_nothing_and_is_cleared(secured, worker, start_worker, kiosk_a):
    job = make_job("kA", num_images=1)
    cancel = JobCancel(job_id=job.job_id, kiosk_id="kA")
    kiosk_a.publish(topics.cancel("kA", job.job_id), encode(cancel), retain=True)
    kiosk_a.publish(topics.job("kA", "classic", job.job_id), encode(job))
    assert isinstance(outcome(kiosk_a, job.job_id), JobDone)
    assert worker.stats["retained_refused"] == 1 and worker.stats["cancels"] == 0
    worker.stop()
    assert start_worker().stats["retained_refused"] == 0, "the cancel was still retained"


@pytest.mark.parametrize(
    "times",
    [
        {"deadline_in": limits.MAX_JOB_LIFETIME_S + 120},
        {"created_at": 16_725_225_600.0, "deadline": 16_725_225_660.0},  # one minute, in the year 2500
    ],
    ids=["too-long", "year-2500"],
)
def test_a_job_whose_deadline_is_too_far_out_is_refused(worker, kiosk_a, times):
    job = make_job("kA", num_images=1, **times)
    kiosk_a.publish(topics.job("kA", "classic", job.job_id), encode(job))
    refused = outcome(kiosk_a, job.job_id)
    assert isinstance(refused, JobFailed) and refused.code == "invalid_job", refused
    assert "deadline" in refused.message and f"{limits.MAX_JOB_LIFETIME_S:.0f} s" in refused.message


# -- hole 3: one kiosk flooding the others out --------------------------------------


def test_another_kiosk_s_jobs_complete_within_a_bound_while_one_kiosk_floods(secured, worker, tmp_path):
    """kA floods valid jobs of the largest size; kB's jobs, through the product's JobClient, all end.

    mosquitto has no per-client rate limit and keeps one queue per subscriber for every kiosk's
    jobs, dropping what overflows it. What holds here is the worker reading that queue at wire
    speed (kA over its share is refused before decoding, decoding runs off the network thread) and
    jobs no larger than the broker's packet limit: the broker never drops, so no honest job waits
    for a resend (systemd/README.md, the guarantees table).
    """
    dropped_before = secured.dropping_notices()
    flood = Flood(secured.url("kA"), "kA", make_job("kA", num_images=1), FLOOD_JOBS_PER_S)
    client = JobClient(BrokerUrl.parse(secured.url("kB")), "kB", tmp_path / "outbox.sqlite")
    client.start()
    flood.start()
    took = []
    try:
        # The honest jobs go in once the flood is really on: kA over its share of the worker's queue.
        assert flood.wait_refused(30), f"the flood never filled kA's share: {flood.result()}"
        for _ in range(5):
            began = time.monotonic()
            handle = client.wait(client.submit(make_job("kB", num_images=1)), timeout=HONEST_JOB_BOUND_S)
            took.append(time.monotonic() - began)
            assert handle.state is JobState.DONE, handle.state
    finally:
        flood.stop()
        client.stop()
    assert secured.dropping_notices() == dropped_before, "the broker dropped messages for a client"
    assert max(took) < HONEST_JOB_BOUND_S
