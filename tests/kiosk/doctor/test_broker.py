"""The broker and worker checks against a real mosquitto that wants a user name and password."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from kiosk.doctor.broker import check_broker, check_worker
from kiosk.doctor.finding import Status
from kiosk.doctor.settings import DoctorSettings
from shared.protocol import WorkerStatus, topics
from testkit.mosquitto import Mosquitto, free_port

USER, PASSWORD = "kiosk-1", "s3cret"


@dataclass
class PasswordMosquitto(Mosquitto):
    """The test broker with anonymous access off and one user in a password file."""

    def write_config(self) -> Path:
        passwords = self.workdir / "passwords"
        subprocess.run(["mosquitto_passwd", "-b", "-c", str(passwords), USER, PASSWORD], check=True)
        passwords.chmod(0o600)
        path = super().write_config()
        locked = f"allow_anonymous false\npassword_file {passwords}"
        text = path.read_text().replace("allow_anonymous true", locked)
        path.write_text(text)
        return path


@pytest.fixture
def locked_broker(tmp_path):
    broker = PasswordMosquitto(workdir=tmp_path)
    broker.start()
    yield broker
    broker.stop()


def url(broker: Mosquitto, user: str | None = USER, password: str = PASSWORD) -> str:
    who = f"{user}:{password}@" if user else ""
    return f"mqtt://{who}127.0.0.1:{broker.port}"


def settings(broker_url: str | None, **more) -> DoctorSettings:
    return DoctorSettings(broker=broker_url, timeout_s=5, **more)


def test_the_right_credentials_connect(locked_broker):
    found = check_broker(settings(url(locked_broker)))
    assert found.status is Status.OK and f"as {USER}" in found.message
    assert PASSWORD not in found.message


def test_a_wrong_password_is_refused_by_name(locked_broker):
    found = check_broker(settings(url(locked_broker, password="guess")))
    assert found.status is Status.FAIL and f"refused user '{USER}'" in found.message
    assert "guess" not in found.message and "provision" in found.fix


def test_no_credentials_are_refused(locked_broker):
    found = check_broker(settings(url(locked_broker, user=None)))
    assert found.status is Status.FAIL and "without a user name" in found.message


def test_an_unreachable_broker_fails_at_once():
    found = check_broker(settings(f"mqtt://127.0.0.1:{free_port()}"))
    assert found.status is Status.FAIL and "cannot reach" in found.message and "systemctl" in found.fix


def test_a_bad_url_fails_with_the_right_form():
    found = check_broker(settings("http://broker.lan"))
    assert found.status is Status.FAIL and "mqtt://" in found.message


def test_a_missing_ca_file_is_named(tmp_path):
    found = check_broker(settings(f"mqtts://{USER}:{PASSWORD}@127.0.0.1:{free_port()}?ca={tmp_path}/ca.crt"))
    assert found.status is Status.FAIL and "TLS files" in found.message and "?ca=" in found.fix


def test_no_broker_configured_only_warns():
    assert check_broker(settings(None)).status is Status.WARN
    assert check_worker(settings(None)).status is Status.WARN


def test_an_online_worker_is_named_with_its_backends(mosquitto, probe_factory):
    worker = WorkerService(WorkerConfig(broker=mosquitto.url, worker_id="w-doc"))
    worker.start()
    try:
        probe_factory(topics.worker_status("w-doc")).expect(
            lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "online"
        )
        found = check_worker(settings(mosquitto.url))
    finally:
        worker.stop()
    assert found.status is Status.OK and "w-doc" in found.message and "classic" in found.message
    gone = check_worker(settings(mosquitto.url, worker_wait_s=0.2))
    assert gone.status is Status.WARN and "known but offline: w-doc" in gone.message


def test_no_worker_at_all_warns_that_jobs_wait(mosquitto):
    found = check_worker(settings(mosquitto.url, worker_wait_s=0.2))
    assert found.status is Status.WARN and "no worker online" in found.message and "outbox" in found.message


def test_the_worker_check_defers_to_a_failing_broker_check(locked_broker):
    found = check_worker(settings(url(locked_broker, password="guess")))
    assert found.status is Status.WARN and "broker" in found.message
