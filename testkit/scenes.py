"""Rendered kiosk scenes with known answers: the backdrop, coloured objects, an arm holding one.

Masking must be tested against an exact object mask, and real photos have none; MediaPipe will not
see a rendered hand either, so a scene also carries the arm's own mask (what person segmentation
would return) and hand landmarks in MediaPipe's 21-point layout (what the hand model would return).
Everything is deterministic: the same arguments give the same pixels.

The backdrop is `tools/render_sample.backdrop` (the committed demo sample's paper sweep). Shapes are
drawn at twice the size and box-averaged down, and masks are the coverage cut at 50%, as there.
Per-frame camera grain and a global light gain are added last, so two frames of the same scene
differ the way two camera frames do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np

from tools.render_sample import HEIGHT, WIDTH, Canvas, backdrop, downsample

BACKDROP_SEED = 20240611
Pose = Literal["open", "point", "grip", "fist"]


@dataclass(frozen=True)
class Blob:
    """A shaded object: an ellipse, or a rounded box (`corner` > 0), in output pixels."""

    cx: float
    cy: float
    rx: float
    ry: float
    colour: tuple[float, float, float]
    corner: float = 0.0


@dataclass(frozen=True)
class Arm:
    """A forearm entering from `start` (usually a frame edge) and a hand centred at `hand`."""

    start: tuple[float, float]
    hand: tuple[float, float]
    pose: Pose = "grip"
    width: float = 56.0
    hand_size: float = 70.0
    """Wrist to middle fingertip, in output pixels."""


@dataclass(frozen=True)
class Scene:
    image: np.ndarray
    """H x W x 3 uint8 RGB."""
    object_masks: list[np.ndarray] = field(default_factory=list)
    """The visible pixels of each object (bool H x W), in the order they were given."""
    person_mask: np.ndarray | None = None
    """The arm and hand (bool H x W): what person segmentation should find."""
    landmarks: np.ndarray | None = None
    """(21, 2) hand landmarks, x and y normalised to 0..1 like MediaPipe's."""


@lru_cache(maxsize=1)
def _canvas() -> Canvas:
    return Canvas.create()


@lru_cache(maxsize=1)
def _backdrop() -> np.ndarray:
    pixels = backdrop(_canvas(), np.random.default_rng(BACKDROP_SEED))
    pixels.setflags(write=False)
    return pixels


def _paint_blob(blob: Blob) -> tuple[np.ndarray, np.ndarray]:
    """Colour and coverage of a blob, lit from the upper left like the demo apple."""
    canvas = _canvas()
    dx, dy = (canvas.xs - blob.cx) / blob.rx, (canvas.ys - blob.cy) / blob.ry
    if blob.corner > 0:  # a superellipse: boxier as the exponent grows
        power = 2.0 + 6.0 * blob.corner
        extent = (np.abs(dx) ** power + np.abs(dy) ** power) ** (1.0 / power)
    else:
        extent = np.hypot(dx, dy)
    inside = extent <= 1.0
    shade = 0.55 + 0.45 * np.clip(1.0 - 0.5 * (dx + 0.4) ** 2 - 0.5 * (dy + 0.4) ** 2, 0, 1)
    return np.asarray(blob.colour) * shade[..., None], inside


