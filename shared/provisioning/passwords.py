"""Broker passwords and mosquitto's password file.

mosquitto 2 reads ``user:$7$<iterations>$<salt b64>$<hash b64>``, a
PBKDF2-HMAC-SHA512 hash (mosquitto_passwd(1), mosquitto's password_mosq.c).
Where `mosquitto_passwd` is installed it does the hashing (``-U`` turns a
plain file into hashes in place, so no password appears on a command line);
elsewhere, e.g. provisioning on a laptop without mosquitto, the same format is
written here. Tests check both against a real broker.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from shared.provisioning.secret_files import write_secret

ITERATIONS = 101
"""mosquitto_passwd's own default: the broker hashes on every CONNECT, so more costs every reconnect storm."""

SALT_BYTES = 12


def new_password() -> str:
    """32 random bytes, URL-safe: it goes straight into an ``mqtts://user:password@host`` URL."""
    return secrets.token_urlsafe(32)


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def find_mosquitto_passwd() -> str | None:
    return shutil.which("mosquitto_passwd") or shutil.which("mosquitto_passwd", path="/usr/sbin:/usr/bin")


def write_password_file(
    path: Path, passwords: Mapping[str, str], *, force: bool, tool: str | None = None
) -> None:
    """Write the hashed password file (mode 0600) with `tool` (mosquitto_passwd) or, if None, by itself."""
    if tool is None:
        write_secret(path, _lines(passwords, hash_password), force=force)
        return
    write_secret(path, _lines(passwords, lambda password: password), force=force)
    try:
        subprocess.run([tool, "-U", str(path)], check=True, capture_output=True, text=True, timeout=60)
    except subprocess.CalledProcessError as exc:
        path.unlink()  # it still holds the passwords in plain text
        raise RuntimeError(f"{tool} -U failed: {exc.stderr.strip() or exc.returncode}") from None


def _lines(passwords: Mapping[str, str], transform: Callable[[str], str]) -> bytes:
    """One ``user:secret`` line each; mosquitto_passwd -U cuts a password at a ':', so none may hold one."""
    for user, password in passwords.items():
        if ":" in user or "\n" in user:
            raise ValueError(f"user name {user!r} cannot go in a password file")
        if ":" in password or "\n" in password:
            raise ValueError(f"the password of {user!r} holds a ':' or a line break")
    return "".join(f"{user}:{transform(password)}\n" for user, password in passwords.items()).encode()
