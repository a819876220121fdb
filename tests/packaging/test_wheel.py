"""The wheel is the product as a Pi installs it: built, installed in a fresh virtualenv, and run.

hardware/README.md installs the kiosk with `pip install 'teachbooth[kiosk]'`, so a file the code reads
at run time that the wheel leaves out (the app's stylesheet, the replay footage, the backbone) breaks
every Pi while the checkout, where the file is, works. So these tests build the wheel from the working
tree, install it in a new virtualenv that cannot import the checkout, start `teachbooth kiosk` in a
pseudo-terminal and take it to the first step and back out through the admin screen, and run
`teachbooth doctor` from it.

Nothing is downloaded. The wheel is built without build isolation, from a copy of the working tree's
files (a build in the checkout would leave `build/` behind, whose stale copies of deleted files a
later wheel would carry). The kiosk extra's dependencies are those already installed for this test
run: a .pth file names their site-packages folder, which puts the folder on `sys.path` without running
its own .pth files, among them the editable install's finder that would import the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.doctor.registry import CHECKS
from kiosk.tui.steps import STEPS
from testkit.terminal import Terminal

REPO = Path(__file__).resolve().parents[2]
PRODUCT_PACKAGES = ("teachbooth", "kiosk", "shared", "gpu_worker")
SCREEN_COLUMNS, SCREEN_LINES = 120, 40
"""Larger than the kiosk's least display (the doctor's display check), so every step fits."""
PIN = "1357"
STEP_TIMEOUT_S = 90.0
"""Generous: on two busy cores the first start imports Textual, Pillow and the step screens cold."""
pytestmark = pytest.mark.timeout(600)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    """Run `command`, failing the test with its output (not only its exit code) when it fails."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


def isolated_environment(**extra: str) -> dict[str, str]:
    """This environment without what would reach past the install: PYTHONPATH, a pip configuration
    (its find-links would hide a dependency the extra lacks), the kiosk's own settings."""
    removed = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSAFEPATH")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in removed and not key.startswith(("PIP_", "TEACHBOOTH_", "TEXTUAL"))
    }
    environment.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INPUT="1", **extra)
    return environment


@dataclass(frozen=True)
class Installation:
    """A virtualenv with the wheel installed and the kiosk extra satisfied."""

    root: Path
    site_packages: Path
    workdir: Path
    """An empty folder to run in, so the current directory cannot import the checkout."""
    environment: dict[str, str]

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    @property
    def teachbooth(self) -> Path:
        return self.root / "bin" / "teachbooth"

    @property
    def replay_frames(self) -> Path:
        return self.site_packages / "kiosk" / "samples" / "replay"


