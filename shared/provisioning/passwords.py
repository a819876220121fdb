"""Broker passwords and the salted hashes the broker keeps instead of them.

mosquitto's dynamic-security plugin stores, per client, ``password`` (the
PBKDF2-HMAC-SHA512 digest, 64 bytes), ``salt`` (12 random bytes) and
``iterations``, the first two in base64 (the plugin's dynsec_auth.c, and what
``mosquitto_ctrl dynsec init`` writes; a test compares the two). The broker
never sees a password at rest.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass

ITERATIONS = 101
"""mosquitto's own default: the broker hashes on every CONNECT, so more costs every reconnect storm."""

SALT_BYTES = 12


@dataclass(frozen=True)
class PasswordHash:
    """A password as the dynamic-security plugin stores it (its JSON field names)."""

    password: str
    """base64 of the PBKDF2-HMAC-SHA512 digest."""
    salt: str
    """base64 of the salt."""
    iterations: int


def new_password() -> str:
    """32 random bytes, URL-safe: it goes straight into an ``mqtts://user:password@host`` URL."""
    return secrets.token_urlsafe(32)


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> PasswordHash:
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return PasswordHash(
        password=base64.b64encode(digest).decode(),
        salt=base64.b64encode(salt).decode(),
        iterations=iterations,
    )
