"""A raw MQTT 5 client, as an attacker or a PLC gateway writes one, for what the product's clients
never do: read a SUBACK's reason codes and everything delivered, whatever it is."""

from __future__ import annotations

import queue
from dataclasses import dataclass, field

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from shared.mqtt import BrokerUrl


@dataclass
class Mqtt5Client:
    """A raw MQTT 5 client as an attacker writes one: it records SUBACK reasons and what it receives."""

    url: str
    suback: queue.Queue[list[str]] = field(default_factory=queue.Queue)
    received: queue.Queue[str] = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        parsed = BrokerUrl.parse(self.url)
        connected: queue.Queue[str] = queue.Queue()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, parsed.client_id or "", protocol=paho.MQTTv5)
        self.client.username_pw_set(parsed.username, parsed.password)
        self.client.tls_set(ca_certs=parsed.ca_file)
        self.client.on_connect = lambda _c, _u, _f, reason, _p: connected.put(str(reason))
        self.client.on_subscribe = lambda _c, _u, _m, reasons, _p: self.suback.put([str(r) for r in reasons])
        self.client.on_message = lambda _c, _u, message: self.received.put(message.topic)
        self.client.connect(parsed.host, parsed.port)
        self.client.loop_start()
        assert connected.get(timeout=10) == "Success"

    def subscribe(self, topic_filter: str) -> list[str]:
        """Subscribe and return the SUBACK's reason codes, as paho names them."""
        self.client.subscribe(topic_filter, qos=1)
        return self.suback.get(timeout=10)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
