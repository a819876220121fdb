"""A trained model on disk: what `teachbooth train --out` writes and `eval`, `predict`, `export` read.

    MODEL_DIR/model.json       labels, the backbone it needs, preprocessing, the feature recipe
                               (`kiosk/features/recipes.py`; absent: "global"), how it was trained
    MODEL_DIR/classifier.npz   the calibrated linear SVM (`linear_model.py`), no pickle
    MODEL_DIR/open_set.npz     when to answer "unknown" or "not sure" instead (`open_set.py`); a
                               model trained before the rule existed has none and answers as it did

A model taught from good parts only (`"kind": "anomaly"` in model.json) has `anomaly.npz` (the
memory bank and threshold, `anomaly.py`) instead of the classifier and the open-set rule; its one
label is the good class's name.

The folder names its backbone by file name and sha256 rather than carrying a 13 MB copy: the kiosk
ships its backbones in `kiosk/models/`, and a model is only valid with the exact file its features
came from, so loading checks the checksum and refuses a model made with another backbone with an
error that says what to do. A model bundle (`teachbooth export`) does carry the file, under the same
name, and is found first. The project store keeps its model versions in this same format.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.features.backbone import MODELS_DIR, Backbone, file_sha256
from kiosk.features.recipes import GLOBAL, RECIPES, RecipeFeatures, recipe_dim
from kiosk.learning.anomaly import AnomalyDetector
from kiosk.learning.linear_model import LinearModel, ModelFileError
from kiosk.learning.open_set import OpenSetRule

FORMAT = "teachbooth-model"
VERSION = 1
MANIFEST = "model.json"
CLASSIFIER = "classifier.npz"
OPEN_SET = "open_set.npz"
ANOMALY = "anomaly.npz"
ANOMALY_KIND = "anomaly"
PREPROCESSING = {
    "function": "preprocess_image",
    "orientation": "exif",
    "colour": "rgb8, transparent pixels on grey 127",
    "crop": "largest centred box of the input's aspect ratio",
    "resize": "bilinear, antialiased, reducing_gap 3.0",
    "dtype": "uint8 NHWC 0..255 (scaling inside the model)",
}
"""What `kiosk.features.backbone.preprocess_image` does, written down for people reading a bundle."""


class ModelDirError(ValueError):
    """A model folder that is missing, damaged, or needs a backbone this kiosk does not have."""


@dataclass(frozen=True)
class BackboneSpec:
    file: str
    """File name of the .tflite (looked up in the model folder, then in `kiosk/models/`)."""
    sha256: str
    input_size: tuple[int, int]
    feature_dim: int
    input_range: tuple[float, float] = (0.0, 1.0)

    @classmethod
    def of(cls, backbone: Backbone) -> BackboneSpec:
        return cls(
            file=backbone.path.name,
            sha256=backbone.backbone_id,
            input_size=backbone.input_size,
            feature_dim=backbone.feature_dim,
            input_range=backbone.input_range,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "input_size": list(self.input_size),
            "feature_dim": self.feature_dim,
            "input_range": list(self.input_range),
        }


@dataclass(frozen=True)
class TrainedModel:
    path: Path
    classifier: LinearModel | None
    """The calibrated SVM; None for an anomaly model (`anomaly`)."""
    backbone: BackboneSpec
    training: dict[str, Any] = field(default_factory=dict)
    """How it was trained (counts, C, folds, cross-validated accuracy, ...): for people, not code."""
    open_set: OpenSetRule | None = None
    """When its answer is "unknown" or "not sure"; None for a model saved without one."""
    recipe: str = GLOBAL
    """Which numbers of the backbone the classifier reads (`kiosk/features/recipes.py`)."""
    anomaly: AnomalyDetector | None = None
    """The detector of a model taught from good parts only; None for a classifier."""
    good_label: str | None = None
    """The good class's name, for an anomaly model."""

    @property
    def labels(self) -> tuple[str, ...]:
        if self.classifier is None:
            return (str(self.good_label),)
        return self.classifier.labels

    def backbone_path(self, search: tuple[Path, ...] = ()) -> Path:
        """The backbone file with the right checksum: in the model folder, `search`, then kiosk/models."""
        looked = []
        for folder in (self.path, *search, MODELS_DIR):
            candidate = folder / self.backbone.file
            looked.append(str(candidate))
            if candidate.is_file() and file_sha256(candidate) == self.backbone.sha256:
                return candidate
        raise ModelDirError(
            f"{self.path}: this model was trained on the features of {self.backbone.file} "
            f"(sha256 {self.backbone.sha256[:12]}...), and no file with that checksum is here "
            f"(looked at {', '.join(looked)}). Retrain it with this kiosk's backbone."
        )

    def check_backbone(self, backbone: Backbone) -> None:
        """Refuse a backbone other than the one the classifier was trained on."""
        if backbone.backbone_id != self.backbone.sha256:
            raise ModelDirError(
                f"{self.path}: this model was trained with backbone {self.backbone.file} "
                f"(sha256 {self.backbone.sha256[:12]}...), not {backbone.path.name} "
                f"(sha256 {backbone.backbone_id[:12]}...): its answers would be meaningless. "
                "Retrain it, or use the backbone it was made with."
            )

    def open_backbone(self, *, num_threads: int = 2, search: tuple[Path, ...] = ()) -> Backbone:
        backbone = Backbone(
            self.backbone_path(search), num_threads=num_threads, input_range=self.backbone.input_range
        )
        self.check_backbone(backbone)
        return backbone

    def features(self, backbone: Backbone) -> RecipeFeatures:
        """`backbone` read through this model's recipe: what its classifier takes."""
        self.check_backbone(backbone)
        return RecipeFeatures(backbone, self.recipe)

    def open_features(self, *, num_threads: int = 2, search: tuple[Path, ...] = ()) -> RecipeFeatures:
        return self.features(self.open_backbone(num_threads=num_threads, search=search))


