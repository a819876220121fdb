"""The frozen image backbone: a TFLite feature-vector model and the one preprocessing function.

    from kiosk.features.backbone import Backbone
    backbone = Backbone()                      # EfficientNet-Lite0, float32, 2 threads
    vectors = backbone.embed([image, frame])   # (2, 1280) float32
    backbone.backbone_id                       # sha256 of the model file: the feature-cache key

`preprocess_image` is the only place where an image becomes model input. Training, the live
preview, the CLI and the exported model bundle all go through it, so an exported model cannot see
pixels the preview did not (the most common complaint about Teachable Machine). It uses Pillow and
NumPy only, so the standalone predictor of a model bundle can carry it unchanged:

1. EXIF orientation is applied (photos imported from phones).
2. Any mode becomes 8-bit RGB: grey is repeated, 16-bit grey scaled down, palette expanded, and
   transparent pixels flattened onto neutral grey (127).
3. The largest centred crop with the model's aspect ratio (a square for the default model) is
   resized to the model's input size with Pillow's antialiasing bilinear filter.

The result is uint8 RGB pixels, H x W x 3, exactly what the committed models take: their input is
NHWC uint8 in 0..255 and the (x - 127) / 128 scaling EfficientNet-Lite was trained with is inside
the model. No float maths happens in Python, and an image already at the input size passes through
unchanged. Objects should arrive as (roughly) square crops: the masking step is the place to widen
a tight box with real frame pixels, since a centre crop cuts the ends off a long thin object.

Other TFLite feature-vector models (e.g. MobileNet V2/V3 from a model zoo) can be used by path:
uint8 inputs get the pixels as they are, float32 inputs get them mapped to `input_range` (0..1 by
default, the TF Hub convention), int8 inputs get that range quantized with the tensor's own scale.
Quantized outputs are dequantized, and the output is flattened to one vector per image.

The same invoke also yields the model's feature maps where `graph.py` finds them (`embed_maps`):
the map its output pools ("head") and a mid-level one ("mid"), which the feature recipes
(`recipes.py`) and the anomaly model pool for local evidence. Exposing them changes neither the
model file nor the pooled numbers.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import ExifTags, Image, ImageOps

from .graph import head_map, mid_map, read_graph  # relative: model bundles carry these files
from .runtime import load_interpreter

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
FP32_MODEL = MODELS_DIR / "efficientnet_lite0_fp32.tflite"
INT8_MODEL = MODELS_DIR / "efficientnet_lite0_int8.tflite"
DEFAULT_MODEL = FP32_MODEL

NEUTRAL_GREY = 127
"""What transparent pixels become; EfficientNet-Lite maps it to 0."""

RESAMPLE = Image.Resampling.BILINEAR
REDUCING_GAP = 3.0
"""Pillow shrinks huge images by an integer factor first when the factor is over this: faster, and at
3.0 indistinguishable from a single pass. Part of the preprocessing contract: never change it alone."""

ImageLike = Image.Image | np.ndarray
MAP_NAMES = ("head", "mid")


@dataclass(frozen=True)
class FeatureMaps:
    """What one invoke of the backbone gives for one image."""

    pooled: np.ndarray
    """(dim,) float32: the model's output, what `Backbone.embed` returns."""
    maps: dict[str, np.ndarray]
    """Map name ("head", "mid") -> (h, w, channels) float32, for the maps the model has."""


def _as_pil(image: ImageLike) -> Image.Image:
    if isinstance(image, Image.Image):
        return image
    if isinstance(image, np.ndarray):
        array = image[..., 0] if image.ndim == 3 and image.shape[2] == 1 else image
        if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
            raise ValueError(f"an image array must be H x W, H x W x 3 (RGB) or H x W x 4, got {image.shape}")
        if array.dtype == np.bool_:
            array = array.astype(np.uint8) * 255
        try:
            return Image.fromarray(np.ascontiguousarray(array))
        except TypeError as exc:
            raise ValueError(f"cannot read an image array of dtype {array.dtype}: {exc}") from None
    raise TypeError(f"expected a PIL image or a NumPy array, got {type(image).__name__}")


