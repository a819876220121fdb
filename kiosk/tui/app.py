"""TeachBoothApp: the guided five-step flow on the kiosk's touchscreen.

    app = TeachBoothApp(session, KioskSettings(museum=True))
    app.run()

One step is on screen at a time (`kiosk.tui.steps`); each visit builds a fresh step screen, so a
screen's state is whatever the session and the project hold. The app owns what spans the steps:
moving between them (`goto_step`, `next_step`, `previous_step`), the error card a crashed worker
leaves (`show_error`), museum mode's idle reset, the Ask window and the admin screen behind a PIN.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding

from kiosk.assistant.assistant import Assistant
from kiosk.assistant.client import ChatEndpoint
from kiosk.coach.suggestion import Action
from kiosk.session import KioskSession
from kiosk.tui.config import KioskSettings
from kiosk.tui.screens.admin import AdminScreen
from kiosk.tui.screens.ask import AskScreen, said_on
from kiosk.tui.screens.base import StepScreen, UnavailableStepScreen
from kiosk.tui.screens.error_card import ErrorCard
from kiosk.tui.screens.pin import PinScreen
from kiosk.tui.screens.still_there import StillThereScreen
from kiosk.tui.steps import STEPS, StepUnavailable, index_of, step
from shared.watchdog import Watchdog

log = logging.getLogger(__name__)

STYLESHEET = Path(__file__).with_name("teachbooth.tcss")
WATCHDOG_BEAT_S = 1.0
"""How often the event loop says it is alive; systemd's WatchdogSec (30 s) allows many misses."""
IDLE_CHECK_S = 1.0


