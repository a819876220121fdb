"""systemd's readiness and watchdog protocol (sd_notify), without libsystemd.

The units in systemd/ are ``Type=notify`` with ``WatchdogSec=``: systemd
starts the next unit only after ``READY=1`` and kills and restarts a service
whose ``WATCHDOG=1`` pings stop. A ping from a free-running timer would prove
only that the process exists, so pings come from a thread that sends one
only if the service's main loop has called `alive` since the previous ping:
a main loop stuck on a dead camera or a wedged GPU call goes quiet, and
systemd restarts it.

The protocol is one datagram per message to the AF_UNIX socket named in
``NOTIFY_SOCKET`` (a path, or ``@name`` for the abstract namespace); pings are
due every half ``WATCHDOG_USEC``, as sd_watchdog_enabled(3) advises. Outside
systemd (no ``NOTIFY_SOCKET``) every call is a no-op.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Mapping

log = logging.getLogger(__name__)


class Notifier:
    """Sends sd_notify messages; never raises, because a lost notification must not stop the service."""

    def __init__(self, address: str | None) -> None:
        self.address = "\0" + address[1:] if address and address.startswith("@") else address
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()

    def notify(self, message: str) -> bool:
        if not self.address:
            return False
        with self._lock:
            try:
                if self._socket is None:
                    self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                self._socket.sendto(message.encode(), self.address)
            except OSError as exc:
                log.warning("could not notify systemd (%s): %s", message.split("=")[0], exc)
                return False
        return True

    def close(self) -> None:
        with self._lock:
            if self._socket is not None:
                self._socket.close()
                self._socket = None


class Watchdog:
    """READY=1, WATCHDOG=1 while the main loop is alive, STOPPING=1."""

    def __init__(self, notifier: Notifier, interval_s: float | None) -> None:
        self.notifier = notifier
        self.interval_s = interval_s
        self._beat = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, pid: int | None = None) -> Watchdog:
        """Read NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID the way sd_watchdog_enabled(3) does."""
        environ = os.environ if environ is None else environ
        pid = os.getpid() if pid is None else pid
        notifier = Notifier(environ.get("NOTIFY_SOCKET") or None)
        usec, owner = environ.get("WATCHDOG_USEC"), environ.get("WATCHDOG_PID")
        interval_s = None
        if usec is not None and (owner is None or owner == str(pid)):
            try:
                interval_s = int(usec) / 2e6 if int(usec) > 0 else None
            except ValueError:
                log.warning("ignoring WATCHDOG_USEC=%r: not a number of microseconds", usec)
        return cls(notifier, interval_s)

    @property
    def enabled(self) -> bool:
        return self.interval_s is not None and self.notifier.address is not None

    def ready(self, status: str | None = None) -> None:
        """Tell systemd start-up is done, and start pinging if a watchdog is set."""
        self.notifier.notify("READY=1" + (f"\nSTATUS={status}" if status else ""))
        if self.enabled and self._thread is None:
            self._thread = threading.Thread(target=self._ping_while_alive, name="watchdog", daemon=True)
            self._thread.start()

    def alive(self) -> None:
        """Called by the main loop each time round: the next ping may go out."""
        self._beat.set()

    def tick(self) -> bool:
        """One watchdog round: ping if the main loop was alive since the last round."""
        if not self._beat.is_set():
            log.warning("main loop silent for %.1f s: withholding the watchdog ping", self.interval_s or 0.0)
            return False
        self._beat.clear()
        return self.notifier.notify("WATCHDOG=1")

    def stopping(self) -> None:
        """Stop pinging and tell systemd the service is shutting down on purpose."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.notifier.notify("STOPPING=1")
        self.notifier.close()

    def _ping_while_alive(self) -> None:
        assert self.interval_s is not None
        while not self._stop.wait(self.interval_s):
            self.tick()
