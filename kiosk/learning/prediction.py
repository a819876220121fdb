"""Prediction records for image files: the shape `teachbooth predict --json` prints.

An exported bundle's `predict.py` prints the same shape, and its users compare the two, so both
build their records here. This file imports only its siblings `image_folder` and `open_set`
(relatively) and the standard library: bundles carry it unchanged beside them (`kiosk/export/bundle.py`).

An image the model's open-set rule turns away gets `"label": null` and a `"reason"`: "unknown"
(unlike anything it was taught) or "unsure" (too close a call, with the two `"candidates"`); its
probabilities are still given. A model without the rule labels every image, as it always did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .image_folder import read_image
from .open_set import OpenSetRule, Rejection


def prediction_record(image: str, labels: tuple[str, ...], probabilities: Any, rejection: Rejection | None):
    """One image's record: its label (None when rejected, with the reason) and every probability."""
    record: dict[str, Any] = {"image": image}
    if rejection is None:
        record["label"] = labels[int(probabilities.argmax())]
    else:
        record["label"] = None
        record.update(rejection.as_json())
    record["probabilities"] = {label: float(p) for label, p in zip(labels, probabilities, strict=True)}
    return record


def describe(record: dict[str, Any]) -> str:
    """A record in words, for the text output of `teachbooth predict` and a bundle's predict.py."""
    ranked = sorted(record["probabilities"].items(), key=lambda item: -item[1])
    odds = ", ".join(f"{label} {p:.0%}" for label, p in ranked[:4])
    if record["label"] is not None:
        return f"{record['image']}: {record['label']} ({odds})"
    if record["reason"] == "unsure":
        first, second = record["candidates"]
        return f"{record['image']}: not sure, {first} or {second}? ({odds})"
    return f"{record['image']}: unknown, like nothing it was taught ({odds})"


def predict_files(
    backbone: Any,
    classifier: Any,
    images: Iterable[str],
    open_set: OpenSetRule | None = None,
    read: Callable[[str], Any] = read_image,
) -> tuple[list[dict], list[dict]]:
    """(predictions, errors) for image paths, in the order given.

    `backbone` has `embed` (the kiosk's `Backbone` or `RecipeFeatures`), `classifier` has `labels` and
    `predict_proba` (a `LinearModel`), or their copies in a bundle; `open_set` is the model's rule, if
    it has one. An image that cannot be read or used goes to `errors` with the reason; the others
    still get their prediction. `read` turns a path into the picture to judge (the kiosk's CLI cuts an
    image around the mask beside it, `kiosk/learning/masked_image.py`; a bundle reads the file as is).
    """
    predictions, errors = [], []
    labels = tuple(classifier.labels)
    for image in images:
        try:
            features = backbone.embed([read(image)])
        except ValueError as exc:  # UnreadableImage (missing, not an image, too large) or unusable pixels
            errors.append({"image": image, "error": f"{image} {exc}"})
            continue
        probabilities = classifier.predict_proba(features)[0]
        rejection = None if open_set is None else open_set.judge(features, probabilities[None], labels)[0]
        predictions.append(prediction_record(image, labels, probabilities, rejection))
    return predictions, errors
