"""The expand and train steps load no heavy module until they do heavy work (on a worker thread)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
HEAVY = ("sklearn", "ai_edge_litert", "tflite_runtime", "cv2", "mediapipe", "torch", "diffusers")


def test_importing_the_screens_and_their_domain_loads_no_heavy_module():
    code = (
        "import sys\n"
        "import kiosk.tui.screens.expand, kiosk.tui.screens.train, kiosk.tui.widgets.coach_panel\n"
        "import kiosk.generation.expansion, kiosk.learning.training_run\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