def to_rgb(image: Image.Image) -> Image.Image:
    """Step 2 of the preprocessing contract alone: any mode as 8-bit RGB, transparency on grey."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        backdrop = Image.new("RGBA", rgba.size, (NEUTRAL_GREY, NEUTRAL_GREY, NEUTRAL_GREY, 255))
        return Image.alpha_composite(backdrop, rgba).convert("RGB")
    if mode.startswith("I;16"):
        grey = np.asarray(image).astype(np.float32) / 257.0
        return Image.fromarray(np.rint(grey).astype(np.uint8)).convert("RGB")
    if mode in ("I", "F"):
        values = np.nan_to_num(np.asarray(image).astype(np.float64))
        top = float(values.max(initial=0.0))
        if mode == "F" and top <= 1.0:
            values = values * 255.0  # a float image in 0..1
        elif mode == "I" and top > 255:
            values = values / 257.0  # 16-bit grey read as 32-bit
        return Image.fromarray(np.rint(np.clip(values, 0, 255)).astype(np.uint8)).convert("RGB")
    try:
        return image.convert("RGB")
    except ValueError as exc:
        raise ValueError(f"cannot turn a {mode} image into RGB: {exc}") from None


def centre_box(width: int, height: int, target_w: int, target_h: int) -> tuple[int, int, int, int]:
    """The largest centred box of the target aspect ratio (at least one pixel each way): the part of an
    image the backbone sees, which is where the kiosk draws a heat map over the live frame."""
    if width * target_h >= height * target_w:  # wider than the target: cut the sides
        crop_w, crop_h = max(1, round(height * target_w / target_h)), height
    else:
        crop_w, crop_h = width, max(1, round(width * target_h / target_w))
    left, top = (width - crop_w) // 2, (height - crop_h) // 2
    return left, top, left + crop_w, top + crop_h


def preprocess_image(image: ImageLike, size: int | tuple[int, int] = 224) -> np.ndarray:
    """Model input pixels for one image: uint8 RGB, (height, width, 3). See the module docstring.

    `image` is a PIL image of any mode or an RGB(A)/grey NumPy array; `size` is an int for a square
    or (height, width).
    """
    target_h, target_w = (size, size) if isinstance(size, int) else size
    if isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.shape == (target_h, target_w, 3):
        return np.ascontiguousarray(image)  # already model input (the path below would not change it)
    pil = _as_pil(image)
    if pil.width < 1 or pil.height < 1:
        raise ValueError(f"an image must have pixels, got {pil.width} x {pil.height}")
    if pil.getexif().get(ExifTags.Base.Orientation, 1) != 1:
        pil = ImageOps.exif_transpose(pil)
    pil = to_rgb(pil)
    box = centre_box(pil.width, pil.height, target_w, target_h)
    if box != (0, 0, pil.width, pil.height):
        # Crop first: resize(box=...) would let pixels outside the box bleed in at the edges.
        pil = pil.crop(box)
    resized = pil.resize((target_w, target_h), RESAMPLE, reducing_gap=REDUCING_GAP)
    return np.asarray(resized, dtype=np.uint8)


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Backbone:
    """A TFLite feature-vector model and its preprocessing; one image at a time, thread-safe."""

    def __init__(
        self,
        path: str | Path = DEFAULT_MODEL,
        *,
        num_threads: int = 2,
        input_range: tuple[float, float] = (0.0, 1.0),
    ) -> None:
        if num_threads < 1:
            raise ValueError(f"num_threads must be at least 1, got {num_threads}")
        self.path = Path(path)
        self.num_threads = num_threads
        self.input_range = (float(input_range[0]), float(input_range[1]))
        map_tensors = _map_tensors(self.path)
        self._interpreter: Any = load_interpreter(
            self.path, num_threads=num_threads, extra_outputs=tuple(map_tensors.values())
        )
        self.backbone_id: str = file_sha256(self.path)
        """sha256 (hex) of the model file; preprocessing is fixed, so this fixes the features."""
        self._lock = threading.Lock()

        inputs, outputs = self._interpreter.get_input_details(), self._interpreter.get_output_details()
        if len(inputs) != 1:
            raise ValueError(f"{self.path}: a backbone must have one input, this one has {len(inputs)}")
        detail = inputs[0]
        shape = [int(v) for v in detail["shape"]]
        if len(shape) != 4 or shape[3] != 3:
            raise ValueError(f"{self.path}: expected an NHWC RGB input (1, H, W, 3), got {shape}")
        if shape[0] != 1:
            self._interpreter.resize_tensor_input(detail["index"], [1, *shape[1:]])
            self._interpreter.allocate_tensors()
            detail = self._interpreter.get_input_details()[0]
        self.input_size: tuple[int, int] = (shape[1], shape[2])
        self.input_dtype = np.dtype(detail["dtype"])
        if self.input_dtype not in (np.dtype(np.uint8), np.dtype(np.int8), np.dtype(np.float32)):
            raise ValueError(f"{self.path}: unsupported input type {self.input_dtype}")
        self._input = detail
        self._output = outputs[0]
        self.feature_dim = int(np.prod(self._output["shape"][1:]))
        by_index = {int(output["index"]): output for output in outputs}
        self._maps = {name: by_index[index] for name, index in map_tensors.items()}
        self.map_shapes: dict[str, tuple[int, int, int]] = {
            name: tuple(int(v) for v in output["shape"][1:]) for name, output in self._maps.items()
        }
        """Map name -> (h, w, channels) of the feature maps `embed_maps` returns."""

    def __repr__(self) -> str:
        return (
            f"Backbone({self.path.name}, input={self.input_size[0]}x{self.input_size[1]} "
            f"{self.input_dtype}, dim={self.feature_dim}, threads={self.num_threads})"
        )

    def preprocess(self, image: ImageLike) -> np.ndarray:
        """uint8 RGB pixels (H, W, 3) at this model's input size: see `preprocess_image`."""
        return preprocess_image(image, self.input_size)

    def _input_tensor(self, pixels: np.ndarray) -> np.ndarray:
        batch = pixels[None]
        if self.input_dtype == np.uint8:
            return batch
        low, high = self.input_range
        values = batch.astype(np.float32) * np.float32((high - low) / 255.0) + np.float32(low)
        if self.input_dtype == np.float32:
            return values
        scale, zero_point = self._input["quantization"]
        quantized = np.rint(values / np.float32(scale)) + zero_point
        return np.clip(quantized, -128, 127).astype(np.int8)

    @staticmethod
    def _dequantized(raw: np.ndarray, detail: dict) -> np.ndarray:
        scale, zero_point = detail["quantization"]
        if scale:
            return (raw.astype(np.float32) - np.float32(zero_point)) * np.float32(scale)
        return raw.astype(np.float32)

    def _invoke(self, pixels: Sequence[np.ndarray] | np.ndarray, maps: bool) -> Iterable[FeatureMaps]:
        """One invoke per preprocessed image; the maps are copied out only when asked for."""
        expected = (*self.input_size, 3)
        for image in pixels:
            if image.shape != expected or image.dtype != np.uint8:
                raise ValueError(
                    f"preprocessed pixels must be uint8 {expected}, got {image.dtype} {image.shape}"
                )
            tensor = self._input_tensor(image)
            with self._lock:
                self._interpreter.set_tensor(self._input["index"], tensor)
                self._interpreter.invoke()
                get = self._interpreter.get_tensor
                pooled = self._dequantized(get(self._output["index"]), self._output).reshape(-1)
                found = (
                    {name: self._dequantized(get(d["index"]), d)[0] for name, d in self._maps.items()}
                    if maps
                    else {}
                )
            yield FeatureMaps(pooled, found)

    def embed_pixels(self, pixels: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
        """Features (n, dim) float32 of already preprocessed images (the output of `preprocess`)."""
        out = np.empty((len(pixels), self.feature_dim), dtype=np.float32)
        for row, found in enumerate(self._invoke(pixels, maps=False)):
            out[row] = found.pooled
        return out

    def embed_maps(self, pixels: Sequence[np.ndarray] | np.ndarray) -> list[FeatureMaps]:
        """The pooled features and the feature maps of already preprocessed images, one invoke each."""
        return list(self._invoke(pixels, maps=True))

    def embed(self, images: Iterable[ImageLike]) -> np.ndarray:
        """Features (n, dim) float32, one row per image (PIL images or RGB arrays, any size)."""
        return self.embed_pixels([self.preprocess(image) for image in images])

    def embed_one(self, image: ImageLike) -> np.ndarray:
        """Features (dim,) float32 of one image."""
        return self.embed([image])[0]


def _map_tensors(path: Path) -> dict[str, int]:
    """Map name -> tensor index of the feature maps `graph.py` finds in the model file; none for a
    file it cannot read (the interpreter then says what is wrong with it)."""
    try:
        graph = read_graph(path.read_bytes())
    except (OSError, ValueError):
        return {}
    found = {"head": head_map(graph), "mid": mid_map(graph)}
    return {name: index for name, index in found.items() if index is not None}
