"""What a check found: ok, warn or fail, in words a person setting up a kiosk can act on."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    """Works, but not as it should in a deployment (e.g. no worker online: classic runs locally)."""
    FAIL = "fail"
    """The kiosk cannot do its job until this is fixed."""


@dataclass(frozen=True)
class Finding:
    check: str
    status: Status
    message: str
    fix: str | None = None
    """What to do about it; None when there is nothing to do."""

    def line(self) -> str:
        """One line for the terminal: status, check, what was found and, if any, what to do."""
        text = f"{self.status.value:<4}  {self.check:<9}  {self.message}"
        return f"{text}; fix: {self.fix}" if self.fix else text

    def as_json(self) -> dict[str, str | None]:
        return asdict(self) | {"status": self.status.value}


def ok(check: str, message: str) -> Finding:
    return Finding(check, Status.OK, message)


def warn(check: str, message: str, fix: str | None = None) -> Finding:
    return Finding(check, Status.WARN, message, fix)


def fail(check: str, message: str, fix: str) -> Finding:
    return Finding(check, Status.FAIL, message, fix)
