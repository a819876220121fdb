"""The kiosk process killed (SIGKILL) while it trains: samples and the last good model survive.

Capture under SIGKILL is covered by tests/kiosk/store/test_durability.py; here a child process
first captures two photos, then trains, and dies at a chosen step of training (see
training_child.py). The project must open afterwards with every sample whose add returned, the
last good model to predict with (the old one, or the new one once its row was committed), no row
naming a half-written model, and must train again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kiosk.learning.config import TrainingConfig
from kiosk.learning.model_dir import load_model
from kiosk.learning.project_training import train_project
from kiosk.store import Project, Source
from testkit.shapes import render

CHILD = Path(__file__).with_name("training_child.py")
REPO = Path(__file__).resolve().parents[3]
LABELS = ("apple", "leaf")
CONFIG = TrainingConfig(augmentation="off")


def run_child(root: Path, point: str) -> list[str]:
    """Run training_child.py until it is SIGKILLed; return the sample ids it saw committed."""
    proc = subprocess.run(
        [sys.executable, str(CHILD), str(root), point],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(REPO)},
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "training" in proc.stdout.splitlines(), "the child must die while training, not before"
    return [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("committed ")]


@pytest.fixture
def trained_project(tmp_path, backbone):
    """Two classes of six photos and one trained model, closed again (the child opens it)."""
    rng = np.random.default_rng(0)
    root = tmp_path / "project"
    with Project.open(root) as project:
        for label in LABELS:
            cls = project.add_class(label)
            for _ in range(6):
                project.add_sample(render(label, rng), cls.id, Source.CAMERA)
        first = train_project(project, backbone, CONFIG).version
    return root, first


@pytest.mark.parametrize(
    ("point", "new_model_kept"), [("features", False), ("model-files", False), ("recorded", True)]
)
def test_killed_while_training_keeps_every_sample_and_the_last_good_model(
    trained_project, backbone, point, new_model_kept
):
    root, first = trained_project
    with Project.open(root) as project:
        before = {sample.id for sample in project.samples()}

    committed = run_child(root, point)

    with Project.open(root) as project:
        assert len(committed) == 2
        assert {sample.id for sample in project.samples()} == before | set(committed)
        check = project.last_check
        assert check.bad_images == () and check.bad_models == ()
        good = project.latest_good_model(backbone.backbone_id)
        models = project.models()
        if new_model_kept:
            assert len(models) == 2 and good.id == models[-1].id != first.id
        else:
            assert [m.id for m in models] == [first.id] and good.id == first.id
        model = load_model(good.path)
        probes = [render(label, np.random.default_rng(9)) for label in LABELS]
        assert model.classifier.predict(backbone.embed(probes)) == list(LABELS)

        leftover = point == "model-files"  # a complete folder that no row names
        assert len(check.orphan_model_dirs) == (1 if leftover else 0)
        project.repair(min_age_s=0)
        assert project.check().ok
        again = train_project(project, backbone, CONFIG)
        assert project.latest_good_model(backbone.backbone_id).id == again.version.id
        assert again.outcome.counts["apple"]["real"] == 8  # the two photos taken before the kill
