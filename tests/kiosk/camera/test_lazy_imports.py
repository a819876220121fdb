from __future__ import annotations

from pathlib import Path

from testkit.fresh_python import heavy_modules_after


def test_importing_and_building_cameras_imports_no_heavy_module(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (32, 24), (1, 2, 3)).save(tmp_path / "a.png")
    code = f"""
        import kiosk.camera
        from kiosk.camera import make_camera, open_camera, parse_spec
        for spec in ("opencv:0", "picamera2", "replay:x.mp4", {str(tmp_path)!r}):
            make_camera(spec if ":" in spec[:10] else "replay:" + spec)
        with open_camera("replay:" + {str(tmp_path)!r}, fps=0) as camera:
            camera.read()  # a folder of images needs only Pillow
        """
    assert heavy_modules_after(code, ("cv2", "picamera2", "mediapipe")) == []


def test_opening_a_webcam_does_import_opencv() -> None:
    """The check above is not vacuous: the same probe sees cv2 once a source needs it."""
    code = """
        from kiosk.camera import CameraError, open_camera
        try:
            open_camera("opencv:99")
        except CameraError:
            pass
        """
    assert heavy_modules_after(code, ("cv2",)) == ["cv2"]
