"""Rendered images, a project holding them and a model trained on their real backbone features."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from kiosk.features.backbone import Backbone
from kiosk.learning.model_dir import TrainedModel, save_model
from kiosk.learning.open_set import OpenSetRule
from kiosk.learning.svm import train_linear_svm

SHAPES = ("disc", "square", "bar")


def render(shape: str, seed: int, size: tuple[int, int] = (96, 72)) -> Image.Image:
    """A coloured shape on a noisy backdrop; the shape decides the class, colours and place vary."""
    rng = np.random.default_rng(seed)
    width, height = size
    backdrop = rng.integers(40, 200, size=3)
    pixels = np.clip(backdrop + rng.normal(0, 12, (height, width, 3)), 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels)
    draw = ImageDraw.Draw(image)
    colour = tuple(int(v) for v in rng.integers(0, 256, size=3))
    cx, cy = width // 2 + int(rng.integers(-8, 9)), height // 2 + int(rng.integers(-6, 7))
    r = int(rng.integers(16, 24))
    if shape == "disc":
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    elif shape == "square":
        draw.rectangle((cx - r, cy - r, cx + r, cy + r), fill=colour)
    else:
        draw.rectangle((cx - r - 10, cy - 5, cx + r + 10, cy + 5), fill=colour)
    return image


def mask_of(image: Image.Image) -> Image.Image:
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).rectangle((20, 10, 60, 50), fill=255)
    return mask


@pytest.fixture(scope="session")
def backbone() -> Backbone:
    return Backbone()


def train_shapes_model(folder: Path, backbone: Backbone) -> TrainedModel:
    """A three-class model folder trained on the real backbone features of 6 rendered images per
    class, with its open-set rule calibrated as `teachbooth train` calibrates it."""
    images = [(shape, render(shape, seed)) for shape in SHAPES for seed in range(6)]
    features = backbone.embed([image for _, image in images])
    labels = [shape for shape, _ in images]
    fit = train_linear_svm(features, labels)
    rule = OpenSetRule.calibrate(
        features, labels, range(len(labels)), np.ones(len(labels), bool), fit.model.labels, fit.oof_proba
    )
    return save_model(folder, fit.model, backbone, {"samples": len(images), "c": fit.c}, rule)


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory, backbone: Backbone) -> TrainedModel:
    return train_shapes_model(tmp_path_factory.mktemp("model") / "shapes", backbone)


@pytest.fixture(scope="session")
def query_images(tmp_path_factory) -> list[Path]:
    """Images the model has not seen, in the formats and modes predict must handle alike, drawn as
    its training images were (a shape a third the size on a larger canvas is rightly unknown)."""
    folder = tmp_path_factory.mktemp("queries")
    paths = []
    for index, shape in enumerate(SHAPES):
        image = render(shape, 100 + index)
        paths.append(folder / f"{shape}.jpg")
        image.save(paths[-1], quality=90)
    grey = render("disc", 200).convert("L")
    paths.append(folder / "grey disc.png")
    grey.save(paths[-1])
    rgba = render("bar", 201).convert("RGBA")
    rgba.putalpha(200)
    paths.append(folder / "bar.png")
    rgba.save(paths[-1])
    return paths


@pytest.fixture(scope="session")
def strange_images(tmp_path_factory) -> list[Path]:
    """Images like nothing the shapes model was taught: an empty grey backdrop and random noise."""
    folder = tmp_path_factory.mktemp("strange")
    empty, noise = folder / "empty backdrop.png", folder / "noise.png"
    Image.new("RGB", (160, 120), (128, 128, 128)).save(empty)
    pixels = np.random.default_rng(7).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(noise)
    return [empty, noise]
