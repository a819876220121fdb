"""Occlusion saliency with the real backbone on rendered fruit: the map must find the fruit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from kiosk.features.backbone import Backbone
from kiosk.learning.linear_model import LinearModel
from kiosk.learning.saliency import occlusion_saliency
from kiosk.learning.svm import train_linear_svm
from tools.render_sample import GREEN_SKIN, RED_SKIN, Scene, apple, pear, render_scene

SIZE = 224


def _scene(shape, skin, cx: float, cy: float, radius: float, seed: int):
    return render_scene(
        Scene(width=SIZE, height=SIZE, fruit=shape(cx, cy, radius), skin=skin, leaf=False, seed=seed)
    )


@pytest.fixture(scope="module")
def backbone() -> Backbone:
    return Backbone()


@pytest.fixture(scope="module")
def model(backbone) -> LinearModel:
    places = [(112, 118, 62), (80, 90, 45), (140, 140, 50), (100, 130, 55)]
    images, labels = [], []
    for seed, (cx, cy, radius) in enumerate(places):
        images.append(_scene(apple, RED_SKIN, cx, cy, radius, seed)[0])
        images.append(_scene(pear, GREEN_SKIN, cx, cy, radius, seed + 10)[0])
        labels += ["apple", "pear"]
    return train_linear_svm(backbone.embed(images), labels).model


def test_the_map_peaks_on_the_object_not_on_the_plain_background(backbone, model):
    image, mask = _scene(apple, RED_SKIN, 62, 66, 44, seed=99)  # top-left corner, unseen place
    saliency = occlusion_saliency(backbone, model, image)
    assert saliency.label == "apple" and saliency.probability > 0.5
    assert saliency.grid.shape == (7, 7) and saliency.heat.shape == (SIZE, SIZE)

    inside = np.asarray(mask) > 127
    ys, xs = np.nonzero(inside)
    far = np.ones_like(inside)
    far[: ys.max() + 30, : xs.max() + 30] = False  # background well away from the fruit and its shadow
    assert saliency.heat[inside].mean() > 3 * max(saliency.heat[far].mean(), 0.0) + 0.02
    peak_y, peak_x = saliency.peak()
    assert ys.min() <= peak_y <= ys.max() and xs.min() <= peak_x <= xs.max()


def test_another_label_can_be_explained_and_the_grid_covers_every_pixel(backbone, model):
    image, _ = _scene(pear, GREEN_SKIN, 150, 150, 50, seed=98)
    saliency = occlusion_saliency(backbone, model, image, label="apple", patch=80, stride=48)
    assert saliency.label == "apple"
    assert saliency.grid.shape == (4, 4)  # offsets 0, 48, 96 and the flush 144
    assert np.isfinite(saliency.heat).all()


def test_a_worker_thread_gets_the_same_map_while_the_backbone_is_busy_elsewhere(backbone, model):
    image, _ = _scene(apple, RED_SKIN, 112, 112, 50, seed=7)
    alone = occlusion_saliency(backbone, model, image, patch=112, stride=112)
    with ThreadPoolExecutor(max_workers=1) as worker:
        pending = worker.submit(occlusion_saliency, backbone, model, image, patch=112, stride=112)
        preview = backbone.embed([image] * 8)  # the live preview keeps embedding meanwhile
        threaded = pending.result()
    np.testing.assert_array_equal(threaded.grid, alone.grid)
    assert np.allclose(preview, preview[0])


def test_bad_requests_are_refused(backbone, model):
    image, _ = _scene(apple, RED_SKIN, 112, 112, 50, seed=1)
    with pytest.raises(ValueError, match="unknown label 'quince'"):
        occlusion_saliency(backbone, model, image, label="quince")
    with pytest.raises(ValueError, match="patch must be"):
        occlusion_saliency(backbone, model, image, patch=300)
    with pytest.raises(ValueError, match="stride must be"):
        occlusion_saliency(backbone, model, image, stride=0)
    other = LinearModel(
        labels=("a", "b"),
        coef=np.ones((1, 8)),
        intercept=np.zeros(1),
        sigmoid_a=-np.ones(1),
        sigmoid_b=np.zeros(1),
    )
    with pytest.raises(ValueError, match="trained with another backbone"):
        occlusion_saliency(backbone, other, image)
    with pytest.raises(ValueError, match="an image array must be"):
        occlusion_saliency(backbone, model, np.zeros((4, 4, 5), dtype=np.uint8))
