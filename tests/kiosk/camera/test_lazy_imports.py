from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("heavy", ["cv2", "picamera2", "mediapipe"])
def test_importing_and_building_cameras_imports_no_heavy_module(tmp_path: Path, heavy: str) -> None:
    from PIL import Image

    Image.new("RGB", (32, 24), (1, 2, 3)).save(tmp_path / "a.png")
    result = run(
        f"""
        import sys
        import kiosk.camera
        from kiosk.camera import make_camera, open_camera, parse_spec
        for spec in ("opencv:0", "picamera2", "replay:x.mp4", {str(tmp_path)!r}):
            make_camera(spec if ":" in spec[:10] else "replay:" + spec)
        with open_camera("replay:" + {str(tmp_path)!r}, fps=0) as camera:
            camera.read()  # a folder of images needs only Pillow
        assert {heavy!r} not in sys.modules, "imported {heavy}"
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_opening_a_webcam_does_import_opencv() -> None:
    """The check above is not vacuous: the same subprocess sees cv2 once a source needs it."""
    result = run(
        """
        import sys
        from kiosk.camera import CameraError, open_camera
        try:
            open_camera("opencv:99")
        except CameraError:
            pass
        assert "cv2" in sys.modules
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
