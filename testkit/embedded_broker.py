"""The kiosk's embedded amqtt broker (MQTT 3.1.1 only) on a free loopback port, for tests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from kiosk.embedded_broker import serve
from testkit.mosquitto import free_port


@contextmanager
def running_embedded_broker() -> Iterator[str]:
    """Serve on its own event loop thread until the block ends; yields the broker URL."""
    port = free_port()
    ready = threading.Event()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    thread = threading.Thread(
        target=loop.run_until_complete,
        args=(serve("127.0.0.1", port, stop, on_ready=ready.set),),
        daemon=True,
    )
    thread.start()
    try:
        if not ready.wait(20):
            raise RuntimeError("embedded broker did not start")
        yield f"mqtt://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(20)
        loop.close()


@pytest.fixture
def embedded_url() -> Iterator[str]:
    """The broker for one test; ask for it before the clients that use it, so it stops after them."""
    with running_embedded_broker() as url:
        yield url