def working_tree_files() -> list[str]:
    """The checkout's files as a fresh clone with the work in progress has them: tracked files
    still present and new files git does not ignore (no caches, builds or virtualenvs)."""
    listed = run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO
    ).stdout.split("\0")
    return [name for name in listed if name and (REPO / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel of the working tree."""
    source = tmp_path_factory.mktemp("source")
    for name in working_tree_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
    run([*build, "--wheel-dir", str(dist), str(source)], env=isolated_environment())
    (built,) = dist.glob("teachbooth-*.whl")
    return built


@pytest.fixture(scope="module")
def installation(wheel, tmp_path_factory) -> Installation:
    root = tmp_path_factory.mktemp("venv")
    environment = isolated_environment(
        XDG_DATA_HOME=str(tmp_path_factory.mktemp("xdg-data")),
        XDG_STATE_HOME=str(tmp_path_factory.mktemp("xdg-state")),  # the kiosk's log, not in $HOME
    )
    run([sys.executable, "-m", "venv", "--without-pip", str(root)])
    pip = [sys.executable, "-m", "pip", "--python", str(root / "bin" / "python"), "install", "--no-index"]
    # The wheel first, while the new virtualenv sees nothing else: pip must not find this test run's
    # own (editable) teachbooth and call the requirement satisfied.
    run([*pip, "--no-deps", str(wheel)], env=environment)
    site_packages = Path(
        run(
            [str(root / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            env=environment,
        ).stdout.strip()
    )
    dependencies = Path(sysconfig.get_path("purelib"))
    (site_packages / "teachbooth-test-dependencies.pth").write_text(f"{dependencies}\n")
    # Every requirement of the kiosk extra must now be met by what is installed: --no-index and no
    # pip configuration, so a missing one fails here instead of being fetched.
    run([*pip, "teachbooth[kiosk]"], env=environment)
    workdir = tmp_path_factory.mktemp("workdir")
    return Installation(root, site_packages, workdir, environment)


def test_the_product_runs_from_the_wheel_not_from_the_checkout(installation):
    """The premise of the other tests: what they run is the installed wheel."""
    show = "import importlib; print('\\n'.join(importlib.import_module(n).__file__ for n in %r))"
    done = run(
        [str(installation.python), "-c", show % (PRODUCT_PACKAGES,)],
        cwd=installation.workdir,
        env=installation.environment,
    )
    for package, location in zip(PRODUCT_PACKAGES, done.stdout.split(), strict=True):
        assert Path(location) == installation.site_packages / package / "__init__.py"


def test_every_file_of_the_product_packages_is_in_the_wheel(wheel):
    """Whatever lives beside the code (stylesheet, samples, models) ships with it: a new file that
    the package-data globs in pyproject.toml miss fails here, before a Pi finds out."""
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    packages = tuple(f"{package}/" for package in PRODUCT_PACKAGES)
    product = {name for name in working_tree_files() if name.startswith(packages)}
    assert sorted(product - shipped) == []
    top_level = {name.split("/")[0] for name in shipped if "/" in name and ".dist-info/" not in name}
    assert top_level == set(PRODUCT_PACKAGES), "tests, testkit, bench and tools stay out of the product"


def test_the_wheel_holds_the_replay_footage_and_the_stylesheet(installation):
    frames = sorted(path.name for path in installation.replay_frames.glob("*.jpg"))
    checkout_frames = sorted(path.name for path in (REPO / "kiosk/samples/replay").glob("*.jpg"))
    assert frames == checkout_frames
    assert (installation.site_packages / "kiosk/tui/teachbooth.tcss").is_file()


def test_the_installed_kiosk_shows_the_first_step_and_exits_from_the_admin_screen(installation, tmp_path):
    command = [
        str(installation.teachbooth),
        "kiosk",
        f"--camera=replay:{installation.replay_frames}",
        f"--project={tmp_path / 'project'}",
        f"--admin-pin={PIN}",
        f"--export-dir={tmp_path}",
    ]
    terminal = Terminal(
        command,
        cwd=installation.workdir,
        environment=installation.environment,
        columns=SCREEN_COLUMNS,
        lines=SCREEN_LINES,
        timeout_s=STEP_TIMEOUT_S,
    )
    try:
        terminal.wait_for(STEPS[0].hint)  # the Classes step's own screen, not the unavailable stand-in
        terminal.wait_for("Type a name, e.g. apple")
        exit_code = terminal.exit_through_admin(PIN)
    finally:
        terminal.close()
    assert "Traceback" not in terminal.text(), terminal.text()[-3000:]
    assert exit_code == 0, terminal.text()[-3000:]
    assert (tmp_path / "project").is_dir()


def test_the_installed_doctor_runs_every_check(installation, tmp_path):
    """Without a camera, display or broker some checks may warn or fail; none may crash, and the
    ones that read files the wheel ships (the replay frames, the backbone) pass."""
    done = subprocess.run(
        [
            str(installation.teachbooth),
            "doctor",
            "--json",
            f"--camera=replay:{installation.replay_frames}",
            f"--data-dir={tmp_path}",
            "--timeout=60",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=installation.workdir,
        env=installation.environment,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), f"exit {done.returncode}:\n{done.stdout}\n{done.stderr}"
    report = json.loads(done.stdout)
    statuses = {check["check"]: check["status"] for check in report["checks"]}
    assert list(statuses) == list(CHECKS)
    assert set(statuses.values()) <= {"ok", "warn", "fail"}
    assert not [check for check in report["checks"] if "the check itself failed" in check["message"]]
    assert statuses["camera"] == "ok", report
    assert statuses["tflite"] == "ok", report
    assert report["ok"] == (done.returncode == 0)
