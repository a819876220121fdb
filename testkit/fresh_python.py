"""Run code in a fresh Python process and see which heavy libraries it imported.

What a module imports at import time shows only in an interpreter that has imported nothing else:
the pytest process has long loaded OpenCV, scikit-learn and torch for other tests. So each check
runs its code with `python -c` from the repository root and reads `sys.modules` there.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEAVY_MODULES = (
    "cv2",
    "sklearn",
    "torch",
    "diffusers",
    "transformers",
    "mediapipe",
    "ai_edge_litert",
    "tflite_runtime",
    "tensorflow",
)
"""The libraries that cost seconds (or are absent) on a kiosk: imported only by the code that uses them."""


def heavy_modules_after(code: str, heavy: Iterable[str] = HEAVY_MODULES) -> list[str]:
    """Which of `heavy` are in `sys.modules` once `code` has run in a fresh interpreter, sorted.
    AssertionError with the child's stderr when the code itself fails."""
    report = (
        f"\nimport json, sys\nprint(json.dumps(sorted(m for m in {sorted(heavy)!r} if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code) + report],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
