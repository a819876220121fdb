"""One MQTT connection that outlives the broker going away.

Both the kiosk and the worker need the same things from paho: reconnect with
backoff, a retained status with a Last Will, subscriptions renewed on every
connect (paho's own examples subscribe in ``on_connect`` for this reason),
callbacks that can never kill paho's network thread, and MQTT 5 where the
broker speaks it, 3.1.1 where it does not (the embedded demo broker).
"""

from __future__ import annotations

import logging
import queue
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.subscribeoptions import SubscribeOptions

from shared.mqtt.url import BrokerUrl

log = logging.getLogger(__name__)

_UNSUPPORTED_PROTOCOL_VERSION = 0x84
_PROBE_TIMEOUT_S = 10.0


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
    """A paho client run on its own thread, reconnecting until `stop`.

    `client_id` is used unless the URL names one: a provisioned broker ties each
    user to a single client id (so nobody can take over another's), and the URL
    is what the deployment configures.

    `on_retained`, when given, gets the messages their publisher retained
    instead of `on_message`: for a receiver that must never act on a retained
    copy (a worker re-running a retained job on every restart). On MQTT 5 it
    subscribes with Retain As Published, so a message published retained is
    recognised even when it arrives live; on 3.1.1 only the copies the broker
    sends on subscribing carry the flag.
    """

    def __init__(
        self,
        url: BrokerUrl,
        client_id: str,
        *,
        on_message: MessageHandler,
        subscriptions: SubscriptionsFor,
        on_connected: ConnectHook | None = None,
        on_disconnected: Callable[[], None] | None = None,
        on_retained: MessageHandler | None = None,
        will: Publication | None = None,
        keepalive_s: int = 15,
        reconnect_min_s: float = 0.5,
        reconnect_max_s: float = 15.0,
    ) -> None:
        self.url = url
        self.client_id = url.client_id or client_id
        self._on_message = on_message
        self._subscriptions = subscriptions
        self._on_connected = on_connected
        self._on_disconnected = on_disconnected
        self._on_retained = on_retained
        self._will = will
        self._keepalive_s = keepalive_s
        self._reconnect = (reconnect_min_s, reconnect_max_s)
        self._connected = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._client: paho.Client | None = None
        self._mqtt5 = False

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def start(self) -> None:
        """Begin connecting in the background; returns at once even if the broker is down."""
        log.info("connecting to %s as %s", self.url.redacted(), self.client_id)
        threading.Thread(
            target=self._connect_when_reachable, name=f"mqtt-{self.client_id}", daemon=True
        ).start()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def publish(
        self, topic: str, payload: bytes, qos: int = 1, retain: bool = False
    ) -> paho.MQTTMessageInfo | None:
        """Queue a message; paho sends QoS>0 messages after a reconnect if the link is down now.

        Returns None (and sends nothing) before the first connection: callers
        that must not lose a message keep it themselves (the kiosk's outbox).
        """
        with self._lock:
            client = self._client
        if client is None:
            log.debug("not connected yet: dropped a message for %s", topic)
            return None
        return client.publish(topic, payload, qos=qos, retain=retain)

    def stop(self, farewell: Publication | None = None, timeout_s: float = 5.0) -> None:
        """Say goodbye (e.g. a retained `offline`) if connected, then disconnect cleanly.

        A clean disconnect suppresses the Last Will, so the farewell is what
        tells the others we are gone.
        """
        with self._lock:
            self._stopping.set()
            client = self._client
        if client is None:
            return
        if farewell is not None and self.connected:
            info = client.publish(farewell.topic, farewell.payload, qos=farewell.qos, retain=farewell.retain)
            try:
                info.wait_for_publish(timeout_s)
            except (RuntimeError, ValueError) as exc:
                log.warning("could not publish farewell on %s: %s", farewell.topic, exc)
        client.disconnect()
        client.loop_stop()
        self._connected.clear()

    # -- connecting -----------------------------------------------------------

    def _connect_when_reachable(self) -> None:
        """Find out which protocol the broker speaks, then hand over to paho's reconnect loop.

        The protocol is asked with a will-less MQTT 5 CONNECT, under the link's
        own client id (the only one a pinning broker lets it use), because a
        3.1.1-only broker answers that at once with "unsupported protocol
        version", whereas amqtt misreads an MQTT 5 CONNECT carrying a Last Will
        and leaves it hanging until the keep-alive runs out.
        """
        delay, longest = self._reconnect
        while not self._stopping.is_set():
            try:
                mqtt5 = self._broker_speaks_mqtt5()
                break
            except OSError as exc:
                log.info("broker %s not reachable (%s); retrying in %.1f s", self.url.redacted(), exc, delay)
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, longest)
        else:
            return
        with self._lock:
            if self._stopping.is_set():
                return
            self._mqtt5 = mqtt5
            self._client = self._make_client(mqtt5, self.client_id, self._will)
            self._client.on_connect = self._handle_connect
            self._client.on_disconnect = self._handle_disconnect
            self._client.on_message = self._handle_message
            self._client.connect_async(self.url.host, self.url.port, keepalive=self._keepalive_s)
            self._client.loop_start()

    def _broker_speaks_mqtt5(self) -> bool:
        answers: queue.Queue = queue.Queue()
        probe = self._make_client(mqtt5=True, client_id=self.client_id, will=None)
        probe.on_connect = lambda _c, _u, _f, reason_code, _p: answers.put(reason_code)
        probe.connect(self.url.host, self.url.port, keepalive=int(_PROBE_TIMEOUT_S))
        probe.loop_start()
        try:
            reason_code = answers.get(timeout=_PROBE_TIMEOUT_S)
        except queue.Empty:
            raise TimeoutError("the broker did not answer a CONNECT") from None
        finally:
            probe.disconnect()
            probe.loop_stop()
        return reason_code.value != _UNSUPPORTED_PROTOCOL_VERSION

    def _make_client(self, mqtt5: bool, client_id: str, will: Publication | None) -> paho.Client:
        client = paho.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=paho.MQTTv5 if mqtt5 else paho.MQTTv311,
        )
        client.reconnect_delay_set(*self._reconnect)
        if self.url.username is not None:
            client.username_pw_set(self.url.username, self.url.password)
        if self.url.tls:
            client.tls_set(ca_certs=self.url.ca_file, certfile=self.url.cert_file, keyfile=self.url.key_file)
        if will is not None:
            client.will_set(will.topic, will.payload, qos=will.qos, retain=will.retain)
        return client

    # -- paho callbacks (paho's thread) ------------------------------------------

    def _handle_connect(self, client: paho.Client, _userdata, _flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.warning("broker %s refused the connection: %s", self.url.redacted(), reason_code)
            return
        shared = self._mqtt5 and getattr(properties, "SharedSubscriptionAvailable", 1) != 0
        session = Session(mqtt5=self._mqtt5, shared_subscriptions=shared)
        log.info("connected to %s (MQTT %s)", self.url.redacted(), "5" if self._mqtt5 else "3.1.1")
        _disable_nagle(client)
        as_published = self._mqtt5 and self._on_retained is not None
        for topic_filter, qos in self._subscriptions(session):
            if as_published:
                client.subscribe(topic_filter, options=SubscribeOptions(qos=qos, retainAsPublished=True))
            else:
                client.subscribe(topic_filter, qos)
        self._connected.set()
        if self._on_connected is not None:
            try:
                self._on_connected(session)
            except Exception:
                log.exception("on-connect hook failed")

    def _handle_disconnect(self, _client, _userdata, _flags, reason_code, _properties) -> None:
        if self._connected.is_set() and not self._stopping.is_set():
            log.warning("lost the broker (%s); reconnecting", reason_code)
        self._connected.clear()
        if self._on_disconnected is not None:
            try:
                self._on_disconnected()
            except Exception:
                log.exception("on-disconnect hook failed")

    def _handle_message(self, _client, _userdata, message: paho.MQTTMessage) -> None:
        """Route one message; an exception here would kill paho's thread, so none escapes."""
        handler = self._on_retained if message.retain and self._on_retained else self._on_message
        try:
            handler(message.topic, message.payload)
        except Exception:
            log.exception("handler failed on a message from %s", message.topic)


def _disable_nagle(client: paho.Client) -> None:
    """Send small packets at once.

    Jobs and events are request/response traffic of small packets; with
    Nagle's algorithm on, each waits for the peer's delayed ACK, which cost
    about 20 ms per job on loopback (bench/job_roundtrip.py).
    """
    sock = client.socket()
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
