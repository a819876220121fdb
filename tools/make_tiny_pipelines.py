"""Write tiny randomly initialised diffusers pipelines, one per diffusion backend, in the on-disk format.

Model weights cannot be downloaded on the machines this project is built and
tested on, yet the worker's diffusion backends must be tested through their
real code path: `from_pretrained` on a folder, the text encoder, the VAE, the
UNet and the scheduler's denoising loop. This script builds the same pipeline
classes the backends load, at toy sizes (a few MB, seconds to build, fast on a
CPU), and saves them with `save_pretrained`, so a test or the demo points the
worker at the folder exactly as it would at a real checkpoint.

The architectures keep what the backends depend on: the UNet's input channels
(9 for inpainting: latents, mask and masked-image latents; 8 for
InstructPix2Pix: latents and image latents; 4 for image-to-image), a VAE that
scales by 8 like Stable Diffusion's, a 77-token CLIP text encoder and each
checkpoint family's scheduler. The tokenizer's vocabulary and merges are
written here (the byte-level alphabet plus whole-word merges for the words the
presets use), so any prompt tokenizes without a download. Everything is seeded:
the same call writes the same weights.

Usage: python tools/make_tiny_pipelines.py --out DIR [--only inpaint,instruct,img2img]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import torch
from diffusers import (
    AutoencoderKL,
    DDIMScheduler,
    DiffusionPipeline,
    EulerAncestralDiscreteScheduler,
    EulerDiscreteScheduler,
    StableDiffusionImg2ImgPipeline,
    StableDiffusionInpaintPipeline,
    StableDiffusionInstructPix2PixPipeline,
    UNet2DConditionModel,
)
from diffusers.schedulers.scheduling_utils import SchedulerMixin
from tokenizers import pre_tokenizers
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

SEED = 0
TEXT_HIDDEN_SIZE = 32
MAX_PROMPT_TOKENS = 77
BOS_TOKEN = "<|startoftext|>"
EOS_TOKEN = "<|endoftext|>"
END_OF_WORD = "</w>"

# Words that get a token of their own (space-separated): what the presets and class labels say
# most. Any other word still tokenizes, as byte-level characters.
WHOLE_WORDS = (
    "a photo of the an and with in on same different new colour color background light lighting angle "
    "view ripe riper rotten unripe green red yellow orange brown black white blue purple pink apple pear "
    "banana tomato lemon fruit object person hand table studio bright dark soft warm cold blurry lowres "
    "bad quality make it turn into change"
)

# Stable Diffusion's training noise schedule, shared by every checkpoint family used here.
SD_NOISE_SCHEDULE = {
    "num_train_timesteps": 1000,
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "prediction_type": "epsilon",
    "steps_offset": 1,
}


@dataclass(frozen=True)
class TinyPipelineSpec:
    """What differs between the backends' checkpoints: pipeline class, UNet inputs, scheduler, SD family."""

    pipeline_class: type[DiffusionPipeline]
    unet_in_channels: int
    make_scheduler: Callable[[], SchedulerMixin]
    # Stable Diffusion 2 (the inpainting model, SD-Turbo) uses linear attention projections and a GELU
    # text encoder; SD 1.x (InstructPix2Pix) uses convolutions and quick-GELU. Both code paths get exercised.
    sd2: bool


SPECS: dict[str, TinyPipelineSpec] = {
    "inpaint": TinyPipelineSpec(
        pipeline_class=StableDiffusionInpaintPipeline,
        unet_in_channels=9,
        make_scheduler=lambda: DDIMScheduler(**SD_NOISE_SCHEDULE, clip_sample=False, set_alpha_to_one=False),
        sd2=True,
    ),
    "instruct": TinyPipelineSpec(
        pipeline_class=StableDiffusionInstructPix2PixPipeline,
        unet_in_channels=8,
        make_scheduler=lambda: EulerAncestralDiscreteScheduler(**SD_NOISE_SCHEDULE),
        sd2=False,
    ),
    # The SD-Turbo class: the SD 2.1 architecture with a scheduler whose few steps end at t=0.
    "img2img": TinyPipelineSpec(
        pipeline_class=StableDiffusionImg2ImgPipeline,
        unet_in_channels=4,
        make_scheduler=lambda: EulerDiscreteScheduler(**SD_NOISE_SCHEDULE, timestep_spacing="trailing"),
        sd2=True,
    ),
}


