"""The bottom line of every screen: is a GPU worker there, is the broker link up, how many jobs wait.

Visitors never read it; the person looking after the kiosk does, when generation is slow. Reading
the link touches the job client's outbox (SQLite), so it is polled on a worker thread, once a
second, never on the event loop.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Static

from kiosk.session import KioskSession, LinkState
from kiosk.tui.workers import run_guarded

POLL_S = 1.0
ADMIN_TAPS = 3


def describe(state: LinkState) -> str:
    """The status line for a link state, in words the person looking after the kiosk can act on."""
    if state.broker == "none":
        return "No broker: variations are made on this kiosk (classic engine)"
    link = "Broker: connected" if state.broker == "connected" else "Broker: unreachable, retrying"
    if state.worker_online:
        worker = f"Worker: online ({', '.join(state.workers)})"
    else:
        worker = "Worker: offline, classic engine on this kiosk"
    return f"{link}  ·  {worker}  ·  Queue: {state.queued}"


class StatusBar(Static):
    def __init__(self, session: KioskSession) -> None:
        initial = describe(LinkState("none", (), 0)) if session.broker_url is None else "Broker: connecting"
        super().__init__(initial, id="status-bar")
        self.session = session
        self.state: LinkState | None = None

    def on_click(self, event: events.Click) -> None:
        """Three quick taps open the admin PIN pad: findable by staff, not by accident."""
        if event.chain >= ADMIN_TAPS:
            self.app.action_admin()  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        if self.session.broker_url is not None:
            self.poll()
            self.set_interval(POLL_S, self.poll)

    def poll(self) -> None:
        run_guarded(self, self._read, name="status", group="status", exclusive=True)

    def _read(self) -> None:
        state = self.session.link_state()
        self.app.call_from_thread(self.show, state)

    def show(self, state: LinkState) -> None:
        self.state = state
        self.update(describe(state))
        self.set_class(state.broker != "connected" or not state.worker_online, "-degraded")
