from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kiosk.camera import open_camera
from kiosk.camera.convert import fit_array, fitted_size

sides = st.integers(1, 4000)


@given(st.tuples(sides, sides), st.tuples(st.integers(1, 2000), st.integers(1, 2000)))
def test_fitted_size_fits_touches_and_keeps_the_aspect_ratio(source, target) -> None:
    w, h = fitted_size(source, target)
    assert 1 <= w <= target[0] and 1 <= h <= target[1]
    assert w == target[0] or h == target[1]  # as large as it can be
    scale = min(target[0] / source[0], target[1] / source[1])
    assert abs(w - source[0] * scale) <= 0.5 + 1e-9 or w == 1
    assert abs(h - source[1] * scale) <= 0.5 + 1e-9 or h == 1


def test_fit_array_returns_a_frame_of_the_right_size_unchanged() -> None:
    rgb = np.zeros((480, 640, 3), np.uint8)
    assert fit_array(rgb, (640, 480)) is rgb


def test_fit_array_scales_up_and_down_with_bars() -> None:
    small = np.full((10, 40, 3), 200, np.uint8)  # 4:1 into 4:3, scaled up 16x
    out = fit_array(small, (640, 480))
    assert out.shape == (480, 640, 3) and out.dtype == np.uint8
    assert out[:159].max() == 0 and out[321:].max() == 0 and (out[161:319] == 200).all()
    big = np.full((2000, 1000, 3), 90, np.uint8)  # 1:2 shrunk to 240x480
    out = fit_array(big, (640, 480))
    assert out[:, :199].max() == 0 and out[:, 441:].max() == 0 and (out[:, 201:439] == 90).all()


def test_reading_and_capturing_from_two_threads(image_folder: Path) -> None:
    seen: list[int] = []
    errors: list[BaseException] = []
    with open_camera(f"replay:{image_folder}", fps=0) as camera:

        def reader() -> None:
            try:
                seen.extend(camera.read().seq for _ in range(300))
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        thread = threading.Thread(target=reader)
        thread.start()
        stills = [camera.capture() for _ in range(100)]
        thread.join()
    assert not errors
    assert seen == sorted(seen) and len(set(seen)) == 300
    assert all(still.size == (640, 480) and still.mode == "RGB" for still in stills)
