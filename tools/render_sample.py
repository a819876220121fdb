"""Render the demo sample: a red apple on a light backdrop, and its exact object mask.

The demo, the tests and the README need one realistic object photo with a
mask, and real photos come with licences and no masks. This script paints a
photo-like scene with NumPy and Pillow only (so it runs anywhere the kiosk
does) and is deterministic, so the committed files can be re-made and
checked. The scene is drawn at twice the size and box-averaged down, which
antialiases the edges; the mask is the same shapes' coverage, cut at 50%.

Usage: python tools/render_sample.py [--out kiosk/samples]
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

WIDTH, HEIGHT = 640, 480
SUPERSAMPLE = 2
SEED = 20240611
JPEG_QUALITY = 90

IMAGE_NAME = "red_apple.jpg"
MASK_NAME = "red_apple_mask.png"


@dataclass(frozen=True)
class Canvas:
    """Pixel-centre coordinates of the supersampled canvas, in output-pixel units."""

    xs: np.ndarray
    ys: np.ndarray

    @classmethod
    def create(cls) -> Canvas:
        step = 1.0 / SUPERSAMPLE
        xs = (np.arange(WIDTH * SUPERSAMPLE) + 0.5) * step
        ys = (np.arange(HEIGHT * SUPERSAMPLE) + 0.5) * step
        grid_y, grid_x = np.meshgrid(ys, xs, indexing="ij")
        return cls(xs=grid_x, ys=grid_y)


def smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cells: tuple[int, int]) -> np.ndarray:
    """Value noise in [0, 1]: a coarse random grid upsampled bicubically (soft blotches)."""
    coarse = Image.fromarray((rng.random(cells) * 255).astype(np.uint8))
    fine = coarse.resize((shape[1], shape[0]), Image.Resampling.BICUBIC)
    return np.asarray(fine, dtype=np.float32) / 255.0


def backdrop(canvas: Canvas, rng: np.random.Generator) -> np.ndarray:
    """A warm light paper sweep: lighter at the top, a soft vignette and faint blotches."""
    top, bottom = np.array([238.0, 234.0, 226.0]), np.array([214.0, 206.0, 194.0])
    height_share = (canvas.ys / HEIGHT)[..., None]
    colour = top + (bottom - top) * height_share
    radius = np.hypot((canvas.xs - WIDTH / 2) / (WIDTH / 2), (canvas.ys - HEIGHT / 2) / (HEIGHT / 2))
    vignette = 1.0 - 0.22 * np.clip(radius / 1.4, 0, 1) ** 2
    blotches = 0.97 + 0.06 * smooth_noise(rng, canvas.xs.shape, (6, 8))
    return colour * (vignette * blotches)[..., None]


@dataclass(frozen=True)
class Apple:
    """Where the apple sits and how big it is (output pixels)."""

    cx: float = 352.0
    cy: float = 262.0
    radius: float = 128.0
    squash: float = 0.93  # apples are a little wider than tall

    def polar(self, canvas: Canvas) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(dx, dy) in radii from the centre and the angle, for every pixel.

        dy is squashed, and dx is narrowed towards the bottom: broad shoulders, a tapering base.
        """
        dy = (canvas.ys - self.cy) / (self.radius * self.squash)
        dx = (canvas.xs - self.cx) / (self.radius * (1.0 - 0.09 * np.clip(dy, -1.2, 1.2)))
        return dx, dy, np.arctan2(dy, dx)

    def outline(self, angle: np.ndarray) -> np.ndarray:
        """Edge distance in radii at each angle: lumpy, with a dimple at the top where the stalk is."""
        lumps = 1.0 + 0.018 * np.sin(3 * angle + 0.4) + 0.012 * np.sin(5 * angle + 1.3)
        from_top = np.angle(np.exp(1j * (angle + math.pi / 2)))
        from_bottom = np.angle(np.exp(1j * (angle - math.pi / 2)))
        dimple = 0.12 * np.exp(-((from_top / 0.3) ** 2)) + 0.04 * np.exp(-((from_bottom / 0.25) ** 2))
        return lumps - dimple

    @property
    def stalk_base(self) -> tuple[float, float]:
        return self.cx + 2.0, self.cy - self.radius * self.squash * 0.84


