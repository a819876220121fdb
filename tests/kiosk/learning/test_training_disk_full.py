"""The disk fills up while a trained model is being saved: a clear error, the last good model stays."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from kiosk.learning.config import TrainingConfig
from kiosk.learning.project_training import train_project
from kiosk.store import Project, Source, StoreError
from testkit.shapes import render
from testkit.small_disk import SmallDisk, small_disk

CONFIG = TrainingConfig(augmentation="off")


@pytest.fixture(params=["tmpfs", "simulated"])
def disk(request, tmp_path, monkeypatch) -> Iterator[SmallDisk]:
    with small_disk(tmp_path / "disk", monkeypatch, prefer=request.param) as found:
        yield found


def test_a_model_that_cannot_be_saved_leaves_the_last_good_one_current(disk, backbone):
    rng = np.random.default_rng(0)
    with Project.open(disk.root / "project") as project:
        for label in ("apple", "leaf"):
            cls = project.add_class(label)
            for _ in range(6):
                project.add_sample(render(label, rng), cls.id, Source.CAMERA)
        first = train_project(project, backbone, CONFIG).version  # every feature is cached now
        disk.fill()

        with pytest.raises(StoreError, match=r"could not save the trained model: .*No space left on device"):
            train_project(project, backbone, CONFIG)

        assert [m.id for m in project.models()] == [first.id]
        assert project.latest_good_model(backbone.backbone_id).id == first.id
        assert project.check().ok, "the half-written model folder was removed"
        disk.free()
        again = train_project(project, backbone, CONFIG).version
        assert project.latest_good_model(backbone.backbone_id).id == again.id
