from __future__ import annotations

from testkit.fresh_python import heavy_modules_after


def test_importing_masking_and_building_a_masker_loads_neither_opencv_nor_mediapipe() -> None:
    code = """
        from kiosk.masking import ObjectMasker, OpenPalmTrigger
        ObjectMasker(); OpenPalmTrigger()
        """
    assert heavy_modules_after(code) == []
