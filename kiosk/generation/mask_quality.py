"""Whether a photo's object mask can be trusted as the thing to vary, and the picker's order by it.

A variation changes what the mask says is the object (inpaint redraws it, the classic engine
recolours it). A visitor who varies a photo whose "object" is a crescent of backdrop gets a
recoloured wall and teaches the model nothing, so the Expand step shows each mask and offers the
photos whose mask passes these checks first. The checks read the stored mask only (the square crop
the capture kept, docs/architecture.md), cost a millisecond, and each names a problem in words:

    problem     measured on the mask                              poor when
    missing     no mask stored (the masker found no object)       always
    tiny        object pixels / crop pixels                       < MIN_COVERAGE (3 %)
    edge        object pixels on the crop's border / border       > MAX_EDGE_SHARE (15 %)
    backdrop    object pixels / crop pixels, or                   > MAX_COVERAGE (85 %): the
                                                                  "object" is the scene
                object pixels / the object's bounding box         < MIN_FILL (35 %): a crescent,
                                                                  a ring or scattered specks

The capture widens the crop around the object, so a good mask leaves a margin: one that runs along
the border was cut off by the camera's frame or leaked into the backdrop. A real object (an apple,
a leaf, a mug) fills half or more of its own box; a disc fills 79 %, a square 100 %.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

import numpy as np
from PIL import Image

MIN_COVERAGE = 0.03
MAX_COVERAGE = 0.85
MAX_EDGE_SHARE = 0.15
MIN_FILL = 0.35

T = TypeVar("T")


class MaskProblem(StrEnum):
    """Why a mask is not trusted; the value is the words the picker shows."""

    MISSING = "no outline"
    TINY = "outline too small"
    EDGE = "outline touches the edge"
    BACKDROP = "outline is mostly backdrop"


@dataclass(frozen=True)
class MaskQuality:
    problems: tuple[MaskProblem, ...]
    coverage: float
    """Share of the photo inside the mask, 0 to 1."""

    @property
    def trusted(self) -> bool:
        return not self.problems

    @property
    def words(self) -> str:
        """ "" for a trusted mask, else its problems joined: for the picker's label."""
        return ", ".join(problem.value for problem in self.problems)


def assess(mask: Image.Image | np.ndarray | None) -> MaskQuality:
    """The checks of the table above on one mask (mode L or bool; white / True is the object)."""
    if mask is None:
        return MaskQuality((MaskProblem.MISSING,), 0.0)
    inside = np.asarray(mask) > 127 if not isinstance(mask, np.ndarray) or mask.dtype != bool else mask
    if inside.ndim != 2 or inside.size == 0:
        raise ValueError(f"a mask is one 2-D plane, got shape {inside.shape}")
    coverage = float(inside.mean())
    if not inside.any():
        return MaskQuality((MaskProblem.TINY,), 0.0)
    problems = []
    if coverage < MIN_COVERAGE:
        problems.append(MaskProblem.TINY)
    border = np.concatenate([inside[0, :], inside[-1, :], inside[1:-1, 0], inside[1:-1, -1]])
    if border.mean() > MAX_EDGE_SHARE:
        problems.append(MaskProblem.EDGE)
    rows, columns = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    box = (rows[-1] - rows[0] + 1) * (columns[-1] - columns[0] + 1)
    if coverage > MAX_COVERAGE or inside.sum() / box < MIN_FILL:
        problems.append(MaskProblem.BACKDROP)
    return MaskQuality(tuple(problems), coverage)


def trusted_first(items: Sequence[T], quality: Callable[[T], MaskQuality]) -> list[T]:
    """`items` with the trusted masks first, each part in its original order (the picker's order)."""
    return sorted(items, key=lambda item: not quality(item).trusted)
