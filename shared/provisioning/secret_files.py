"""Writing provisioning output without ever clobbering a secret by accident.

Re-running `teachbooth provision` into a folder that already holds keys would
lock every deployed kiosk out, so files are created exclusively (O_EXCL) and
an existing one is replaced only when the operator asked for it (``--force``).
Secrets are created mode 0600 from the first byte: there is no window in
which another user could read them.
"""

from __future__ import annotations

import os
from pathlib import Path


class ExistingOutput(FileExistsError):
    """The output folder already holds files this run would replace."""


def write_secret(path: Path, data: bytes, *, force: bool) -> None:
    _write(path, data, 0o600, force)


def write_public(path: Path, data: bytes, *, force: bool) -> None:
    """Certificates, the ACL and config snippets without passwords: readable by the services."""
    _write(path, data, 0o644, force)


def _write(path: Path, data: bytes, mode: int, force: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if force:
        path.unlink(missing_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise ExistingOutput(f"{path} exists; pass --force to replace it") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)  # the umask may have taken bits away; make the mode exact
