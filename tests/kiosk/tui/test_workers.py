"""Guarded worker threads: a crash shows an error card, and a widget removed mid-work is no crash."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Static
from textual.worker import WorkerState

from kiosk.tui.screens.error_card import ErrorCard
from kiosk.tui.workers import run_guarded
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import wait_until

pytestmark = pytest.mark.asyncio


async def test_a_widget_removed_while_its_thread_works_is_not_an_error(make_app):
    """The visitor leaves a step while its camera or status thread is between two frames."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        widget = Static("waiting", id="doomed")
        await app.screen.mount(widget)
        started, go_on, answered = threading.Event(), threading.Event(), []

        def work() -> None:
            started.set()
            assert go_on.wait(10)
            widget.app.call_from_thread(answered.append, "answer")

        worker = run_guarded(widget, work, name="status")
        await wait_until(pilot, started.is_set)
        await widget.remove()
        go_on.set()
        await wait_until(pilot, lambda: worker.state is not WorkerState.RUNNING)
        await pilot.pause()
        assert not isinstance(app.screen, ErrorCard)
        assert answered == ["answer"]
