"""A labelled image folder (one sub-folder per class), as `teachbooth train` and `eval` read it.

    DATA_DIR/apple/IMG_0001.jpg
    DATA_DIR/apple/IMG_0001.mask.png     the object mask of IMG_0001.jpg: never a sample itself
    DATA_DIR/pear/scan.tiff

Folders come from people's disks, so every file is suspect: a file that is not a readable image of
a sane size is skipped with its name and the reason, and the run goes on; only a dataset that
cannot train at all (no class folders, an empty class, no images) is an error. A file's header is
checked before its pixels are decoded: a few-kilobyte PNG can declare gigapixels.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff"})
MASK_SUFFIX = ".mask.png"
"""`NAME.mask.png` beside `NAME.jpg` (any image suffix) is that image's object mask, which `teachbooth
import` stores with it; train and eval leave masks out of the images."""
FORMATS = ("JPEG", "PNG", "BMP", "TIFF")
"""Pillow decoders a dataset file may use. Phone MPO files (a JPEG with a depth or preview frame) open
through "JPEG"; "MPO" itself is no opener in Pillow, and naming it made every file the others refuse
(a GIF, a text file) raise KeyError instead of `UnreadableImage`."""
MAX_PIXELS = 50_000_000
"""Larger images are skipped: decoding one would take most of a Pi's memory."""


class DatasetError(ValueError):
    """A dataset folder that cannot be used at all."""


class UnreadableImage(ValueError):
    """One image file that cannot or may not be decoded."""


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str

    def as_json(self) -> dict[str, str]:
        return {"file": str(self.path), "reason": self.reason}


@dataclass(frozen=True)
class ImageFolder:
    root: Path
    classes: tuple[str, ...]
    """Class sub-folder names, sorted."""
    files: tuple[tuple[Path, str], ...]
    """(image file, class) for every file with an image suffix, in class then name order."""
    ignored: tuple[Skipped, ...] = field(default=())
    """Files without an image suffix, and masks without their image."""
    masks: dict[Path, Path] = field(default_factory=dict)
    """Image file -> its `NAME.mask.png`, for the images that have one."""


def is_mask_file(path: Path) -> bool:
    """Whether `path` is named as an image's mask (`NAME.mask.png`, any case)."""
    return path.name.lower().endswith(MASK_SUFFIX) and len(path.name) > len(MASK_SUFFIX)


def _pair_masks(masks: list[Path], files: list[tuple[Path, str]]) -> tuple[dict[Path, Path], list[Skipped]]:
    """Each mask with the images of its folder whose name it repeats; a mask of no image is ignored."""
    by_stem: dict[tuple[Path, str], list[Path]] = {}
    for path, _ in files:
        by_stem.setdefault((path.parent, path.stem), []).append(path)
    paired: dict[Path, Path] = {}
    orphans: list[Skipped] = []
    for mask in masks:
        images = by_stem.get((mask.parent, mask.name[: -len(MASK_SUFFIX)]), [])
        for image in images:
            paired[image] = mask
        if not images:
            orphans.append(
                Skipped(mask, f"a mask without its image (NAME{MASK_SUFFIX} goes beside NAME.jpg)")
            )
    return paired, orphans


def read_image(path: str | Path) -> Image.Image:
    """The decoded image of a file, or `UnreadableImage` saying why not."""
    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            warnings.simplefilter("ignore", UserWarning)  # "corrupt EXIF" and the like: judged below
            with Image.open(path, formats=FORMATS) as image:
                width, height = image.size
                if width < 1 or height < 1:
                    raise UnreadableImage(f"has no pixels ({width}x{height})")
                if width * height > MAX_PIXELS:
                    raise UnreadableImage(
                        f"is too large ({width}x{height}; the limit is {MAX_PIXELS:,} pixels)"
                    )
                image.load()
                return image.copy()
    except UnreadableImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnreadableImage(f"declares more than {MAX_PIXELS:,} pixels") from None
    except FileNotFoundError:
        raise UnreadableImage("does not exist") from None
    except IsADirectoryError:
        raise UnreadableImage("is a folder, not an image") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise UnreadableImage(f"is not a readable image ({exc})") from None


def scan_image_folder(root: str | Path, *, require_images_per_class: bool = True) -> ImageFolder:
    """The classes and image files of `root`; `DatasetError` if it cannot be a dataset.

    With `require_images_per_class` (training) an empty class folder is an error, since the
    classifier would silently lack that class; evaluation only needs some image somewhere.
    """
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root}: no such folder")
    class_dirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not class_dirs:
        raise DatasetError(
            f"{root}: no class folders (put each class's images in a sub-folder named after it)"
        )
    files: list[tuple[Path, str]] = []
    ignored: list[Skipped] = []
    masks: list[Path] = []
    empty: list[str] = []
    for folder in class_dirs:
        found = 0
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or path.is_dir():
                continue
            if is_mask_file(path):
                masks.append(path)
            elif path.suffix.lower() in IMAGE_SUFFIXES:
                files.append((path, folder.name))
                found += 1
            else:
                ignored.append(Skipped(path, "not an image file type (jpg, png, bmp, tiff)"))
        if not found:
            empty.append(folder.name)
    if not files:
        raise DatasetError(f"{root}: no images (jpg, png, bmp or tiff) in any class folder")
    if empty and require_images_per_class:
        raise DatasetError(f"{root}: class folder(s) without images: {', '.join(empty)}")
    paired, orphans = _pair_masks(masks, files)
    classes = tuple(folder.name for folder in class_dirs)
    return ImageFolder(root, classes, tuple(files), (*ignored, *orphans), paired)
