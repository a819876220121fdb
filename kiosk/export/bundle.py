"""A trained model as a bundle that runs anywhere with a TFLite runtime, NumPy and Pillow.

Layout (a folder, or a zip holding that folder)::

    predict.py                        the command line (source: `bundle_predict.py` here)
    model.json                        the model folder's manifest, unchanged: labels, backbone
                                      file and sha256, the preprocessing spec, training summary
    classifier.npz                    the calibrated linear SVM (NumPy arrays, no pickle)
    open_set.npz                      when to answer "unknown" / "unsure" (if the model has one)
    <backbone>.tflite                 the exact backbone the classifier was trained on
    labels.txt                        one label a line, in output order
    README.md                         what this is and how to run it
    teachbooth_model/runtime.py       verbatim copies of kiosk/features/runtime.py,
    teachbooth_model/graph.py         kiosk/features/graph.py (the feature maps in the model file),
    teachbooth_model/backbone.py      kiosk/features/backbone.py (preprocessing included),
    teachbooth_model/recipes.py       kiosk/features/recipes.py (the model's feature recipe),
    teachbooth_model/linear_model.py  kiosk/learning/linear_model.py
    teachbooth_model/image_folder.py  kiosk/learning/image_folder.py (how an image file is read),
    teachbooth_model/open_set.py      kiosk/learning/open_set.py (the rejection rule)
    teachbooth_model/prediction.py    and kiosk/learning/prediction.py (the JSON records)
    teachbooth_model/anomaly*.py,     for models taught from good parts only: the detector, its
      heatmap.py                      records and heat maps (an anomaly model's bundle carries
                                      `anomaly.npz` instead of `classifier.npz` and `open_set.npz`)

The copies are byte for byte, not rewrites: there is one way to read an image file, one
preprocessing function, one probability computation and one rejection rule, so the bundle
cannot drift from the kiosk or from `teachbooth predict`. Those modules must therefore import
nothing but the standard library, NumPy, Pillow and each other (relatively); the bundle's test
runs them where nothing else can be imported. Because the bundle is also a valid model folder
(its manifest names the backbone it carries, which `TrainedModel.backbone_path` looks for
first), `teachbooth predict BUNDLE ...` runs on it too.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kiosk.export.errors import ExportError
from kiosk.export.names import safe_name
from kiosk.export.output import atomic_file, atomic_folder
from kiosk.features import backbone as backbone_module
from kiosk.features import graph as graph_module
from kiosk.features import recipes as recipes_module
from kiosk.features import runtime as runtime_module
from kiosk.learning import anomaly as anomaly_module
from kiosk.learning import anomaly_prediction as anomaly_prediction_module
from kiosk.learning import heatmap as heatmap_module
from kiosk.learning import image_folder as image_folder_module
from kiosk.learning import linear_model as linear_model_module
from kiosk.learning import open_set as open_set_module
from kiosk.learning import prediction as prediction_module
from kiosk.learning.model_dir import (
    ANOMALY,
    CLASSIFIER,
    MANIFEST,
    OPEN_SET,
    ModelDirError,
    TrainedModel,
    load_model,
)

PACKAGE = "teachbooth_model"
PREDICT = "predict.py"
PREDICT_SOURCE = Path(__file__).with_name("bundle_predict.py")
CARRIED_MODULES = {
    f"{PACKAGE}/runtime.py": Path(runtime_module.__file__),
    f"{PACKAGE}/graph.py": Path(graph_module.__file__),
    f"{PACKAGE}/backbone.py": Path(backbone_module.__file__),
    f"{PACKAGE}/recipes.py": Path(recipes_module.__file__),
    f"{PACKAGE}/linear_model.py": Path(linear_model_module.__file__),
    f"{PACKAGE}/image_folder.py": Path(image_folder_module.__file__),
    f"{PACKAGE}/open_set.py": Path(open_set_module.__file__),
    f"{PACKAGE}/prediction.py": Path(prediction_module.__file__),
    f"{PACKAGE}/anomaly.py": Path(anomaly_module.__file__),
    f"{PACKAGE}/heatmap.py": Path(heatmap_module.__file__),
    f"{PACKAGE}/anomaly_prediction.py": Path(anomaly_prediction_module.__file__),
}
"""Bundle path → the kiosk module copied there unchanged."""
PACKAGE_INIT = '"""The backbone, preprocessing and classifier of TeachBooth, copied unchanged."""\n'
CHUNK = 1 << 20
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
"""Every zip entry's time stamp: the same model exports to the same bytes, whenever it is exported."""


