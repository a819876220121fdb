"""Rendered shop-floor inspection pictures: grey textured parts, some with a small defect, and its mask.

A stand-in for real inspection photos (grey-level, one part per picture, good vs defective) that
tests and `bench/inspection.py` can render to order: seeded and deterministic, with the exact
pixels of every defect, so a heat map can be checked against where the defect is.

- Textures: "metal" (brushed: grain streaks along a random direction), "casting" (a round part,
  blotchy and pitted, on a dark fixture), "fabric" (a woven grid at a random pitch and angle). Each
  picture draws its own brightness, contrast, light gradient and grain, so the good parts differ
  more from each other than a defect changes a picture on average: what a global average washes out.
- Defects, small against the part (`DEFECT_SCALE` sets their size): "scratch" (a thin straight
  line, brighter or darker), "crack" (a dark jagged line), "spot" (a dark blob) and "broken_line"
  (a dashed dark line: a broken thread or a chipped edge).

The mask of a defect is every pixel its drawing covers at half strength or more, at the picture's
resolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

TEXTURES = ("metal", "casting", "fabric")
DEFECTS = ("scratch", "crack", "spot", "broken_line")
SIZE = 224
DEFECT_SCALE = 1.0
"""Multiplies every defect's length and width: 1.0 gives marks of about 10 to 60 pixels (0.02 to 0.1 %
of a 224x224 picture): hairline, as on the shop floor."""
SUPERSAMPLE = 4
"""Defects are drawn at this multiple of the size and shrunk, for soft sub-pixel edges."""


@dataclass(frozen=True)
class Part:
    image: np.ndarray
    """(SIZE, SIZE) uint8 grey."""
    mask: np.ndarray
    """(SIZE, SIZE) bool: the defect's pixels; all False for a good part."""
    texture: str
    defect: str | None


def _smooth_noise(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    """Noise in -1..1 varying over about `size / cells` pixels (a small random grid, upsampled)."""
    grid = rng.uniform(-1, 1, (cells, cells)).astype(np.float32)
    return np.asarray(Image.fromarray(grid, mode="F").resize((size, size), Image.Resampling.BICUBIC))


def _metal(rng: np.random.Generator, size: int) -> np.ndarray:
    big = size * 2
    streaks = rng.normal(0, 1, (big, big)).astype(np.float32)
    kernel = int(rng.integers(15, 40))
    streaks = np.cumsum(streaks, axis=1)
    streaks = (streaks[:, kernel:] - streaks[:, :-kernel]) / np.sqrt(kernel)
    image = Image.fromarray(streaks, mode="F").rotate(float(rng.uniform(0, 180)), Image.Resampling.BILINEAR)
    left = (image.width - size) // 2
    grain = np.asarray(image.crop((left, left, left + size, left + size)))
    return 0.55 + 0.06 * grain + 0.05 * _smooth_noise(rng, size, 3)


def _casting(rng: np.random.Generator, size: int) -> np.ndarray:
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    cy, cx = size / 2 + rng.uniform(-6, 6, 2)
    radius = np.hypot(ys - cy, xs - cx)
    outer = size * rng.uniform(0.42, 0.47)
    hub = outer * rng.uniform(0.25, 0.35)
    body = 0.55 + 0.08 * _smooth_noise(rng, size, 8) + 0.03 * np.cos(radius / rng.uniform(3, 6))
    body = np.where(radius < hub, body + 0.12, body)
    pits = rng.random((size, size)) < 0.004
    body = np.where(pits, body - 0.12, body)
    return np.where(radius <= outer, body, 0.15 + 0.03 * _smooth_noise(rng, size, 4))


def _fabric(rng: np.random.Generator, size: int) -> np.ndarray:
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    angle = rng.uniform(-0.3, 0.3)
    u = xs * np.cos(angle) + ys * np.sin(angle)
    v = -xs * np.sin(angle) + ys * np.cos(angle)
    pitch = rng.uniform(5, 9)
    weave = np.abs(np.sin(np.pi * u / pitch)) * 0.5 + np.abs(np.sin(np.pi * v / pitch)) * 0.5
    return 0.4 + 0.25 * weave + 0.04 * _smooth_noise(rng, size, 6)


_TEXTURE = {"metal": _metal, "casting": _casting, "fabric": _fabric}


def _stroke(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], width: float, dashed: bool) -> None:
    if not dashed:
        draw.line(points, fill=255, width=max(1, round(width)), joint="curve")
        return
    start, end = np.array(points[0]), np.array(points[-1])
    pieces = 7
    for k in range(0, pieces, 2):
        a, b = start + (end - start) * k / pieces, start + (end - start) * (k + 1) / pieces
        draw.line([tuple(a), tuple(b)], fill=255, width=max(1, round(width)))


