"""Comparing the project folder with the database: orphans, half-written files, missing or bad files.

Rows are committed only after their files are in place, and files are deleted only after their
rows, so after any crash the only possible differences are: files without a row (orphans and
temporary files, harmless) and, after disk damage or tampering, rows whose file is bad. The scan
reports both; it never changes anything (`Project.repair` does, on request).
"""

from __future__ import annotations

import os
from collections.abc import Container, Iterable
from pathlib import Path

from kiosk.store.atomic import final_name, is_temp_name
from kiosk.store.imagefiles import Kind, quick_problem, read_stored
from kiosk.store.models import FileProblem, StoreCheck

IMAGES, MASKS, MODELS = "images", "masks", "models"


def image_path(root: Path, sample_id: str) -> Path:
    return root / IMAGES / f"{sample_id}.jpg"


def mask_path(root: Path, sample_id: str) -> Path:
    return root / MASKS / f"{sample_id}.png"


def file_problem(path: Path, kind: Kind, deep: bool) -> str | None:
    return read_stored(path, kind)[1] if deep else quick_problem(path, kind)


def scan(
    root: Path,
    samples: Iterable[tuple[str, bool]],
    models: Iterable[tuple[int, str]],
    *,
    in_flight: Container[str] = (),
    deep: bool = False,
) -> StoreCheck:
    """`samples` as (id, has_mask), `models` as (id, folder); `in_flight` names files and model
    folders this process is writing right now, which are not orphans."""
    samples = list(samples)
    models = list(models)
    expected = {f"{sid}.jpg" for sid, _ in samples} | {f"{sid}.png" for sid, has in samples if has}
    orphans: list[Path] = []
    temps: list[Path] = []
    for sub in (IMAGES, MASKS):
        for entry in _entries(root / sub):
            if entry.name in in_flight or (is_temp_name(entry.name) and final_name(entry.name) in in_flight):
                continue
            if is_temp_name(entry.name):
                temps.append(Path(entry.path))
            elif entry.name not in expected or not entry.is_file(follow_symlinks=False):
                orphans.append(Path(entry.path))

    bad_images: list[FileProblem] = []
    bad_masks: list[FileProblem] = []
    for sid, has_mask in samples:
        path = image_path(root, sid)
        if (problem := file_problem(path, "jpeg", deep)) is not None:
            bad_images.append(FileProblem(path, problem, sample_id=sid))
        if has_mask:
            path = mask_path(root, sid)
            if (problem := file_problem(path, "png", deep)) is not None:
                bad_masks.append(FileProblem(path, problem, sample_id=sid))

    folders = {folder for _, folder in models}
    orphan_dirs: list[Path] = []
    for entry in _entries(root / MODELS):
        if entry.name in in_flight or entry.name in folders:
            continue
        if is_temp_name(entry.name):
            temps.append(Path(entry.path))
        elif entry.is_dir(follow_symlinks=False):
            orphan_dirs.append(Path(entry.path))
        else:
            orphans.append(Path(entry.path))
    bad_models = [
        FileProblem(path, problem, model_id=mid)
        for mid, folder in models
        if (problem := model_dir_problem(path := root / MODELS / folder)) is not None
    ]
    return StoreCheck(
        orphan_files=tuple(sorted(orphans)),
        temp_files=tuple(sorted(temps)),
        bad_images=tuple(bad_images),
        bad_masks=tuple(bad_masks),
        orphan_model_dirs=tuple(sorted(orphan_dirs)),
        bad_models=tuple(bad_models),
        deep=deep,
    )


def model_dir_problem(path: Path) -> str | None:
    if not path.is_dir():
        return "is missing"
    if not any(path.iterdir()):
        return "is empty"
    return None


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except FileNotFoundError:
        return []
