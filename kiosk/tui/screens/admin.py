"""The admin screen, behind the PIN: exit, camera, broker, museum settings, coach, assistant, export.

For the person looking after the kiosk, not for visitors: plain fields and buttons, each change
checked before it takes effect (a bad camera spec or broker URL is refused with the reason and the
old one stays in use). Export runs on a worker thread: zipping a few hundred photos onto a slow
USB stick takes seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, Switch

from kiosk.export.errors import ExportError
from kiosk.export.usb import export_to
from kiosk.tui.config import KioskSettings
from kiosk.tui.workers import run_guarded

if TYPE_CHECKING:
    from kiosk.tui.app import TeachBoothApp


class AdminScreen(ModalScreen[None]):
    BINDINGS: ClassVar = [Binding("escape", "close", "Close")]

    @property
    def kiosk(self) -> TeachBoothApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        session, settings = self.kiosk.session, self.kiosk.settings
        with VerticalScroll(id="admin-box", classes="card"):
            yield Static("Admin", id="admin-title")
            with Horizontal(classes="admin-row"):
                yield Button("Exit the app", id="admin-exit", variant="error")
                yield Button("Close", id="admin-close", variant="primary")
            with Horizontal(classes="admin-row"):
                yield Static("Camera", classes="admin-label")
                yield Input(session.camera_spec, id="admin-camera")
                yield Button("Use", id="admin-camera-use")
            with Horizontal(classes="admin-row"):
                yield Static("Broker", classes="admin-label")
                broker = session.broker_url or ""
                yield Input(broker, placeholder="none (mqtt://host:1883)", id="admin-broker")
                yield Button("Use", id="admin-broker-use")
            with Horizontal(classes="admin-row"):
                yield Static("Museum", classes="admin-label")
                yield Switch(settings.museum, id="admin-museum")
                yield Input(f"{settings.idle_timeout_s:g}", id="admin-idle", type="number")
                yield Static("s idle", classes="admin-unit")
                yield Button("Save", id="admin-museum-save")
            with Horizontal(classes="admin-row"):
                yield Static("Coach", classes="admin-label")
                yield Switch(settings.coach, id="admin-coach")
                yield Static("its advice under every step", classes="admin-note")
            with Horizontal(classes="admin-row"):
                yield Static("Ask", classes="admin-label")
                url = settings.assistant_url or ""
                yield Input(url, placeholder="kiosk answers (http://host:8000)", id="admin-assistant")
                yield Button("Use", id="admin-assistant-use")
            with Horizontal(classes="admin-row"):
                yield Static("Export", classes="admin-label")
                yield Input(str(settings.export_dir), id="admin-export-dir")
                yield Button("Export", id="admin-export")
            yield Static("", id="admin-message")

    def on_mount(self) -> None:
        # Not the first button, "Exit the app": an Enter pressed once too often after the PIN would
        # take the kiosk off the floor. Close is what an admin who is done wants anyway.
        self.query_one("#admin-close", Button).focus()

    def say(self, text: str, *, problem: bool = False) -> None:
        message = self.query_one("#admin-message", Static)
        message.update(Text(text))  # specs, URLs and paths hold brackets: never markup
        message.set_class(problem, "-problem")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        handlers = {
            "admin-exit": self.kiosk.exit,
            "admin-close": self.action_close,
            "admin-camera-use": self.use_camera,
            "admin-broker-use": self.use_broker,
            "admin-museum-save": self.save_museum,
            "admin-assistant-use": self.use_assistant,
            "admin-export": self.export,
        }
        handler = handlers.get(event.button.id or "")
        if handler is not None:
            handler()

    def action_close(self) -> None:
        self.dismiss()

    def use_camera(self) -> None:
        spec = self.query_one("#admin-camera", Input).value.strip()
        try:
            self.kiosk.session.change_camera(spec)
        except ValueError as exc:
            self.say(f"Camera not changed: {exc}", problem=True)
            return
        self.say(f"Camera: {spec} (opens when a step needs it).")

    def use_broker(self) -> None:
        url = self.query_one("#admin-broker", Input).value.strip()
        try:
            self.kiosk.session.change_broker(url)
        except ValueError as exc:
            self.say(f"Broker not changed: {exc}", problem=True)
            return
        self.say(f"Broker: {url}." if url else "No broker: variations are made on this kiosk.")

    def save_museum(self) -> None:
        settings = self.changed_settings(
            museum=self.query_one("#admin-museum", Switch).value,
            idle_timeout_s=self.query_one("#admin-idle", Input).value or "0",
        )
        if settings is not None:
            state = "on" if settings.museum else "off"
            self.say(f"Museum mode {state}, idle timeout {settings.idle_timeout_s:g} s.")

    def on_switch_changed(self, event: Switch.Changed) -> None:
        """The coach's switch takes effect at once: the panel goes or comes on the step underneath."""
        if event.switch.id != "admin-coach":
            return
        event.stop()
        if self.changed_settings(coach=event.value) is not None:
            self.say("Coach panel on." if event.value else "Coach panel off: the Ask button still answers.")

    def use_assistant(self) -> None:
        url = self.query_one("#admin-assistant", Input).value.strip()
        settings = self.changed_settings(assistant_url=url or None)
        if settings is not None:
            self.say(
                f"Assistant server: {url} (the kiosk answers when it cannot)."
                if url
                else "No assistant server: the kiosk answers the common questions itself."
            )

    def changed_settings(self, **fields: object) -> KioskSettings | None:
        """The settings with `fields` changed, applied; None (and the reasons said) when refused."""
        try:
            settings = KioskSettings.model_validate(self.kiosk.settings.model_dump() | fields)
        except ValidationError as exc:
            reasons = "; ".join(f"{error['loc'][0]}: {error['msg']}" for error in exc.errors())
            self.say(f"Not saved: {reasons}", problem=True)
            return None
        self.kiosk.apply_settings(settings)
        return settings

    def export(self) -> None:
        folder = Path(self.query_one("#admin-export-dir", Input).value.strip())
        self.say(f"Exporting to {folder}…")
        run_guarded(self, self._export, folder, name="export", group="export", exclusive=True)

    def _export(self, folder: Path) -> None:
        app = self.kiosk
        try:
            written = export_to(folder, app.session.project)
        except ExportError as exc:
            app.call_from_thread(self.say, f"Export failed: {exc}", problem=True)
            return
        app.call_from_thread(self.say, "Exported " + ", ".join(path.name for path in written))
