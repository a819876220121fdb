"""Who is in a fleet: the broker's address and the kiosk, worker, station and reader ids.

An id is the broker user name and its MQTT client id, and its role gives
each user name its own topics, so ids must be valid topic levels and no id
may be of two kinds, say a kiosk and a worker (it would get both sets of rights).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

from shared.protocol import topics

MemberKind = Literal["kiosk", "worker", "station", "reader"]

_HOST_NAME = re.compile(
    r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})*"
)


class FleetError(ValueError):
    """A fleet description that cannot be provisioned; the message is for the operator."""


@dataclass(frozen=True)
class Fleet:
    broker_host: str
    kiosks: tuple[str, ...]
    workers: tuple[str, ...]
    port: int = 8883
    stations: tuple[str, ...] = ()
    """Inspection stations (`teachbooth station`): they publish verdicts and a status, nothing else."""
    readers: tuple[str, ...] = ()
    """What reads the stations (a PLC gateway, a line dashboard): every verdict and status, nothing else."""

    def __post_init__(self) -> None:
        if not is_ip_address(self.broker_host) and _HOST_NAME.fullmatch(self.broker_host) is None:
            raise FleetError(f"broker host {self.broker_host!r} is neither a host name nor an IP address")
        if not 0 < self.port < 65536:
            raise FleetError(f"broker port {self.port} is not between 1 and 65535")
        if not self.kiosks or not self.workers:
            raise FleetError("a fleet needs at least one kiosk and one worker")
        for role, ids in self.by_kind().items():
            for value in ids:
                if not topics.is_valid_id(value):
                    raise FleetError(
                        f"{role} id {value!r} may only hold letters, digits, '-' and '_' (1 to 64)"
                    )
            repeated = sorted({value for value in ids if ids.count(value) > 1})
            if repeated:
                raise FleetError(f"{role} ids given twice: {', '.join(repeated)}")
        for (kind, ids), (other, other_ids) in combinations(self.by_kind().items(), 2):
            if both := sorted(set(ids) & set(other_ids)):
                raise FleetError(f"ids used for a {kind} and a {other} alike: {', '.join(both)}")

    def by_kind(self) -> dict[MemberKind, tuple[str, ...]]:
        return {
            "kiosk": self.kiosks,
            "worker": self.workers,
            "station": self.stations,
            "reader": self.readers,
        }

    @property
    def members(self) -> tuple[tuple[MemberKind, str], ...]:
        """(kind, id) of every member: kiosks, then workers, then stations, then readers."""
        return tuple((kind, member) for kind, ids in self.by_kind().items() for member in ids)

    @property
    def users(self) -> tuple[str, ...]:
        return tuple(member for _, member in self.members)


def is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def split_ids(text: str) -> tuple[str, ...]:
    """`k1,k2` from the command line; blanks around commas are forgiven, empty items are not."""
    items = tuple(item.strip() for item in text.split(","))
    if any(not item for item in items):
        raise FleetError(f"empty id in {text!r}")
    return items