def _defect_alpha(rng: np.random.Generator, defect: str, size: int, centre: np.ndarray) -> np.ndarray:
    """(size, size) coverage 0..1 of a defect drawn around `centre` (in picture pixels)."""
    scale = SUPERSAMPLE
    canvas = Image.new("L", (size * scale, size * scale), 0)
    draw = ImageDraw.Draw(canvas)
    length = rng.uniform(14, 30) * DEFECT_SCALE * scale
    angle = rng.uniform(0, np.pi)
    direction = np.array([np.cos(angle), np.sin(angle)])
    middle = centre * scale
    if defect == "spot":
        radius = rng.uniform(2.0, 4.0) * DEFECT_SCALE * scale
        box = [*(middle - radius * rng.uniform(0.7, 1.3, 2)), *(middle + radius * rng.uniform(0.7, 1.3, 2))]
        draw.ellipse(box, fill=255)
    elif defect == "crack":
        steps = 8
        normal = np.array([-direction[1], direction[0]])
        offsets = np.cumsum(rng.normal(0, 1.2 * scale, steps + 1))
        points = [
            tuple(middle + direction * length * (k / steps - 0.5) + normal * offsets[k])
            for k in range(steps + 1)
        ]
        _stroke(draw, points, rng.uniform(1.0, 2.0) * DEFECT_SCALE * scale, dashed=False)
    else:  # scratch, broken_line: straight
        ends = [tuple(middle - direction * length / 2), tuple(middle + direction * length / 2)]
        width = rng.uniform(0.8, 1.6) if defect == "scratch" else rng.uniform(1.5, 2.5)
        _stroke(draw, ends, width * DEFECT_SCALE * scale, dashed=defect == "broken_line")
    small = canvas.filter(ImageFilter.BoxBlur(scale / 2)).resize((size, size), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float32) / 255.0


def _defect_centre(rng: np.random.Generator, texture: str, size: int) -> np.ndarray:
    """Somewhere on the part: inside the casting's disc, else away from the picture's border."""
    if texture == "casting":
        radius, angle = rng.uniform(0.12, 0.36) * size, rng.uniform(0, 2 * np.pi)
        return size / 2 + radius * np.array([np.cos(angle), np.sin(angle)])
    return rng.uniform(0.2, 0.8, 2) * size


def render_part(seed: int, texture: str, defect: str | None = None, size: int = SIZE) -> Part:
    """One picture of a part with `texture`, good (`defect` None) or with one defect of `DEFECTS`."""
    if texture not in _TEXTURE:
        raise ValueError(f"texture must be one of {', '.join(TEXTURES)}, got {texture!r}")
    if defect is not None and defect not in DEFECTS:
        raise ValueError(f"defect must be one of {', '.join(DEFECTS)} or None, got {defect!r}")
    rng = np.random.default_rng([seed, TEXTURES.index(texture)])
    surface = _TEXTURE[texture](rng, size)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32) / size
    light = rng.uniform(-0.12, 0.12) * (xs - 0.5) + rng.uniform(-0.12, 0.12) * (ys - 0.5)
    surface = rng.uniform(0.75, 1.25) * (surface - 0.5) + 0.5 + rng.uniform(-0.1, 0.1) + light
    mask = np.zeros((size, size), dtype=bool)
    if defect is not None:
        alpha = _defect_alpha(rng, defect, size, _defect_centre(rng, texture, size))
        if defect == "scratch" and rng.random() < 0.5:
            mark = surface + rng.uniform(0.15, 0.3)  # a bright scratch catches the light
        else:
            mark = surface - rng.uniform(0.18, 0.35)
        surface = surface * (1 - alpha) + mark * alpha
        mask = alpha >= 0.5
    grain = rng.normal(0, rng.uniform(0.01, 0.03), (size, size))
    image = np.clip((surface + grain) * 255, 0, 255).astype(np.uint8)
    return Part(image, mask, texture, defect)


def parts(count: int, *, texture: str, defective: bool, seed: int = 0, size: int = SIZE) -> list[Part]:
    """`count` parts; defective ones cycle through `DEFECTS`. Seeds never repeat between the good and
    defective sets, so no defective picture is a good one with a mark."""
    offset = 1_000_000 if defective else 0
    return [
        render_part(
            seed * 10_000_000 + offset + i, texture, DEFECTS[i % len(DEFECTS)] if defective else None, size
        )
        for i in range(count)
    ]


def write_parts(
    folder: Path, found: list[Part], prefix: str = "part", masks: Path | None = None
) -> list[Path]:
    """Write the parts as PNGs `folder/PREFIX_i.png` (and their masks under `masks`, same names)."""
    folder.mkdir(parents=True, exist_ok=True)
    if masks is not None:
        masks.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, part in enumerate(found):
        path = folder / f"{prefix}_{i:04d}.png"
        Image.fromarray(part.image).save(path)
        if masks is not None:
            Image.fromarray(part.mask.astype(np.uint8) * 255).save(masks / path.name)
        paths.append(path)
    return paths


def write_inspection_folder(
    root: Path, *, good: int, defective: int, texture: str, seed: int = 0, split_defects: bool = False
) -> Path:
    """root/good/ and root/defect/ (or root/<defect kind>/ with `split_defects`) of rendered parts."""
    write_parts(root / "good", parts(good, texture=texture, defective=False, seed=seed))
    bad = parts(defective, texture=texture, defective=True, seed=seed)
    if split_defects:
        for kind in DEFECTS:
            chosen = [part for part in bad if part.defect == kind]
            if chosen:
                write_parts(root / kind, chosen)
    else:
        write_parts(root / "defect", bad)
    return root
