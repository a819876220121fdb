from __future__ import annotations

import sys
import types
from typing import ClassVar

import numpy as np
import pytest
from PIL import Image

from kiosk.camera import CameraError, open_camera
from kiosk.camera.picam import MISSING_PICAMERA2, yuv420_to_rgb


def test_without_picamera2_the_error_names_the_debian_package(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "picamera2", None)  # makes `import picamera2` fail here too
    with pytest.raises(CameraError) as caught:
        open_camera("picamera2")
    assert "python3-picamera2" in str(caught.value)
    assert "--system-site-packages" in str(caught.value)
    assert str(caught.value) == MISSING_PICAMERA2
    assert isinstance(caught.value.__cause__, ImportError)


def padded_i420(rgb: np.ndarray, stride: int) -> np.ndarray:
    """What Picamera2's capture_array returns for a YUV420 stream in the sYCC colour space (full-range
    BT.601, JPEG's formulas): (h * 3 / 2, stride), Y then U then V planes, rows padded to the stride."""
    h, w = rgb.shape[:2]
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    y = 0.299 * r + 0.587 * g + 0.114 * b
    u = 128 + 0.564 * (b - y)
    v = 128 + 0.713 * (r - y)
    out = np.full((h * 3 // 2, stride), 77, np.uint8)  # padding that must not show up
    out[:h, :w] = np.clip(np.rint(y), 0, 255)
    half = (h // 2, stride // 2)
    for k, plane in enumerate((u, v)):
        sub = plane.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
        chroma = np.full(half, 99, np.uint8)
        chroma[:, : w // 2] = np.clip(np.rint(sub), 0, 255)
        out[h + k * h // 4 : h + (k + 1) * h // 4] = chroma.reshape(h // 4, stride)
    return out


def quadrants(w: int, h: int) -> np.ndarray:
    rgb = np.empty((h, w, 3), np.uint8)
    rgb[: h // 2, : w // 2] = (220, 30, 30)
    rgb[: h // 2, w // 2 :] = (30, 220, 30)
    rgb[h // 2 :, : w // 2] = (30, 30, 220)
    rgb[h // 2 :, w // 2 :] = (240, 240, 240)
    return rgb


def test_yuv420_with_stride_padding_converts_to_rgb() -> None:
    rgb = quadrants(640, 480)
    out = yuv420_to_rgb(padded_i420(rgb, 704), 640)
    assert out.shape == (480, 640, 3)
    error = np.abs(out.astype(int) - rgb).max(axis=2)
    away_from_edges = np.ones_like(error, bool)  # chroma is subsampled: colour edges blur by a pixel
    away_from_edges[238:242] = away_from_edges[:, 318:322] = False
    assert error[away_from_edges].max() <= 2  # the image borders too: no padding leaks in


@pytest.mark.parametrize("level", [0, 16, 128, 235, 255])
def test_yuv420_is_decoded_full_range_like_the_main_stream(level: int) -> None:
    """Greys survive unchanged: a limited-range decoder would turn 128 into 130 and 235 into 255."""
    grey = np.full((48, 64, 3), level, np.uint8)
    out = yuv420_to_rgb(padded_i420(grey, 128), 64)
    assert np.abs(out.astype(int) - level).max() <= 1


class FakePicamera2:
    """Only what the source uses of the Picamera2 API (create_video_configuration, configure,
    camera_configuration, start, capture_array, capture_image, stop, close)."""

    instances: ClassVar[list[FakePicamera2]] = []

    def __init__(self, camera_num: int = 0) -> None:
        self.camera_num = camera_num
        self.calls: list[str] = []
        self.config: dict | None = None
        FakePicamera2.instances.append(self)

    def create_video_configuration(self, main=None, lores=None, controls=None):
        return {"main": dict(main), "lores": dict(lores), "controls": dict(controls)}

    def configure(self, config) -> None:
        self.calls.append("configure")
        self.config = config

    def camera_configuration(self):
        return self.config

    def start(self) -> None:
        self.calls.append("start")

    def capture_array(self, name: str) -> np.ndarray:
        assert name == "lores"
        w, h = self.config["lores"]["size"]
        return padded_i420(quadrants(w, h), w + 64)

    def capture_image(self, name: str) -> Image.Image:
        assert name == "main"
        return Image.new("RGBX", self.config["main"]["size"], (1, 2, 3, 0))

    def stop(self) -> None:
        self.calls.append("stop")

    def close(self) -> None:
        self.calls.append("close")


@pytest.fixture
def fake_picamera2(monkeypatch):
    FakePicamera2.instances = []
    module = types.ModuleType("picamera2")
    module.Picamera2 = FakePicamera2
    monkeypatch.setitem(sys.modules, "picamera2", module)
    return FakePicamera2


def test_lores_stream_gives_live_frames_and_main_stream_the_still(fake_picamera2) -> None:
    with open_camera("picamera2:1?fps=20", size=(320, 240)) as camera:
        frame = camera.read()
        still = camera.capture()
    cam = fake_picamera2.instances[0]
    assert cam.camera_num == 1
    assert cam.config["lores"] == {"size": (320, 240), "format": "YUV420"}
    assert cam.config["main"] == {"size": (640, 480), "format": "RGB888"}
    assert cam.config["controls"] == {"FrameRate": 20.0}
    assert cam.calls == ["configure", "start", "stop", "close"]
    assert frame.image.shape == (240, 320, 3) and frame.seq == 0
    assert np.abs(frame.image[60, 80].astype(int) - (220, 30, 30)).max() <= 6
    assert np.abs(frame.image[180, 240].astype(int) - (240, 240, 240)).max() <= 6
    assert still.mode == "RGB" and still.size == (640, 480) and still.getpixel((0, 0)) == (1, 2, 3)


def test_fps_zero_leaves_the_frame_rate_to_the_camera(fake_picamera2) -> None:
    with open_camera("picamera2?fps=0&main=1920x1440"):
        pass
    config = fake_picamera2.instances[0].config
    assert config["controls"] == {} and config["main"]["size"] == (1920, 1440)


def test_no_camera_is_a_clear_error(monkeypatch) -> None:
    def no_camera(camera_num: int = 0):
        raise IndexError("list index out of range")

    module = types.ModuleType("picamera2")
    module.Picamera2 = no_camera
    monkeypatch.setitem(sys.modules, "picamera2", module)
    with pytest.raises(CameraError, match=r"no Raspberry Pi camera 0.*rpicam-hello --list-cameras"):
        open_camera("picamera2")


def test_a_configuration_the_camera_refuses_closes_it_and_says_so(fake_picamera2, monkeypatch) -> None:
    def refuse(self, config):
        raise RuntimeError("Invalid stream configuration")

    monkeypatch.setattr(FakePicamera2, "configure", refuse)
    with pytest.raises(CameraError, match="cannot be configured: Invalid stream configuration"):
        open_camera("picamera2")
    assert fake_picamera2.instances[0].calls == ["close"]
