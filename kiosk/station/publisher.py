"""Verdicts from the outbox to the broker, in sequence order, and the station's presence.

One thread sends the oldest verdict (QoS 1, not retained), waits for the broker's PUBACK, removes
it from the outbox, and goes on with the next: one verdict in flight, so a reader sees them in
order however often the broker goes away. While the link is down nothing is sent and the outbox
grows; when it comes back the queue drains. A verdict in flight when the broker vanished is sent
again by paho itself on the next connection, and acknowledged there; if the link dropped just as
the verdict was handed over, the thread sends it again too, so a reader may see one sequence number
twice in a row (at least once; a reader keeps the first). Nothing is ever skipped.

Presence works as the workers' does (docs/protocol.md, status and Last Will): `online` retained on
every connection, a Last Will saying `offline`, and a retained `offline` on a clean stop.
"""

from __future__ import annotations

import logging
import threading

from kiosk.station.outbox import Pending, VerdictOutbox
from shared import __version__
from shared.mqtt import BrokerUrl, MqttLink, Publication, Session
from shared.protocol import encode, topics
from shared.protocol.station import StationStatus

log = logging.getLogger(__name__)

WAIT_S = 0.5
"""How long the thread waits on the link or an acknowledgement before it looks at `stop` again."""


class VerdictPublisher:
    """Owns the station's MQTT link; `wake()` after adding to the outbox."""

    def __init__(self, url: BrokerUrl, station_id: str, outbox: VerdictOutbox) -> None:
        self.station_id = station_id
        self._outbox = outbox
        self._status_topic = topics.station_status(station_id)
        self._link = MqttLink(
            url,
            station_id,
            on_message=lambda _topic, _payload: None,  # a station subscribes to nothing
            subscriptions=lambda _session: [],
            on_connected=self._announce,
            will=self._status("offline"),
        )
        self._changed = threading.Condition()
        self._stopping = False
        self._connections = 0
        self._thread = threading.Thread(target=self._send_in_order, name="station-verdicts", daemon=True)

    @property
    def connected(self) -> bool:
        return self._link.connected

    def start(self) -> None:
        self._link.start()
        self._thread.start()

    def wake(self) -> None:
        """A verdict was added to the outbox."""
        with self._changed:
            self._changed.notify_all()

    def drain(self, timeout_s: float) -> bool:
        """Wait until the broker has every verdict (True), or `timeout_s` passed (False)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._outbox.depth() == 0, timeout_s)

    def stop(self) -> None:
        """Stop sending (what is unsent stays in the outbox), say `offline`, disconnect."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._thread.ident is not None:  # started
            self._thread.join()
        self._link.stop(farewell=self._status("offline"))

    def _status(self, state: str) -> Publication:
        status = StationStatus(station_id=self.station_id, state=state, version=__version__)
        return Publication(self._status_topic, encode(status))

    def _announce(self, _session: Session) -> None:
        online = self._status("online")
        self._link.publish(online.topic, online.payload, qos=1, retain=True)
        with self._changed:
            self._connections += 1
            self._changed.notify_all()  # the queue may have waited for this connection

    def _send_in_order(self) -> None:
        while not self._stopping:
            with self._changed:
                pending = self._outbox.oldest()
                if pending is None:
                    self._changed.wait_for(lambda: self._stopping or self._outbox.depth() > 0)
                    continue
            if self._link.wait_connected(WAIT_S) and self._acknowledged(pending):
                self._outbox.remove(pending.sequence)
                log.debug("verdict %d published", pending.sequence)
                with self._changed:
                    self._changed.notify_all()

    def _acknowledged(self, pending: Pending) -> bool:
        """Send one verdict and wait for its PUBACK, across reconnections; False when it must be sent
        again (or the publisher stops)."""
        connection = self._connections
        info = self._link.publish(pending.topic, pending.payload, qos=1, retain=False)
        if info is None or info.rc != 0:
            # The link dropped this instant. paho keeps the message for the next connection but no
            # longer tells when it is acknowledged: send it again once that connection is up.
            with self._changed:
                self._changed.wait_for(lambda: self._stopping or self._connections != connection)
            return False
        while not info.is_published():
            if self._stopping:
                return False
            info.wait_for_publish(WAIT_S)
        return True
