import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_importing_the_coach_and_running_its_rules_loads_no_heavy_module():
    # The TUI imports the coach to show suggestions; scikit-learn and the TFLite runtime load only
    # when a state is built.
    code = (
        "import sys\n"
        "from kiosk.coach import CoachState, suggest\n"
        "suggest(CoachState(classes=('a', 'b'), counts={'a': 1, 'b': 0}))\n"
        "print(sorted(m for m in ('sklearn', 'ai_edge_litert', 'tflite_runtime', 'cv2', 'mediapipe') "
        "if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