@dataclass(frozen=True)
class Entry:
    """One file of the bundle: copied from `source`, or `text` written out."""

    name: str
    source: Path | None = None
    text: str | None = None
    executable: bool = False
    sha256: str | None = None
    """When given, the copied bytes must have this checksum (the backbone)."""


@dataclass(frozen=True)
class BundleReport:
    path: Path
    labels: tuple[str, ...]
    backbone_file: str
    backbone_sha256: str
    files: tuple[str, ...]


def is_bundle(folder: Path) -> bool:
    """Whether `folder` looks like a model bundle (the only kind of folder `--force` replaces)."""
    return (folder / PREDICT).is_file() and (folder / MANIFEST).is_file() and (folder / PACKAGE).is_dir()


def export_bundle(model_dir: str | Path, out: str | Path, *, force: bool = False) -> BundleReport:
    """Write the bundle of the model in `model_dir` to `out`: a zip if it ends in .zip, else a folder.

    Raises `ExportError` when the model folder is unreadable or its backbone is missing or has
    another checksum, `OutputExists` without `force`, `BadOutput` when `out`'s folder is missing.
    """
    out = Path(out)
    try:
        model = load_model(model_dir)
        backbone_path = model.backbone_path()
    except ModelDirError as exc:
        raise ExportError(str(exc)) from None
    entries = list(_entries(model, backbone_path))
    try:
        if out.suffix.lower() == ".zip":
            with atomic_file(out, force=force) as temp:
                _write_zip(temp, safe_name(out.stem, fallback="model"), entries)
        else:
            with atomic_folder(out, force=force, replaceable=is_bundle) as temp:
                _write_folder(temp, entries)
    except OSError as exc:
        raise ExportError(f"could not write {out}: {exc}") from exc
    return BundleReport(
        out, model.labels, backbone_path.name, model.backbone.sha256, tuple(entry.name for entry in entries)
    )


def _entries(model: TrainedModel, backbone_path: Path) -> Iterator[Entry]:
    yield Entry(PREDICT, source=PREDICT_SOURCE, executable=True)
    yield Entry(MANIFEST, source=model.path / MANIFEST)
    if model.anomaly is not None:
        yield Entry(ANOMALY, source=model.path / ANOMALY)
    else:
        yield Entry(CLASSIFIER, source=model.path / CLASSIFIER)
    if model.open_set is not None:
        yield Entry(OPEN_SET, source=model.path / OPEN_SET)
    yield Entry(backbone_path.name, source=backbone_path, sha256=model.backbone.sha256)
    yield Entry("labels.txt", text="".join(f"{label}\n" for label in model.labels))
    yield Entry("README.md", text=readme(model, backbone_path.name) if model.classifier else ANOMALY_README)
    yield Entry(f"{PACKAGE}/__init__.py", text=PACKAGE_INIT)
    for name, source in CARRIED_MODULES.items():
        yield Entry(name, source=source)


def _copy(entry: Entry, target: IO[bytes]) -> None:
    """Write one entry's bytes, checking the checksum of exactly the bytes written."""
    if entry.text is not None:
        target.write(entry.text.encode("utf-8"))
        return
    assert entry.source is not None
    digest = hashlib.sha256()
    with open(entry.source, "rb") as source:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            target.write(chunk)
    if entry.sha256 is not None and digest.hexdigest() != entry.sha256:
        raise ExportError(f"{entry.source} changed while it was being exported (its sha256 differs)")


