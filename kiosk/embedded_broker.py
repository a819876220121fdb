"""An MQTT broker inside the kiosk process, for the demo and stand-alone kiosks.

amqtt is pure Python (nothing to install with apt) and speaks MQTT 3.1.1, so
everything else must work without MQTT 5 features: this broker is how we
keep ourselves honest about that. It listens on loopback and allows anonymous
clients; real deployments use mosquitto with the configuration in systemd/.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def broker_config(host: str, port: int) -> dict[str, Any]:
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }


def _expected_mqtt5_probe(record: logging.LogRecord) -> bool:
    """Drop amqtt's warnings about MQTT 5 CONNECTs: every client asks for MQTT 5 first, by design."""
    message = record.getMessage()
    return not ("Invalid protocol" in message or message.startswith("Invalid connection from"))


async def serve(
    host: str, port: int, stop: asyncio.Event, on_ready: Callable[[], None] | None = None
) -> None:
    """Run the broker until `stop` is set; `on_ready` is called once it accepts connections."""
    from amqtt.broker import Broker

    logging.getLogger("transitions").setLevel(logging.WARNING)  # amqtt's state machine chatters at INFO
    logging.getLogger("amqtt.broker").addFilter(_expected_mqtt5_probe)
    broker = Broker(broker_config(host, port))
    await broker.start()
    log.info("embedded MQTT 3.1.1 broker listening on %s:%d", host, port)
    if on_ready is not None:
        on_ready()
    try:
        await stop.wait()
    finally:
        await broker.shutdown()
