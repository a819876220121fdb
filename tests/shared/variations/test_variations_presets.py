"""What each preset promises about the picture: which pixels change, how much, and where the mask goes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from shared.presets import Preset
from shared.variations import SUPPORTED_PRESETS, ClassicEngine, Variation
from shared.variations.colour import rgb_to_hsv

WIDTH, HEIGHT = 64, 48
RED = (220, 30, 25)
CENTRE, RADIUS = (26.0, 22.0), 12.0


def _disc() -> np.ndarray:
    """A boolean disc a little left of centre."""
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH]
    return (xs - CENTRE[0]) ** 2 + (ys - CENTRE[1]) ** 2 <= RADIUS**2


def _scene(object_colour: tuple[int, int, int] = RED) -> tuple[Image.Image, Image.Image]:
    """An object disc on a structured background (gradient plus fine noise), and its mask."""
    rng = np.random.default_rng(42)
    ramp = np.linspace(60, 200, WIDTH, dtype=np.float32)[None, :, None]
    background = np.broadcast_to(ramp * np.array([0.7, 0.9, 1.0]), (HEIGHT, WIDTH, 3))
    background = background + rng.normal(0, 6, size=(HEIGHT, WIDTH, 3))
    disc = _disc()
    pixels = np.where(disc[..., None], np.array(object_colour, dtype=np.float32), background)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return image, Image.fromarray(disc.astype(np.uint8) * 255)


def _one(preset: Preset, change: float, seed: int, *, with_mask: bool = True) -> Variation:
    image, mask = _scene()
    return next(ClassicEngine().variations(image, mask if with_mask else None, preset, change, seed, 1))


def _pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.float32)


def _mean_abs_diff(variation: Variation) -> float:
    return float(np.abs(_pixels(variation.image) - _pixels(_scene()[0])).mean())


def _mean_hue_degrees(pixels: np.ndarray) -> float:
    """Circular mean hue of (n, 3) RGB pixels, in degrees."""
    hue = rgb_to_hsv(pixels / 255.0)[..., 0] * 2 * np.pi
    return float(np.degrees(np.arctan2(np.sin(hue).mean(), np.cos(hue).mean())))


def _hue_distance(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


@settings(max_examples=25, deadline=None)
@given(change=st.floats(0.0, 1.0), seed=st.integers(0, 2**32 - 1))
def test_new_colour_leaves_pixels_outside_the_mask_identical(change: float, seed: int) -> None:
    source = _pixels(_scene()[0])
    result = _pixels(_one(Preset.NEW_COLOUR, change, seed).image)
    outside = ~_disc()
    np.testing.assert_array_equal(result[outside], source[outside])


@pytest.mark.parametrize("change", [0.5, 0.75, 1.0])
@pytest.mark.parametrize("seed", range(6))
def test_new_colour_turns_a_red_object_away_from_red(change: float, seed: int) -> None:
    disc = _disc()
    source_hue = _mean_hue_degrees(_pixels(_scene()[0])[disc])
    new_hue = _mean_hue_degrees(_pixels(_one(Preset.NEW_COLOUR, change, seed).image)[disc])
    assert _hue_distance(source_hue, new_hue) >= 45.0


def test_new_colour_gives_a_grey_object_some_colour() -> None:
    image, mask = _scene(object_colour=(128, 128, 128))
    variation = next(ClassicEngine().variations(image, mask, Preset.NEW_COLOUR, 1.0, 5, 1))
    inside = _pixels(variation.image)[_disc()]
    saturation = (inside.max(axis=1) - inside.min(axis=1)) / inside.max(axis=1)
    assert saturation.mean() > 0.2
    assert any(op.startswith("saturation_lift(") for op in variation.operations)


def test_new_colour_without_a_mask_recolours_the_whole_frame() -> None:
    variation = _one(Preset.NEW_COLOUR, 1.0, 3, with_mask=False)
    changed = np.abs(_pixels(variation.image) - _pixels(_scene()[0])).sum(axis=-1) > 0
    assert changed[~_disc()].mean() > 0.9
    assert variation.whole_image


@settings(max_examples=25, deadline=None)
@given(change=st.floats(0.0, 1.0), seed=st.integers(0, 2**32 - 1))
def test_new_background_leaves_pixels_inside_the_mask_identical(change: float, seed: int) -> None:
    source = _pixels(_scene()[0])
    result = _pixels(_one(Preset.NEW_BACKGROUND, change, seed).image)
    inside = _disc()
    np.testing.assert_array_equal(result[inside], source[inside])


@pytest.mark.parametrize("seed", range(8))
def test_new_background_mostly_replaces_the_background_at_full_change(seed: int) -> None:
    source = _pixels(_scene()[0])
    result = _pixels(_one(Preset.NEW_BACKGROUND, 1.0, seed).image)
    outside = ~_disc()
    # A replaced backdrop no longer follows the source's fine noise: the residual is not just a shift.
    residual = result[outside] - source[outside]
    assert np.abs(residual).mean() > 10 or residual.std() > 10


def test_new_background_without_a_mask_perturbs_the_whole_frame_and_says_so() -> None:
    variation = _one(Preset.NEW_BACKGROUND, 0.8, 4, with_mask=False)
    assert variation.whole_image
    assert variation.operations[0].startswith("no_background(")
    assert 0.0 < _mean_abs_diff(variation) < 40.0


def test_different_light_changes_object_and_background() -> None:
    variation = _one(Preset.DIFFERENT_LIGHT, 1.0, 2)
    difference = np.abs(_pixels(variation.image) - _pixels(_scene()[0])).mean(axis=-1)
    disc = _disc()
    assert difference[disc].mean() > 2.0
    assert difference[~disc].mean() > 2.0


@pytest.mark.parametrize("preset", sorted(SUPPORTED_PRESETS))
@pytest.mark.parametrize("with_mask", [True, False])
def test_change_zero_gives_the_source_back(preset: Preset, with_mask: bool) -> None:
    for seed in range(3):
        assert _mean_abs_diff(_one(preset, 0.0, seed, with_mask=with_mask)) < 0.5


@pytest.mark.parametrize("preset", sorted(SUPPORTED_PRESETS))
def test_strength_grows_with_change(preset: Preset) -> None:
    seeds = range(8)
    weak = np.mean([_mean_abs_diff(_one(preset, 0.2, seed)) for seed in seeds])
    strong = np.mean([_mean_abs_diff(_one(preset, 0.9, seed)) for seed in seeds])
    assert weak < strong


def _red_pixels(image: Image.Image) -> np.ndarray:
    pixels = _pixels(image)
    return (pixels[..., 0] > 150) & (pixels[..., 1] < 100) & (pixels[..., 2] < 100)


@pytest.mark.parametrize("seed", range(8))
def test_new_angle_moves_the_mask_with_the_object(seed: int) -> None:
    variation = _one(Preset.NEW_ANGLE, 1.0, seed)
    assert variation.mask is not None
    mask = np.asarray(variation.mask) > 127
    red = _red_pixels(variation.image)
    overlap = (mask & red).sum() / (mask | red).sum()
    assert overlap > 0.85
    # The object moved, and the mask with it: the centroids agree with each other, not with the source.
    ys, xs = np.nonzero(mask)
    red_ys, red_xs = np.nonzero(red)
    assert abs(xs.mean() - red_xs.mean()) < 1.0
    assert abs(ys.mean() - red_ys.mean()) < 1.0


def test_new_angle_actually_moves_the_object() -> None:
    moved = [_one(Preset.NEW_ANGLE, 1.0, seed).mask for seed in range(4)]
    source = _disc()
    for mask in moved:
        assert mask is not None
        assert not np.array_equal(np.asarray(mask) > 127, source)


@pytest.mark.parametrize("seed", range(8))
def test_new_angle_leaves_no_black_corners_on_a_bright_image(seed: int) -> None:
    bright = Image.linear_gradient("L").resize((WIDTH, HEIGHT)).point(lambda v: 120 + v // 2).convert("RGB")
    variation = next(ClassicEngine().variations(bright, None, Preset.NEW_ANGLE, 1.0, seed, 1))
    pixels = _pixels(variation.image)
    corners = pixels[[0, 0, -1, -1], [0, -1, 0, -1]]
    assert corners.min() >= 100
    assert variation.mask is None


def test_mix_ends_with_blur_and_noise() -> None:
    variation = _one(Preset.MIX, 0.7, 9)
    assert variation.operations[-2].startswith("gaussian_blur(")
    assert variation.operations[-1].startswith("gaussian_noise(")
    assert len(variation.operations) > 2
