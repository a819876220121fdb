"""The classic engine's contract with its callers: arguments, determinism, sizes and modes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from shared.presets import Preset
from shared.variations import SUPPORTED_PRESETS, ClassicEngine, UnsupportedPreset, Variation

WIDTH, HEIGHT = 32, 24


def _textured_image(width: int = WIDTH, height: int = HEIGHT) -> Image.Image:
    """A colourful image with structure, so every preset visibly changes it."""
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8))


def _centre_mask(width: int = WIDTH, height: int = HEIGHT) -> Image.Image:
    mask = np.zeros((height, width), dtype=np.uint8)
    mask[height // 4 : 3 * height // 4, width // 4 : 3 * width // 4] = 255
    return Image.fromarray(mask)


def _run(
    preset: Preset,
    *,
    image: Image.Image | None = None,
    mask: Image.Image | None = None,
    change: float = 0.8,
    seed: int = 1,
    count: int = 1,
) -> list[Variation]:
    return list(ClassicEngine().variations(image or _textured_image(), mask, preset, change, seed, count))


def test_supported_presets_are_the_five_classic_ones() -> None:
    expected = {
        Preset.NEW_COLOUR,
        Preset.NEW_BACKGROUND,
        Preset.DIFFERENT_LIGHT,
        Preset.NEW_ANGLE,
        Preset.MIX,
    }
    assert expected == SUPPORTED_PRESETS


@pytest.mark.parametrize("preset", sorted(SUPPORTED_PRESETS))
def test_same_arguments_give_byte_identical_images(preset: Preset) -> None:
    first = _run(preset, mask=_centre_mask(), count=3)
    second = _run(preset, mask=_centre_mask(), count=3)
    for a, b in zip(first, second, strict=True):
        assert a.image.tobytes() == b.image.tobytes()
        assert a.mask is not None
        assert b.mask is not None
        assert a.mask.tobytes() == b.mask.tobytes()
        assert a.operations == b.operations


@pytest.mark.parametrize("preset", sorted(SUPPORTED_PRESETS))
def test_different_seeds_give_different_images(preset: Preset) -> None:
    first = _run(preset, mask=_centre_mask(), seed=1)[0]
    second = _run(preset, mask=_centre_mask(), seed=2)[0]
    assert first.image.tobytes() != second.image.tobytes()


def test_images_within_one_run_differ() -> None:
    images = [v.image.tobytes() for v in _run(Preset.MIX, mask=_centre_mask(), count=4)]
    assert len(set(images)) == 4


def test_variation_i_does_not_depend_on_count() -> None:
    short = _run(Preset.MIX, mask=_centre_mask(), count=2)
    long = _run(Preset.MIX, mask=_centre_mask(), count=5)
    assert [v.image.tobytes() for v in short] == [v.image.tobytes() for v in long[:2]]


def test_yields_one_variation_at_a_time_and_exactly_count() -> None:
    iterator = ClassicEngine().variations(_textured_image(), None, Preset.NEW_COLOUR, 0.5, 7, 3)
    assert isinstance(next(iterator), Variation)
    assert len(list(iterator)) == 2


def test_whole_image_flag_and_mask_presence() -> None:
    without = _run(Preset.NEW_COLOUR)[0]
    assert without.whole_image is True
    assert without.mask is None
    with_mask = _run(Preset.NEW_COLOUR, mask=_centre_mask())[0]
    assert with_mask.whole_image is False
    assert with_mask.mask is not None
    assert with_mask.mask.mode == "L"
    assert set(np.unique(np.asarray(with_mask.mask))) <= {0, 255}


def test_operations_describe_the_steps() -> None:
    variation = _run(Preset.NEW_COLOUR, mask=_centre_mask(), change=1.0)[0]
    assert variation.operations
    assert variation.operations[0].startswith("hue_rotate(")


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "1", "CMYK", "I"])
@pytest.mark.parametrize("preset", sorted(SUPPORTED_PRESETS))
def test_any_image_mode_gives_rgb_of_the_same_size(mode: str, preset: Preset) -> None:
    image = _textured_image().convert(mode)
    variation = _run(preset, image=image, mask=_centre_mask())[0]
    assert variation.image.mode == "RGB"
    assert variation.image.size == image.size


@pytest.mark.parametrize("mode", ["1", "RGB", "RGBA", "P", "I"])
def test_any_mask_mode_is_thresholded_to_the_same_object(mode: str) -> None:
    reference = _run(Preset.NEW_COLOUR, mask=_centre_mask())[0]
    converted = _run(Preset.NEW_COLOUR, mask=_centre_mask().convert(mode))[0]
    assert converted.image.tobytes() == reference.image.tobytes()
    assert converted.mask is not None
    assert reference.mask is not None
    assert converted.mask.tobytes() == reference.mask.tobytes()


def test_grey_and_rgba_sources() -> None:
    grey = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    assert _run(Preset.MIX, image=grey)[0].image.mode == "RGB"
    rgba = _textured_image().convert("RGBA")
    rgba.putalpha(128)
    variation = _run(Preset.NEW_ANGLE, image=rgba, mask=_centre_mask())[0]
    assert variation.image.mode == "RGB"
    assert variation.image.size == (WIDTH, HEIGHT)


@pytest.mark.parametrize("size", [(1, 1), (7, 5), (1, 9), (9, 1)])
@pytest.mark.parametrize("preset", sorted(SUPPORTED_PRESETS))
@pytest.mark.parametrize("with_mask", [True, False])
def test_tiny_images_do_not_crash(size: tuple[int, int], preset: Preset, with_mask: bool) -> None:
    image = _textured_image(*size)
    mask = Image.new("L", size, 255) if with_mask else None
    for variation in ClassicEngine().variations(image, mask, preset, 1.0, 3, 4):
        assert variation.image.size == size
        assert (variation.mask is not None) == with_mask


def test_mask_of_the_wrong_size_is_rejected() -> None:
    with pytest.raises(ValueError, match="mask size 10x10 does not match image size 32x24"):
        _run(Preset.NEW_COLOUR, mask=Image.new("L", (10, 10), 255))


def test_empty_image_is_rejected() -> None:
    with pytest.raises(ValueError, match="empty"):
        _run(Preset.NEW_COLOUR, image=Image.new("RGB", (0, 4)))


@pytest.mark.parametrize("preset", sorted(set(Preset) - SUPPORTED_PRESETS))
def test_unsupported_preset_is_rejected_before_iterating(preset: Preset) -> None:
    with pytest.raises(UnsupportedPreset) as raised:
        ClassicEngine().variations(_textured_image(), None, preset, 0.5, 1, 1)
    message = str(raised.value)
    assert str(preset) in message
    for supported in SUPPORTED_PRESETS:
        assert str(supported) in message
    assert isinstance(raised.value, ValueError)


def test_unknown_preset_string_is_unsupported() -> None:
    with pytest.raises(UnsupportedPreset, match="sepia"):
        ClassicEngine().variations(_textured_image(), None, "sepia", 0.5, 1, 1)  # type: ignore[arg-type]


def test_preset_may_be_given_as_its_wire_string() -> None:
    by_string = _run("new_colour")[0]  # type: ignore[arg-type]
    assert by_string.image.tobytes() == _run(Preset.NEW_COLOUR)[0].image.tobytes()


@pytest.mark.parametrize("change", [-0.01, 1.01, math.nan, math.inf])
def test_change_out_of_range_is_rejected_before_iterating(change: float) -> None:
    with pytest.raises(ValueError, match="change must be in"):
        ClassicEngine().variations(_textured_image(), None, Preset.MIX, change, 1, 1)


@pytest.mark.parametrize(("seed", "count"), [(-1, 1), (2**32, 1), (0, 0), (0, -3)])
def test_seed_and_count_out_of_range_are_rejected(seed: int, count: int) -> None:
    with pytest.raises(ValueError, match=r"^(seed|count) must be"):
        ClassicEngine().variations(_textured_image(), None, Preset.MIX, 0.5, seed, count)


def test_extreme_seeds_are_accepted() -> None:
    assert _run(Preset.MIX, seed=0)[0].image.size == (WIDTH, HEIGHT)
    assert _run(Preset.MIX, seed=2**32 - 1)[0].image.size == (WIDTH, HEIGHT)


@settings(max_examples=40, deadline=None)
@given(
    preset=st.sampled_from(sorted(SUPPORTED_PRESETS)),
    change=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    with_mask=st.booleans(),
)
def test_any_arguments_give_rgb_images_of_the_source_size(
    preset: Preset, change: float, seed: int, with_mask: bool
) -> None:
    image = _textured_image(13, 9)
    mask = _centre_mask(13, 9) if with_mask else None
    (variation,) = ClassicEngine().variations(image, mask, preset, change, seed, 1)
    assert variation.image.mode == "RGB"
    assert variation.image.size == (13, 9)
    assert variation.whole_image is not with_mask
    if with_mask:
        assert variation.mask is not None
        assert variation.mask.size == (13, 9)
