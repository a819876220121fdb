"""A kiosk process that captures two photos, trains, and dies by SIGKILL: run by test_training_killed.py.

    python training_child.py PROJECT_DIR POINT

Adds two camera samples to the project's first class, printing `committed <id>` once each
`add_sample` has returned, prints `training`, then trains and kills itself at POINT:

- `features`: the new samples' features are committed to the cache, nothing is fitted yet;
- `model-files`: the model folder is completely written, its row is not committed;
- `recorded`: the row is committed (the new model is current), `train_project` has not returned.
"""

from __future__ import annotations

import os
import signal
import sys

import numpy as np

from kiosk.features.backbone import Backbone
from kiosk.learning import project_training
from kiosk.learning.config import TrainingConfig
from kiosk.store import Project, Source
from testkit.shapes import render


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def after(function, condition: bool):
    """`function`, then death if `condition`."""

    def wrapped(*args, **kwargs):
        result = function(*args, **kwargs)
        if condition:
            die()
        return result

    return wrapped


def main() -> None:
    root, point = sys.argv[1], sys.argv[2]
    project = Project.open(root, check="none")
    first = project.classes()[0]
    rng = np.random.default_rng(7)
    for _ in range(2):
        sample = project.add_sample(render(first.label, rng), first.id, Source.CAMERA)
        print(f"committed {sample.id}", flush=True)

    # This process only: die right after the step named by POINT.
    Project.set_many_features = after(Project.set_many_features, point == "features")
    project_training.save_model = after(project_training.save_model, point == "model-files")
    Project.add_model = after(Project.add_model, point == "recorded")
    print("training", flush=True)
    project_training.train_project(project, Backbone(), TrainingConfig(augmentation="off"))


if __name__ == "__main__":
    main()
