"""Write a tiny randomly initialised diffusers safety checker, in the on-disk layout of the real one.

The real checker (a CLIP ViT-L/14 image tower plus 17 concept and 3
special-care embeddings with a threshold each) cannot be downloaded here, and
what it flags depends on trained weights. The worker's use of it (load from a
folder, preprocess, ask per image, withhold what it flags) is still tested
through the real code path with this tiny one, whose verdict is fixed by its
thresholds: `flag-all` sets every concept threshold far below any cosine
similarity, so every image is flagged; `pass-all` sets them above 1, so none is.

Layout (as the CompVis/stable-diffusion-safety-checker repository):
config.json + model.safetensors + preprocessor_config.json in one folder.

Usage: python tools/make_tiny_safety_checker.py --out DIR [--verdict flag-all|pass-all]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
from transformers import CLIPConfig, CLIPImageProcessorPil

SEED = 0
IMAGE_SIZE = 32
THRESHOLDS = {"flag-all": -2.0, "pass-all": 2.0}
"""Cosine similarities lie in [-1, 1]: a threshold outside that range fixes the verdict."""


def build_tiny_safety_checker(verdict: str) -> StableDiffusionSafetyChecker:
    if verdict not in THRESHOLDS:
        raise ValueError(f"unknown verdict {verdict!r}; expected one of {', '.join(THRESHOLDS)}")
    torch.manual_seed(SEED)
    config = CLIPConfig(
        text_config={
            "hidden_size": 16,
            "intermediate_size": 32,
            "num_attention_heads": 2,
            "num_hidden_layers": 1,
        },
        vision_config={
            "hidden_size": 16,
            "intermediate_size": 32,
            "num_attention_heads": 2,
            "num_hidden_layers": 1,
            "image_size": IMAGE_SIZE,
            "patch_size": 8,
        },
        projection_dim=8,
    )
    checker = StableDiffusionSafetyChecker(config).eval()
    with torch.no_grad():
        checker.concept_embeds.normal_()
        checker.special_care_embeds.normal_()
        checker.concept_embeds_weights.fill_(THRESHOLDS[verdict])
        checker.special_care_embeds_weights.fill_(THRESHOLDS["pass-all"])
    return checker


def make_tiny_safety_checker(out: Path, verdict: str) -> Path:
    """Save the checker and its image processor to `out` and return it."""
    checker = build_tiny_safety_checker(verdict)
    checker.save_pretrained(out, safe_serialization=True)
    processor = CLIPImageProcessorPil(size={"shortest_edge": IMAGE_SIZE}, crop_size=IMAGE_SIZE)
    processor.save_pretrained(out)
    return Path(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the checker into")
    parser.add_argument(
        "--verdict", choices=sorted(THRESHOLDS), default="pass-all", help="what it says of any image"
    )
    args = parser.parse_args(argv)
    print(make_tiny_safety_checker(args.out, args.verdict), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
