"""The shipped broker with the security tests' fleet, and raw looks at what it answers a connection.

Running the shipped configuration itself is `testkit.mosquitto.start_shipped_broker`.
"""

from __future__ import annotations

import queue
import socket
from pathlib import Path

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from shared.mqtt import BrokerUrl
from shared.provisioning.fleet import Fleet
from testkit.mosquitto import SecuredBroker, start_shipped_broker

FLEET = Fleet("127.0.0.1", ("kA", "kB", "kC"), ("w1", "w2"), stations=("s1",), readers=("plc1", "dash"))


def start_secured_broker(workdir: Path) -> SecuredBroker:
    """The shipped configuration with this module's fleet: kiosks kA, kB, kC; workers w1, w2; station s1;
    readers plc1, dash."""
    return start_shipped_broker(workdir, FLEET)


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
