"""Fixtures of the kiosk app's tests: the app at the Pi display's size, on the session of
tests/kiosk/conftest.py (a real project, the committed replay footage as the camera)."""

from __future__ import annotations

import pytest

from kiosk.tui.app import TeachBoothApp
from kiosk.tui.config import KioskSettings

SIZE = (100, 30)


@pytest.fixture
def make_app(session):
    """The app on the test session; keyword arguments become its KioskSettings. The coach panel is
    off unless a test turns it on: it embeds and cross-validates on a worker thread, which tests of
    the other widgets need not pay for."""

    def make(clock=None, **settings) -> TeachBoothApp:
        extra = {} if clock is None else {"clock": clock}
        return TeachBoothApp(session, KioskSettings(**({"coach": False} | settings)), **extra)

    return make