def _write_folder(folder: Path, entries: list[Entry]) -> None:
    for entry in entries:
        path = folder / entry.name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as target:
            _copy(entry, target)
        path.chmod(0o755 if entry.executable else 0o644)


def _write_zip(path: Path, top: str, entries: list[Entry]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            info = zipfile.ZipInfo(f"{top}/{entry.name}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100755 if entry.executable else 0o100644) << 16
            with archive.open(info, "w") as target:
                _copy(entry, target)


ANOMALY_README = """# TeachBooth anomaly model

Taught from good parts only: a frozen TFLite backbone gives every 16-pixel patch of a part a
feature vector, and `anomaly.npz` holds a memory bank of good patches and a threshold. A part whose
least familiar patch lies farther from every good patch than the threshold is an anomaly.

    pip install ai-edge-litert numpy pillow     # or tflite-runtime instead of ai-edge-litert
    python predict.py part.png --json
    python predict.py part.png --heatmap maps/  # maps/part.heat.png: where it differs from good parts

Each prediction is `{"image", "label": "good" | "anomaly", "anomaly_score", "threshold"}` (and
`"heatmap"` with --heatmap), the same as `teachbooth predict --json`. Python 3.10 or newer.
"""


def readme(model: TrainedModel, backbone_file: str) -> str:
    """The bundle's README: what it is, how to run it, what it needs and what it prints."""
    assert model.classifier is not None
    spec = model.backbone
    labels = "\n".join(f"- {label}" for label in model.labels)
    height, width = spec.input_size
    open_set_note = (
        "rule: `open_set.npz`"
        if model.open_set is not None
        else "this model was trained without that rule and labels every image"
    )
    return f"""# TeachBooth model

A classifier trained on a TeachBooth kiosk: a frozen TFLite image backbone (`{backbone_file}`,
sha256 `{spec.sha256}`) turns an image into {model.classifier.feature_dim} features (recipe
`{model.recipe}`, written in `model.json` under `features`), and a calibrated linear SVM
(`classifier.npz`) turns those into one probability per label.

## Labels

{labels}

## Run it

    pip install ai-edge-litert numpy pillow     # or tflite-runtime instead of ai-edge-litert
    python predict.py photo.jpg other.png
    python predict.py photo.jpg --json

`--json` prints one object: `{{"model": BUNDLE_FOLDER, "predictions": [{{"image": PATH, "label": LABEL,
"probabilities": {{LABEL: P, ...}}}}], "errors": [{{"image": PATH, "error": MESSAGE}}]}}`, the same
shape as `teachbooth predict --json`. An image unlike anything the model was taught gets
`"label": null, "reason": "unknown"`; one too close to call gets `"label": null, "reason": "unsure",
"candidates": [A, B]`; both still list the probabilities ({open_set_note}). Exit status 0 when
every image was judged, 1 when any could not be read, 2 when the model cannot be used.
Python 3.10 or newer.

## Preprocessing

Done by `teachbooth_model/backbone.py` (`preprocess_image`), the same code the kiosk runs: EXIF
orientation applied, any image mode to 8-bit RGB (transparency on grey 127), the largest centred
crop of the model's aspect ratio, bilinear antialiased resize to {width} x {height}, uint8 NHWC input
(scaling happens inside the model). `model.json` writes this down under `preprocessing`.

## Files

`teachbooth_model/` holds unchanged copies of TeachBooth's `kiosk/features/runtime.py`,
`kiosk/features/graph.py`, `kiosk/features/backbone.py`, `kiosk/features/recipes.py`,
`kiosk/learning/linear_model.py`, `kiosk/learning/open_set.py`,
`kiosk/learning/prediction.py` and `kiosk/learning/image_folder.py` (which image files are
accepted: JPEG, PNG, BMP, TIFF, up to 50 megapixels). `predict.py` checks the backbone's
sha256 against `model.json` before it runs: the classifier means nothing on any other backbone.
"""
