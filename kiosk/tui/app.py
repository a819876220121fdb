"""TeachBoothApp: the guided five-step flow on the kiosk's touchscreen.

    app = TeachBoothApp(session, KioskSettings(museum=True))
    app.run()

One step is on screen at a time (`kiosk.tui.steps`); each visit builds a fresh step screen, so a
screen's state is whatever the session and the project hold. The app owns what spans the steps:
moving between them (`goto_step`, `next_step`, `previous_step`), the error card a crashed worker
leaves (`show_error`), museum mode's idle reset and the admin screen behind a PIN.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from textual.app import App

from kiosk.coach.suggestion import Action
from kiosk.tui.config import KioskSettings
from kiosk.tui.screens.base import StepScreen, UnavailableStepScreen
from kiosk.tui.screens.error_card import ErrorCard
from kiosk.tui.session import KioskSession
from kiosk.tui.steps import STEPS, StepUnavailable, index_of, step

log = logging.getLogger(__name__)

STYLESHEET = Path(__file__).with_name("teachbooth.tcss")


class TeachBoothApp(App):
    CSS_PATH = STYLESHEET
    TITLE = "TeachBooth"
    ENABLE_COMMAND_PALETTE = False  # a visitor must not stumble into it

    def __init__(
        self,
        session: KioskSession,
        settings: KioskSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings or KioskSettings()
        self.clock = clock
        self.current_step = STEPS[0].key

    def on_mount(self) -> None:
        self.goto_step(STEPS[0].key)

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

    # -- crashes --------------------------------------------------------------------------------

    def show_error(self, title: str, error: BaseException) -> None:
        """Show what failed on an error card over the current screen; the app keeps running."""
        if isinstance(self.screen, ErrorCard):
            self.screen.dismiss()
        self.push_screen(ErrorCard(title, error))
