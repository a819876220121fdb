"""The coach's state gathered from a real project store with the real backbone."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.coach import AddClass, GenerateVariations, ReviewGenerated, suggest
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


@pytest.fixture
def fruit_project(tmp_path):
    """Red apples and green pears, 10 each, with their masks: the colour trap, as the kiosk stores it."""
    images, masks, labels = render_classes(
        {"apple": Scene("apple", RED), "pear": Scene("pear", GREEN)}, per_class=10, seed=3
    )
    with Project.open(tmp_path / "fruit") as project:
        classes = {label: project.add_class(label) for label in ("apple", "pear")}
        for image, mask, label in zip(images, masks, labels, strict=True):
            project.add_sample(image, classes[label], "camera", mask=mask.astype(np.uint8) * 255)
        yield project, classes


def test_a_colour_trap_in_the_store_gets_new_colour_advice(fruit_project, backbone):
    project, _ = fruit_project
    state = project_state(project, backbone)
    assert state.counts == {"apple": 10, "pear": 10}
    assert state.samples_since_training is None  # no model yet
    assert state.evaluation is not None and state.evaluation.accuracy >= 0.9
    actions = [s.action for s in suggest(state)]
    assert GenerateVariations(Preset.NEW_COLOUR, ("apple", "pear")) in actions


def test_generated_images_the_gate_refuses_are_counted_and_reported(fruit_project, backbone):
    project, classes = fruit_project
    noise = np.random.default_rng(0).integers(0, 256, (128, 128, 3), dtype=np.uint8)
    for seed in range(3):
        project.add_sample(np.roll(noise, seed * 17, axis=1), classes["apple"], "generated", accepted=True)
    project.add_sample(noise, classes["pear"], "generated", accepted=False)  # rejected: never judged

    state = project_state(project, backbone)
    assert state.counts == {"apple": 10, "pear": 10}  # generated images are not real samples
    assert state.gate["apple"].failed == 3 and state.gate["apple"].passed == 0
    assert "pear" not in state.gate
    assert ReviewGenerated(("apple",)) in [s.action for s in suggest(state)]


def test_samples_since_training_counts_real_samples_after_the_current_model(fruit_project, backbone):
    project, classes = fruit_project
    train_project(project, backbone, TrainingConfig(augmentation="off"))
    assert project_state(project, backbone).samples_since_training == 0
    images, _, _ = render_classes({"apple": Scene("apple", RED)}, per_class=2, seed=9)
    for image in images:
        project.add_sample(image, classes["apple"], "camera")
    state = project_state(project, backbone)
    assert state.samples_since_training == 2
    assert state.counts["apple"] == 12


def test_an_empty_project_is_told_to_add_classes(tmp_path, backbone):
    with Project.open(tmp_path / "empty") as project:
        state = project_state(project, backbone)
    assert state.counts == {} and state.evaluation is None
    assert isinstance(suggest(state)[0].action, AddClass)
