"""Prediction records for image files: the shape `teachbooth predict --json` prints.

An exported bundle's `predict.py` prints the same shape, and its users compare the two, so both
build their records here. This file imports only its sibling `image_folder` (relatively) and the
standard library: bundles carry it unchanged beside that file (`kiosk/export/bundle.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .image_folder import read_image


def predict_files(backbone: Any, classifier: Any, images: Iterable[str]) -> tuple[list[dict], list[dict]]:
    """(predictions, errors) for image paths, in the order given.

    `backbone` has `embed`, `classifier` has `labels` and `predict_proba` (the kiosk's `Backbone` and
    `LinearModel`, or their copies in a bundle). An image that cannot be read or used goes to
    `errors` with the reason; the others still get their prediction.
    """
    predictions, errors = [], []
    for image in images:
        try:
            features = backbone.embed([read_image(image)])
        except ValueError as exc:  # UnreadableImage (missing, not an image, too large) or unusable pixels
            errors.append({"image": image, "error": f"{image} {exc}"})
            continue
        probabilities = classifier.predict_proba(features)[0]
        predictions.append(
            {
                "image": image,
                "label": classifier.labels[int(probabilities.argmax())],
                "probabilities": {
                    label: float(p) for label, p in zip(classifier.labels, probabilities, strict=True)
                },
            }
        )
    return predictions, errors
