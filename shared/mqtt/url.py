"""Broker URLs: ``mqtt://[user:password@]host[:port]`` and ``mqtts://...``.

One string configures a whole connection, which keeps the CLI, the systemd
units and the config files simple. TLS files ride in the query string:
``mqtts://kiosk-1:secret@broker.lan:8883?ca=/etc/teachbooth/ca.crt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

_DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
_TLS_KEYS = {"ca", "cert", "key"}


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
        if parts.scheme not in _DEFAULT_PORTS:
            raise ValueError(f"broker URL {url!r} must start with mqtt:// or mqtts://")
        if not parts.hostname:
            raise ValueError(f"broker URL {url!r} has no host")
        try:
            port = parts.port or _DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise ValueError(f"broker URL {url!r} has an invalid port") from None
        query = parse_qs(parts.query, strict_parsing=False)
        unknown = set(query) - _TLS_KEYS
        if unknown:
            raise ValueError(f"broker URL option {sorted(unknown)[0]!r} is not one of {sorted(_TLS_KEYS)}")
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
