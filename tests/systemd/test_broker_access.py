"""Who may connect to the shipped broker and what each fleet member may read and write.

Negatives are proven with markers, not waits: the forbidden message is
published (and acknowledged by the broker) first, then an allowed marker; a
subscriber that receives the marker would have received the forbidden message
before it, since the broker delivers to one subscriber in order.
"""

from __future__ import annotations

import ssl

import pytest

from kiosk.doctor.broker import check_broker
from kiosk.doctor.finding import Status
from kiosk.doctor.settings import DoctorSettings
from shared.protocol import JobFailed, WorkerStatus, encode, topics
from shared.provisioning.certificates import make_ca
from testkit.mosquitto import shipped_config
from tests.systemd.secured_broker import connect_reason, plain_connect_answer


def _topics_seen(probe) -> set[str]:
    return {seen.topic for seen in probe.drain()}


def _marker(probe, topic: str) -> None:
    probe.expect(lambda seen: seen.topic == topic)


# -- connecting -----------------------------------------------------------------


def test_fleet_members_with_their_password_get_in(secured):
    assert connect_reason(secured.url("kA")) == "Success"
    assert connect_reason(secured.url("w2")) == "Success"


@pytest.mark.parametrize(
    ("user", "password"),
    [(None, None), ("kA", "wrong-password"), ("kA", ""), ("intruder", "whatever")],
    ids=["anonymous", "wrong-password", "empty-password", "unknown-user"],
)
def test_everyone_else_is_refused(secured, user, password):
    assert connect_reason(secured.url(user, password)) == "Not authorized"


def test_the_doctor_gets_in_with_a_provisioned_url(secured):
    """The broker pins each member to its client id; the doctor uses the one its URL names."""
    found = check_broker(DoctorSettings(broker=secured.url("kA"), timeout_s=5))
    assert found.status is Status.OK, found.message


def test_another_members_password_does_not_work(secured):
    assert connect_reason(secured.url("kA", secured.passwords["kB"])) == "Not authorized"


def test_plain_tcp_gets_no_mqtt_answer(secured):
    """A client that skips TLS gets the connection closed, never a CONNACK (0x20)."""
    assert plain_connect_answer(secured.broker.port) == b""


def test_a_client_trusting_another_ca_refuses_the_broker(secured, tmp_path):
    impostor = tmp_path / "impostor-ca.crt"
    impostor.write_bytes(make_ca().certificate_pem)
    with pytest.raises(ssl.SSLCertVerificationError):
        connect_reason(secured.url("kA", ca=impostor))


def test_the_shipped_conf_has_one_listener_and_it_is_tls(tmp_path):
    text = shipped_config(1, tmp_path, tmp_path)
    listeners = [line for line in text.splitlines() if line.startswith("listener ")]
    assert listeners == ["listener 1 127.0.0.1"]
    assert "allow_anonymous false" in text.splitlines()


# -- kiosks among themselves ------------------------------------------------------


def test_a_kiosk_cannot_read_another_kiosks_events(client_factory):
    spy = client_factory(
        "kA", topics.kiosk_events_filter("kB"), "teachbooth/#", topics.kiosk_events_filter("kA")
    )
    worker = client_factory("w1")
    worker.publish(topics.events("kB", "job-b"), b'{"secret": "for kB"}')
    worker.publish(topics.events("kA", "marker"), b"{}")
    _marker(spy, topics.events("kA", "marker"))
    assert _topics_seen(spy) == {topics.events("kA", "marker")}


def test_a_kiosk_cannot_file_or_cancel_jobs_as_another_kiosk(client_factory):
    worker = client_factory("w1", topics.ALL_JOBS_FILTER, topics.ALL_CANCELS_FILTER)
    impostor = client_factory("kA")
    impostor.publish(topics.job("kB", "classic", "forged"), b"{}")
    impostor.publish(topics.job("kB", "inpaint", "forged"), b"{}")
    impostor.publish(topics.cancel("kB", "forged"), b"{}")
    impostor.publish(topics.kiosk_status("kB"), b"{}", retain=True)
    impostor.publish(topics.job("kA", "inpaint", "own"), b"{}")
    impostor.publish(topics.job("kA", "classic", "marker"), b"{}")
    _marker(worker, topics.job("kA", "classic", "marker"))
    assert _topics_seen(worker) == {topics.job("kA", "inpaint", "own"), topics.job("kA", "classic", "marker")}


