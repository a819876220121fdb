"""Durable file writes: a file is either absent or complete, and survives a power cut once written.

`write_bytes` writes a temporary file in the destination's folder (same file system, so the
rename is atomic), flushes and fsyncs it, renames it over the destination and fsyncs the
folder so the rename itself is on disk. A process killed part-way leaves at most a temporary
file whose name starts with `TEMP_PREFIX`; the store's check reports those.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import uuid
from pathlib import Path

TEMP_PREFIX = ".tmp-"


def is_temp_name(name: str) -> bool:
    return name.startswith(TEMP_PREFIX)


def temp_name(final: str) -> str:
    return f"{TEMP_PREFIX}{uuid.uuid4().hex}-{final}"


def final_name(temp: str) -> str:
    """The name a temporary file from `write_bytes` was going to get."""
    return temp[len(TEMP_PREFIX) + 33 :]


def fsync_dir(path: Path) -> None:
    """Make renames, creations and deletions in `path` durable."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems cannot sync a directory; nothing more can be done
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


def write_bytes(path: Path, data: bytes, *, sync_dir: bool = True) -> None:
    """Atomically replace `path` with `data`. With `sync_dir=False` the caller fsyncs the folder."""
    temp = path.with_name(temp_name(path.name))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    if sync_dir:
        fsync_dir(path.parent)


def fsync_tree(root: Path) -> None:
    """fsync every file and folder under `root` (and `root` itself): for folders others wrote."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(folder))


def remove_files(paths: list[Path]) -> None:
    """Delete files (missing ones are fine) and make the deletions durable."""
    folders = set()
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        folders.add(path.parent)
    for folder in folders:
        if folder.is_dir():
            fsync_dir(folder)


def empty_folder(folder: Path) -> None:
    """Remove everything inside `folder`, keeping the folder itself."""
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
    fsync_dir(folder)
