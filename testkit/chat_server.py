"""`transformers serve` as a process of its own: a real OpenAI-compatible chat server on loopback.

The kiosk's assistant is tested against the same kind of server a deployment runs beside its GPU
worker, serving the tiny models of `tools/make_tiny_chat_model.py` from their folders (a request
names the folder as its model). The server logs every request's body (`--enable-log-requests` at
debug level); `bodies()` hands them back parsed, so a test reads what the kiosk really sent, system
prompt included, without a mocked client in between.

Readiness is the server's own "Uvicorn running" line, read from its output, and each request body
is waited for on a condition the reader thread signals: nothing here sleeps to synchronise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from testkit.mosquitto import free_port
from testkit.processes import ended_on_sigterm

READY = "Uvicorn running on"
BODY = " body: "
"""What precedes a request's JSON body in the server's request log line."""
BODY_LOG_LIMIT = 4000
"""The server logs a body's first 4,000 characters of JSON: a longer one cannot be parsed back."""


@dataclass
class ChatServer:
    """One `transformers serve` process on a free port, its output kept in `log`."""

    home: Path
    """The server's Hugging Face home: empty, so it lists only the models it was asked for."""
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log: list[str] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the server and return once it listens; raise with its output if it exits first."""
        self.process = subprocess.Popen(
            [
                Path(sys.executable).with_name("transformers"),
                "serve",
                "--host=127.0.0.1",
                f"--port={self.port}",
                "--device=cpu",
                "--log-level=debug",
                "--enable-log-requests",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            env=os.environ
            | {
                "HF_HOME": str(self.home),
                "HF_HUB_OFFLINE": "1",
                "PYTHONUNBUFFERED": "1",
                "OMP_NUM_THREADS": "1",
            },
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._keep(line)
            if READY in line:
                # Keep reading, or a full pipe would stall the server.
                threading.Thread(target=self._read_rest, args=(self.process,), daemon=True).start()
                return
        raise RuntimeError("transformers serve exited during start-up:\n" + "".join(self.log[-40:]))

    def _keep(self, line: str) -> None:
        with self._changed:
            self.log.append(line)
            self._changed.notify_all()

    def _read_rest(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self._keep(line)

    def bodies(self) -> list[dict]:
        """The JSON body of every request served so far, oldest first."""
        with self._changed:
            lines = list(self.log)
        return [json.loads(line.split(BODY, 1)[1]) for line in lines if BODY in line]

    def wait_for_bodies(self, count: int, timeout_s: float = 30.0) -> list[dict]:
        """The bodies once at least `count` requests were logged; raise after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while sum(BODY in line for line in self.log) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"fewer than {count} requests logged:\n" + "".join(self.log[-20:]))
                self._changed.wait(left)
        return self.bodies()

    def stop(self) -> None:
        """SIGTERM, as systemd stops it (its model processes follow their parent out); SIGKILL if ignored."""
        if self.process is not None and not ended_on_sigterm(self.process):
            self.process.kill()
            self.process.wait(timeout=15)
        self.process = None
