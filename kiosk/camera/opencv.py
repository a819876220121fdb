"""A USB webcam through OpenCV: `opencv:N` (device index) or `opencv:/dev/v4l/by-id/...` (a path
stays the same when cameras are re-plugged in another order).

On Linux the V4L2 backend is used directly (OpenCV's automatic choice can pick GStreamer and hang).
The camera is asked for the frame size and rate; a camera that delivers another size is
letterboxed to it. OpenCV (from the `opencv-contrib-python` wheel MediaPipe installs) is imported
in `open()` only.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from kiosk.camera.base import DEFAULT_SIZE, Camera, CameraError, Clock
from kiosk.camera.convert import fit_array


class OpenCVCamera(Camera):
    kind = "opencv"

    def __init__(
        self,
        device: int | str = 0,
        *,
        size: tuple[int, int] = DEFAULT_SIZE,
        fps: float | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(size=size, fps=fps, clock=clock)
        self.device = device
        self._cap = None

    def describe(self) -> str:
        return f"opencv:{self.device}"

    def _open_source(self) -> None:
        import cv2

        self._cv2 = cv2
        backend = cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY
        cap = cv2.VideoCapture(self.device, backend)
        if not cap.isOpened():
            cap.release()
            raise CameraError(
                f"cannot open USB camera {self.device!r} (opencv:{self.device}): no such device, or it is "
                "in use by another program; `v4l2-ctl --list-devices` lists cameras and their /dev/video "
                "nodes (the index N of opencv:N is the N of /dev/videoN)"
            )
        width, height = self.size
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        if self.fps > 0:
            cap.set(cv2.CAP_PROP_FPS, self.fps)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a queue of stale ones
        self._cap = cap
        try:
            self._read_rgb()  # a device node that opens but never delivers (a metadata node) fails here
        except CameraError:
            self._close_source()
            raise

    def _read_rgb(self) -> tuple[np.ndarray, float]:
        cv2 = self._cv2
        ok, image = self._cap.read()
        timestamp = self._clock()
        if not ok or image is None:
            raise CameraError(f"USB camera {self.device!r} delivered no frame (unplugged, or not a camera?)")
        if image.ndim == 2:
            rgb = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
        else:
            rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        return fit_array(rgb, self.size), timestamp

    def _close_source(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
