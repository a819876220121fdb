"""A folder on a small file system that a test can fill up: disk-full faults without filling the host.

Where the test runs as root and may mount, it is a real tmpfs of `SIZE` bytes: every write, SQLite's
included, meets the kernel's ENOSPC. Elsewhere (a CI runner without root) the edge is simulated
in-process: Python file objects opened under the folder (`open`, `io.open`, `os.fdopen`) count the
bytes written there and raise OSError(ENOSPC) past the free space left; SQLite's own writes are
not seen, so tests keep what they fill to files Python writes. Either way `fill(leave=N)` leaves
about N bytes free and `free()` gives everything back.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import io
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SIZE = 8 * 2**20
CHUNK = 2**16


class SmallDisk:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.kind = "tmpfs"

    def fill(self, leave: int = 0) -> None:
        """Leave about `leave` bytes free (the file system's block size rounds it)."""
        filler = self.root / "filler"
        with open(filler, "ab", buffering=0) as file, contextlib.suppress(OSError):
            while True:
                file.write(b"\0" * CHUNK)
        os.truncate(filler, max(0, filler.stat().st_size - leave))

    def free(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.root / "filler").unlink()


class _Counted:
    """A file object whose writes draw on the simulated disk's free bytes; everything else passes through."""

    def __init__(self, inner: Any, disk: SimulatedDisk) -> None:
        self._inner = inner
        self._disk = disk

    def write(self, data: Any) -> int:
        self._disk.take(len(data.encode()) if isinstance(data, str) else memoryview(data).nbytes)
        return self._inner.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> _Counted:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._inner.close()


class SimulatedDisk(SmallDisk):
    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__(root)
        self.kind = "simulated"
        self._left: int | None = None  # None: not full
        self._lock = threading.Lock()
        real_open, real_fdopen = builtins.open, os.fdopen

        def counted_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            opened = real_open(file, mode, *args, **kwargs)
            return self._wrap(opened, file, mode)

        def counted_fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            opened = real_fdopen(fd, mode, *args, **kwargs)
            return self._wrap(opened, os.readlink(f"/proc/self/fd/{fd}"), mode)

        monkeypatch.setattr(builtins, "open", counted_open)
        monkeypatch.setattr(io, "open", counted_open)
        monkeypatch.setattr(os, "fdopen", counted_fdopen)

    def _wrap(self, opened: Any, path: Any, mode: str) -> Any:
        writing = any(flag in mode for flag in "wax+")
        if not writing or isinstance(path, int) or not self._under_root(path):
            return opened
        return _Counted(opened, self)

    def _under_root(self, path: Any) -> bool:
        return Path(os.fsdecode(path)).absolute().is_relative_to(self.root)

    def take(self, size: int) -> None:
        with self._lock:
            if self._left is None:
                return
            if size > self._left:
                self._left = 0
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            self._left -= size

    def fill(self, leave: int = 0) -> None:
        with self._lock:
            self._left = leave

    def free(self) -> None:
        with self._lock:
            self._left = None


def _mount_tmpfs(root: Path) -> bool:
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(root)], capture_output=True, check=False
    )
    return done.returncode == 0


@contextlib.contextmanager
def small_disk(root: Path, monkeypatch: pytest.MonkeyPatch, prefer: str = "tmpfs") -> Iterator[SmallDisk]:
    """A `SmallDisk` at `root` (created here): a real tmpfs where mounting is allowed and `prefer`
    says "tmpfs", else simulated ("simulated" always simulates, so the fallback is tested too)."""
    root.mkdir(parents=True)
    if prefer == "tmpfs" and _mount_tmpfs(root):
        try:
            yield SmallDisk(root)
        finally:
            subprocess.run(["umount", "-l", str(root)], check=False)
    else:
        yield SimulatedDisk(root, monkeypatch)
