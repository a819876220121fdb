"""Broker URLs: ``mqtt://[user:password@]host[:port]`` and ``mqtts://...``.

One string configures a whole connection, which keeps the CLI, the systemd
units and the config files simple. TLS files ride in the query string:
``mqtts://kiosk-1:secret@broker.lan:8883?ca=/etc/teachbooth/ca.crt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

_DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
_TLS_KEYS = {"ca", "cert", "key"}
_PASSWORD = re.compile(r"^((?:[^/]*//)?[^/:@]*):[^/]*@")


def _hide_password(url: str) -> str:
    """The URL as error messages may show it: errors end up in logs too."""
    return _PASSWORD.sub(r"\1:***@", url, count=1)


@dataclass(frozen=True)
class BrokerUrl:
    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None

    @classmethod
    def parse(cls, url: str) -> BrokerUrl:
        """Parse a broker URL; raises ValueError with a message fit for a CLI user."""
        parts = urlsplit(url)
        shown = _hide_password(url)
        if parts.scheme not in _DEFAULT_PORTS:
            raise ValueError(f"broker URL {shown!r} must start with mqtt:// or mqtts://")
        if not parts.hostname:
            raise ValueError(f"broker URL {shown!r} has no host")
        try:
            port = parts.port
        except ValueError:
            port = 0
        if port == 0:
            raise ValueError(f"broker URL {shown!r} has an invalid port")
        port = port or _DEFAULT_PORTS[parts.scheme]
        query = parse_qs(parts.query, keep_blank_values=True)
        unknown = set(query) - _TLS_KEYS
        if unknown:
            raise ValueError(f"broker URL option {sorted(unknown)[0]!r} is not one of {sorted(_TLS_KEYS)}")
        blank = sorted(name for name, values in query.items() if not all(values))
        if blank:
            raise ValueError(f"broker URL option {blank[0]!r} needs a value")
        if query and parts.scheme != "mqtts":
            raise ValueError("TLS files (ca, cert, key) need an mqtts:// URL")
        return cls(
            host=parts.hostname,
            port=port,
            tls=parts.scheme == "mqtts",
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            ca_file=query.get("ca", [None])[-1],
            cert_file=query.get("cert", [None])[-1],
            key_file=query.get("key", [None])[-1],
        )

    def redacted(self) -> str:
        """The URL for logs: never print a password."""
        who = f"{self.username}:***@" if self.username else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{who}{self.host}:{self.port}"
