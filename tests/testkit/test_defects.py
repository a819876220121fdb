"""Rendered inspection parts: deterministic, and the mask is where the defect was drawn."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from testkit.defects import DEFECTS, TEXTURES, parts, render_part, write_inspection_folder


@pytest.mark.parametrize("texture", TEXTURES)
def test_the_same_seed_renders_the_same_part(texture):
    first, again = render_part(5, texture, "crack"), render_part(5, texture, "crack")
    np.testing.assert_array_equal(first.image, again.image)
    np.testing.assert_array_equal(first.mask, again.mask)
    assert first.image.dtype == np.uint8 and first.image.shape == (224, 224)
    assert not np.array_equal(first.image, render_part(6, texture, "crack").image)


@pytest.mark.parametrize("texture", TEXTURES)
@pytest.mark.parametrize("defect", DEFECTS)
def test_a_defect_is_small_and_its_mask_marks_the_pixels_it_changed(texture, defect):
    good, bad = render_part(11, texture), render_part(11, texture, defect)
    assert not good.mask.any()
    area = bad.mask.mean()
    assert 0 < area < 0.01, area  # a small local mark, under 1 % of the picture
    # Same seed: same surface, light and contrast; only the grain and the defect differ.
    change = np.abs(bad.image.astype(float) - good.image.astype(float))
    outside = change[~bad.mask].mean()
    assert change[bad.mask].mean() > 2.5 * outside


def test_good_and_defective_sets_never_share_a_picture_and_cycle_the_defects():
    good = parts(4, texture="metal", defective=False, seed=3)
    bad = parts(8, texture="metal", defective=True, seed=3)
    assert [part.defect for part in bad] == [*DEFECTS, *DEFECTS]
    assert all(not np.array_equal(g.image, b.image) for g in good for b in bad)


def test_an_inspection_folder_holds_one_folder_per_class(tmp_path):
    root = write_inspection_folder(
        tmp_path / "data", good=3, defective=4, texture="casting", split_defects=True
    )
    assert sorted(p.name for p in root.iterdir()) == sorted(["good", *DEFECTS])
    picture = Image.open(next((root / "crack").iterdir()))
    assert picture.mode == "L" and picture.size == (224, 224)