class TeachBoothApp(App):
    CSS_PATH = STYLESHEET
    TITLE = "TeachBooth"
    ENABLE_COMMAND_PALETTE = False  # a visitor must not stumble into it
    BINDINGS: ClassVar = [Binding("ctrl+a", "admin", "Admin", show=False, priority=True)]

    def __init__(
        self,
        session: KioskSession,
        settings: KioskSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        watchdog: Watchdog | None = None,
    ) -> None:
        """`watchdog`: systemd's, told READY once the first step shows and pinged from the event loop,
        so a frozen screen (the loop blocked) stops the pings and gets the kiosk restarted."""
        super().__init__()
        self.watchdog = watchdog
        self.session = session
        self.settings = settings or KioskSettings()
        self.clock = clock
        self.current_step = STEPS[0].key
        self._assistant: Assistant | None = None
        """The Ask window's assistant for the current settings, built when first asked for."""
        self.last_input = clock()
        """When the last tap or key press came, on `clock`: museum mode's idle timer."""

    def on_mount(self) -> None:
        self.goto_step(STEPS[0].key)
        self.set_interval(IDLE_CHECK_S, self.check_visitor_idle)
        if self.watchdog is not None:
            self.watchdog.ready(status="showing the first step")
            self.set_interval(WATCHDOG_BEAT_S, self.watchdog.alive)

    async def action_quit(self) -> None:
        """Ctrl+Q. A museum kiosk stays up for the next visitor: staff leave through the admin
        screen's Exit, behind the PIN. Outside museum mode Ctrl+Q quits as in any Textual app."""
        if self.settings.museum:
            self.notify("This kiosk stays on. Staff: Ctrl+A, then the PIN.", timeout=3)
            return
        self.exit()

    def apply_settings(self, settings: KioskSettings) -> None:
        """New settings from the admin screen; museum mode's idle time counts from now, and the coach
        panel appears or goes on the steps open now as its switch says."""
        coach_switched = settings.coach != self.settings.coach
        self.settings = settings
        self.last_input = self.clock()
        self._assistant = None  # its server may have changed
        if coach_switched:
            for screen in self.screen_stack:
                if isinstance(screen, StepScreen):
                    slot = screen.query_one("#coach-slot")
                    slot.remove_children()
                    slot.mount_all(list(screen.compose_coach()))

    # -- the flow -------------------------------------------------------------------------------

    def build_screen(self, key: str, request: Action | None = None) -> StepScreen:
        """A fresh screen for step `key`, or the stand-in when its screen cannot be imported."""
        target = step(key)
        try:
            screen_class = target.load()
        except StepUnavailable as exc:
            log.warning("%s", exc)
            return UnavailableStepScreen(self.session, target, str(exc))
        return screen_class(self.session, request)

    def goto_step(self, key: str, request: Action | None = None) -> None:
        """Show step `key`; `request` is the coach action that sent the visitor there, if any."""
        screen = self.build_screen(key, request)
        self.current_step = key
        if any(isinstance(shown, StepScreen) for shown in self.screen_stack):
            while not isinstance(self.screen, StepScreen):  # a card or prompt left open over the step
                self.pop_screen()
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def next_step(self) -> None:
        position = index_of(self.current_step)
        if position + 1 < len(STEPS):
            self.goto_step(STEPS[position + 1].key)

    def previous_step(self) -> None:
        position = index_of(self.current_step)
        if position > 0:
            self.goto_step(STEPS[position - 1].key)

    # -- the Ask window --------------------------------------------------------------------------

    def open_ask(self) -> None:
        """The Ask window over the step (its Ask button), about what the step's live answer said."""
        if any(isinstance(shown, AskScreen) for shown in self.screen_stack):
            return
        self.push_screen(AskScreen(self.session, self.assistant(), said=said_on(self.screen)))

    def assistant(self) -> Assistant:
        """The assistant the settings ask for: their server's, or offline answers only."""
        if self._assistant is None:
            url = self.settings.assistant_url
            timeout_s = self.settings.assistant_timeout_s
            endpoint = None if url is None else ChatEndpoint(url, timeout_s=timeout_s)
            self._assistant = Assistant(endpoint, self.settings.word_filter())
        return self._assistant

    # -- crashes --------------------------------------------------------------------------------

    def show_error(self, title: str, error: BaseException) -> None:
        """Show what failed on an error card over the current screen; the app keeps running."""
        if isinstance(self.screen, ErrorCard):
            self.screen.dismiss()
        self.push_screen(ErrorCard(title, error))

    # -- museum mode ----------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_input = self.clock()
        await super().on_event(event)

    def check_visitor_idle(self) -> None:
        """Ask "still there?" once museum mode's idle timeout has passed without input."""
        if not self.settings.museum or any(isinstance(s, StillThereScreen) for s in self.screen_stack):
            return
        if self.clock() - self.last_input >= self.settings.idle_timeout_s:
            if self.current_step == STEPS[0].key and not self.session.project.classes():
                self.last_input = self.clock()  # nothing of anyone's to wipe: no need to ask
                return
            deadline = self.clock() + self.settings.still_there_s
            self.push_screen(StillThereScreen(deadline), self._after_still_there)

    def _after_still_there(self, nobody: bool | None) -> None:
        self.last_input = self.clock()
        if nobody:
            self.start_over()

    def start_over(self) -> None:
        """Wipe the visitor's project and return to the first step, ready for the next visitor.
        The step on screen is closed first, so its camera thread stops adding photos."""
        if isinstance(self.screen, StepScreen):
            self.screen.workers.cancel_node(self.screen)
        self.session.wipe()
        log.info("museum mode: project wiped after %.0f s idle", self.settings.idle_timeout_s)
        self.goto_step(STEPS[0].key)

    # -- admin ----------------------------------------------------------------------------------

    def action_admin(self) -> None:
        """The PIN pad, then the admin screen (Ctrl+A, or three quick taps on the status bar)."""
        if any(isinstance(s, PinScreen | AdminScreen) for s in self.screen_stack):
            return

        def after_pin(right: bool | None) -> None:
            if right:
                self.push_screen(AdminScreen(id="admin"))

        self.push_screen(PinScreen(self.settings.admin_pin), after_pin)
