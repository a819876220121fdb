"""Run the embedded MQTT broker (amqtt, MQTT 3.1.1) on loopback, for demos and tests.

Example: teachbooth broker --port 1883
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from kiosk.embedded_broker import serve

READY = "teachbooth broker: listening on mqtt://{}:{}"
"""Printed on stdout once connections are accepted; `teachbooth demo` waits for it."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=1883, help="TCP port (default 1883)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")


def run(args: argparse.Namespace) -> int:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve(
            args.host, args.port, stop, on_ready=lambda: print(READY.format(args.host, args.port), flush=True)
        )

    asyncio.run(main())
    return 0
