"""Replay a folder of images or a video file as a camera: the demo, the tests and the benches.

    replay:PATH            PATH is a folder of images, one image, or a video file
    replay:PATH?fps=15     paced to 15 frames/s (fps=0: as fast as the consumer reads)
    replay:PATH?loop=0     stop after one pass (`frames()` ends, `read()` raises EndOfStream)

A folder plays its .jpg/.jpeg/.png/.bmp/.tif/.tiff/.webp files (not sub-folders, not dot-files) in
natural name order (frame2 before frame10), any size and mode, letterboxed to the frame size.
A file that cannot be decoded is skipped with a logged warning, once, and left out of later
passes; a folder with no decodable image is an error at open. Decoded folder frames are cached up
to `cache_bytes`, so a short loop costs what a real camera costs: nothing. A video is decoded with
OpenCV (imported only then) and plays at its own frame rate unless one is given.

Pacing never sleeps when behind schedule and never bursts to catch up: see `Pacer`.
Every frame of the source is delivered (a slow consumer slows the replay; nothing is dropped), so
runs are repeatable.
"""

from __future__ import annotations

import logging
import re
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from kiosk.camera.base import DEFAULT_SIZE, Camera, CameraError, Clock, EndOfStream
from kiosk.camera.convert import draft_for, exif_upright, fit_array, fit_image

_log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"})
MAX_IMAGE_PIXELS = 50_000_000
DEFAULT_CACHE_BYTES = 128 * 1024 * 1024
_MAX_NATIVE_FPS = 240.0


class Pacer:
    """Spaces deliveries 1/fps apart on `clock`, sleeping with `sleep`; fps 0 never waits.

    The schedule starts at the first frame. A frame that is due (or late) is released at once,
    without calling `sleep`; an early one sleeps until its slot. When the consumer falls a whole
    period or more behind, the schedule restarts from now instead of releasing a burst of frames to
    catch up (a real camera drops frames, it does not queue them); smaller lateness is made up, so
    the average rate stays exact. Hence frame i is never released before frame 0 + i/fps.
    """

    def __init__(
        self, fps: float, clock: Clock = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.period = 1.0 / fps if fps > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._due: float | None = None

    def reset(self) -> None:
        self._due = None

    def wait(self) -> float:
        """Block until the next slot; return the release time on `clock`."""
        now = self._clock()
        if self.period == 0.0:
            return now
        if self._due is None:
            self._due = now
        while now < self._due:
            self._sleep(self._due - now)
            now = self._clock()
        if now - self._due >= self.period:
            self._due = now + self.period
        else:
            self._due += self.period
        return now


def _natural_key(path: Path) -> tuple[list[int | str], str]:
    parts = re.split(r"(\d+)", path.name.lower())
    return [int(p) if p.isdigit() else p for p in parts], path.name


def list_images(folder: Path) -> list[Path]:
    """The image files directly in `folder`, in natural name order."""
    files = [
        p
        for p in folder.iterdir()
        if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".") and p.is_file()
    ]
    return sorted(files, key=_natural_key)


