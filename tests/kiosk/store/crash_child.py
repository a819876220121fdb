"""A process that adds samples and dies by SIGKILL: run by test_durability.py, not by pytest.

    python crash_child.py PROJECT_DIR CLASS_ID POINT AT

Adds camera samples (each with a mask) in a loop and prints `committed <id>` as soon as
`add_sample` returns. For the sample with index AT it kills itself at POINT:

- `temp-written`: the image's temporary file is written and fsynced, not yet renamed;
- `files-written`: image and mask are in place and durable, the row is not committed;
- `committed`: the row is committed, `add_sample` has not returned (nothing printed);
- `never`: keeps adding until the parent kills it (a kill at an arbitrary point).
"""

from __future__ import annotations

import os
import signal
import sys

import numpy as np
from PIL import Image

from kiosk.store import Project, atomic


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    root, class_id, point, at = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    project = Project.open(root, check="none")
    state = {"index": 0}

    real_replace = atomic.os.replace
    real_commit = Project._commit_samples

    def replace(src, dst):
        if point == "temp-written" and state["index"] == at and str(dst).endswith(".jpg"):
            die()
        return real_replace(src, dst)

    def commit(self, prepared):
        if point == "files-written" and state["index"] == at:
            die()
        real_commit(self, prepared)
        if point == "committed" and state["index"] == at:
            die()

    atomic.os.replace = replace  # this process only
    Project._commit_samples = commit

    rng = np.random.default_rng()
    while True:
        pixels = rng.integers(0, 255, size=(48, 64, 3), dtype=np.uint8)
        mask = Image.fromarray((pixels[:, :, 0] > 127).astype(np.uint8) * 255)
        sample = project.add_sample(Image.fromarray(pixels), class_id, "camera", mask=mask)
        print(f"committed {sample.id}", flush=True)
        state["index"] += 1


if __name__ == "__main__":
    main()
