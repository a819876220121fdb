"""What a dashboard or a PLC gateway does with a station: subscribe to its verdicts and status.

Its session is persistent (clean session off, QoS 1), like a consumer that must not miss a verdict:
with the broker's persistence on, what the station publishes while the reader is reconnecting after
a broker restart waits for it at the broker. Tests wait on its condition, never on the clock.
"""

from __future__ import annotations

import threading

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from shared.mqtt import BrokerUrl
from shared.protocol import topics
from shared.protocol.station import StationStatus, StationVerdict


class StationReader:
    def __init__(self, url: str, station_id: str, client_id: str = "dashboard") -> None:
        parsed = BrokerUrl.parse(url)
        self.verdicts: list[StationVerdict] = []
        self.statuses: list[tuple[StationStatus, bool]] = []
        """Each status with its retain flag (True: the broker's stored copy, sent on subscribing)."""
        self._topics = (topics.station_verdicts(station_id), topics.station_status(station_id))
        self._changed = threading.Condition()
        self._client = paho.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False, protocol=paho.MQTTv311
        )
        self._client.reconnect_delay_set(0.1, 1.0)
        self._client.on_connect = self._subscribe
        self._client.on_subscribe = self._subscribed_now
        self._client.on_message = self._receive
        self._subscribed = 0
        self._client.connect(parsed.host, parsed.port)
        self._client.loop_start()
        with self._changed:
            assert self._changed.wait_for(lambda: self._subscribed > 0, 10)

    def _subscribe(self, client, _userdata, _flags, _reason, _properties) -> None:
        client.subscribe([(topic, 1) for topic in self._topics])

    def _subscribed_now(self, *_args) -> None:
        with self._changed:
            self._subscribed += 1
            self._changed.notify_all()

    def _receive(self, _client, _userdata, message: paho.MQTTMessage) -> None:
        with self._changed:
            if message.topic == self._topics[0]:
                self.verdicts.append(StationVerdict.model_validate_json(message.payload))
            else:
                self.statuses.append((StationStatus.model_validate_json(message.payload), message.retain))
            self._changed.notify_all()

    def wait_verdicts(self, count: int, timeout: float = 30.0) -> list[StationVerdict]:
        """The verdicts received once `count` different sequence numbers have arrived, in arrival order."""
        with self._changed:
            arrived = self._changed.wait_for(
                lambda: len({v.sequence for v in self.verdicts}) >= count, timeout
            )
            assert arrived, f"{len(self.verdicts)} verdicts within {timeout} s: {self.verdicts}"
            return list(self.verdicts)

    def wait_status(self, state: str, timeout: float = 30.0) -> tuple[StationStatus, bool]:
        with self._changed:
            assert self._changed.wait_for(lambda: any(s.state == state for s, _ in self.statuses), timeout)
            return next((s, retained) for s, retained in self.statuses if s.state == state)

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()
