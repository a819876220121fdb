"""What the current model decides by, measured from a real project store after training, once per model."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.coach import GenerateVariations, suggest
from kiosk.coach.project_state import project_state
from kiosk.features.backbone import Backbone
from kiosk.learning.config import TrainingConfig
from kiosk.learning.project_training import train_project
from kiosk.store import Project
from shared.presets import Preset
from testkit.colour_scenes import GREEN, RED, Scene, render_classes


@pytest.fixture(scope="module")
def backbone() -> Backbone:
    return Backbone()


def test_a_model_of_two_classes_that_differ_only_by_colour_is_said_to_decide_by_colour(tmp_path, backbone):
    images, masks, labels = render_classes(
        {"red": Scene("apple", RED), "green": Scene("apple", GREEN)}, per_class=8, seed=5
    )
    with Project.open(tmp_path / "apples") as project:
        classes = {label: project.add_class(label) for label in ("red", "green")}
        for image, mask, label in zip(images, masks, labels, strict=True):
            project.add_sample(image, classes[label], "camera", mask=mask.astype(np.uint8) * 255)
        assert project_state(project, backbone).model_cues is None  # nothing trained yet

        train_project(project, backbone, TrainingConfig(augmentation="off"))
        state = project_state(project, backbone)
        cues = state.model_cues
        assert cues is not None and cues.images == 8  # the first 4 photos of each class
        assert cues.dominant() == "colour"
        advice = [s for s in suggest(state) if s.rule == "decides_by"]
        assert [s.action for s in advice] == [GenerateVariations(Preset.NEW_COLOUR, ("red", "green"))]
        assert advice[0].reason.startswith("The model decides mostly by colour: a new colour changed ")

        assert project_state(project, backbone).model_cues is cues  # measured once per model
        train_project(project, backbone, TrainingConfig(augmentation="off"))
        assert project_state(project, backbone).model_cues is not cues  # a new model is measured anew
