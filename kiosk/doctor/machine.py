"""The box itself: room on the data disk, and on a Raspberry Pi its temperature and throttling."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from kiosk.doctor.finding import Finding, Status, fail, ok, warn
from kiosk.doctor.settings import DoctorSettings

WARM_C = 70.0
"""Above this the Pi is close to throttling: worth better airflow."""
HOT_C = 80.0
"""The firmware starts throttling the Pi 4 here (the Pi 5 at 85): inference slows down."""
THROTTLE_NOW = {
    0x1: "under-voltage",
    0x2: "ARM frequency capped",
    0x4: "throttled",
    0x8: "soft temperature limit",
}
THROTTLE_SINCE_BOOT = {bit << 16: what for bit, what in THROTTLE_NOW.items()}
POWER_FIX = "use the official 27 W (Pi 5) or 15 W (Pi 4) USB-C supply and a fan or heatsink case"


def check_disk(settings: DoctorSettings) -> Finding:
    """Free space on the file system that holds (or will hold) the data folder."""
    where = settings.data_dir
    while not where.exists() and where != where.parent:
        where = where.parent
    free_mb = shutil.disk_usage(where).free / 2**20
    message = f"{free_mb:,.0f} MB free for {settings.data_dir}"
    fix = "delete old projects or exports, or move the data folder to a larger card or USB disk"
    if free_mb < settings.min_free_mb:
        return fail("disk", f"{message}, less than {settings.min_free_mb} MB", fix)
    if free_mb < 4 * settings.min_free_mb:
        return warn("disk", f"{message}: getting low", fix)
    return ok("disk", message)


def pi_model(root: Path) -> str | None:
    """The Raspberry Pi model from the device tree, or None on anything else."""
    try:
        model = (root / "proc/device-tree/model").read_text(errors="replace").strip("\0\n ")
    except OSError:
        return None
    return model if model.startswith("Raspberry Pi") else None


def check_thermal(settings: DoctorSettings) -> Finding:
    model = pi_model(settings.system_root)
    if model is None:
        return ok("thermal", "not a Raspberry Pi: no temperature or throttling check")
    found: list[str] = []
    status = Status.OK
    try:
        millideg = (settings.system_root / "sys/class/thermal/thermal_zone0/temp").read_text()
        celsius = int(millideg.strip()) / 1000
    except (OSError, ValueError):
        found.append("SoC temperature unreadable")
        status = Status.WARN
    else:
        found.append(f"SoC at {celsius:.1f} °C")
        status = Status.FAIL if celsius >= HOT_C else Status.WARN if celsius >= WARM_C else status
    flags = _throttled()
    if flags is None:
        found.append("vcgencmd not found: throttling not checked")
    elif now := [what for bit, what in THROTTLE_NOW.items() if flags & bit]:
        found.append(f"now {', '.join(now)} (get_throttled=0x{flags:x})")
        status = Status.FAIL
    elif past := [what for bit, what in THROTTLE_SINCE_BOOT.items() if flags & bit]:
        found.append(f"since boot: {', '.join(past)} (get_throttled=0x{flags:x})")
        status = Status.WARN if status is Status.OK else status
    else:
        found.append("never throttled since boot")
    message = f"{model}: {'; '.join(found)}"
    return ok("thermal", message) if status is Status.OK else Finding("thermal", status, message, POWER_FIX)


def _throttled() -> int | None:
    """`vcgencmd get_throttled` as a number (throttled=0x50005 -> 0x50005); None without vcgencmd."""
    command = shutil.which("vcgencmd")
    if command is None:
        return None
    try:
        done = subprocess.run(
            [command, "get_throttled"], capture_output=True, text=True, timeout=5, check=True
        )
        return int(done.stdout.strip().split("=", 1)[1], 16)
    except (OSError, subprocess.SubprocessError, IndexError, ValueError):
        return None
