"""Loading a backend's pipeline: device, dtype and speed settings, and clear refusals of wrong models."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch
from diffusers import StableDiffusionImg2ImgPipeline, StableDiffusionInpaintPipeline
from diffusers.models.attention_processor import AttnProcessor2_0
from PIL import Image
from pydantic import ValidationError
from safetensors.torch import load_file

from gpu_worker.diffusion.device import DeviceUnavailable
from gpu_worker.diffusion.loading import ModelUnavailable, load_pipeline
from gpu_worker.diffusion.settings import DiffusionModelSettings
from testkit.cuda import needs_cuda


def turbo_images(pipeline, device: str = "cpu") -> np.ndarray:
    """Two 64x64 images in two steps, seeded, as the img2img backend runs SD-Turbo."""
    source = Image.new("RGB", (64, 64), (40, 160, 60))
    return pipeline(
        prompt=["a green apple"] * 2,
        image=[source] * 2,
        strength=1.0,
        guidance_scale=0.0,
        num_inference_steps=2,
        generator=torch.Generator(device).manual_seed(3),
        output_type="np",
    ).images


def test_cpu_load_is_fp32_with_sdpa_and_channels_last_and_changes_no_result(tiny_pipelines):
    settings = DiffusionModelSettings(model=str(tiny_pipelines["img2img"]), device="auto")
    loaded = load_pipeline(StableDiffusionImg2ImgPipeline, settings, unet_in_channels=4)
    pipeline = loaded.pipeline
    assert (loaded.device.type, loaded.dtype, loaded.compiled) == ("cpu", torch.float32, False)
    assert loaded.model == str(tiny_pipelines["img2img"]) and loaded.load_seconds > 0
    assert pipeline.unet.dtype == torch.float32
    for module in (pipeline.unet, pipeline.vae):
        assert {type(processor) for processor in module.attn_processors.values()} == {AttnProcessor2_0}
    conv = pipeline.unet.conv_in.weight
    assert conv.is_contiguous(memory_format=torch.channels_last) and not conv.is_contiguous()

    plain = StableDiffusionImg2ImgPipeline.from_pretrained(tiny_pipelines["img2img"])
    plain.set_progress_bar_config(disable=True)
    tuned = turbo_images(pipeline)
    assert tuned.shape == (2, 64, 64, 3)
    np.testing.assert_allclose(tuned, turbo_images(plain), atol=1e-4)


def test_a_checkpoint_for_another_backend_is_refused_with_both_channel_counts(tiny_pipelines):
    settings = DiffusionModelSettings(model=str(tiny_pipelines["img2img"]))
    with pytest.raises(ModelUnavailable, match=r"4-channel UNet; StableDiffusionInpaintPipeline needs 9"):
        load_pipeline(StableDiffusionInpaintPipeline, settings, unet_in_channels=9)


def test_a_missing_folder_is_refused(tmp_path):
    settings = DiffusionModelSettings(model=str(tmp_path / "nowhere"))
    with pytest.raises(ModelUnavailable, match="does not exist"):
        load_pipeline(StableDiffusionImg2ImgPipeline, settings, unet_in_channels=4)


def test_a_folder_that_is_not_a_pipeline_is_refused(tiny_pipelines, tmp_path):
    unet_only = tmp_path / "unet-only"
    shutil.copytree(tiny_pipelines["img2img"] / "unet", unet_only / "unet")
    settings = DiffusionModelSettings(model=str(unet_only))
    with pytest.raises(ModelUnavailable, match=r"no model_index\.json"):
        load_pipeline(StableDiffusionImg2ImgPipeline, settings, unet_in_channels=4)


def test_pickled_weights_are_refused_since_loading_them_can_run_code(tiny_pipelines, tmp_path):
    pickled = tmp_path / "pickled"
    shutil.copytree(tiny_pipelines["img2img"], pickled)
    weights = pickled / "unet" / "diffusion_pytorch_model.safetensors"
    torch.save(load_file(weights), weights.with_suffix(".bin"))
    weights.unlink()
    settings = DiffusionModelSettings(model=str(pickled))
    with pytest.raises(ModelUnavailable, match=r"cannot load .*diffusion_pytorch_model\.safetensors"):
        load_pipeline(StableDiffusionImg2ImgPipeline, settings, unet_in_channels=4)


def test_a_model_id_that_is_not_cached_is_refused_without_the_network():
    settings = DiffusionModelSettings(model="teachbooth-tests/no-such-model")
    with pytest.raises(ModelUnavailable, match="teachbooth-tests/no-such-model"):
        load_pipeline(StableDiffusionImg2ImgPipeline, settings, unet_in_channels=4)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_cuda_asked_for_without_a_gpu_is_an_error_not_a_cpu_run(tiny_pipelines):
    settings = DiffusionModelSettings(model=str(tiny_pipelines["img2img"]), device="cuda")
    with pytest.raises(DeviceUnavailable, match="sees no CUDA GPU"):
        load_pipeline(StableDiffusionImg2ImgPipeline, settings, unet_in_channels=4)


def test_compile_wraps_the_unet_in_place(tiny_pipelines):
    """Only the wrapping: compiling even the tiny UNet takes minutes on a CPU (the GPU test runs it)."""
    settings = DiffusionModelSettings(model=str(tiny_pipelines["img2img"]), device="cpu", compile=True)
    loaded = load_pipeline(StableDiffusionImg2ImgPipeline, settings, unet_in_channels=4)
    assert loaded.compiled
    assert loaded.pipeline.unet._compiled_call_impl is not None
    assert loaded.pipeline.unet.config.in_channels == 4


@needs_cuda
@pytest.mark.parametrize("compile", [False, True])
def test_cuda_load_is_fp16_and_generates(tiny_pipelines, compile):
    settings = DiffusionModelSettings(model=str(tiny_pipelines["img2img"]), device="cuda", compile=compile)
    loaded = load_pipeline(StableDiffusionImg2ImgPipeline, settings, unet_in_channels=4)
    assert (loaded.device.type, loaded.dtype) == ("cuda", torch.float16)
    assert loaded.pipeline.unet.dtype == torch.float16
    images = turbo_images(loaded.pipeline, device="cuda")
    assert images.shape == (2, 64, 64, 3) and np.isfinite(images).all()


def test_settings_refuse_unknown_keys_and_devices():
    with pytest.raises(ValidationError, match="extra"):
        DiffusionModelSettings.model_validate({"model": "x", "half": True})
    with pytest.raises(ValidationError, match="device"):
        DiffusionModelSettings(model="x", device="tpu")
    with pytest.raises(ValidationError, match="model"):
        DiffusionModelSettings(model="")


def test_settings_import_without_torch():
    """The worker's config holds these settings; validating it must not pay for importing torch."""
    probe = (
        "import sys, json\n"
        "import gpu_worker.diffusion.settings\n"
        "print(json.dumps([m for m in ('torch', 'diffusers', 'transformers') if m in sys.modules]))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []
