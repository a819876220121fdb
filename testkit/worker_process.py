"""`teachbooth worker` as a process of its own, for tests and benchmarks.

A worker killed with SIGKILL dies the way a crashed GPU host does: no farewell status, the broker
publishes its Last Will. Only a separate process can be killed like that; a `WorkerService`
inside the test process can only be stopped politely.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from testkit.processes import ended_on_sigterm

REPO = Path(__file__).resolve().parents[1]
log = logging.getLogger(__name__)


@dataclass
class WorkerProcess:
    """One `python -m teachbooth worker` process; its output goes to `log_path`."""

    url: str
    worker_id: str
    log_path: Path
    extra_args: tuple[str, ...] = ()
    """More `teachbooth worker` flags, e.g. ("--backend", "img2img", "--img2img-model", DIR)."""
    process: subprocess.Popen | None = None
    log_file: IO[str] | None = None

    def start(self) -> None:
        self.log_file = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "teachbooth",
                "worker",
                "--broker",
                self.url,
                "--worker-id",
                self.worker_id,
                *self.extra_args,
            ],
            cwd=REPO,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def stop(self) -> None:
        """SIGTERM, as systemd stops it (the worker says `offline` and ends its job); SIGKILL if ignored."""
        if self.process is not None and not ended_on_sigterm(self.process):
            log.warning("worker %s ignored SIGTERM; killing it", self.worker_id)
            self.kill()
        self._close_log()

    def kill(self) -> None:
        """SIGKILL: no farewell, no clean disconnect; the broker sends the worker's Last Will."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=15)
        self._close_log()

    def _close_log(self) -> None:
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None

    def log_tail(self, lines: int = 20) -> str:
        return "".join(self.log_path.read_text(errors="replace").splitlines(keepends=True)[-lines:])
