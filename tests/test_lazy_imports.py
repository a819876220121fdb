"""The light entry points start without the heavy libraries (docs/architecture.md, import rules).

`teachbooth --help`, `teachbooth worker`, the kiosk app and the session must start in a moment on a
Pi, and on a machine that lacks a heavy library they must still say what they are: OpenCV,
scikit-learn, MediaPipe and the TFLite runtime are imported by the function that uses them, torch and
diffusers only by a worker's diffusion backend. Project modules are imported at the top of their
files, so a project module that imported a heavy library at its top would pull it into every entry
point above it; each check here runs in a fresh interpreter (see testkit/fresh_python.py).
"""

from __future__ import annotations

import pkgutil

import pytest

from teachbooth.cli import COMMANDS
from testkit.fresh_python import ROOT, heavy_modules_after

COMMAND_PACKAGES = ("kiosk/commands", "shared/commands")
MODULES = (
    "kiosk.tui.app",
    "kiosk.session",
    "gpu_worker.command",
    "gpu_worker.service",
    *(
        f"{package.replace('/', '.')}.{module.name}"
        for package in COMMAND_PACKAGES
        for module in pkgutil.iter_modules([str(ROOT / package)])
    ),
)


def _help(*argv: str) -> str:
    """Code that prints `teachbooth ARGV --help` (building that command's parser) and checks it exits 0."""
    return f"""
        import contextlib, io
        from teachbooth.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                main({[*argv, "--help"]!r})
            except SystemExit as done:
                assert done.code == 0, done.code
        """


@pytest.mark.parametrize("command", ["", *COMMANDS], ids=lambda name: f"teachbooth {name} --help")
def test_help_of_a_command_imports_no_heavy_library(command: str) -> None:
    assert heavy_modules_after(_help(*filter(None, [command]))) == []


@pytest.mark.parametrize("module", MODULES)
def test_importing_an_entry_point_imports_no_heavy_library(module: str) -> None:
    assert heavy_modules_after(f"import {module}") == []


def test_the_check_reports_a_heavy_library_an_entry_point_brings_in() -> None:
    """Not vacuous: the same probe names what the code imported."""
    assert heavy_modules_after("import kiosk.session\nimport sklearn.svm\nimport cv2") == ["cv2", "sklearn"]
