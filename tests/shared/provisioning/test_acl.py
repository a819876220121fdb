"""Each member's role; what the broker makes of it is tested against a real mosquitto in tests/systemd/."""

from __future__ import annotations

from paho.mqtt.client import topic_matches_sub

from shared.protocol import topics
from shared.provisioning.acl import Acl, kiosk_role, member_role, worker_role


def _topics(acls, acltype: str) -> list[str]:
    return [acl.topic for acl in acls if acl.acltype == acltype]


def test_a_kiosk_writes_only_its_own_topics_and_reads_its_events_and_worker_statuses():
    role = kiosk_role("k1")
    assert role.name == "kiosk-k1"
    assert _topics(role.acls, "publishClientSend") == [
        "teachbooth/v2/kiosk/k1/jobs/+/+",  # its own jobs, for any backend
        topics.cancel("k1", "+"),
        topics.kiosk_status("k1"),
    ]
    reads = [topics.kiosk_events_filter("k1"), topics.WORKER_STATUS_FILTER]
    assert _topics(role.acls, "subscribePattern") == reads
    assert _topics(role.acls, "publishClientReceive") == reads


def test_no_kiosk_may_subscribe_to_jobs_in_any_form():
    """A kiosk in the workers' shared group would be handed other kiosks' jobs (issue 14)."""
    acls = kiosk_role("k1").acls
    assert not any("/jobs/" in acl.topic for acl in acls if acl.acltype != "publishClientSend")
    assert not any(acl.topic.startswith("$share/") or "#" in acl.topic for acl in acls)


def test_a_worker_reads_every_job_and_cancel_and_writes_events_and_its_own_status():
    role = worker_role("w2")
    assert role.name == "worker-w2"
    assert Acl("subscribePattern", f"$share/+/{topics.ALL_JOBS_FILTER}") in role.acls
    for topic_filter in (topics.ALL_JOBS_FILTER, topics.ALL_CANCELS_FILTER):
        assert Acl("subscribePattern", topic_filter) in role.acls
        assert Acl("publishClientReceive", topic_filter) in role.acls
    sends = _topics(role.acls, "publishClientSend")
    assert topics.events("+", "+") in sends
    assert topics.worker_status("w2") in sends
    assert topics.worker_status("w1") not in sends
    # to delete a job or cancel a kiosk retained (an empty retained message, docs/protocol.md)
    assert topics.ALL_JOBS_FILTER in sends and topics.ALL_CANCELS_FILTER in sends


def test_a_worker_may_subscribe_to_any_backend_s_jobs_in_that_backend_s_group():
    """What `WorkerService` subscribes to is covered by the worker's role, in both forms."""
    patterns = _topics(worker_role("w1").acls, "subscribePattern")
    for backend in ("classic", "inpaint", "instruct", "img2img"):
        plain = topics.backend_jobs_filter(backend)
        shared = topics.shared_backend_jobs_filter(topics.DEFAULT_SHARED_GROUP, backend)
        assert any(topic_matches_sub(pattern, plain) for pattern in patterns), plain
        assert any(topic_matches_sub(pattern, shared) for pattern in patterns), shared
        assert topic_matches_sub(topics.job("k1", "+", "+"), topics.job("k1", backend, "j")), "k1 writes it"


def test_a_station_publishes_only_its_own_verdicts_and_status_and_reads_nothing():
    """A station publishes verdicts and a retained status (with a Last Will); it subscribes to nothing."""
    role = member_role("station", "s1")
    assert role.name == "station-s1"
    assert role.acls == (
        Acl("publishClientSend", topics.station_verdicts("s1")),
        Acl("publishClientSend", topics.station_status("s1")),
    )
    assert not any(topic_matches_sub(acl.topic, topics.station_verdicts("s2")) for acl in role.acls)


def test_a_reader_subscribes_to_and_receives_every_station_s_verdicts_and_status_and_publishes_nothing():
    """A PLC gateway or a line dashboard reads what every station says, and can say nothing itself."""
    role = member_role("reader", "plc1")
    assert role.name == "reader-plc1"
    assert role.acls == (
        Acl("subscribePattern", "teachbooth/v2/station/+/verdicts"),
        Acl("publishClientReceive", "teachbooth/v2/station/+/verdicts"),
        Acl("subscribePattern", "teachbooth/v2/station/+/status"),
        Acl("publishClientReceive", "teachbooth/v2/station/+/status"),
    )
    for station_topic in (topics.station_verdicts("line-7"), topics.station_status("line-7")):
        assert any(topic_matches_sub(acl.topic, station_topic) for acl in role.acls), station_topic
    for fleet_topic in (
        topics.job("k1", "classic", "j"),
        topics.events("k1", "j"),
        topics.worker_status("w1"),
    ):
        assert not any(topic_matches_sub(acl.topic, fleet_topic) for acl in role.acls), fleet_topic
