"""Render the replay footage `make demo` and the kiosk app's tests play as their camera.

    python -m tools.render_replay            # writes kiosk/samples/replay/frame_000.jpg ...

A fresh clone has no camera footage, and real footage of visitors cannot be committed, so this
draws it with the test scenes (`testkit/scenes.py`: the committed sample's paper backdrop,
shaded objects, camera grain): empty backdrop frames first, so the masker learns the scene, then
a red ball, a blue box and a green cup, each moved a little from frame to frame the way a hand-held
object wobbles, with empty frames between them. Each object stays in view for 40 frames, 2.7 s at
the demo's 15 frames/s: long enough for a 5-photo burst (1.25 s of camera time, more while GrabCut
slows the replay) pressed as the object appears; `frames_with` says which frames hold which. Frames
are saved at half size (320x240, JPEG
quality 80) to keep the folder small; the replay camera scales them back to its frame size.
Deterministic: the same code writes the same files.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import replace
from pathlib import Path

from PIL import Image

from testkit.scenes import BLUE_BOX, GREEN_CUP, RED_BALL, Blob, render_scene

OUT = Path("kiosk/samples/replay")
SIZE = (320, 240)
QUALITY = 80
EMPTY_FRAMES = 6
OBJECT_FRAMES = 40
WOBBLE_FRAMES = 14
"""Frames of one round of the hand-held drift."""
OBJECTS = {"ball": RED_BALL, "box": BLUE_BOX, "cup": replace(GREEN_CUP, cx=320, cy=240, rx=54, ry=66)}


def frames_with(name: str) -> range:
    """The frame numbers in which object `name` ("ball", "box" or "cup") is in view."""
    start = EMPTY_FRAMES + list(OBJECTS).index(name) * (EMPTY_FRAMES + OBJECT_FRAMES)
    return range(start, start + OBJECT_FRAMES)


def wobble(blob: Blob, index: int) -> Blob:
    """The object `index` frames into its appearance: a small circular drift, as held by hand."""
    angle = index * 2 * math.pi / WOBBLE_FRAMES
    return replace(blob, cx=blob.cx + 10 * math.cos(angle), cy=blob.cy + 6 * math.sin(angle))


def frames() -> list[Image.Image]:
    images, seed = [], 0
    for blob in OBJECTS.values():
        for _ in range(EMPTY_FRAMES):
            images.append(render_scene(seed=seed).image)
            seed += 1
        for index in range(OBJECT_FRAMES):
            images.append(render_scene((wobble(blob, index),), seed=seed).image)
            seed += 1
    return [Image.fromarray(image).resize(SIZE, Image.Resampling.BOX) for image in images]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("frame_*.jpg"):
        old.unlink()
    rendered = frames()
    for index, image in enumerate(rendered):
        image.save(args.out / f"frame_{index:03d}.jpg", quality=QUALITY)
    print(f"wrote {len(rendered)} frames to {args.out}")


if __name__ == "__main__":
    main()
