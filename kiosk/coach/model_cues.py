"""What the project's current model decides by, measured once per model for the `decides_by` rule.

Probing is the one heavy part of the coach's state that depends on the model rather than the
photos: 1 + 5 x `repeats` backbone runs per photo (`kiosk/learning/cues.py`), a second or two for
a dozen photos on a 2-core x86 machine, several on a Pi. The coach's panel builds its state on a
worker thread whenever the project's revision moves, and training moves it, so the measurement
runs there right after a model is trained, and once: it is kept per model folder (a model's files
never change once recorded, and each training writes a new folder), so a capture or a review later
re-reads it for free. A few photos per class (the first ones, so the same model is always probed
on the same photos) are enough to tell "mostly colour" from "not colour".
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Sequence

import numpy as np
from PIL import Image

from kiosk.coach.config import DecidesByConfig
from kiosk.features.backbone import Backbone
from kiosk.learning.cues import CueShares, measure_cues
from kiosk.learning.masked_image import MaskedPicture
from kiosk.learning.model_dir import ModelDirError, load_model
from kiosk.store import Project

KEPT = 8
"""Measurements kept: the current model's and a few before it (a visitor may go back to one)."""

_measured: OrderedDict[str, CueShares] = OrderedDict()
_lock = threading.Lock()


def pictures_to_probe(
    images: Sequence[np.ndarray], masks: Sequence[np.ndarray | None], labels: Sequence[str], per_class: int
) -> list[MaskedPicture]:
    """The first `per_class` photos of each class (uint8 arrays, masks 0/255 or None), in order."""
    taken: defaultdict[str, int] = defaultdict(int)
    out = []
    for image, mask, label in zip(images, masks, labels, strict=True):
        if taken[label] < per_class:
            taken[label] += 1
            out.append(MaskedPicture(Image.fromarray(image), None if mask is None else Image.fromarray(mask)))
    return out


def current_model_cues(
    project: Project,
    backbone: Backbone,
    pictures: Sequence[MaskedPicture],
    config: DecidesByConfig,
) -> CueShares | None:
    """The cue shares of the project's current model (for `backbone`), measured on `pictures` the
    first time this model is asked about; None without a usable model or pictures."""
    version = project.latest_good_model(backbone.backbone_id)
    if version is None or not pictures:
        return None
    key = str(version.path)
    with _lock:
        if key in _measured:
            _measured.move_to_end(key)
            return _measured[key]
    try:
        model = load_model(version.path)
        features = model.features(backbone)
    except ModelDirError:
        return None
    if model.classifier is None:  # an anomaly model: no answers between classes to overturn
        return None
    shares = measure_cues(features, model.classifier, pictures, repeats=config.repeats, seed=config.seed)
    with _lock:
        _measured[key] = shares
        while len(_measured) > KEPT:
            _measured.popitem(last=False)
    return shares
