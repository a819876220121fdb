"""Writing an export atomically: the destination is either absent, the old export, or the new one.

An export is written under a temporary name beside its destination (same file system, so the
final rename is atomic), made durable, and only then renamed into place. An interrupted export
(disk full, Ctrl-C, power cut) leaves the destination as it was plus, at worst, a temporary
`.tmp-*` entry beside it.

An existing destination is refused unless `force` is given. With `force`, a file is replaced
atomically (`os.replace`); a folder cannot be swapped in one step, so the complete new folder is
renamed in after the old one is moved aside, and the old one is deleted last. Only a folder that
holds a previous model bundle is ever replaced: `--force` must not be able to delete a home folder
given by mistake.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from kiosk.export.errors import BadOutput, OutputExists
from kiosk.store.atomic import fsync_dir, fsync_tree, temp_name


def _check_parent(out: Path) -> None:
    if not out.parent.is_dir():
        raise BadOutput(f"{out}: the folder {out.parent} does not exist")


def _refuse_existing(out: Path, force: bool, replaceable: Callable[[Path], bool]) -> None:
    if not (out.exists() or out.is_symlink()):
        return
    if not force:
        raise OutputExists(f"{out} already exists; pass --force to replace it")
    if not replaceable(out):
        raise OutputExists(f"{out} exists and is not a previous export of this kind; not replacing it")


def _is_plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


@contextlib.contextmanager
def atomic_file(out: Path, *, force: bool) -> Iterator[Path]:
    """Yield a temporary path to write the export to; it becomes `out` when the block succeeds."""
    out = Path(out)
    _check_parent(out)
    _refuse_existing(out, force, _is_plain_file)
    temp = out.with_name(temp_name(out.name))
    try:
        yield temp
        with open(temp, "rb+") as file:
            os.fsync(file.fileno())
        _refuse_existing(out, force, _is_plain_file)  # again: something may have appeared meanwhile
        os.replace(temp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_dir(out.parent)


@contextlib.contextmanager
def atomic_folder(out: Path, *, force: bool, replaceable: Callable[[Path], bool]) -> Iterator[Path]:
    """Yield an empty temporary folder to fill; it becomes `out` when the block succeeds.

    `replaceable(out)` says whether an existing `out` is an export this may replace with `force`.
    """
    out = Path(out)
    _check_parent(out)
    _refuse_existing(out, force, lambda path: path.is_dir() and not path.is_symlink() and replaceable(path))
    temp = out.with_name(temp_name(out.name))
    old = out.with_name(temp_name(f"{out.name}.old"))
    temp.mkdir()
    try:
        yield temp
        fsync_tree(temp)
        _refuse_existing(out, force, lambda path: path.is_dir() and replaceable(path))
        if out.exists():
            os.rename(out, old)
        os.rename(temp, out)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        if old.exists() and not out.exists():
            os.rename(old, out)  # put the previous export back
        raise
    fsync_dir(out.parent)
    shutil.rmtree(old, ignore_errors=True)