def _rule_fits(open_set: OpenSetRule | None, classifier: LinearModel) -> bool:
    return open_set is None or open_set.reference.shape[1] == classifier.feature_dim


def save_model(
    folder: str | Path,
    classifier: LinearModel,
    backbone: Backbone,
    training: dict[str, Any] | None = None,
    open_set: OpenSetRule | None = None,
    recipe: str = GLOBAL,
) -> TrainedModel:
    """Write a model folder; the manifest goes last, so a folder without one is an unfinished write."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dim = recipe_dim(recipe, backbone)
    if classifier.feature_dim != dim:
        raise ModelDirError(
            f"the classifier takes {classifier.feature_dim} features; "
            f"the backbone gives {dim} under the {recipe!r} recipe"
        )
    spec = BackboneSpec.of(backbone)
    if not _rule_fits(open_set, classifier):
        raise ModelDirError("the open-set rule does not fit the classifier's features")
    classifier.save(folder / CLASSIFIER)
    if open_set is not None:
        open_set.save(folder / OPEN_SET)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "labels": list(classifier.labels),
        "classifier": CLASSIFIER,
        **({"open_set": OPEN_SET} if open_set is not None else {}),
        "backbone": spec.as_json(),
        "features": {"recipe": recipe, "dim": dim},
        "preprocessing": PREPROCESSING,
        "training": training or {},
    }
    _write_manifest(folder, manifest)
    return TrainedModel(folder, classifier, spec, training or {}, open_set, recipe)


def save_anomaly_model(
    folder: str | Path,
    detector: AnomalyDetector,
    backbone: Backbone,
    good_label: str,
    training: dict[str, Any] | None = None,
) -> TrainedModel:
    """Write the folder of a model taught from good parts only; the manifest goes last."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shape = backbone.map_shapes.get(detector.feature_map)
    if shape is None or shape != (*detector.grid, detector.channels):
        raise ModelDirError(
            f"the detector's patches do not fit {backbone.path.name}'s {detector.feature_map!r} map"
        )
    detector.save(folder / ANOMALY)
    spec = BackboneSpec.of(backbone)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "kind": ANOMALY_KIND,
        "labels": [good_label],
        "anomaly": ANOMALY,
        "backbone": spec.as_json(),
        "features": {"patches": detector.feature_map, "dim": detector.channels},
        "preprocessing": PREPROCESSING,
        "training": training or {},
    }
    _write_manifest(folder, manifest)
    return TrainedModel(folder, None, spec, training or {}, anomaly=detector, good_label=good_label)


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    temporary = folder / f".{MANIFEST}.tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(manifest, file, indent=2, sort_keys=False)
        file.write("\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, folder / MANIFEST)


def load_model(folder: str | Path) -> TrainedModel:
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not folder.is_dir():
        raise ModelDirError(f"{folder}: no such model folder")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelDirError(
            f"{folder}: not a TeachBooth model (no {MANIFEST}; was training finished?)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelDirError(f"{manifest_path}: unreadable ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelDirError(f"{manifest_path}: not a TeachBooth model manifest")
    version = manifest.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ModelDirError(
            f"{manifest_path}: model format version {version!r} is not one this software reads"
        )
    try:
        raw = manifest["backbone"]
        spec = BackboneSpec(
            file=Path(str(raw["file"])).name,  # a name only: a manifest must not point anywhere else
            sha256=str(raw["sha256"]),
            input_size=(int(raw["input_size"][0]), int(raw["input_size"][1])),
            feature_dim=int(raw["feature_dim"]),
            input_range=(float(raw["input_range"][0]), float(raw["input_range"][1])),
        )
        anomaly = manifest.get("kind") == ANOMALY_KIND
        classifier_name = "" if anomaly else Path(str(manifest["classifier"])).name
        anomaly_name = Path(str(manifest["anomaly"])).name if anomaly else ""
        open_set_name = manifest.get("open_set")
        open_set_name = None if open_set_name is None else Path(str(open_set_name)).name
        training = manifest.get("training") or {}
        features = manifest.get("features") or {"recipe": GLOBAL, "dim": spec.feature_dim}
        recipe, dim = str(features.get("recipe", GLOBAL)), int(features["dim"])
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ModelDirError(f"{manifest_path}: malformed manifest ({exc!r})") from None
    if anomaly:
        return _load_anomaly(folder, folder / anomaly_name, manifest, spec)
    try:
        classifier = LinearModel.load(folder / classifier_name)
        open_set = None if open_set_name is None else OpenSetRule.load(folder / open_set_name)
    except ModelFileError as exc:
        raise ModelDirError(str(exc)) from None
    if list(classifier.labels) != list(manifest.get("labels", [])):
        raise ModelDirError(f"{folder}: the manifest's labels do not match the classifier's")
    if recipe not in RECIPES:
        raise ModelDirError(
            f"{folder}: feature recipe {recipe!r} is not one this software knows ({', '.join(RECIPES)}); "
            "update TeachBooth"
        )
    if classifier.feature_dim != dim or (recipe == GLOBAL and dim != spec.feature_dim):
        raise ModelDirError(f"{folder}: the classifier does not fit its backbone's {dim} features")
    if not _rule_fits(open_set, classifier):
        raise ModelDirError(f"{folder}: the open-set rule does not fit the classifier's features")
    training = training if isinstance(training, dict) else {}
    return TrainedModel(folder, classifier, spec, training, open_set, recipe)


def _load_anomaly(
    folder: Path, detector_file: Path, manifest: dict[str, Any], spec: BackboneSpec
) -> TrainedModel:
    """The anomaly model whose manifest (already read as far as its backbone) is `manifest`."""
    try:
        detector = AnomalyDetector.load(detector_file)
    except ModelFileError as exc:
        raise ModelDirError(str(exc)) from None
    labels = manifest.get("labels")
    if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str) or not labels[0]:
        raise ModelDirError(f"{folder}: an anomaly model names exactly one good class")
    training = manifest.get("training")
    training = training if isinstance(training, dict) else {}
    return TrainedModel(folder, None, spec, training, anomaly=detector, good_label=labels[0])
