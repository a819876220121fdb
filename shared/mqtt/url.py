"""Broker URLs: ``mqtt://[user:password@]host[:port]`` and ``mqtts://...``.

One string configures a whole connection, which keeps the CLI, the systemd
units and the config files simple. TLS files ride in the query string:
``mqtts://kiosk-1:secret@broker.lan:8883?ca=/etc/teachbooth/ca.crt``, and so
does the MQTT client id where the broker ties each user to one
(``&client_id=kiosk-1``: a provisioned fleet, systemd/README.md); without it
each program picks its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

_DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
_TLS_KEYS = {"ca", "cert", "key"}
_OPTIONS = {*_TLS_KEYS, "client_id"}
_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
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
    client_id: str | None = None
    """The one MQTT client id this user may connect with, when the broker pins it."""

    @classmethod
    def parse(cls, url: str) -> BrokerUrl:
        """Parse a broker URL; raises ValueError with a message fit for a CLI user (and a log)."""
        parts = urlsplit(url)
        shown = _hide_password(url)
        if parts.scheme not in _DEFAULT_PORTS:
            raise ValueError(f"broker URL {shown!r} must start with mqtt:// or mqtts://")
        if not parts.hostname:
            raise ValueError(f"broker URL {shown!r} has no host")
        if parts.path not in ("", "/") or parts.fragment:
            raise ValueError(f"broker URL {shown!r} may not have a path or a fragment")
        if parts.password is not None and not parts.username:
            raise ValueError(f"broker URL {shown!r} has a password but no user name")
        try:
            port = parts.port
        except ValueError:
            port = 0
        if port == 0:
            raise ValueError(f"broker URL {shown!r} has an invalid port")
        options: dict[str, str] = {}
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            if name not in _OPTIONS:
                raise ValueError(f"broker URL option {name!r} is not one of {sorted(_OPTIONS)}")
            if not value:
                raise ValueError(f"broker URL option {name!r} needs a value")
            if name in options:
                raise ValueError(f"broker URL option {name!r} is given twice")
            options[name] = value
        if _TLS_KEYS & options.keys() and parts.scheme != "mqtts":
            raise ValueError("TLS files (ca, cert, key) need an mqtts:// URL")
        client_id = options.get("client_id")
        if client_id is not None and _CLIENT_ID.fullmatch(client_id) is None:
            raise ValueError(f"broker URL client_id {client_id!r} may only hold letters, digits, '-' and '_'")
        return cls(
            host=parts.hostname,
            port=port or _DEFAULT_PORTS[parts.scheme],
            tls=parts.scheme == "mqtts",
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            ca_file=options.get("ca"),
            cert_file=options.get("cert"),
            key_file=options.get("key"),
            client_id=client_id,
        )

    def redacted(self) -> str:
        """The URL for logs: never print a password."""
        who = f"{self.username}:***@" if self.username else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'mqtts' if self.tls else 'mqtt'}://{who}{host}:{self.port}"
