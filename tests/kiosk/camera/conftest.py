from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

FRAME = (640, 480)


class FakeClock:
    """A clock that only moves when slept on (or advanced by the test); records every sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0, f"slept {seconds}"
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


def centre(image: np.ndarray) -> tuple[int, int, int]:
    h, w = image.shape[:2]
    return tuple(int(v) for v in image[h // 2, w // 2])


def close_to(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


# (file name, PIL mode, size, fill, expected RGB at the centre of the frame)
FOLDER_IMAGES = [
    ("img1.png", "RGB", (800, 600), (220, 20, 20), (220, 20, 20)),
    ("img2.png", "L", (100, 300), 128, (128, 128, 128)),  # tall: black bars left and right
    ("img3.png", "RGBA", (320, 240), (20, 200, 20, 255), (20, 200, 20)),
    ("img10.jpg", "RGB", (1920, 1080), (20, 20, 220), (20, 20, 220)),  # natural order: after img3
    ("img11.bmp", "P", (64, 48), None, (230, 230, 0)),  # palette image, yellow
]


def write_image(path: Path, mode: str, size: tuple[int, int], fill: object) -> None:
    if mode == "P":
        image = Image.new("RGB", size, (230, 230, 0)).convert("P", palette=Image.Palette.ADAPTIVE)
    else:
        image = Image.new(mode, size, fill)
    image.save(path)


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "frames"
    folder.mkdir()
    for name, mode, size, fill, _ in FOLDER_IMAGES:
        write_image(folder / name, mode, size, fill)
    (folder / "notes.txt").write_text("not an image")
    write_image(folder / ".hidden.png", "RGB", (10, 10), (255, 255, 255))
    (folder / "sub").mkdir()
    write_image(folder / "sub" / "img0.png", "RGB", (10, 10), (255, 255, 255))
    return folder


def write_video(
    path: Path, colours: list[tuple[int, int, int]], size: tuple[int, int], fps: float = 10.0
) -> None:
    """An MJPG .avi with one solid RGB colour per frame."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    assert writer.isOpened(), "this OpenCV build cannot write MJPG .avi"
    for rgb in colours:
        frame = np.empty((size[1], size[0], 3), np.uint8)
        frame[:] = rgb[::-1]  # BGR
        writer.write(frame)
    writer.release()
