from __future__ import annotations

import base64
import stat
import subprocess
from urllib.parse import quote

import pytest

from shared.provisioning.passwords import (
    find_mosquitto_passwd,
    hash_password,
    new_password,
    write_password_file,
)
from shared.provisioning.secret_files import ExistingOutput

PASSWORDS = {"k1": "first secret", "w1": "second/secret with$odd chars"}


def _entries(path) -> dict[str, str]:
    return dict(line.split(":", 1) for line in path.read_text().splitlines())


@pytest.fixture
def mosquitto_passwd() -> str:
    tool = find_mosquitto_passwd()
    if tool is None:
        raise RuntimeError("mosquitto_passwd is missing: `make mosquitto` installs it")
    return tool


def test_our_hash_is_the_one_mosquitto_passwd_computes(tmp_path, mosquitto_passwd):
    """Same salt and iterations must give the same hash string, so mosquitto will accept ours."""
    path = tmp_path / "passwd"
    path.write_text("".join(f"{user}:{password}\n" for user, password in PASSWORDS.items()))
    subprocess.run([mosquitto_passwd, "-U", str(path)], check=True)
    for user, entry in _entries(path).items():
        _, kind, iterations, salt, _digest = entry.split("$")
        assert kind == "7"
        assert hash_password(PASSWORDS[user], base64.b64decode(salt), int(iterations)) == entry


@pytest.mark.parametrize("use_tool", [True, False])
def test_both_ways_of_writing_give_a_0600_file_of_hashes(tmp_path, mosquitto_passwd, use_tool):
    path = tmp_path / "passwd"
    write_password_file(path, PASSWORDS, force=False, tool=mosquitto_passwd if use_tool else None)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    entries = _entries(path)
    assert list(entries) == list(PASSWORDS)
    for user, entry in entries.items():
        assert entry.startswith("$7$")
        assert PASSWORDS[user] not in path.read_text()
        salt = base64.b64decode(entry.split("$")[3])
        assert hash_password(PASSWORDS[user], salt, int(entry.split("$")[2])) == entry


def test_a_failing_tool_leaves_no_plain_text_passwords_behind(tmp_path):
    path = tmp_path / "passwd"
    with pytest.raises(RuntimeError, match="-U failed"):
        write_password_file(path, PASSWORDS, force=False, tool="/bin/false")
    assert not path.exists()


def test_an_existing_password_file_is_kept_unless_forced(tmp_path):
    path = tmp_path / "passwd"
    path.write_text("old:entry\n")
    with pytest.raises(ExistingOutput, match="--force"):
        write_password_file(path, PASSWORDS, force=False)
    assert path.read_text() == "old:entry\n"
    write_password_file(path, PASSWORDS, force=True)
    assert list(_entries(path)) == ["k1", "w1"]


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [({"a:b": "x"}, "cannot go in a password file"), ({"a": "x:y"}, "holds a ':'"), ({"a": "x\ny"}, "line")],
)
def test_names_and_passwords_that_would_break_the_file_are_refused(tmp_path, entry, complaint):
    with pytest.raises(ValueError, match=complaint):
        write_password_file(tmp_path / "passwd", entry, force=False)
    assert not (tmp_path / "passwd").exists()


def test_new_passwords_are_long_random_and_url_safe():
    passwords = {new_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) >= 40
        assert quote(password, safe="") == password
