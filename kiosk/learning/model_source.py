"""Where a command's model comes from: a model folder, or a kiosk project folder and its current model.

    model = load_model_or_project(Path("~/teachbooth/project"))   # the project's current model

A person who taught the kiosk has a project folder, not a model folder: the models live inside it
under names they never saw (`models/0007-...`). So `teachbooth eval`, `predict` and `explain` take
either. A folder with a `model.json` is a model; one with the store's database is a project, whose
model is the one the Try step uses (`Project.latest_good_model`: the current one if its files are
sound, else the newest sound one). The project is opened without its start-up check and only read.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.learning.model_dir import MANIFEST, ModelDirError, TrainedModel, load_model
from kiosk.store import Project, StoreError
from kiosk.store.project import DB_NAME


def is_project(folder: Path) -> bool:
    return (folder / DB_NAME).is_file() and not (folder / MANIFEST).is_file()


def load_model_or_project(folder: str | Path) -> TrainedModel:
    """The model in `folder`, or the current model of the project in `folder`; `ModelDirError` if neither."""
    folder = Path(folder)
    if not is_project(folder):
        return load_model(folder)
    try:
        with Project.open(folder, create=False, check="none") as project:
            version = project.latest_good_model()
    except StoreError as exc:
        raise ModelDirError(f"{folder}: the project cannot be read ({exc})") from None
    if version is None:
        raise ModelDirError(f"{folder}: this project has no trained model yet (train it on the kiosk first)")
    return load_model(version.path)
