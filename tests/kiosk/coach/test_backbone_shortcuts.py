"""The shortcut rules against the real backbone: EfficientNet-Lite0 features of rendered fruit.

24 pictures a scene (about 8 ms each through the TFLite model), so the model side of the comparison
is what the kiosk would really have.
"""

import pytest

from kiosk.coach import GenerateVariations, build_state, suggest
from kiosk.features.backbone import Backbone
from shared.presets import Preset
from testkit.colour_scenes import BLUE_BACKDROP, GREEN, RED, YELLOW_BACKDROP, Scene, render_classes

ANY_HUE = (0.0, 1.0)
SCENES = {
    "colour_trap": {"apple": Scene("apple", RED), "pear": Scene("pear", GREEN)},
    "same_colour": {"apple": Scene("apple", RED), "pear": Scene("pear", RED)},
    "background_trap": {
        "apple": Scene("apple", ANY_HUE, BLUE_BACKDROP),
        "pear": Scene("pear", ANY_HUE, YELLOW_BACKDROP),
    },
    "same_background": {"apple": Scene("apple", ANY_HUE), "pear": Scene("pear", ANY_HUE)},
}


@pytest.fixture(scope="module")
def backbone() -> Backbone:
    return Backbone()


def generate_actions(scene: str, backbone: Backbone) -> list[GenerateVariations]:
    images, masks, labels = render_classes(SCENES[scene], per_class=12, seed=1)
    state = build_state(("apple", "pear"), images, labels, masks=masks, features=backbone.embed(images))
    # Shape tells the fruit apart, so the real model must succeed in every scene.
    assert state.evaluation.accuracy >= 0.9
    return [s.action for s in suggest(state) if isinstance(s.action, GenerateVariations)]


def test_red_apples_and_green_pears_get_new_colour(backbone):
    assert generate_actions("colour_trap", backbone) == [
        GenerateVariations(Preset.NEW_COLOUR, ("apple", "pear"))
    ]


def test_red_apples_and_red_pears_get_no_variation_advice(backbone):
    assert generate_actions("same_colour", backbone) == []


def test_distinct_backdrops_get_new_background(backbone):
    assert generate_actions("background_trap", backbone) == [
        GenerateVariations(Preset.NEW_BACKGROUND, ("apple", "pear"))
    ]


def test_shared_backdrops_get_no_variation_advice(backbone):
    assert generate_actions("same_background", backbone) == []
