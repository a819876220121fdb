"""The status bar against a real broker and worker: online, offline, unreachable, and the queue."""

from __future__ import annotations

import pytest

from kiosk.session import KioskSession
from kiosk.tui.app import TeachBoothApp
from kiosk.tui.config import KioskSettings
from tests.kiosk.conftest import REPLAY, rendered_frame_masker
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.photos import start_worker
from tests.kiosk.tui.pilot_helpers import shown, wait_until

pytestmark = pytest.mark.asyncio


async def test_worker_and_broker_coming_and_going_show_on_the_status_bar(project, mosquitto):
    session = KioskSession(
        project,
        camera_spec=f"replay:{REPLAY}",
        broker_url=mosquitto.url,
        kiosk_id="status-test",
        masker_factory=rendered_frame_masker,
    )
    app = TeachBoothApp(session, KioskSettings(coach=False))
    try:
        async with app.run_test(size=SIZE) as pilot:

            def status() -> str:
                return shown(app.screen.query_one("#status-bar"))

            await wait_until(pilot, lambda: "Broker: connected" in status() and "Worker: offline" in status())
            assert app.screen.query_one("#status-bar").has_class("-degraded")
            worker = start_worker(mosquitto.url, "gpu-1")
            try:
                await wait_until(pilot, lambda: "Worker: online (gpu-1)" in status())
                assert "Queue: 0" in status()
                assert not app.screen.query_one("#status-bar").has_class("-degraded")
            finally:
                worker.stop()
            await wait_until(pilot, lambda: "Worker: offline" in status())
            mosquitto.stop()
            await wait_until(pilot, lambda: "Broker: unreachable" in status())
    finally:
        session.close()
