"""Atomic export writes: an interrupted export leaves the destination as it was, and no debris."""

from __future__ import annotations

import pytest

from kiosk.export.errors import OutputExists
from kiosk.export.output import atomic_file, atomic_folder


class Interrupted(Exception):
    pass


def test_interrupted_file_export_keeps_the_old_file(tmp_path):
    out = tmp_path / "data.zip"
    out.write_bytes(b"old")
    with pytest.raises(Interrupted), atomic_file(out, force=True) as temp:
        temp.write_bytes(b"half of the new")
        assert temp.parent == tmp_path and temp.name.startswith(".tmp-")
        raise Interrupted
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["data.zip"]
    with atomic_file(out, force=True) as temp:
        temp.write_bytes(b"new")
    assert out.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["data.zip"]


def test_interrupted_folder_export_puts_the_old_folder_back(tmp_path):
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with pytest.raises(Interrupted), atomic_folder(out, force=True, replaceable=lambda _: True) as temp:
        (temp / "new.txt").write_text("new")
        raise Interrupted
    assert [p.name for p in out.iterdir()] == ["old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["bundle"]
    with atomic_folder(out, force=True, replaceable=lambda _: True) as temp:
        (temp / "new.txt").write_text("new")
    assert [p.name for p in out.iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["bundle"]


def test_a_symlink_is_never_replaced(tmp_path):
    target = tmp_path / "elsewhere.zip"
    target.write_bytes(b"keep")
    link = tmp_path / "link.zip"
    link.symlink_to(target)
    with pytest.raises(OutputExists, match="not a previous export"), atomic_file(link, force=True) as temp:
        temp.write_bytes(b"new")
    assert target.read_bytes() == b"keep" and link.is_symlink()
