from __future__ import annotations

import os
import stat

import pytest

from shared.provisioning.secret_files import ExistingOutput, write_public, write_secret


@pytest.fixture
def open_umask():
    """A careless umask must not leak secrets (nor hide public files from the services)."""
    old = os.umask(0o000)
    yield
    os.umask(old)


def test_secrets_are_0600_and_public_files_0644_whatever_the_umask(tmp_path, open_umask):
    write_secret(tmp_path / "a" / "key", b"secret", force=False)
    write_public(tmp_path / "a" / "cert", b"public", force=False)
    assert stat.S_IMODE((tmp_path / "a" / "key").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "a" / "cert").stat().st_mode) == 0o644


def test_a_strict_umask_does_not_hide_public_files(tmp_path):
    old = os.umask(0o077)
    try:
        write_public(tmp_path / "cert", b"public", force=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "cert").stat().st_mode) == 0o644


def test_existing_files_are_refused_and_kept_unless_forced(tmp_path):
    path = tmp_path / "key"
    path.write_bytes(b"old")
    os.chmod(path, 0o644)
    with pytest.raises(ExistingOutput, match="key exists; pass --force"):
        write_secret(path, b"new", force=False)
    assert path.read_bytes() == b"old"
    write_secret(path, b"new", force=True)
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