def decode_file(path: Path, size: tuple[int, int]) -> np.ndarray:
    """One image file as a letterboxed RGB frame; raises ValueError/OSError (or anything Pillow
    raises on garbage) when it cannot be decoded."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            width, height = image.size
            if width < 1 or height < 1 or width * height > MAX_IMAGE_PIXELS:
                raise ValueError(f"{width}x{height} pixels is outside 1..{MAX_IMAGE_PIXELS:,}")
            draft_for(image, size)
            image.load()
            return fit_image(exif_upright(image), size)


class _FolderReader:
    native_fps: float | None = None

    def __init__(self, path: Path, size: tuple[int, int], cache_bytes: int) -> None:
        self.path = path
        self.size = size
        self.cache_bytes = cache_bytes
        self._files: list[Path] = []
        self._pos = 0
        self._cache: dict[Path, np.ndarray] = {}
        self._cached = 0

    def open(self) -> None:
        self._files = list_images(self.path) if self.path.is_dir() else [self.path]
        if not self._files:
            suffixes = " ".join(sorted(IMAGE_SUFFIXES))
            raise CameraError(f"replay: no images ({suffixes}) in {self.path}")
        self._pos = 0
        self.next(loop=True)  # proves one image decodes (and caches it), dropping unreadable ones
        self._pos = 0

    def next(self, loop: bool) -> np.ndarray:
        while self._files:
            if self._pos >= len(self._files):
                if not loop:
                    raise EndOfStream(f"replay: end of {self.path}")
                self._pos = 0
            path = self._files[self._pos]
            image = self._cache.get(path)
            if image is None:
                image = self._decode(path)
            if image is None:
                del self._files[self._pos]
                continue
            self._pos += 1
            return image
        raise CameraError(f"replay: none of the images in {self.path} can be decoded")

    def _decode(self, path: Path) -> np.ndarray | None:
        try:
            image = decode_file(path, self.size)
        except Exception as exc:  # Pillow raises many types on garbage; a bad file must never crash
            _log.warning("replay: skipping %s, which cannot be decoded: %s", path, exc)
            return None
        if self._cached + image.nbytes <= self.cache_bytes:
            image.setflags(write=False)
            self._cache[path] = image
            self._cached += image.nbytes
        return image

    def close(self) -> None:
        self._cache.clear()
        self._cached = 0


class _VideoReader:
    def __init__(self, path: Path, size: tuple[int, int]) -> None:
        self.path = path
        self.size = size
        self.native_fps: float | None = None
        self._cap = None
        self._pending: np.ndarray | None = None

    def open(self) -> None:
        import cv2

        self._cv2 = cv2
        self._cap = self._capture()
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.native_fps = float(fps) if 0 < fps <= _MAX_NATIVE_FPS else None
        self._pending = self._read_one()
        if self._pending is None:
            self.close()
            raise CameraError(f"replay: {self.path} has no frame OpenCV can decode")

    def _capture(self):
        cap = self._cv2.VideoCapture(str(self.path))
        if not cap.isOpened():
            cap.release()
            raise CameraError(
                f"replay: OpenCV cannot open {self.path} as a video; replay takes a folder of images, "
                "an image, or a video file OpenCV's FFmpeg decodes (.mp4, .avi, .mkv, ...)"
            )
        return cap

    def _read_one(self) -> np.ndarray | None:
        ok, image = self._cap.read()
        if not ok or image is None:
            return None
        cv2 = self._cv2
        if image.ndim == 2:
            rgb = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
        elif image.shape[2] == 4:
            rgb = cv2.cvtColor(image, cv2.COLOR_BGRA2RGB)
        else:
            rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        return fit_array(rgb, self.size)

    def next(self, loop: bool) -> np.ndarray:
        if self._pending is not None:
            image, self._pending = self._pending, None
            return image
        image = self._read_one()
        if image is None:
            if not loop:
                raise EndOfStream(f"replay: end of {self.path}")
            self._cap.release()
            self._cap = self._capture()  # rewinding by reopening works for every container
            image = self._read_one()
            if image is None:
                raise CameraError(f"replay: {self.path} stopped delivering frames")
        return image

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._pending = None


class ReplayCamera(Camera):
    """Plays `path` (folder of images, one image, or video) as a camera; see the module docstring.

    `fps=None` means the video's own rate, or `DEFAULT_FPS` for images; `fps=0` means no pacing.
    `clock` and `sleep` drive the pacing and the timestamps (tests inject a fake clock).
    """

    kind = "replay"

    def __init__(
        self,
        path: str | Path,
        *,
        size: tuple[int, int] = DEFAULT_SIZE,
        fps: float | None = None,
        loop: bool = True,
        clock: Clock = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        cache_bytes: int = DEFAULT_CACHE_BYTES,
    ) -> None:
        super().__init__(size=size, fps=fps, clock=clock)
        self.path = Path(path).expanduser()
        self.loop = loop
        self._fps_given = fps is not None
        self._sleep = sleep
        self._cache_bytes = cache_bytes
        self._reader: _FolderReader | _VideoReader | None = None
        self._pacer = Pacer(self.fps, clock, sleep)

    def describe(self) -> str:
        return f"replay:{self.path}"

    def _open_source(self) -> None:
        if not self.path.exists():
            raise CameraError(f"replay: {self.path} does not exist")
        if self.path.is_dir() or self.path.suffix.lower() in IMAGE_SUFFIXES:
            reader: _FolderReader | _VideoReader = _FolderReader(self.path, self.size, self._cache_bytes)
        else:
            reader = _VideoReader(self.path, self.size)
        reader.open()
        if not self._fps_given and reader.native_fps is not None:
            self.fps = reader.native_fps
        self._reader = reader
        self._pacer = Pacer(self.fps, self._clock, self._sleep)

    def _read_rgb(self) -> tuple[np.ndarray, float]:
        assert self._reader is not None
        image = self._reader.next(self.loop)
        return image, self._pacer.wait()

    def _close_source(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
