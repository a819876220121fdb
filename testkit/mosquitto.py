"""A real mosquitto on a free loopback port with its own configuration, per test.

Start-up is awaited by reading mosquitto's own log line saying it runs, not by
sleeping or polling the port.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path


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
