from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_importing_masking_and_building_a_masker_loads_neither_opencv_nor_mediapipe() -> None:
    code = (
        "import sys\n"
        "from kiosk.masking import ObjectMasker, OpenPalmTrigger\n"
        "ObjectMasker(); OpenPalmTrigger()\n"
        "print([m for m in ('cv2', 'mediapipe') if m in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
