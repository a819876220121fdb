"""Who is in a fleet: the broker's address and the kiosk and worker ids.

An id is the broker user name and its MQTT client id, and its role gives
each user name its own topics, so ids must be valid topic levels and no id
may be both a kiosk and a worker (it would get both sets of rights).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from shared.protocol import topics

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

    def __post_init__(self) -> None:
        if not is_ip_address(self.broker_host) and _HOST_NAME.fullmatch(self.broker_host) is None:
            raise FleetError(f"broker host {self.broker_host!r} is neither a host name nor an IP address")
        if not 0 < self.port < 65536:
            raise FleetError(f"broker port {self.port} is not between 1 and 65535")
        if not self.kiosks or not self.workers:
            raise FleetError("a fleet needs at least one kiosk and one worker")
        for role, ids in (("kiosk", self.kiosks), ("worker", self.workers)):
            for value in ids:
                if not topics.is_valid_id(value):
                    raise FleetError(
                        f"{role} id {value!r} may only hold letters, digits, '-' and '_' (1 to 64)"
                    )
            repeated = sorted({value for value in ids if ids.count(value) > 1})
            if repeated:
                raise FleetError(f"{role} ids given twice: {', '.join(repeated)}")
        both = sorted(set(self.kiosks) & set(self.workers))
        if both:
            raise FleetError(f"ids used for a kiosk and a worker alike: {', '.join(both)}")

    @property
    def users(self) -> tuple[str, ...]:
        return self.kiosks + self.workers


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
