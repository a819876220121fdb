"""Background work that cannot take the kiosk down: a crash becomes an error card, not an exit.

    run_guarded(self, self._load_frames, name="camera")          # from any widget or screen

Textual's default for a failing worker is to exit the app, which on a museum floor leaves a
visitor staring at a shell prompt. Every thread the kiosk starts goes through here instead: the
exception is shown on an error card (`TeachBoothApp.show_error`) and the rest of the app keeps
running; the worker ends in the ERROR state, so code that waits on it still sees the failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from textual._context import active_app
from textual.dom import DOMNode
from textual.worker import Worker

log = logging.getLogger(__name__)


def run_guarded(
    node: DOMNode,
    function: Callable[..., Any],
    *args: Any,
    name: str,
    group: str = "default",
    exclusive: bool = False,
) -> Worker:
    """Run `function(*args)` in a thread worker owned by `node`; an exception shows an error card
    titled after `name`. The worker is cancelled when `node` is removed (check
    `get_current_worker().is_cancelled` in loops)."""
    app = node.app

    def guarded() -> Any:
        # A thread cannot see the event loop's context, so `node.app` there walks up the DOM, and a
        # node removed meanwhile (the visitor changed step) has no parent: NoActiveAppError. The
        # app is the same for the thread's whole life; give the thread the loop's answer.
        active_app.set(app)
        try:
            return function(*args)
        except Exception as error:
            log.exception("worker %r failed", name)
            show = getattr(app, "show_error", None)
            if show is not None:
                app.call_from_thread(show, name, error)
            raise

    return node.run_worker(
        guarded, name=name, group=group, exclusive=exclusive, thread=True, exit_on_error=False
    )
