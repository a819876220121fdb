"""A real mosquitto on a free loopback port with its own configuration, per test.

Start-up is awaited by reading mosquitto's own log line saying it runs, not by
sleeping or polling the port. `start_shipped_broker` runs the shipped
configuration with a fleet provisioned by the real code, for the security
tests (tests/systemd/) and the hostile-kiosk benchmark (bench/fleet_load.py).
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import threading
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path

from shared.provisioning.fleet import Fleet
from shared.provisioning.provision import provision
from shared.provisioning.snippets import BROKER_DIR, broker_url

SHIPPED_CONF = Path(__file__).resolve().parents[1] / "systemd" / "mosquitto" / "teachbooth.conf"
SHIPPED_LISTENER = "listener 8883\n"
DROPPING = "Outgoing messages are being dropped"


def find_mosquitto() -> str:
    found = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise RuntimeError("mosquitto is not installed: run `make test`, which installs it")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mosquitto:
    workdir: Path
    port: int = field(default_factory=free_port)
    persistence: bool = False
    process: subprocess.Popen | None = None
    log: deque[str] = field(default_factory=lambda: deque(maxlen=500))

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def write_config(self) -> Path:
        lines = [
            f"listener {self.port} 127.0.0.1",
            "allow_anonymous true",
            "set_tcp_nodelay true",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            f"persistence {'true' if self.persistence else 'false'}",
            f"persistence_location {self.workdir}/",
        ]
        if os.geteuid() == 0:
            # Run as root, mosquitto drops to its own user, who can neither write the persistence file
            # nor read a password file in pytest's 0700 temporary folders; it would only log an error.
            lines.append("user root")
        path = self.workdir / "mosquitto.conf"
        path.write_text("\n".join(lines) + "\n")
        return path

    def start(self) -> None:
        config = self.write_config()
        self.process = subprocess.Popen(
            [find_mosquitto(), "-c", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for line in self.process.stdout:
            self.log.append(line)
            if " running" in line:
                # Keep reading, or a full pipe would stall the broker.
                threading.Thread(target=self._keep_log, args=(self.process,), daemon=True).start()
                return
        raise RuntimeError("mosquitto exited during start-up:\n" + "".join(self.log))

    def _keep_log(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            self.log.append(line)

    def stop(self) -> None:
        """Graceful stop (SIGTERM): with persistence on, the broker saves its state."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@dataclass
class ConfiguredMosquitto(Mosquitto):
    """A mosquitto run with a given configuration (e.g. the shipped one) instead of the open test one.

    `config` must hold the listener on `port` and must log the start-up notice to stderr.
    """

    config: str = ""

    def write_config(self) -> Path:
        path = self.workdir / "mosquitto.conf"
        path.write_text(self.config)
        return path


def shipped_setting(name: str) -> str:
    """The value of a setting that the shipped configuration gives exactly once."""
    values = [
        line.split(None, 1)[1]
        for line in SHIPPED_CONF.read_text().splitlines()
        if line.startswith(f"{name} ")
    ]
    assert len(values) == 1, f"{name} is set {len(values)} times"
    return values[0]


def shipped_config(port: int, broker_files: Path, workdir: Path) -> str:
    """The shipped configuration with only what cannot be the same on a test machine changed.

    The listener port (a free one, on loopback), the folder holding the
    provisioned files, and logging to stderr (so the start-up notice can be
    awaited). Started as root, mosquitto would drop to the `mosquitto` user and
    lose access to the 0600 files; a deployment makes them the mosquitto
    user's, a test stays as whoever runs it.
    """
    text = SHIPPED_CONF.read_text()
    assert text.count(SHIPPED_LISTENER) == 1 and f"{BROKER_DIR}/" in text, "the shipped conf changed shape"
    text = text.replace(SHIPPED_LISTENER, f"listener {port} 127.0.0.1\n").replace(
        f"{BROKER_DIR}/", f"{broker_files}/"
    )
    test_only = [
        f"user {getpass.getuser()}",
        f"persistence_location {workdir}/",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        "log_type notice",
        "log_type information",
    ]
    return text + "\n# test-only\n" + "\n".join(test_only) + "\n"


@dataclass
class SecuredBroker:
    """The shipped broker running with a provisioned fleet, and each member's URL."""

    broker: ConfiguredMosquitto
    files: Path
    fleet: Fleet
    passwords: dict[str, str]

    def url(
        self, user: str | None, password: str | None = None, *, ca: Path | None = None, client_id: str = ""
    ) -> str:
        """`user`'s mqtts:// URL as provisioned, with its password (or `password`), trusting the fleet CA
        (or `ca`), and connecting with its own client id (or `client_id`)."""
        ca_file = str(ca or self.files / "broker" / "ca.crt")
        fleet = replace(self.fleet, broker_host="127.0.0.1", port=self.broker.port)
        if user is None:
            return f"mqtts://127.0.0.1:{self.broker.port}?ca={ca_file}"
        url = broker_url(fleet, user, self.passwords[user] if password is None else password, ca_file)
        return url.replace(f"client_id={user}", f"client_id={client_id}") if client_id else url

    def dropping_notices(self) -> int:
        """How often the broker has said it drops messages for a client whose queue is full.

        mosquitto says it once each time a client's queue overflows ("Outgoing messages are being
        dropped for client <id>"), not per message; with QoS 1 the publisher is never told.
        """
        return sum(DROPPING in line for line in self.broker.log)

    def stop(self) -> None:
        self.broker.stop()


def start_shipped_broker(workdir: Path, fleet: Fleet) -> SecuredBroker:
    """Provision `fleet` into `workdir` and start the shipped configuration on a free loopback port."""
    files = workdir / "fleet"
    result = provision(files, fleet)
    port = free_port()
    broker = ConfiguredMosquitto(
        workdir=workdir, port=port, config=shipped_config(port, files / "broker", workdir)
    )
    broker.start()
    return SecuredBroker(broker, files, fleet, result.passwords)
