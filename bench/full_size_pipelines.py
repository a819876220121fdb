"""Full-size Stable Diffusion pipelines with random weights, written to disk for the diffusion bench.

No weights can be downloaded on the machines this project runs on, yet the bench must time the
architectures a deployment runs: a UNet's, VAE's and text encoder's speed depends on their shapes,
not on the values of their weights. So the configs of the four checkpoint families are written here
(the sizes of their published config.json files), built with random weights and saved in the
diffusers format, fp16 safetensors like the published checkpoints, so the worker's own loader reads
them exactly as it would the real ones. What differs per backend and is already known to the tiny
pipelines (pipeline class, UNet input channels, scheduler) comes from tools/make_tiny_pipelines.py,
and so does the tokenizer: its own small vocabulary (the text encoder keeps CLIP's full 49,408-entry
embedding, so only the token ids differ).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from diffusers import AutoencoderKL, UNet2DConditionModel
from torch import nn
from transformers import CLIPTextConfig, CLIPTextModel

from tools.make_tiny_pipelines import MAX_PROMPT_TOKENS, SPECS, make_tokenizer

CLIP_VOCAB_SIZE = 49408
SEED = 0


@dataclass(frozen=True)
class Family:
    """What separates Stable Diffusion 1.x from 2.x: the text encoder and how the UNet attends to it."""

    name: str
    text_encoder: dict[str, object]
    """CLIPTextConfig sizes: OpenAI CLIP ViT-L/14 for SD 1.x, OpenCLIP ViT-H/14 (23 of 24 layers) for 2.x."""
    attention_head_dim: int | tuple[int, ...]
    use_linear_projection: bool


SD1 = Family(
    name="SD 1.5",
    text_encoder={
        "hidden_size": 768,
        "intermediate_size": 3072,
        "num_attention_heads": 12,
        "num_hidden_layers": 12,
        "hidden_act": "quick_gelu",
        "projection_dim": 768,
    },
    attention_head_dim=8,
    use_linear_projection=False,
)
SD2 = Family(
    name="SD 2",
    text_encoder={
        "hidden_size": 1024,
        "intermediate_size": 4096,
        "num_attention_heads": 16,
        "num_hidden_layers": 23,
        "hidden_act": "gelu",
        "projection_dim": 512,
    },
    attention_head_dim=(5, 10, 20, 20),
    use_linear_projection=True,
)


@dataclass(frozen=True)
class BenchModel:
    """One bench entry: the product backend that runs it and the checkpoint it stands for."""

    backend: str
    """The worker's backend (registry name) that loads and runs it."""
    kind: str
    """The tiny-pipeline kind with the same pipeline class, UNet inputs and scheduler."""
    family: Family
    checkpoint: str
    """The published checkpoint whose architecture this is."""
    few_step: bool = False


MODELS: dict[str, BenchModel] = {
    "img2img-turbo": BenchModel("img2img", "img2img", SD2, "stabilityai/sd-turbo", few_step=True),
    "img2img": BenchModel("img2img", "img2img", SD1, "stable-diffusion-v1-5/stable-diffusion-v1-5"),
    "inpaint": BenchModel("inpaint", "inpaint", SD2, "stabilityai/stable-diffusion-2-inpainting"),
    "instruct": BenchModel("instruct", "instruct", SD1, "timbrooks/instruct-pix2pix"),
}


def _unet(in_channels: int, family: Family) -> UNet2DConditionModel:
    """The SD 1.x / 2.x UNet (about 860M parameters): 64x64 latents for 512x512 images."""
    return UNet2DConditionModel(
        sample_size=64,
        in_channels=in_channels,
        out_channels=4,
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        block_out_channels=(320, 640, 1280, 1280),
        layers_per_block=2,
        cross_attention_dim=family.text_encoder["hidden_size"],
        attention_head_dim=family.attention_head_dim,
        use_linear_projection=family.use_linear_projection,
    )


def _vae() -> AutoencoderKL:
    """The VAE every SD 1.x / 2.x checkpoint shares (84M parameters)."""
    return AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(128, 256, 512, 512),
        layers_per_block=2,
        latent_channels=4,
        norm_num_groups=32,
        sample_size=512,
    )


def _half(build: Callable[[], nn.Module]) -> nn.Module:
    """Build in fp32 (random init is fp32 code) and halve at once, so one fp32 model is alive at a time."""
    return build().half().eval()


def write_full_size_pipeline(name: str, folder: Path) -> float:
    """Write bench model `name` as a diffusers folder at `folder`; returns the seconds it took.

    It is written next to `folder` and renamed into place, so an interrupted write never leaves a
    folder that a later run would take for a finished model.
    """
    model = MODELS[name]
    spec = SPECS[model.kind]
    started = time.perf_counter()
    torch.manual_seed(SEED)
    tokenizer = make_tokenizer()
    text_config = CLIPTextConfig(
        vocab_size=CLIP_VOCAB_SIZE,
        max_position_embeddings=MAX_PROMPT_TOKENS,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        **model.family.text_encoder,
    )
    pipeline = spec.pipeline_class(
        vae=_half(_vae),
        text_encoder=_half(lambda: CLIPTextModel(text_config)),
        tokenizer=tokenizer,
        unet=_half(lambda: _unet(spec.unet_in_channels, model.family)),
        scheduler=spec.make_scheduler(),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    pipeline.save_pretrained(partial, safe_serialization=True)
    partial.rename(folder)
    return time.perf_counter() - started
