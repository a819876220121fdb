"""The shipped broker configuration, run for real on loopback with a freshly provisioned fleet.

Only what cannot be the same on a test machine is changed: the listener port
(a free one, on loopback), the folder holding the provisioned files, and
logging to stderr (so the start-up notice can be awaited). When started as
root, mosquitto would drop to the `mosquitto` user and lose access to the
0600 files; a deployment makes them the mosquitto user's, a test stays as
whoever runs it.
"""

from __future__ import annotations

import getpass
import queue
import socket
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from shared.mqtt import BrokerUrl
from shared.provisioning.fleet import Fleet
from shared.provisioning.provision import provision
from shared.provisioning.snippets import BROKER_DIR, broker_url
from testkit.mosquitto import ConfiguredMosquitto, free_port
from tests.systemd.units import UNIT_DIR

SHIPPED_CONF = UNIT_DIR / "mosquitto" / "teachbooth.conf"
SHIPPED_LISTENER = "listener 8883\n"
FLEET = Fleet("127.0.0.1", ("kA", "kB", "kC"), ("w1", "w2"))


def shipped_setting(name: str) -> str:
    """The value of a setting that the shipped configuration gives exactly once."""
    values = [
        line.split(None, 1)[1]
        for line in SHIPPED_CONF.read_text().splitlines()
        if line.startswith(f"{name} ")
    ]
    assert len(values) == 1, f"{name} is set {len(values)} times"
    return values[0]


def shipped_config(port: int, broker_files: Path, workdir: Path) -> str:
    text = SHIPPED_CONF.read_text()
    assert text.count(SHIPPED_LISTENER) == 1 and f"{BROKER_DIR}/" in text, "the shipped conf changed shape"
    text = text.replace(SHIPPED_LISTENER, f"listener {port} 127.0.0.1\n").replace(
        f"{BROKER_DIR}/", f"{broker_files}/"
    )
    test_only = [
        f"user {getpass.getuser()}",
        f"persistence_location {workdir}/",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        "log_type notice",
        "log_type information",
    ]
    return text + "\n# test-only\n" + "\n".join(test_only) + "\n"


@dataclass
class SecuredBroker:
    broker: ConfiguredMosquitto
    files: Path
    passwords: dict[str, str]

    def url(
        self, user: str | None, password: str | None = None, *, ca: Path | None = None, client_id: str = ""
    ) -> str:
        """`user`'s mqtts:// URL as provisioned, with its password (or `password`), trusting the fleet CA
        (or `ca`), and connecting with its own client id (or `client_id`)."""
        ca_file = str(ca or self.files / "broker" / "ca.crt")
        fleet = Fleet("127.0.0.1", FLEET.kiosks, FLEET.workers, port=self.broker.port)
        if user is None:
            return f"mqtts://127.0.0.1:{self.broker.port}?ca={ca_file}"
        url = broker_url(fleet, user, self.passwords[user] if password is None else password, ca_file)
        return url.replace(f"client_id={user}", f"client_id={client_id}") if client_id else url

    def stop(self) -> None:
        self.broker.stop()


def start_secured_broker(workdir: Path) -> SecuredBroker:
    files = workdir / "fleet"
    result = provision(files, FLEET)
    port = free_port()
    broker = ConfiguredMosquitto(
        workdir=workdir, port=port, config=shipped_config(port, files / "broker", workdir)
    )
    broker.start()
    return SecuredBroker(broker, files, result.passwords)


def connect_reason(url: str) -> str:
    """What the broker answers an MQTT 5 CONNECT with these credentials, as paho names the reason."""
    parsed = BrokerUrl.parse(url)
    answers: queue.Queue[str] = queue.Queue()
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=parsed.client_id or "", protocol=paho.MQTTv5)
    if parsed.username is not None:
        client.username_pw_set(parsed.username, parsed.password)
    client.tls_set(ca_certs=parsed.ca_file)
    client.on_connect = lambda _c, _u, _f, reason, _p: answers.put(str(reason))
    client.connect(parsed.host, parsed.port)
    client.loop_start()
    try:
        return answers.get(timeout=10)
    finally:
        client.disconnect()
        client.loop_stop()


def plain_connect_answer(port: int) -> bytes:
    """Send a plain-text MQTT 3.1.1 CONNECT to `port` and return whatever comes back before it closes."""
    body = b"\x00\x04MQTT\x04\x02\x00\x3c" + b"\x00\x04test"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(bytes([0x10, len(body)]) + body)
        received = b""
        try:
            while chunk := sock.recv(4096):
                received += chunk
        except ConnectionResetError:
            pass  # the TLS listener's answer to a non-TLS byte stream
        return received
