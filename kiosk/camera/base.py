"""The camera interface every source implements, and the frame it delivers.

A source hands the live loop RGB frames at one fixed size (`Camera.size`, default 640x480) and the
capture step a full-resolution still. Sources differ only in `_open_source`, `_read_rgb`,
`_close_source` and (the Pi camera) `capture`; locking, sequence numbers, validation and the
context-manager protocol live here.
"""

from __future__ import annotations

import math
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar, Self

import numpy as np
from PIL import Image

DEFAULT_SIZE: tuple[int, int] = (640, 480)
DEFAULT_FPS = 30.0
MAX_SIDE = 8192
MAX_FPS = 1000.0

Clock = Callable[[], float]


class CameraError(RuntimeError):
    """A camera that cannot be opened or stopped delivering frames; the message says what to do."""


class EndOfStream(CameraError):
    """A non-looping replay has delivered its last frame."""


@dataclass(frozen=True, slots=True, eq=False)
class Frame:
    """One live frame: `image` is HxWx3 uint8 RGB, C-contiguous and read-only (copy it to draw on it).

    `timestamp` is in seconds of the camera's clock (`time.monotonic` unless a test injected another);
    `seq` counts frames from 0 since the camera was opened.
    """

    image: np.ndarray
    timestamp: float
    seq: int

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)."""
        return self.image.shape[1], self.image.shape[0]


def check_size(size: tuple[int, int]) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in size)
    except (TypeError, ValueError):
        raise ValueError(f"frame size must be (width, height), not {size!r}") from None
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE) or (width, height) != tuple(size):
        raise ValueError(f"frame size must be two whole numbers from 1 to {MAX_SIDE}, not {size!r}")
    return width, height


def check_fps(fps: float) -> float:
    value = float(fps)
    if not (math.isfinite(value) and 0 <= value <= MAX_FPS):
        raise ValueError(f"fps must be from 0 (as fast as possible) to {MAX_FPS:g}, not {fps!r}")
    return value


class Camera(ABC):
    """A source of live frames and stills.

        with open_camera("replay:demo/?fps=15") as camera:
            for frame in camera.frames():
                ...                       # frame.image: HxWx3 uint8 RGB at camera.size
            still = camera.capture()      # PIL RGB image, full resolution where the source has one

    `read`, `capture` and `close` may be called from different threads; one lock serialises them.
    `open()` is idempotent and returns the camera; a closed camera can be opened again (sequence
    numbers restart at 0).
    """

    kind: ClassVar[str]

    def __init__(
        self, *, size: tuple[int, int] = DEFAULT_SIZE, fps: float | None = None, clock: Clock = time.monotonic
    ) -> None:
        self.size = check_size(size)
        self.fps = DEFAULT_FPS if fps is None else check_fps(fps)
        self._clock = clock
        self._lock = threading.RLock()
        self._is_open = False
        self._seq = 0
        self._last: Frame | None = None

    # -- what a source implements -------------------------------------------------------------

    @abstractmethod
    def _open_source(self) -> None:
        """Acquire the device or files; raise CameraError with a helpful message when impossible."""

    @abstractmethod
    def _read_rgb(self) -> tuple[np.ndarray, float]:
        """The next frame as HxWx3 uint8 RGB at `self.size`, and its timestamp from `self._clock`."""

    @abstractmethod
    def _close_source(self) -> None:
        """Release what `_open_source` acquired. Called once per successful open."""

    def describe(self) -> str:
        """A short human-readable name for logs and the UI."""
        return self.kind

    # -- the interface --------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._is_open

    def open(self) -> Self:
        with self._lock:
            if not self._is_open:
                self._open_source()
                self._is_open = True
                self._seq = 0
                self._last = None
        return self

    def close(self) -> None:
        with self._lock:
            if self._is_open:
                self._is_open = False
                self._last = None
                self._close_source()

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def read(self) -> Frame:
        """The next frame. Raises CameraError (EndOfStream after a non-looping replay's last frame)."""
        with self._lock:
            if not self._is_open:
                raise CameraError(f"{self.describe()} is not open")
            image, timestamp = self._read_rgb()
            width, height = self.size
            if image.shape != (height, width, 3) or image.dtype != np.uint8:
                raise CameraError(
                    f"{self.describe()} produced a {image.dtype} {image.shape} frame, "
                    f"expected uint8 {(height, width, 3)}"
                )
            image = np.ascontiguousarray(image)
            image.setflags(write=False)
            frame = Frame(image=image, timestamp=timestamp, seq=self._seq)
            self._seq += 1
            self._last = frame
            return frame

    def frames(self) -> Iterator[Frame]:
        """Frames until the source ends (only a non-looping replay does) or an error is raised."""
        while True:
            try:
                frame = self.read()
            except EndOfStream:
                return
            yield frame

    @property
    def last_frame(self) -> Frame | None:
        """The frame `read` returned last since opening, if any."""
        return self._last

    def capture(self) -> Image.Image:
        """A still as a PIL RGB image. This default returns the current frame (reading one if none
        was read yet); the Pi camera overrides it with its full-resolution main stream."""
        with self._lock:
            frame = self._last if self._last is not None else self.read()
            return Image.fromarray(frame.image.copy(), "RGB")

    def __repr__(self) -> str:
        state = "open" if self._is_open else "closed"
        return f"<{type(self).__name__} {self.describe()} {self.size[0]}x{self.size[1]} {state}>"
