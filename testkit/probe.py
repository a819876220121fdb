"""An MQTT client that records what it sees, for assertions.

Tests wait on the probe's queue for the message they expect (with a
timeout), never on the clock.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import dataclass

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from shared.mqtt import BrokerUrl
from shared.protocol import ProtocolError, WireModel, decode


@dataclass(frozen=True)
class Seen:
    topic: str
    payload: bytes
    retain: bool

    @property
    def message(self) -> WireModel | None:
        try:
            return decode(self.payload)
        except ProtocolError:
            return None


class Probe:
    def __init__(self, url: str, *filters: str) -> None:
        parsed = BrokerUrl.parse(url)
        self.seen: list[Seen] = []
        self._queue: queue.Queue[Seen] = queue.Queue()
        self._subscribed: queue.Queue[int] = queue.Queue()
        self._client = paho.Client(
            CallbackAPIVersion.VERSION2, client_id=parsed.client_id or "", protocol=paho.MQTTv311
        )
        self._client.on_message = lambda _c, _u, msg: self._queue.put(
            Seen(msg.topic, msg.payload, msg.retain)
        )
        self._client.on_subscribe = lambda _c, _u, mid, _rc, _p: self._subscribed.put(mid)
        if parsed.username is not None:
            self._client.username_pw_set(parsed.username, parsed.password)
        if parsed.tls:
            self._client.tls_set(ca_certs=parsed.ca_file, certfile=parsed.cert_file, keyfile=parsed.key_file)
        self._client.connect(parsed.host, parsed.port)
        self._client.loop_start()
        for topic_filter in filters:
            _, mid = self._client.subscribe(topic_filter, qos=1)
            assert self._subscribed.get(timeout=10) == mid

    def publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        self._client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(10)

    def expect(self, predicate: Callable[[Seen], bool], timeout: float = 20.0) -> Seen:
        """Return the first message (seen before or arriving now) that matches."""
        for item in self.seen:
            if predicate(item):
                return item
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                item = self._queue.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append(item)
            if predicate(item):
                return item
        raise AssertionError(f"no matching message within {timeout} s; saw {[s.topic for s in self.seen]}")

    def drain(self) -> list[Seen]:
        """Everything that has arrived so far, without waiting."""
        while True:
            try:
                self.seen.append(self._queue.get_nowait())
            except queue.Empty:
                return list(self.seen)

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()
