"""The kiosk's eyes and face: one frame from the configured camera, a terminal big enough for the app."""

from __future__ import annotations

import os
import queue
import threading
import time

from kiosk.camera.base import CameraError
from kiosk.camera.factory import open_camera
from kiosk.camera.spec import parse_spec
from kiosk.doctor.finding import Finding, fail, ok, warn
from kiosk.doctor.settings import DoctorSettings

CAMERA_FIX = {
    "picamera2": "check the ribbon cable and `rpicam-hello --list-cameras`; picamera2 comes from the OS "
    "(sudo apt install python3-picamera2) into a venv made with --system-site-packages",
    "opencv": "plug the webcam in and check `ls /dev/video*`; give its number or path (--camera opencv:N)",
    "replay": "point --camera replay:PATH at an existing folder of images or a video file",
}


def check_camera(settings: DoctorSettings) -> Finding:
    """Open the camera and read one frame, in a thread so a hung driver cannot hang the doctor."""
    try:
        kind = parse_spec(settings.camera).kind
    except ValueError as exc:
        return fail("camera", str(exc), "give a valid --camera spec")
    answer: queue.Queue[tuple[str, str]] = queue.Queue()
    threading.Thread(target=_one_frame, args=(settings.camera, answer), daemon=True).start()
    try:
        outcome, detail = answer.get(timeout=settings.timeout_s)
    except queue.Empty:
        return fail(
            "camera", f"{settings.camera}: no frame within {settings.timeout_s:g} s", CAMERA_FIX[kind]
        )
    if outcome == "error":
        return fail("camera", f"{settings.camera}: {detail}", CAMERA_FIX[kind])
    return ok("camera", f"{settings.camera}: {detail}")


def _one_frame(spec: str, answer: queue.Queue[tuple[str, str]]) -> None:
    started = time.perf_counter()
    try:
        with open_camera(spec) as camera:
            frame = camera.read()
    except (CameraError, OSError, ValueError) as exc:
        answer.put(("error", str(exc)))
        return
    width, height = frame.size
    answer.put(("ok", f"a {width}x{height} frame in {1000 * (time.perf_counter() - started):.0f} ms"))


def terminal_size() -> tuple[int, int] | None:
    """(columns, lines) of the terminal on stdout, stderr or stdin, whichever is one; None if none is."""
    for fd in (1, 2, 0):
        try:
            size = os.get_terminal_size(fd)
        except OSError:
            continue
        return size.columns, size.lines
    return None


def check_display(settings: DoctorSettings, size: tuple[int, int] | None = None) -> Finding:
    """The kiosk app needs `min_columns` x `min_lines`; `size` defaults to this terminal's."""
    size = terminal_size() if size is None else size
    wanted = f"{settings.min_columns}x{settings.min_lines}"
    if size is None:
        return warn(
            "display",
            "not run in a terminal, so its size is unknown",
            "run `teachbooth doctor` in the kiosk's own terminal (on the touch display)",
        )
    columns, lines = size
    if columns < settings.min_columns or lines < settings.min_lines:
        return fail(
            "display",
            f"terminal is {columns}x{lines}, the kiosk app needs at least {wanted}",
            "use a smaller font (foot.ini: font=monospace:size=N) or a larger display",
        )
    return ok("display", f"terminal is {columns}x{lines} (at least {wanted})")
