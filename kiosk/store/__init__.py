"""The kiosk's project store: classes, samples, cached features and model versions of one project.

    from kiosk.store import Project
    with Project.open(path) as project:
        apple = project.add_class("apple")
        sample = project.add_sample(image, apple, "camera", mask=mask)

See `project.py` for the layout on disk, crash safety and threading.
"""

from kiosk.store.errors import (
    ClassLimitError,
    InvalidInput,
    LabelError,
    NotFound,
    SchemaError,
    StoredImageError,
    StoreError,
)
from kiosk.store.labels import MAX_CLASSES, MAX_LABEL_CHARS, clean_label
from kiosk.store.models import (
    PHOTO_SOURCES,
    PHOTO_STATUSES,
    ClassInfo,
    FileProblem,
    ModelVersion,
    Sample,
    Source,
    Status,
    StoreCheck,
)
from kiosk.store.project import DEFAULT, ImageIterator, LoadedSample, NewSample, Project

__all__ = [
    "DEFAULT",
    "MAX_CLASSES",
    "MAX_LABEL_CHARS",
    "PHOTO_SOURCES",
    "PHOTO_STATUSES",
    "ClassInfo",
    "ClassLimitError",
    "FileProblem",
    "ImageIterator",
    "InvalidInput",
    "LabelError",
    "LoadedSample",
    "ModelVersion",
    "NewSample",
    "NotFound",
    "Project",
    "Sample",
    "SchemaError",
    "Source",
    "Status",
    "StoreCheck",
    "StoreError",
    "StoredImageError",
    "clean_label",
]
