"""A labelled image folder into a kiosk project: what `teachbooth import` does, for integrators and tests.

    DATA_DIR/apple/IMG_0001.jpg          a photo of class "apple"
    DATA_DIR/apple/IMG_0001.mask.png     its object mask (white = object): stored with it, never a sample

Every image becomes an `imported` sample of the class named by its folder, stored as the kiosk
stores a capture, so imported photos train and are varied like the visitor's own:

- its mask is the file beside it; an image without one is masked by the kiosk's masker
  (`kiosk.masking.still`), and keeps none when the masker finds no object;
- with a mask, the picture is cut to the square crop a capture keeps (the object's box widened by
  the masking config's `crop_margin`), mask alike; `crop=False` keeps the whole picture.

Classes merge: a folder whose class the project already has (same label, ignoring case) adds its
images to it; nothing in the project is changed or removed. Importing a folder twice therefore adds
its images twice. Bad input costs only itself: each unreadable image, mask of the wrong size,
non-image file, stray mask and empty class folder becomes one `Skipped` (file and reason) and the
rest is imported. The folder itself is only ever read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from kiosk.learning.image_folder import Skipped, UnreadableImage, read_image, scan_image_folder
from kiosk.masking import MaskingConfig
from kiosk.masking.crop import crop_to_object
from kiosk.masking.still import mask_still
from kiosk.store import ClassLimitError, InvalidInput, LabelError, Project, Source
from shared.masks import binary_mask


@dataclass
class ClassImport:
    """What one class folder added to the project."""

    label: str
    created: bool
    """The class is new in the project (else the images joined the class it had)."""
    imported: int = 0
    own_mask: int = 0
    """Imported with the mask file beside them."""
    masked_here: int = 0
    """Imported with the mask the kiosk's masker found."""

    @property
    def without_mask(self) -> int:
        return self.imported - self.own_mask - self.masked_here


@dataclass
class FolderImport:
    classes: list[ClassImport] = field(default_factory=list)
    problems: list[Skipped] = field(default_factory=list)
    """One entry per file or folder that was not imported as it is (its reason says what happened)."""

    @property
    def imported(self) -> int:
        return sum(item.imported for item in self.classes)


def import_folder(
    data_dir: Path,
    project: Project,
    *,
    crop: bool = True,
    config: MaskingConfig | None = None,
) -> FolderImport:
    """Import `data_dir` (one sub-folder per class) into `project`.

    Raises `DatasetError` when `data_dir` is no dataset at all (missing, no class folders, no image
    anywhere) and `StoreError` when the project cannot be written (a full disk): what was imported
    before stays. Everything else is reported in the result's `problems`.
    """
    folder = scan_image_folder(data_dir, require_images_per_class=False)
    importer = _Importer(
        project, crop, config or MaskingConfig(), FolderImport(problems=list(folder.ignored))
    )
    by_class: dict[str, list[Path]] = {label: [] for label in folder.classes}
    for path, label in folder.files:
        by_class[label].append(path)
    for label, paths in by_class.items():
        importer.import_class(folder.root / label, paths, folder.masks)
    return importer.report


@dataclass
class _Importer:
    project: Project
    crop: bool
    config: MaskingConfig
    report: FolderImport

    def problem(self, path: Path, reason: str) -> None:
        self.report.problems.append(Skipped(path, reason))

    def import_class(self, folder: Path, paths: list[Path], masks: dict[Path, Path]) -> None:
        if not paths:
            self.problem(folder, "no images in this class folder: nothing added")
            return
        try:
            found = self.project.find_class(folder.name)
            info = found or self.project.add_class(folder.name)
        except (LabelError, ClassLimitError) as exc:
            self.problem(folder, f"{exc}: its {len(paths)} image(s) not imported")
            return
        added = ClassImport(info.label, created=found is None)
        self.report.classes.append(added)
        for path in paths:
            self.import_image(path, masks.get(path), info.id, added)

    def import_image(self, path: Path, mask_path: Path | None, class_id: int, added: ClassImport) -> None:
        try:
            picture = read_image(path).convert("RGB")
        except UnreadableImage as exc:
            self.problem(path, f"{exc}: not imported")
            return
        mask = None if mask_path is None else self.own_mask(mask_path, picture.size)
        own = mask is not None
        if mask is None:
            mask = self.found_mask(picture)
        if mask is not None and self.crop:
            picture, mask = crop_to_object(picture, mask, self.config.crop_margin)
        try:
            self.project.add_sample(picture, class_id, Source.IMPORTED, mask=mask)
        except InvalidInput as exc:
            self.problem(path, f"{exc}: not imported")
            return
        added.imported += 1
        added.own_mask += own
        added.masked_here += mask is not None and not own

    def own_mask(self, path: Path, size: tuple[int, int]) -> Image.Image | None:
        """The mask file's mask, or None (and a problem saying why it was not used) when it is unusable."""
        try:
            mask = binary_mask(read_image(path))
        except UnreadableImage as exc:
            reason = str(exc)
        else:
            if mask.size != size:
                reason = f"is {mask.width}x{mask.height} but its image is {size[0]}x{size[1]}"
            elif not mask.getbbox():
                reason = "marks no object (all black)"
            else:
                return mask
        self.problem(path, f"{reason}: not used, the image is masked by the kiosk instead")
        return None

    def found_mask(self, picture: Image.Image) -> Image.Image | None:
        """The kiosk's masker's mask of `picture`, or None when it finds no object."""
        try:
            found = mask_still(np.asarray(picture), self.config)
        except ValueError:  # smaller than any frame the masker takes
            return None
        if not found.found or found.mask is None:
            return None
        return Image.fromarray(found.mask.astype(np.uint8) * 255)
