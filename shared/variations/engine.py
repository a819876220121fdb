"""The classic engine: presets to recipes of CPU-only steps, one seeded image at a time.

It is what the demo and the tests use end to end, and what the kiosk runs
itself when no GPU worker is reachable, so it depends on NumPy and Pillow
only. Each image gets its own generator seeded from (seed, index): the
kiosk can stop early, ask again for image 7 alone, or compare two runs,
and always get the same pixels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image

from shared.presets import Preset
from shared.variations.background import new_background
from shared.variations.colour import recolour
from shared.variations.degrade import add_noise, blur
from shared.variations.frame import Frame
from shared.variations.geometry import reposition
from shared.variations.lighting import relight

Step = Callable[[Frame, np.random.Generator, float], Frame]
"""A variation step: (frame, generator, change in [0, 1]) -> new frame."""

#: Without a mask there is no background, so NEW_BACKGROUND only re-lights at this share of `change`.
WHOLE_FRAME_LIGHT_SHARE = 0.5
#: Chance that MIX includes each of its main steps (at least one is always included).
MIX_STEP_PROBABILITY = 0.5
#: The largest seed: seeds are 32-bit so that they fit every wire format and database column.
MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class Variation:
    """One generated image and how it was made."""

    image: Image.Image
    """RGB, the same size as the source."""
    mask: Image.Image | None
    """The object mask ("L", 0/255) moved with the image; None if no mask was given."""
    operations: tuple[str, ...]
    """Human-readable steps applied, in order, e.g. ("hue_rotate(+137deg)", ...)."""
    whole_image: bool
    """True when no mask was given and the whole frame was treated as the object."""


class UnsupportedPreset(ValueError):
    """The classic engine cannot realise this preset (e.g. "riper" needs a generative model)."""


def _background_or_whole_frame(frame: Frame, rng: np.random.Generator, change: float) -> Frame:
    """A new background, or, without a mask, a mild whole-frame change of light and noise."""
    if frame.mask is not None:
        return new_background(frame, rng, change)
    noted = frame.with_step(frame.rgb, "no_background(no mask: whole frame perturbed instead)")
    return add_noise(relight(noted, rng, change * WHOLE_FRAME_LIGHT_SHARE), rng, change)


_MIX_STEPS: tuple[Step, ...] = (recolour, _background_or_whole_frame, relight, reposition)


def _mix(frame: Frame, rng: np.random.Generator, change: float) -> Frame:
    """A random, non-empty combination of the main steps, then mild blur and noise.

    The main steps run in a fixed order (colour and background before
    geometry, so they use the mask where it still lines up with the source).
    """
    chosen = rng.random(len(_MIX_STEPS)) < MIX_STEP_PROBABILITY
    if not chosen.any():
        chosen[rng.integers(len(_MIX_STEPS))] = True
    for step, include in zip(_MIX_STEPS, chosen, strict=True):
        if include:
            frame = step(frame, rng, change)
    return add_noise(blur(frame, rng, change), rng, change)


_RECIPES: dict[Preset, Step] = {
    Preset.NEW_COLOUR: recolour,
    Preset.NEW_BACKGROUND: _background_or_whole_frame,
    Preset.DIFFERENT_LIGHT: relight,
    Preset.NEW_ANGLE: reposition,
    Preset.MIX: _mix,
}

SUPPORTED_PRESETS: frozenset[Preset] = frozenset(_RECIPES)


def _recipe_for(preset: Preset) -> Step:
    """The step that realises `preset`, or UnsupportedPreset naming the ones that exist."""
    recipe = _RECIPES.get(preset)
    if recipe is None:
        supported = ", ".join(sorted(str(p) for p in SUPPORTED_PRESETS))
        raise UnsupportedPreset(
            f"preset {str(preset)!r} is not supported by the classic engine; supported: {supported}"
        )
    return recipe


def _check_arguments(change: float, seed: int, count: int) -> None:
    """Reject arguments that would otherwise fail late or silently (NaN change fails too)."""
    if not 0.0 <= change <= 1.0:
        raise ValueError(f"change must be in [0, 1], got {change!r}")
    if not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be an int in 0..{MAX_SEED}, got {seed!r}")
    if not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be an int >= 1, got {count!r}")


class ClassicEngine:
    """Mask-aware variations (recolour, new background, light, angle, mix) with NumPy and Pillow."""

    def variations(
        self,
        image: Image.Image,
        mask: Image.Image | None,
        preset: Preset,
        change: float,
        seed: int,
        count: int,
    ) -> Iterator[Variation]:
        """Yield `count` variations of `image`, one at a time.

        `mask` (any mode, > 127 is object) must match the image size;
        `change` in [0, 1] scales the strength, 0 giving the source back.
        Variation i depends only on the arguments and i. All arguments are
        checked here, before the first image is made, so a bad job fails at
        once instead of after the caller has started reporting progress.
        """
        recipe = _recipe_for(preset)
        _check_arguments(change, seed, count)
        source = Frame.from_pil(image, mask)
        return self._generate(source, recipe, change, seed, count)

    @staticmethod
    def _generate(source: Frame, recipe: Step, change: float, seed: int, count: int) -> Iterator[Variation]:
        """The lazy half of `variations`: one fresh generator per image index."""
        for index in range(count):
            result = recipe(source, np.random.default_rng([seed, index]), change)
            yield Variation(
                image=result.to_pil_image(),
                mask=result.to_pil_mask(),
                operations=result.operations,
                whole_image=source.mask is None,
            )
