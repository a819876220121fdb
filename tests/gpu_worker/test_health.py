"""The worker's health, as the systemd watchdog sees it: idle or stepping is alive, a hung pass is not."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

from shared.protocol import topics
from testkit.jobs import make_job
from tests.gpu_worker.test_service import send


def test_idle_and_stepping_workers_are_healthy_a_stalled_pass_is_not(worker_factory, probe_factory, gated):
    worker = worker_factory()
    assert worker.healthy()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    send(probe, make_job(backend="gated", num_images=2))
    assert gated.first_image_out.wait(20)
    assert worker.healthy(stall_s=60), "a step a moment ago: slow is not hung"
    assert not worker.healthy(stall_s=0), "no step within the stall limit: hung"
    gated.gate.set()
    worker.stop()
    assert not worker.healthy(), "a stopped runner is not healthy"


def test_the_worker_command_speaks_sd_notify(mosquitto, tmp_path):
    """READY once online, watchdog pings while healthy, STOPPING on SIGTERM: a real datagram socket."""
    address = str(tmp_path / "notify.sock")
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(address)
    receiver.settimeout(30)
    environment = {**os.environ, "NOTIFY_SOCKET": address, "WATCHDOG_USEC": "400000"}
    command = [sys.executable, "-m", "teachbooth", "worker", "--broker", mosquitto.url, "--worker-id", "w-sd"]
    process = subprocess.Popen(command, env=environment)
    try:
        messages = [receiver.recv(4096).decode() for _ in range(3)]
        assert messages[0].startswith("READY=1") and "serving classic" in messages[0]
        assert messages[1:] == ["WATCHDOG=1", "WATCHDOG=1"]
        process.send_signal(signal.SIGTERM)
        while (message := receiver.recv(4096).decode()) == "WATCHDOG=1":
            pass
        assert message == "STOPPING=1"
        assert process.wait(30) == 0
    finally:
        process.kill()
        receiver.close()
