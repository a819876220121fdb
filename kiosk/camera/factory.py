"""Choosing and building a camera from a spec string (see `kiosk.camera.spec` for the forms)."""

from __future__ import annotations

from kiosk.camera.base import DEFAULT_SIZE, Camera
from kiosk.camera.opencv import OpenCVCamera
from kiosk.camera.picam import Picamera2Camera
from kiosk.camera.replay import ReplayCamera
from kiosk.camera.spec import parse_spec


def make_camera(spec: str, *, size: tuple[int, int] = DEFAULT_SIZE, fps: float | None = None) -> Camera:
    """The camera `spec` names, not yet opened. `size` (w, h) and `fps` are defaults that options in
    the spec override; `fps=None` is the source's own default (a video's rate, else DEFAULT_FPS),
    `fps=0` as fast as possible. ValueError for a spec that is not one of the valid forms."""
    parsed = parse_spec(spec)
    size = parsed.size or size
    fps = parsed.fps if parsed.fps is not None else fps
    if parsed.kind == "replay":
        return ReplayCamera(parsed.target, size=size, fps=fps, loop=parsed.loop)
    if parsed.kind == "opencv":
        device: int | str = int(parsed.target) if parsed.target.isdigit() else parsed.target
        return OpenCVCamera(device, size=size, fps=fps)
    return Picamera2Camera(int(parsed.target), size=size, fps=fps, main_size=parsed.main_size)


def open_camera(spec: str, *, size: tuple[int, int] = DEFAULT_SIZE, fps: float | None = None) -> Camera:
    """`make_camera(...)`, opened: use it in a `with` block or close it. CameraError when the source
    cannot be opened (missing device, missing or empty replay folder, no Picamera2)."""
    camera = make_camera(spec, size=size, fps=fps)
    return camera.open()
