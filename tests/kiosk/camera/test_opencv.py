from __future__ import annotations

from typing import ClassVar

import cv2
import numpy as np
import pytest

from kiosk.camera import CameraError, open_camera
from kiosk.camera.opencv import OpenCVCamera
from tests.kiosk.camera.conftest import FakeClock


def test_a_device_that_does_not_exist_is_a_clear_error() -> None:
    with pytest.raises(CameraError) as caught:
        open_camera("opencv:99")
    message = str(caught.value)
    assert "opencv:99" in message and "v4l2-ctl --list-devices" in message


def test_a_device_path_that_does_not_exist_is_a_clear_error() -> None:
    with pytest.raises(CameraError, match="/dev/video-none"):
        open_camera("opencv:/dev/video-none")


class FakeCapture:
    """Stands in for cv2.VideoCapture: records what it is asked, delivers a given BGR frame."""

    instances: ClassVar[list[FakeCapture]] = []
    frame: ClassVar[np.ndarray | None] = None

    def __init__(self, device, backend) -> None:
        self.device, self.backend = device, backend
        self.settings: dict[int, float] = {}
        self.released = False
        FakeCapture.instances.append(self)

    def isOpened(self) -> bool:
        return True

    def set(self, prop: int, value: float) -> bool:
        self.settings[prop] = value
        return True

    def read(self):
        if self.frame is None:
            return False, None
        return True, self.frame.copy()

    def release(self) -> None:
        self.released = True


@pytest.fixture
def fake_capture(monkeypatch):
    FakeCapture.instances = []
    FakeCapture.frame = None
    monkeypatch.setattr(cv2, "VideoCapture", FakeCapture)
    return FakeCapture


def test_frames_are_converted_from_bgr_to_rgb_and_fitted(fake_capture) -> None:
    bgr = np.zeros((720, 1280, 3), np.uint8)
    bgr[..., 0] = 200  # blue in OpenCV's BGR order
    bgr[..., 2] = 10
    fake_capture.frame = bgr
    clock = FakeClock()
    with OpenCVCamera(2, fps=15, clock=clock) as camera:  # timestamps come from the camera's clock
        clock.advance(1.5)
        frame = camera.read()
    cap = fake_capture.instances[0]
    assert cap.device == 2 and cap.backend == cv2.CAP_V4L2
    assert cap.settings[cv2.CAP_PROP_FRAME_WIDTH] == 640 and cap.settings[cv2.CAP_PROP_FRAME_HEIGHT] == 480
    assert cap.settings[cv2.CAP_PROP_FPS] == 15
    assert cap.released
    assert frame.image.shape == (480, 640, 3) and frame.timestamp == 1001.5 and frame.seq == 0
    assert frame.image[240, 320].tolist() == [10, 0, 200]  # RGB
    assert frame.image[:55].max() == 0  # 16:9 letterboxed into 4:3


def test_a_device_that_opens_but_delivers_nothing_is_an_error_at_open(fake_capture) -> None:
    with pytest.raises(CameraError, match="delivered no frame"):
        open_camera("opencv:0")
    assert fake_capture.instances[0].released