def paint_apple(apple: Apple, canvas: Canvas, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The apple's colour and its coverage (bool) on the supersampled canvas."""
    dx, dy, angle = apple.polar(canvas)
    outline = apple.outline(angle)
    normal_x, normal_y = dx / outline, dy / outline
    extent = np.hypot(normal_x, normal_y)
    inside = extent <= 1.0

    # A sphere-like normal, lit from the upper left, with a darker rim and a dark stalk cavity.
    depth = np.sqrt(np.clip(1.0 - np.clip(extent, 0, 1) ** 2, 0, 1))
    light = np.array([-0.45, -0.6, 0.66])
    light /= np.linalg.norm(light)
    lambert = np.clip(normal_x * light[0] + normal_y * light[1] + depth * light[2], 0, 1)
    stalk_x, stalk_y = apple.stalk_base
    cavity = np.exp(-(((canvas.xs - stalk_x) ** 2 + (canvas.ys - stalk_y - 6) ** 2) / (2 * 16.0**2)))

    # Skin: deep and bright reds in blotches, with faint streaks running from the stalk.
    blotch = smooth_noise(rng, canvas.xs.shape, (7, 9))[..., None]
    streaks = (0.5 + 0.5 * np.sin(angle * 38 + 3 * blotch[..., 0]))[..., None]
    deep, bright, yellowish = np.array([120.0, 10, 18]), np.array([212.0, 38, 32]), np.array([215.0, 92, 40])
    skin = deep + (bright - deep) * (0.35 + 0.65 * blotch)
    skin = skin + (yellowish - skin) * 0.18 * streaks * np.clip(-dy, 0, 1)[..., None]

    shade = (0.28 + 0.85 * lambert) * (1.0 - 0.45 * cavity) * (0.75 + 0.25 * depth)
    colour = skin * shade[..., None]
    highlight_distance = np.hypot(dx + 0.36, dy + 0.42)
    spot = np.exp(-((highlight_distance / 0.11) ** 2))
    sheen = np.exp(-((highlight_distance / 0.35) ** 2))
    highlight = 0.75 * spot + 0.18 * sheen
    colour = colour + (255.0 - colour) * highlight[..., None]
    return colour, inside


def paint_shadow(apple: Apple, canvas: Canvas, image: np.ndarray) -> np.ndarray:
    """A soft contact shadow below and right of the apple (the light comes from the upper left)."""
    centre_x, centre_y = apple.cx + 28, apple.cy + apple.radius * apple.squash * 0.78
    across = (canvas.xs - centre_x) / (apple.radius * 1.05)
    down = (canvas.ys - centre_y) / (apple.radius * 0.32)
    ellipse = ((across**2 + down**2 <= 1) * 255).astype(np.uint8)
    shadow = Image.fromarray(ellipse).filter(ImageFilter.GaussianBlur(22 * SUPERSAMPLE))
    darkness = 0.42 * np.asarray(shadow, dtype=np.float32) / 255.0
    return image * (1.0 - darkness)[..., None]


def _distance_to_polyline(canvas: Canvas, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel: distance to the nearest of a dense list of points, and that point's index share (0..1)."""
    distances = np.full(canvas.xs.shape, np.inf)
    share = np.zeros(canvas.xs.shape)
    for index, (px, py) in enumerate(points):
        distance = np.hypot(canvas.xs - px, canvas.ys - py)
        closer = distance < distances
        distances = np.where(closer, distance, distances)
        share = np.where(closer, index / (len(points) - 1), share)
    return distances, share


def paint_stalk(apple: Apple, canvas: Canvas) -> tuple[np.ndarray, np.ndarray]:
    """A short curved brown stalk rising from the dimple, thinner at the tip."""
    base_x, base_y = apple.stalk_base
    t = np.linspace(0.0, 1.0, 48)[:, None]
    control = np.array([[base_x, base_y + 8], [base_x - 4, base_y - 30], [base_x + 14, base_y - 56]])
    points = (1 - t) ** 2 * control[0] + 2 * (1 - t) * t * control[1] + t**2 * control[2]
    distance, share = _distance_to_polyline(canvas, points)
    half_width = 5.0 - 2.2 * share
    inside = distance <= half_width
    across = np.clip(distance / half_width, 0, 1)
    brown = np.array([104.0, 66, 34])
    colour = brown[None, None, :] * (1.05 - 0.45 * across**2)[..., None]
    return colour, inside


def paint_leaf(apple: Apple, canvas: Canvas, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A green lens-shaped leaf leaning right from the stalk, with a pale midrib and side veins."""
    base_x, base_y = apple.stalk_base
    origin_x, origin_y = base_x + 1, base_y - 26
    axis = math.radians(-24)
    length, half_width = 118.0, 30.0
    rel_x, rel_y = canvas.xs - origin_x, canvas.ys - origin_y
    along = rel_x * math.cos(axis) + rel_y * math.sin(axis)
    across = -rel_x * math.sin(axis) + rel_y * math.cos(axis)
    share = np.clip(along / length, 0, 1)
    # A slight curl: the midline bows upwards along the leaf.
    across = across + 10.0 * share * (1 - share) * 2
    edge = half_width * np.sin(math.pi * share) ** 0.8
    inside = (along >= 0) & (along <= length) & (np.abs(across) <= edge)

    dark, light = np.array([46.0, 98, 30]), np.array([104.0, 160, 56])
    side = np.where(across < 0, 1.0, 0.72)  # the upper half faces the light
    mottling = smooth_noise(rng, canvas.xs.shape, (10, 12))
    colour = dark + (light - dark) * (0.35 + 0.4 * share + 0.25 * mottling)[..., None]
    colour = colour * side[..., None]
    midrib = np.exp(-((across / 1.6) ** 2))
    vein_phase = (np.abs(across) * 0.7 - along + 4) % 22 - 11  # side veins slant towards the tip
    veins = np.exp(-((vein_phase / 1.8) ** 2)) * (np.abs(across) < 0.8 * edge)
    colour = colour + (np.array([190.0, 210, 140]) - colour) * (0.55 * midrib + 0.18 * veins)[..., None]
    return colour, inside


def downsample(planes: np.ndarray) -> np.ndarray:
    """Box-average the supersampled canvas down to output size (this is the antialiasing)."""
    height, width = planes.shape[0] // SUPERSAMPLE, planes.shape[1] // SUPERSAMPLE
    blocks = planes.reshape(height, SUPERSAMPLE, width, SUPERSAMPLE, *planes.shape[2:])
    return blocks.mean(axis=(1, 3))


def render() -> tuple[Image.Image, Image.Image]:
    """The scene as an RGB image and its object mask (apple, stalk and leaf) as a 0/255 "L" image."""
    rng = np.random.default_rng(SEED)
    canvas = Canvas.create()
    apple = Apple()

    image = paint_shadow(apple, canvas, backdrop(canvas, rng))
    coverage = np.zeros(canvas.xs.shape, dtype=bool)
    layers = (paint_apple(apple, canvas, rng), paint_stalk(apple, canvas), paint_leaf(apple, canvas, rng))
    for colour, inside in layers:
        image = np.where(inside[..., None], colour, image)
        coverage |= inside

    grain = rng.normal(0.0, 2.0, size=image.shape)
    pixels = np.clip(downsample(image + grain), 0, 255)
    mask = downsample(coverage.astype(np.float32)) >= 0.5
    return Image.fromarray(np.rint(pixels).astype(np.uint8)), Image.fromarray(mask.astype(np.uint8) * 255)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("kiosk/samples"), help="output folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    image, mask = render()
    image.save(args.out / IMAGE_NAME, quality=JPEG_QUALITY)
    mask.save(args.out / MASK_NAME)
    print(f"wrote {args.out / IMAGE_NAME} and {args.out / MASK_NAME}")


if __name__ == "__main__":
    main()