def _segment_distance(px: np.ndarray, py: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    t = np.clip(((px - a[0]) * ab[0] + (py - a[1]) * ab[1]) / float(ab @ ab), 0.0, 1.0)
    return np.hypot(px - (a[0] + t * ab[0]), py - (a[1] + t * ab[1]))


def _paint_arm(arm: Arm) -> tuple[np.ndarray, np.ndarray]:
    """A skin-toned capsule (the forearm) ending in a rounder one (the hand)."""
    canvas = _canvas()
    start, hand = np.asarray(arm.start, float), np.asarray(arm.hand, float)
    direction = (hand - start) / np.linalg.norm(hand - start)
    wrist = hand - direction * arm.hand_size * 0.45
    forearm = _segment_distance(canvas.xs, canvas.ys, start, wrist) <= arm.width / 2
    palm_end = hand + direction * arm.hand_size * 0.15
    palm = _segment_distance(canvas.xs, canvas.ys, wrist, palm_end) <= arm.hand_size * 0.4
    inside = forearm | palm
    across = np.abs((canvas.xs - start[0]) * direction[1] - (canvas.ys - start[1]) * direction[0])
    shade = 1.0 - 0.35 * np.clip(across / (arm.width / 2 + arm.hand_size * 0.4), 0, 1) ** 2
    return np.array([214.0, 160.0, 128.0]) * shade[..., None], inside


# Finger angles (degrees from the hand's axis) and joint reach (in hand sizes from the wrist),
# in MediaPipe's order: thumb 1-4, index 5-8, middle 9-12, ring 13-16, pinky 17-20.
_FINGER_ANGLES = (-38.0, -14.0, 0.0, 12.0, 24.0)
_EXTENDED = (0.45, 0.68, 0.84, 1.0)
_CURLED = (0.45, 0.58, 0.48, 0.4)
_THUMB_OPEN = (0.2, 0.38, 0.55, 0.7)
_THUMB_TUCKED = (0.2, 0.32, 0.36, 0.34)


def hand_landmarks(
    wrist: tuple[float, float], towards: tuple[float, float], size: float, pose: Pose
) -> np.ndarray:
    """21 landmarks (pixels) of a hand whose middle finger (index when pointing) aims at `towards`.

    "open": every finger straight and spread (the capture gesture); "point": the index finger
    straight, the others curled; "grip": fingers half closed around something; "fist": all curled.
    """
    axis = math.atan2(towards[1] - wrist[1], towards[0] - wrist[0])
    if pose == "point":  # aim the index finger, not the middle one, at `towards`
        axis -= math.radians(_FINGER_ANGLES[1])
    straight = {"open": (True,) * 5, "point": (False, True, False, False, False)}.get(pose, (False,) * 5)
    points = [np.asarray(wrist, float)]
    for finger, angle in enumerate(_FINGER_ANGLES):
        spread = 1.6 if pose == "open" else 1.0
        theta = axis + math.radians(angle * spread)
        unit = np.array([math.cos(theta), math.sin(theta)])
        if finger == 0:
            reach = _THUMB_OPEN if straight[0] else _THUMB_TUCKED
        elif straight[finger]:
            reach = _EXTENDED
        else:
            reach = (0.45, 0.62, 0.6, 0.55) if pose == "grip" else _CURLED
        points += [points[0] + unit * r * size for r in reach]
    return np.stack(points)


def _noise_and_light(image: np.ndarray, seed: int, gain: float, grain: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pixels = downsample(image) * gain + rng.normal(0.0, grain, size=(HEIGHT, WIDTH, 3))
    return np.rint(np.clip(pixels, 0, 255)).astype(np.uint8)


def _coverage(inside: np.ndarray) -> np.ndarray:
    return downsample(inside.astype(np.float32)) >= 0.5


@lru_cache(maxsize=64)
def render_scene(
    objects: tuple[Blob, ...] = (),
    arm: Arm | None = None,
    *,
    seed: int = 0,
    gain: float = 1.0,
    grain: float = 2.5,
    patch: Blob | None = None,
) -> Scene:
    """A 640x480 frame of the kiosk backdrop with `objects`, optionally held by `arm`.

    `seed` picks the camera grain (frames of one scene differ only by it), `gain` scales the light,
    `patch` is a change painted into the backdrop itself (e.g. a poster put up): part of the empty
    scene, never an object, so it has no mask.
    """
    image = np.array(_backdrop())
    if patch is not None:
        colour, inside = _paint_blob(patch)
        image = np.where(inside[..., None], colour, image)
    layers = [_paint_blob(blob) for blob in objects]
    for colour, inside in layers:
        image = np.where(inside[..., None], colour, image)
    arm_inside = np.zeros(image.shape[:2], dtype=bool)
    landmarks = None
    if arm is not None:
        colour, arm_inside = _paint_arm(arm)
        image = np.where(arm_inside[..., None], colour, image)
        start, hand = np.asarray(arm.start, float), np.asarray(arm.hand, float)
        direction = (hand - start) / np.linalg.norm(hand - start)
        wrist = hand - direction * arm.hand_size * 0.45
        pixels = hand_landmarks(tuple(wrist), tuple(hand), arm.hand_size, arm.pose)
        landmarks = pixels / np.array([WIDTH, HEIGHT])
    masks = []
    for index, (_, inside) in enumerate(layers):
        covered_later = np.zeros_like(inside)
        for _, later in layers[index + 1 :]:
            covered_later |= later
        masks.append(_coverage(inside & ~covered_later & ~arm_inside))
    scene = Scene(
        image=_noise_and_light(image, seed, gain, grain),
        object_masks=masks,
        person_mask=_coverage(arm_inside) if arm is not None else None,
        landmarks=landmarks,
    )
    for array in (scene.image, scene.person_mask, scene.landmarks, *scene.object_masks):
        if array is not None:
            array.setflags(write=False)  # scenes are cached: shared between tests
    return scene


def empty_frame(seed: int = 0, gain: float = 1.0) -> np.ndarray:
    """The empty backdrop as the camera sees it: frame `seed` of the grain, light scaled by `gain`."""
    return render_scene(seed=seed, gain=gain).image


# A few objects a visitor might show, sized like things held up to a kiosk camera.
RED_BALL = Blob(cx=380, cy=230, rx=70, ry=66, colour=(200.0, 40.0, 36.0))
BLUE_BOX = Blob(cx=360, cy=250, rx=80, ry=60, colour=(40.0, 70.0, 190.0), corner=0.6)
GREEN_CUP = Blob(cx=180, cy=300, rx=36, ry=44, colour=(50.0, 150.0, 60.0), corner=0.3)
YELLOW_BANANA = Blob(cx=470, cy=140, rx=90, ry=26, colour=(225.0, 200.0, 50.0))

HOLDING_CUP = Arm(start=(60.0, 480.0), hand=(196.0, 352.0), pose="grip")
"""An arm from the lower left whose hand grips the bottom of GREEN_CUP."""
POINTING_AT_CUP = Arm(start=(419.0, 583.0), hand=(290.0, 430.0), pose="point")
"""A hand well below and right of GREEN_CUP, its index finger aimed at it."""
HOLDING_BALL = Arm(start=(640.0, 420.0), hand=(448.0, 282.0), pose="grip")
"""An arm from the lower right whose hand grips the right edge of RED_BALL."""
