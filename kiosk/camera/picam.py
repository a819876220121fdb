"""The Raspberry Pi camera through Picamera2: `picamera2` or `picamera2:N` (camera number).

One video configuration with two streams from the same sensor frames, as in the Picamera2 manual:
  - lores, YUV420 at the frame size, for live frames (the one lores format every Pi supports);
    converted to RGB with OpenCV in the same colour space as the main stream (`yuv420_to_rgb`);
  - main, RGB888 at `main_size` (default twice the frame size, same aspect ratio), for `capture()`.
A larger main stream gives sharper stills but may lower the sensor mode's frame rate. `fps` sets
the `FrameRate` control; `fps=0` leaves Picamera2's default (30 frames/s for video).

Picamera2 comes from the OS (`sudo apt install python3-picamera2`; the venv needs
`--system-site-packages` to see it) and is imported in `open()` only, so everything else runs
where it does not exist.
"""

from __future__ import annotations

import time

import numpy as np
from PIL import Image

from kiosk.camera.base import DEFAULT_SIZE, Camera, CameraError, Clock, check_size
from kiosk.camera.convert import fit_array

MISSING_PICAMERA2 = (
    "the Pi camera needs Picamera2, which is not importable here: on Raspberry Pi OS install the Debian "
    "package python3-picamera2 (sudo apt install python3-picamera2) and create the virtual environment "
    "with --system-site-packages so it can see it; elsewhere use opencv:N or replay:PATH"
)


def yuv420_to_rgb(yuv: np.ndarray, width: int) -> np.ndarray:
    """A Picamera2 YUV420 array as HxWx3 RGB.

    Picamera2 returns YUV420 as shape (height * 3 / 2, stride): the Y plane, then the U plane and
    the V plane (I420 order), each row padded to the stride. With an RGB main stream Picamera2
    picks the sYCC colour space for all streams (full-range BT.601, as JPEG), so the planes are
    converted with OpenCV's full-range YCrCb matrix; OpenCV's own YUV420 conversions assume
    limited range and would make live frames more contrasty than the stills from the main stream.
    """
    import cv2

    rows, stride = yuv.shape
    height = rows * 2 // 3
    luma = yuv[:height, :width]
    chroma = yuv[height:].reshape(2, height // 2, stride // 2)[:, :, : (width + 1) // 2]
    cb, cr = (cv2.resize(plane, (width, height), interpolation=cv2.INTER_LINEAR) for plane in chroma)
    return cv2.cvtColor(cv2.merge((luma, cr, cb)), cv2.COLOR_YCrCb2RGB)


class Picamera2Camera(Camera):
    kind = "picamera2"

    def __init__(
        self,
        camera_num: int = 0,
        *,
        size: tuple[int, int] = DEFAULT_SIZE,
        fps: float | None = None,
        main_size: tuple[int, int] | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(size=size, fps=fps, clock=clock)
        if self.size[0] % 2 or self.size[1] % 2:
            raise ValueError(f"the Pi camera's frame size must be even (YUV420), not {self.size}")
        self.camera_num = camera_num
        self.main_size = check_size(main_size) if main_size else (2 * self.size[0], 2 * self.size[1])
        if self.main_size[0] < self.size[0] or self.main_size[1] < self.size[1]:
            raise ValueError(f"main size {self.main_size} must be at least the frame size {self.size}")
        self._cam = None
        self._lores_width = self.size[0]

    def describe(self) -> str:
        return f"picamera2:{self.camera_num}"

    def _open_source(self) -> None:
        try:
            from picamera2 import Picamera2
        except ImportError as exc:
            raise CameraError(MISSING_PICAMERA2) from exc
        try:
            cam = Picamera2(self.camera_num)
        except Exception as exc:  # IndexError or RuntimeError when there is no such camera
            raise CameraError(
                f"no Raspberry Pi camera {self.camera_num} ({exc}); check the ribbon cable, and "
                "`rpicam-hello --list-cameras` lists the cameras the system sees"
            ) from exc
        try:
            config = cam.create_video_configuration(
                main={"size": self.main_size, "format": "RGB888"},
                lores={"size": self.size, "format": "YUV420"},
                controls={"FrameRate": self.fps} if self.fps > 0 else {},
            )
            cam.configure(config)
            self._lores_width = cam.camera_configuration()["lores"]["size"][0]
            cam.start()
        except Exception as exc:
            cam.close()
            raise CameraError(f"the Pi camera {self.camera_num} cannot be configured: {exc}") from exc
        self._cam = cam

    def _read_rgb(self) -> tuple[np.ndarray, float]:
        yuv = self._cam.capture_array("lores")
        timestamp = self._clock()
        return fit_array(yuv420_to_rgb(yuv, self._lores_width), self.size), timestamp

    def capture(self) -> Image.Image:
        """A still from the main stream, `main_size`, as PIL RGB."""
        with self._lock:
            if self._cam is None:
                raise CameraError(f"{self.describe()} is not open")
            image = self._cam.capture_image("main")
        return image if image.mode == "RGB" else image.convert("RGB")

    def _close_source(self) -> None:
        cam, self._cam = self._cam, None
        if cam is not None:
            try:
                cam.stop()
            finally:
                cam.close()
