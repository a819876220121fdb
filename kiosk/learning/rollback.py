"""Going back to an earlier model version: the Train step's one tap and `teachbooth rollback`.

Rolling back only moves the store's "current" mark (`Project.set_current_model`); no version is
deleted, so a rollback can itself be undone by rolling forward. The Try step predicts with
`latest_good_model`, which is the current version whenever its folder is sound, so the version made
current here is the one it uses next. A version is made current only if its model loads: marking a
version whose folder is gone would leave the Try step silently on another one.
"""

from __future__ import annotations

from kiosk.learning.model_dir import ModelDirError, load_model
from kiosk.store import ModelVersion, Project
from kiosk.store.check import model_dir_problem


class VersionError(ValueError):
    """The version cannot be made current; the message says why, for a person."""


def known_versions(project: Project) -> str:
    versions = [str(version.id) for version in project.models()]
    return ", ".join(versions) if versions else "none (train the project first)"


def make_current(project: Project, version: int) -> ModelVersion:
    """Make `version` (a store id) the current model and return it. Raises `VersionError` for an
    unknown version (naming the known ones) or one whose folder is missing, empty or unreadable."""
    found = next((model for model in project.models() if model.id == version), None)
    if found is None:
        raise VersionError(f"there is no version {version}; the versions are: {known_versions(project)}")
    problem = model_dir_problem(found.path)
    if problem is None:
        try:
            load_model(found.path)
        except ModelDirError as exc:
            problem = f"cannot be read ({exc})"
    if problem is not None:
        raise VersionError(
            f"version {version} cannot be used: its folder {found.path} {problem}; "
            "the current model stays as it is"
        )
    project.set_current_model(found.id)
    return next(model for model in project.models() if model.id == found.id)
