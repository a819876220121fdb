"""`teachbooth kiosk --assistant-url`: checked before the app takes the screen, then the app's setting."""

from __future__ import annotations

from kiosk.commands import kiosk
from kiosk.tui.config import KioskSettings
from teachbooth import cli
from tests.kiosk.commands.test_kiosk import KIOSK


def test_a_bad_assistant_url_exits_2_with_the_reason(tmp_path, capsys):
    code = cli.main([*KIOSK, "--project", str(tmp_path), "--assistant-url", "gpu.local:8000"])
    assert code == 2
    assert "assistant_url" in capsys.readouterr().out


class SettingsKeepingApp:
    """Stands in for the Textual app: keeps the settings it was opened with, and ends at once."""

    settings: KioskSettings | None = None

    def __init__(self, session, settings, *, watchdog) -> None:
        SettingsKeepingApp.settings = settings
        self.return_code: int | None = None

    def run(self) -> None:
        self.return_code = 0


def test_the_assistant_url_becomes_the_app_s_setting(tmp_path, monkeypatch):
    monkeypatch.setattr(kiosk, "TeachBoothApp", SettingsKeepingApp)
    url = "http://gpu.local:8000"
    argv = [
        "--project",
        str(tmp_path / "project"),
        "--log",
        str(tmp_path / "kiosk.log"),
        "--assistant-url",
        url,
    ]
    assert cli.main([*KIOSK, *argv]) == 0
    assert SettingsKeepingApp.settings is not None and SettingsKeepingApp.settings.assistant_url == url
