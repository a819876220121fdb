"""Render fruit scenes: the demo's red apple, and apples and pears of any colour, with exact masks.

The demo, the tests and the README need one realistic object photo with a
mask, and real photos come with licences and no masks. This script paints a
photo-like scene with NumPy and Pillow only (so it runs anywhere the kiosk
does) and is deterministic, so the committed files can be re-made and
checked. The scene is drawn at twice the size and box-averaged down, which
antialiases the edges; the mask is the same shapes' coverage, cut at 50%.

`render_scene(Scene(...))` is the importable part: fruit shape (apple or pear
via `Fruit`), skin colours, size, position, light direction and backdrop are all
parameters, which is what the concept-gap benchmark (red apples and green pears
to train, green apples and red pears to test) and the saliency tests need.
`render()` is the default scene, the committed sample, byte for byte.

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


Colour = tuple[float, float, float]


@dataclass(frozen=True)
class Canvas:
    """Pixel-centre coordinates of the supersampled canvas, in output-pixel units."""

    xs: np.ndarray
    ys: np.ndarray
    width: int = WIDTH
    height: int = HEIGHT

    @classmethod
    def create(cls, width: int = WIDTH, height: int = HEIGHT) -> Canvas:
        step = 1.0 / SUPERSAMPLE
        xs = (np.arange(width * SUPERSAMPLE) + 0.5) * step
        ys = (np.arange(height * SUPERSAMPLE) + 0.5) * step
        grid_y, grid_x = np.meshgrid(ys, xs, indexing="ij")
        return cls(xs=grid_x, ys=grid_y, width=width, height=height)


def smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cells: tuple[int, int]) -> np.ndarray:
    """Value noise in [0, 1]: a coarse random grid upsampled bicubically (soft blotches)."""
    coarse = Image.fromarray((rng.random(cells) * 255).astype(np.uint8))
    fine = coarse.resize((shape[1], shape[0]), Image.Resampling.BICUBIC)
    return np.asarray(fine, dtype=np.float32) / 255.0


PAPER_TOP: Colour = (238.0, 234.0, 226.0)
PAPER_BOTTOM: Colour = (214.0, 206.0, 194.0)


def backdrop(
    canvas: Canvas, rng: np.random.Generator, top: Colour = PAPER_TOP, bottom: Colour = PAPER_BOTTOM
) -> np.ndarray:
    """A paper sweep (warm light paper by default): lighter at the top, a soft vignette, faint blotches."""
    width, height = canvas.width, canvas.height
    top_colour, bottom_colour = np.array(top), np.array(bottom)
    height_share = (canvas.ys / height)[..., None]
    colour = top_colour + (bottom_colour - top_colour) * height_share
    radius = np.hypot((canvas.xs - width / 2) / (width / 2), (canvas.ys - height / 2) / (height / 2))
    vignette = 1.0 - 0.22 * np.clip(radius / 1.4, 0, 1) ** 2
    blotches = 0.97 + 0.06 * smooth_noise(rng, canvas.xs.shape, (6, 8))
    return colour * (vignette * blotches)[..., None]


@dataclass(frozen=True)
class Fruit:
    """Where the fruit sits, how big it is (output pixels) and its outline; the defaults are the apple."""

    cx: float = 352.0
    cy: float = 262.0
    radius: float = 128.0
    squash: float = 0.93  # apples are a little wider than tall; a pear is taller than wide
    taper: float = 0.09
    """How much narrower the bottom is than the top (an apple's broad shoulders)."""
    neck: float = 0.0
    """How much narrower the top half gets towards the stalk (0 for an apple, about 0.5 for a pear)."""

    def polar(self, canvas: Canvas) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(dx, dy) in radii from the centre and the angle, for every pixel.

        dy is squashed, and dx is narrowed towards the bottom (an apple's tapering base) or the top
        (a pear's neck).
        """
        dy = (canvas.ys - self.cy) / (self.radius * self.squash)
        width = 1.0 - self.taper * np.clip(dy, -1.2, 1.2)
        if self.neck:
            rise = np.clip(0.1 - dy, 0.0, 1.0)  # 0 below the waist, 1 near the stalk
            width = width * (1.0 - self.neck * rise * rise * (3.0 - 2.0 * rise))
        dx = (canvas.xs - self.cx) / (self.radius * width)
        return dx, dy, np.arctan2(dy, dx)

    def outline(self, angle: np.ndarray) -> np.ndarray:
        """Edge distance in radii at each angle: lumpy, with a dimple at the top where the stalk is."""
        lumps = 1.0 + 0.018 * np.sin(3 * angle + 0.4) + 0.012 * np.sin(5 * angle + 1.3)
        from_top = np.angle(np.exp(1j * (angle + math.pi / 2)))
        from_bottom = np.angle(np.exp(1j * (angle - math.pi / 2)))
        dimple = 0.12 * np.exp(-((from_top / 0.3) ** 2)) + 0.04 * np.exp(-((from_bottom / 0.25) ** 2))
        return lumps - dimple

    @property
    def scale(self) -> float:
        """Size relative to the demo apple: stalk, leaf and shadow details scale with it."""
        return self.radius / 128.0

    @property
    def stalk_base(self) -> tuple[float, float]:
        return self.cx + 2.0 * self.scale, self.cy - self.radius * self.squash * 0.84


@dataclass(frozen=True)
class Skin:
    """The fruit's colours before shading: blotches between deep and bright, streaks towards yellowish."""

    deep: Colour = (120.0, 10.0, 18.0)
    bright: Colour = (212.0, 38.0, 32.0)
    yellowish: Colour = (215.0, 92.0, 40.0)


RED_SKIN = Skin()
GREEN_SKIN = Skin(deep=(62.0, 112.0, 22.0), bright=(142.0, 196.0, 58.0), yellowish=(200.0, 206.0, 82.0))

Light = tuple[float, float, float]
UPPER_LEFT_LIGHT: Light = (-0.45, -0.6, 0.66)


def paint_fruit(
    apple: Fruit,
    canvas: Canvas,
    rng: np.random.Generator,
    skin_colours: Skin = RED_SKIN,
    light_direction: Light = UPPER_LEFT_LIGHT,
) -> tuple[np.ndarray, np.ndarray]:
    """The fruit's colour and its coverage (bool) on the supersampled canvas."""
    dx, dy, angle = apple.polar(canvas)
    outline = apple.outline(angle)
    normal_x, normal_y = dx / outline, dy / outline
    extent = np.hypot(normal_x, normal_y)
    inside = extent <= 1.0

    # A sphere-like normal, lit from the upper left, with a darker rim and a dark stalk cavity.
    depth = np.sqrt(np.clip(1.0 - np.clip(extent, 0, 1) ** 2, 0, 1))
    light = np.array(light_direction)
    light /= np.linalg.norm(light)
    lambert = np.clip(normal_x * light[0] + normal_y * light[1] + depth * light[2], 0, 1)
    stalk_x, stalk_y = apple.stalk_base
    cavity_y, cavity_size = stalk_y + 6 * apple.scale, 16.0 * apple.scale
    cavity = np.exp(-(((canvas.xs - stalk_x) ** 2 + (canvas.ys - cavity_y) ** 2) / (2 * cavity_size**2)))

    # Skin: deep and bright reds in blotches, with faint streaks running from the stalk.
    blotch = smooth_noise(rng, canvas.xs.shape, (7, 9))[..., None]
    streaks = (0.5 + 0.5 * np.sin(angle * 38 + 3 * blotch[..., 0]))[..., None]
    deep, bright, yellowish = (
        np.array(c) for c in (skin_colours.deep, skin_colours.bright, skin_colours.yellowish)
    )
    skin = deep + (bright - deep) * (0.35 + 0.65 * blotch)
    skin = skin + (yellowish - skin) * 0.18 * streaks * np.clip(-dy, 0, 1)[..., None]

    shade = (0.28 + 0.85 * lambert) * (1.0 - 0.45 * cavity) * (0.75 + 0.25 * depth)
    colour = skin * shade[..., None]
    highlight_distance = np.hypot(dx - 0.8 * light_direction[0], dy - 0.7 * light_direction[1])
    spot = np.exp(-((highlight_distance / 0.11) ** 2))
    sheen = np.exp(-((highlight_distance / 0.35) ** 2))
    highlight = 0.75 * spot + 0.18 * sheen
    colour = colour + (255.0 - colour) * highlight[..., None]
    return colour, inside


def paint_shadow(
    apple: Fruit, canvas: Canvas, image: np.ndarray, light_direction: Light = UPPER_LEFT_LIGHT
) -> np.ndarray:
    """A soft contact shadow below the fruit, on the side away from the light."""
    away = 1.0 if light_direction[0] <= 0 else -1.0
    centre_x, centre_y = apple.cx + away * 28 * apple.scale, apple.cy + apple.radius * apple.squash * 0.78
    across = (canvas.xs - centre_x) / (apple.radius * 1.05)
    down = (canvas.ys - centre_y) / (apple.radius * 0.32)
    ellipse = ((across**2 + down**2 <= 1) * 255).astype(np.uint8)
    shadow = Image.fromarray(ellipse).filter(ImageFilter.GaussianBlur(22 * apple.scale * SUPERSAMPLE))
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


def paint_stalk(apple: Fruit, canvas: Canvas) -> tuple[np.ndarray, np.ndarray]:
    """A short curved brown stalk rising from the dimple, thinner at the tip."""
    base_x, base_y = apple.stalk_base
    k = apple.scale
    t = np.linspace(0.0, 1.0, 48)[:, None]
    control = np.array(
        [[base_x, base_y + 8 * k], [base_x - 4 * k, base_y - 30 * k], [base_x + 14 * k, base_y - 56 * k]]
    )
    points = (1 - t) ** 2 * control[0] + 2 * (1 - t) * t * control[1] + t**2 * control[2]
    distance, share = _distance_to_polyline(canvas, points)
    half_width = (5.0 - 2.2 * share) * k
    inside = distance <= half_width
    across = np.clip(distance / half_width, 0, 1)
    brown = np.array([104.0, 66, 34])
    colour = brown[None, None, :] * (1.05 - 0.45 * across**2)[..., None]
    return colour, inside


def paint_leaf(apple: Fruit, canvas: Canvas, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A green lens-shaped leaf leaning right from the stalk, with a pale midrib and side veins."""
    base_x, base_y = apple.stalk_base
    k = apple.scale
    origin_x, origin_y = base_x + 1 * k, base_y - 26 * k
    axis = math.radians(-24)
    length, half_width = 118.0 * k, 30.0 * k
    rel_x, rel_y = canvas.xs - origin_x, canvas.ys - origin_y
    along = rel_x * math.cos(axis) + rel_y * math.sin(axis)
    across = -rel_x * math.sin(axis) + rel_y * math.cos(axis)
    share = np.clip(along / length, 0, 1)
    # A slight curl: the midline bows upwards along the leaf.
    across = across + 10.0 * k * share * (1 - share) * 2
    edge = half_width * np.sin(math.pi * share) ** 0.8
    inside = (along >= 0) & (along <= length) & (np.abs(across) <= edge)

    dark, light = np.array([46.0, 98, 30]), np.array([104.0, 160, 56])
    side = np.where(across < 0, 1.0, 0.72)  # the upper half faces the light
    mottling = smooth_noise(rng, canvas.xs.shape, (10, 12))
    colour = dark + (light - dark) * (0.35 + 0.4 * share + 0.25 * mottling)[..., None]
    colour = colour * side[..., None]
    midrib = np.exp(-((across / (1.6 * k)) ** 2))
    vein_phase = (np.abs(across) * 0.7 - along + 4 * k) % (22 * k) - 11 * k  # side veins slant to the tip
    veins = np.exp(-((vein_phase / (1.8 * k)) ** 2)) * (np.abs(across) < 0.8 * edge)
    colour = colour + (np.array([190.0, 210, 140]) - colour) * (0.55 * midrib + 0.18 * veins)[..., None]
    return colour, inside


def downsample(planes: np.ndarray) -> np.ndarray:
    """Box-average the supersampled canvas down to output size (this is the antialiasing)."""
    height, width = planes.shape[0] // SUPERSAMPLE, planes.shape[1] // SUPERSAMPLE
    blocks = planes.reshape(height, SUPERSAMPLE, width, SUPERSAMPLE, *planes.shape[2:])
    return blocks.mean(axis=(1, 3))


@dataclass(frozen=True)
class Scene:
    """Everything that decides a rendered picture; the defaults are the committed demo sample."""

    width: int = WIDTH
    height: int = HEIGHT
    fruit: Fruit = Fruit()
    skin: Skin = RED_SKIN
    light: Light = UPPER_LEFT_LIGHT
    paper_top: Colour = PAPER_TOP
    paper_bottom: Colour = PAPER_BOTTOM
    leaf: bool = True
    seed: int = SEED
    grain: float = 2.0
    """Standard deviation of the sensor noise, in grey levels."""


def pear(cx: float, cy: float, radius: float) -> Fruit:
    """A pear's outline: taller than wide, a narrow neck, the widest part low down."""
    return Fruit(cx=cx, cy=cy, radius=radius, squash=1.3, taper=-0.06, neck=0.58)


def apple(cx: float, cy: float, radius: float) -> Fruit:
    """An apple's outline (the demo sample's) at another place and size."""
    return Fruit(cx=cx, cy=cy, radius=radius)


def render_scene(scene: Scene) -> tuple[Image.Image, Image.Image]:
    """The scene as an RGB image and its object mask (fruit, stalk, leaf) as a 0/255 "L" image."""
    rng = np.random.default_rng(scene.seed)
    canvas = Canvas.create(scene.width, scene.height)
    fruit = scene.fruit

    paper = backdrop(canvas, rng, scene.paper_top, scene.paper_bottom)
    image = paint_shadow(fruit, canvas, paper, scene.light)
    coverage = np.zeros(canvas.xs.shape, dtype=bool)
    layers = [paint_fruit(fruit, canvas, rng, scene.skin, scene.light), paint_stalk(fruit, canvas)]
    if scene.leaf:
        layers.append(paint_leaf(fruit, canvas, rng))
    for colour, inside in layers:
        image = np.where(inside[..., None], colour, image)
        coverage |= inside

    grain = rng.normal(0.0, scene.grain, size=image.shape)
    pixels = np.clip(downsample(image + grain), 0, 255)
    mask = downsample(coverage.astype(np.float32)) >= 0.5
    return Image.fromarray(np.rint(pixels).astype(np.uint8)), Image.fromarray(mask.astype(np.uint8) * 255)


def render() -> tuple[Image.Image, Image.Image]:
    """The committed demo sample: a red apple with stalk and leaf on warm paper, and its mask."""
    return render_scene(Scene())


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
