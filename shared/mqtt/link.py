"""One MQTT connection that outlives the broker going away.

Both the kiosk and the worker need the same things from paho: reconnect with
backoff, a retained status with a Last Will, subscriptions renewed on every
connect (paho's own examples subscribe in ``on_connect`` for this reason),
callbacks that can never kill paho's network thread, and MQTT 5 where the
broker speaks it with a fall-back to 3.1.1 (the embedded demo broker).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from shared.mqtt.url import BrokerUrl

log = logging.getLogger(__name__)

_UNSUPPORTED_PROTOCOL_VERSION = 0x84


@dataclass(frozen=True)
class Publication:
    """A message kept for later: the Last Will, or the status sent on a clean stop."""

    topic: str
    payload: bytes
    qos: int = 1
    retain: bool = True


@dataclass(frozen=True)
class Session:
    """What the broker granted on this connection; subscriptions depend on it."""

    mqtt5: bool
    shared_subscriptions: bool


SubscriptionsFor = Callable[[Session], Sequence[tuple[str, int]]]
MessageHandler = Callable[[str, bytes], None]
ConnectHook = Callable[[Session], None]


class MqttLink:
    """A paho client run on its own thread, reconnecting until `stop`."""

    def __init__(
        self,
        url: BrokerUrl,
        client_id: str,
        *,
        on_message: MessageHandler,
        subscriptions: SubscriptionsFor,
        on_connected: ConnectHook | None = None,
        will: Publication | None = None,
        keepalive_s: int = 15,
        reconnect_min_s: float = 0.5,
        reconnect_max_s: float = 15.0,
    ) -> None:
        self.url = url
        self.client_id = client_id
        self._on_message = on_message
        self._subscriptions = subscriptions
        self._on_connected = on_connected
        self._will = will
        self._keepalive_s = keepalive_s
        self._reconnect = (reconnect_min_s, reconnect_max_s)
        self._connected = threading.Event()
        self._lock = threading.Lock()
        self._mqtt5 = True
        self._stopped = False
        self._client = self._make_client()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def start(self) -> None:
        """Begin connecting in the background; returns at once even if the broker is down."""
        log.info("connecting to %s as %s", self.url.redacted(), self.client_id)
        self._client.connect_async(self.url.host, self.url.port, keepalive=self._keepalive_s)
        self._client.loop_start()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> paho.MQTTMessageInfo:
        """Queue a message; paho sends QoS>0 messages after a reconnect if the link is down now."""
        with self._lock:
            client = self._client
        return client.publish(topic, payload, qos=qos, retain=retain)

    def stop(self, farewell: Publication | None = None, timeout_s: float = 5.0) -> None:
        """Say goodbye (e.g. a retained `offline`) if connected, then disconnect cleanly.

        A clean disconnect suppresses the Last Will, so the farewell is what
        tells the others we are gone.
        """
        with self._lock:
            self._stopped = True
            client = self._client
        if farewell is not None and self.connected:
            info = client.publish(farewell.topic, farewell.payload, qos=farewell.qos, retain=farewell.retain)
            try:
                info.wait_for_publish(timeout_s)
            except (RuntimeError, ValueError) as exc:
                log.warning("could not publish farewell on %s: %s", farewell.topic, exc)
        client.disconnect()
        client.loop_stop()
        self._connected.clear()

    def _make_client(self) -> paho.Client:
        client = paho.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            protocol=paho.MQTTv5 if self._mqtt5 else paho.MQTTv311,
        )
        client.reconnect_delay_set(*self._reconnect)
        if self.url.username is not None:
            client.username_pw_set(self.url.username, self.url.password)
        if self.url.tls:
            client.tls_set(ca_certs=self.url.ca_file, certfile=self.url.cert_file, keyfile=self.url.key_file)
        if self._will is not None:
            client.will_set(
                self._will.topic, self._will.payload, qos=self._will.qos, retain=self._will.retain
            )
        client.on_connect = self._handle_connect
        client.on_disconnect = self._handle_disconnect
        client.on_message = self._handle_message
        return client

    def _handle_connect(self, client: paho.Client, _userdata, _flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            if reason_code.value == _UNSUPPORTED_PROTOCOL_VERSION and self._mqtt5:
                log.info("broker does not speak MQTT 5; falling back to MQTT 3.1.1")
                threading.Thread(target=self._downgrade, args=(client,), daemon=True).start()
            else:
                log.warning("broker %s refused the connection: %s", self.url.redacted(), reason_code)
            return
        shared = self._mqtt5 and getattr(properties, "SharedSubscriptionAvailable", 1) != 0
        session = Session(mqtt5=self._mqtt5, shared_subscriptions=shared)
        log.info("connected to %s (MQTT %s)", self.url.redacted(), "5" if self._mqtt5 else "3.1.1")
        for topic_filter, qos in self._subscriptions(session):
            client.subscribe(topic_filter, qos)
        self._connected.set()
        if self._on_connected is not None:
            try:
                self._on_connected(session)
            except Exception:
                log.exception("on-connect hook failed")

    def _downgrade(self, old: paho.Client) -> None:
        """Rebuild the client for MQTT 3.1.1; must run off paho's thread to stop it."""
        old.disconnect()
        old.loop_stop()
        with self._lock:
            if self._stopped:
                return
            self._mqtt5 = False
            self._client = self._make_client()
            client = self._client
        client.connect_async(self.url.host, self.url.port, keepalive=self._keepalive_s)
        client.loop_start()

    def _handle_disconnect(self, _client, _userdata, _flags, reason_code, _properties) -> None:
        if self._connected.is_set() and not self._stopped:
            log.warning("lost the broker (%s); reconnecting", reason_code)
        self._connected.clear()

    def _handle_message(self, _client, _userdata, message: paho.MQTTMessage) -> None:
        """Route one message; an exception here would kill paho's thread, so none escapes."""
        try:
            self._on_message(message.topic, message.payload)
        except Exception:
            log.exception("handler failed on a message from %s", message.topic)