def write_tokenizer_files(folder: Path) -> None:
    """Write a CLIP BPE vocabulary (vocab.json, merges.txt), the format real checkpoints ship.

    The layout follows CLIP's: the 256 byte-level characters, the same with the end-of-word
    marker, the merge products, then the start and end tokens. Each whole word is merged left
    to right; every merge product is in the vocabulary, so whatever order BPE applies the
    merges in, each token it produces has an id.
    """
    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    tokens = alphabet + [char + END_OF_WORD for char in alphabet]
    merges: list[tuple[str, str]] = []
    for word in dict.fromkeys(WHOLE_WORDS.split()):
        symbols = [*word[:-1], word[-1] + END_OF_WORD]
        merged = symbols[0]
        for symbol in symbols[1:]:
            if (merged, symbol) not in merges:
                merges.append((merged, symbol))
            merged += symbol
            if merged not in tokens:
                tokens.append(merged)
    tokens += [BOS_TOKEN, EOS_TOKEN]
    folder.mkdir(parents=True, exist_ok=True)
    vocab = {token: index for index, token in enumerate(tokens)}
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    merge_lines = "".join(f"{left} {right}\n" for left, right in merges)
    (folder / "merges.txt").write_text("#version: 0.2\n" + merge_lines, encoding="utf-8")


def make_tokenizer() -> CLIPTokenizer:
    """Load the tiny vocabulary the way a checkpoint's tokenizer folder is loaded."""
    with tempfile.TemporaryDirectory() as scratch:
        write_tokenizer_files(Path(scratch))
        return CLIPTokenizer.from_pretrained(scratch, model_max_length=MAX_PROMPT_TOKENS)


def make_text_encoder(tokenizer: CLIPTokenizer, sd2: bool) -> CLIPTextModel:
    torch.manual_seed(SEED)
    config = CLIPTextConfig(
        vocab_size=len(tokenizer),
        hidden_size=TEXT_HIDDEN_SIZE,
        intermediate_size=37,
        num_attention_heads=4,
        num_hidden_layers=2,
        max_position_embeddings=MAX_PROMPT_TOKENS,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        hidden_act="gelu" if sd2 else "quick_gelu",
        projection_dim=TEXT_HIDDEN_SIZE,
    )
    return CLIPTextModel(config).eval()


def make_unet(in_channels: int, sd2: bool) -> UNet2DConditionModel:
    torch.manual_seed(SEED)
    return UNet2DConditionModel(
        sample_size=8,
        in_channels=in_channels,
        out_channels=4,
        block_out_channels=(32, 64),
        layers_per_block=1,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=TEXT_HIDDEN_SIZE,
        attention_head_dim=(2, 4) if sd2 else 8,
        use_linear_projection=sd2,
    ).eval()


def make_vae() -> AutoencoderKL:
    """Four blocks, so images shrink by 8 into latents as with Stable Diffusion's VAE."""
    torch.manual_seed(SEED)
    return AutoencoderKL(
        sample_size=64,
        in_channels=3,
        out_channels=3,
        latent_channels=4,
        block_out_channels=(8, 16, 16, 16),
        layers_per_block=1,
        norm_num_groups=8,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
    ).eval()


def checked_kinds(kinds: Iterable[str]) -> list[str]:
    """The kinds asked for, or a ValueError that names the wrong ones before anything is built."""
    kinds = list(kinds)
    unknown = [kind for kind in kinds if kind not in SPECS]
    if not kinds or unknown:
        raise ValueError(
            f"unknown pipeline kind(s) {', '.join(unknown) or '(none given)'}; "
            f"expected some of {', '.join(SPECS)}"
        )
    return kinds


def build_tiny_pipeline(kind: str) -> DiffusionPipeline:
    """The pipeline for one backend (`inpaint`, `instruct` or `img2img`), in memory, fp32 on the CPU."""
    spec = SPECS[checked_kinds([kind])[0]]
    tokenizer = make_tokenizer()
    return spec.pipeline_class(
        vae=make_vae(),
        text_encoder=make_text_encoder(tokenizer, spec.sd2),
        tokenizer=tokenizer,
        unet=make_unet(spec.unet_in_channels, spec.sd2),
        scheduler=spec.make_scheduler(),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )


def make_tiny_pipelines(out: Path, kinds: Iterable[str] = tuple(SPECS)) -> dict[str, Path]:
    """Save each requested pipeline to `out/<kind>` and return the folders by kind."""
    folders = {}
    for kind in checked_kinds(kinds):
        folder = Path(out) / kind
        build_tiny_pipeline(kind).save_pretrained(folder)
        folders[kind] = folder
    return folders


def parse_kinds(text: str) -> list[str]:
    try:
        return checked_kinds(kind.strip() for kind in text.split(",") if kind.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder that receives one subfolder per kind")
    parser.add_argument(
        "--only",
        type=parse_kinds,
        default=list(SPECS),
        help=f"comma-separated kinds to write (default: all of {','.join(SPECS)})",
    )
    args = parser.parse_args(argv)
    for kind, folder in make_tiny_pipelines(args.out, args.only).items():
        print(f"{kind}: {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
