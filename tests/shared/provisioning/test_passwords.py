from __future__ import annotations

import base64
import json
import shutil
import subprocess
from urllib.parse import quote

import pytest

from shared.provisioning.passwords import hash_password, new_password


@pytest.fixture
def mosquitto_ctrl() -> str:
    tool = shutil.which("mosquitto_ctrl") or shutil.which("mosquitto_ctrl", path="/usr/sbin:/usr/bin")
    if tool is None:
        raise RuntimeError("mosquitto_ctrl is missing: `make mosquitto` installs the mosquitto package")
    return tool


def test_our_hash_is_the_one_mosquitto_s_own_tool_writes(tmp_path, mosquitto_ctrl):
    """`mosquitto_ctrl dynsec init` hashes a password for the plugin; ours must match it byte for byte."""
    path, password = tmp_path / "dynsec.json", "second/secret with$odd chars"
    subprocess.run(
        [mosquitto_ctrl, "dynsec", "init", str(path), "admin"],
        input=f"{password}\n{password}\n",
        text=True,
        check=True,
        capture_output=True,
        timeout=60,
    )
    (client,) = json.loads(path.read_text())["clients"]
    ours = hash_password(password, base64.b64decode(client["salt"]), client["iterations"])
    assert (ours.password, ours.salt, ours.iterations) == (client["password"], client["salt"], 101)


def test_each_hash_gets_a_fresh_salt():
    first, second = hash_password("same"), hash_password("same")
    assert first.salt != second.salt and first.password != second.password
    assert len(base64.b64decode(first.salt)) == 12
    assert len(base64.b64decode(first.password)) == 64


def test_new_passwords_are_long_random_and_url_safe():
    passwords = {new_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) >= 40
        assert quote(password, safe="") == password
