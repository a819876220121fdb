"""The background rule on photos as the kiosk takes them: camera frames through the real masking
pipeline, the kept crops and masks stored in a real project, judged with the real backbone.

One shared backdrop (the demo's replay footage: a red ball, a blue box and a green cup on one cream
paper) must not be called a background shortcut; the same objects each on a paper of its own must.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations, islice

import numpy as np
import pytest

from kiosk.camera import open_camera
from kiosk.coach import Cue, GenerateVariations, suggest
from kiosk.coach.project_state import project_state
from kiosk.features.backbone import Backbone
from kiosk.live.view import kept_sample
from kiosk.store import Project
from shared.presets import Preset
from testkit.scenes import BLUE_BOX, RED_BALL, Blob, render_scene
from tests.kiosk.conftest import REPLAY, rendered_frame_masker
from tools.render_replay import EMPTY_FRAMES, frames_with, wobble

REPLAY_CLASSES = ("ball", "box", "cup")
"""The objects of the replay footage, in the order they appear (tools/render_replay.py)."""
GREEN_CARD = Blob(cx=320, cy=240, rx=2000, ry=2000, colour=(90.0, 170.0, 110.0))
"""A sheet of green card over the whole backdrop: a backdrop of its own."""


@pytest.fixture(scope="module")
def backbone() -> Backbone:
    return Backbone()


def store_captures(project: Project, frames: Iterable[tuple[np.ndarray, str | None]]) -> None:
    """What the capture step does with a camera's frames: every frame through one masker's preview
    (it learns the backdrop from the empty ones), and a frame given a label through its capture
    path, the kept crop and mask stored as a photo of that class."""
    masker = rendered_frame_masker()
    for frame, label in frames:
        if label is None:
            masker.preview(frame)
            continue
        kept = kept_sample(masker.capture(frame))
        if kept is not None:
            class_id = (project.find_class(label) or project.add_class(label)).id
            project.add_sample(kept.image, class_id, "camera", mask=kept.mask)


def replay_burst(per_class: int = 10) -> list[tuple[np.ndarray, str | None]]:
    """The replay footage as the camera delivers it, labelled where a burst of `per_class` photos is
    taken of each object as it comes into view."""
    taken = {index: name for name in REPLAY_CLASSES for index in frames_with(name)[:per_class]}
    frames = len(list(REPLAY.glob("frame_*.jpg")))
    with open_camera(f"replay:{REPLAY}?fps=0") as camera:
        return [(frame.image, taken.get(frame.seq)) for frame in islice(camera.frames(), frames)]


def on_backdrop(label: str, blob: Blob, card: Blob | None) -> list[tuple[np.ndarray, str | None]]:
    """Empty frames of a backdrop (the paper, or `card` laid over it), then 10 photos of `blob`
    held in front of it, wobbling as in the replay footage."""
    empty = [(render_scene(seed=seed, patch=card).image, None) for seed in range(EMPTY_FRAMES)]
    held = [
        (render_scene((wobble(blob, i),), seed=EMPTY_FRAMES + i, patch=card).image, label) for i in range(10)
    ]
    return empty + held


def test_one_shared_backdrop_is_no_background_shortcut(project, backbone):
    store_captures(project, replay_burst())
    assert all(count >= 10 for count in project.counts().values())
    state = project_state(project, backbone)
    rules = {s.rule: s for s in suggest(state)}
    assert "background_shortcut" not in rules
    # The probe ran and found the backdrops alike: no pair kept apart much better than a coin toss.
    background = state.cues[Cue.BACKGROUND]
    assert all(background.of(first, second) < 0.75 for first, second in combinations(REPLAY_CLASSES, 2))
    # The colours do tell the red ball, blue box and green cup apart: that advice still comes.
    assert rules["colour_shortcut"].action == GenerateVariations(Preset.NEW_COLOUR, REPLAY_CLASSES)


def test_a_backdrop_per_class_is_a_background_shortcut(project, backbone):
    store_captures(project, on_backdrop("ball", RED_BALL, None))
    store_captures(project, on_backdrop("box", BLUE_BOX, GREEN_CARD))
    assert all(count >= 10 for count in project.counts().values())
    state = project_state(project, backbone)
    actions = [s.action for s in suggest(state)]
    assert state.cues[Cue.BACKGROUND].of("ball", "box") >= 0.9
    assert GenerateVariations(Preset.NEW_BACKGROUND, ("ball", "box")) in actions