def test_a_kiosk_cannot_read_other_kiosks_jobs(client_factory):
    """Jobs carry camera images: only workers see them."""
    spy = client_factory("kA", topics.ALL_JOBS_FILTER, topics.kiosk_events_filter("kA"))
    client_factory("kB").publish(topics.job("kB", "classic", "private"), b"{}")
    client_factory("w1").publish(topics.events("kA", "marker"), b"{}")
    _marker(spy, topics.events("kA", "marker"))
    assert _topics_seen(spy) == {topics.events("kA", "marker")}


# -- kiosks posing as workers -----------------------------------------------------


def test_a_kiosk_cannot_pose_as_a_worker(client_factory):
    victim = client_factory("kB", topics.WORKER_STATUS_FILTER, topics.kiosk_events_filter("kB"))
    impostor = client_factory("kA")
    fake_status = WorkerStatus(worker_id="w1", state="online", backends=["classic"], version="evil")
    impostor.publish(topics.worker_status("w1"), encode(fake_status), retain=True)
    impostor.publish(topics.worker_status("evil"), encode(fake_status), retain=True)
    fake_result = JobFailed(job_id="job-b", worker_id="w1", code="busy", message="forged by kA")
    impostor.publish(topics.events("kB", "job-b"), encode(fake_result))
    impostor.publish(topics.events("kA", "job-a"), encode(fake_result))
    client_factory("w1").publish(topics.events("kB", "marker"), b"{}")
    _marker(victim, topics.events("kB", "marker"))
    assert _topics_seen(victim) == {topics.events("kB", "marker")}


def test_a_worker_cannot_pose_as_another_worker(client_factory):
    watcher = client_factory("kA", topics.WORKER_STATUS_FILTER)
    client_factory("w2").publish(topics.worker_status("w1"), b"{}", retain=True)
    client_factory("w1").publish(topics.worker_status("w1"), b'{"real": 1}', retain=True)
    seen = watcher.expect(lambda seen: seen.topic == topics.worker_status("w1"))
    assert seen.payload == b'{"real": 1}'


def test_workers_share_a_backend_s_jobs_through_its_shared_subscription(client_factory, secured):
    """What `WorkerService` subscribes to for one backend: that backend's jobs reach it, no other's."""
    worker = client_factory(
        "w2", topics.shared_backend_jobs_filter("any-group", "inpaint"), topics.ALL_CANCELS_FILTER
    )
    kiosk = client_factory("kB")
    kiosk.publish(topics.job("kB", "classic", "j0"), b"{}")
    kiosk.publish(topics.job("kB", "inpaint", "j1"), b"{}")
    kiosk.publish(topics.cancel("kB", "j1"), b"{}")
    _marker(worker, topics.cancel("kB", "j1"))
    assert _topics_seen(worker) == {topics.job("kB", "inpaint", "j1"), topics.cancel("kB", "j1")}


def test_a_station_gets_in_with_its_own_client_id_and_cannot_file_jobs_or_pose_as_a_worker(
    secured, client_factory
):
    """A station (`teachbooth station`) may publish its verdicts and status, and nothing of the fleet's."""
    assert connect_reason(secured.url("s1")) == "Success"
    assert connect_reason(secured.url("s1", client_id="w1")) == "Not authorized"
    worker = client_factory("w1", topics.ALL_JOBS_FILTER)
    kiosk = client_factory("kA", topics.WORKER_STATUS_FILTER, topics.kiosk_events_filter("kA"))
    station = client_factory("s1")
    forged = b'{"forged by": "s1"}'
    station.publish(topics.job("kA", "classic", "forged"), forged)
    station.publish(topics.worker_status("w1"), forged, retain=True)
    station.publish(topics.events("kA", "forged"), forged)
    station.publish(topics.station_verdicts("s1"), b"{}")
    client_factory("kB").publish(topics.job("kB", "classic", "marker"), b"{}")
    worker.publish(topics.events("kA", "marker"), b"{}")
    _marker(worker, topics.job("kB", "classic", "marker"))
    _marker(kiosk, topics.events("kA", "marker"))
    assert not [seen.topic for seen in worker.drain() + kiosk.drain() if seen.payload == forged]
