"""The tiny pipelines load back with `from_pretrained` and generate, as the diffusion backends use them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
import torch
from diffusers import DiffusionPipeline
from PIL import Image

from tools.make_tiny_pipelines import SPECS, main, make_tiny_pipelines

SIZE = 64
STEPS = 2


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    return make_tiny_pipelines(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def pipelines(folders) -> dict[str, DiffusionPipeline]:
    loaded = {}
    for kind, folder in folders.items():
        pipeline = DiffusionPipeline.from_pretrained(folder, local_files_only=True)
        pipeline.set_progress_bar_config(disable=True)
        loaded[kind] = pipeline
    return loaded


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    rng = np.random.default_rng(7)
    return Image.fromarray(rng.integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8))


def centre_mask(value: int = 255) -> Image.Image:
    mask = Image.new("L", (SIZE, SIZE), 0)
    mask.paste(value, (16, 16, 48, 48))
    return mask


def generate(pipeline: DiffusionPipeline, seed: int, image: Image.Image, **inputs) -> np.ndarray:
    """Two images of one source as one batch, the way a backend runs a job."""
    return pipeline(
        prompt=["a green apple"] * 2,
        image=[image] * 2,
        num_inference_steps=STEPS,
        generator=torch.Generator("cpu").manual_seed(seed),
        output_type="np",
        **inputs,
    ).images


def file_digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_each_kind_reloads_as_its_pipeline_with_its_unet_inputs(pipelines):
    assert set(pipelines) == {"inpaint", "instruct", "img2img"}
    for kind, pipeline in pipelines.items():
        spec = SPECS[kind]
        assert type(pipeline) is spec.pipeline_class
        assert pipeline.unet.config.in_channels == spec.unet_in_channels
        assert pipeline.vae_scale_factor == 8
        assert pipeline.unet.dtype == torch.float32


def test_tokenizer_gives_preset_words_one_token_and_spells_unknown_ones(pipelines):
    tokenizer = pipelines["inpaint"].tokenizer
    ids = tokenizer("A green apple").input_ids
    assert tokenizer.convert_ids_to_tokens(ids) == [
        "<|startoftext|>",
        "a</w>",
        "green</w>",
        "apple</w>",
        "<|endoftext|>",
    ]
    spelled = tokenizer.convert_ids_to_tokens(tokenizer("qz!").input_ids)
    assert spelled == ["<|startoftext|>", "q", "z</w>", "!</w>", "<|endoftext|>"]
    assert len(tokenizer("a green apple", padding="max_length").input_ids) == 77
    assert tokenizer.model_max_length == 77
    assert pipelines["inpaint"].text_encoder.config.vocab_size == len(tokenizer)


def test_inpaint_generates_a_batch_that_depends_on_seed_and_mask(pipelines, photo):
    pipeline = pipelines["inpaint"]
    images = generate(pipeline, seed=1, image=photo, mask_image=centre_mask(), height=SIZE, width=SIZE)
    assert images.shape == (2, SIZE, SIZE, 3)
    again = generate(pipeline, seed=1, image=photo, mask_image=centre_mask(), height=SIZE, width=SIZE)
    np.testing.assert_array_equal(images, again)
    other_seed = generate(pipeline, seed=2, image=photo, mask_image=centre_mask(), height=SIZE, width=SIZE)
    assert np.abs(images - other_seed).max() > 1e-3
    # The mask is a UNet input (channels 5 to 9), so a different mask changes the result.
    other_mask = generate(pipeline, seed=1, image=photo, mask_image=centre_mask(0), height=SIZE, width=SIZE)
    assert np.abs(images - other_mask).max() > 1e-3


def test_instruct_edits_at_the_source_size_and_repeats_for_a_seed(pipelines, photo):
    pipeline = pipelines["instruct"]
    images = generate(pipeline, seed=1, image=photo, image_guidance_scale=1.5)
    assert images.shape == (2, SIZE, SIZE, 3)
    np.testing.assert_array_equal(images, generate(pipeline, seed=1, image=photo, image_guidance_scale=1.5))
    assert np.abs(images - generate(pipeline, seed=2, image=photo, image_guidance_scale=1.5)).max() > 1e-3


def test_img2img_runs_turbo_style_without_guidance_at_any_multiple_of_eight(pipelines):
    pipeline = pipelines["img2img"]
    wide = Image.new("RGB", (96, SIZE), (40, 160, 60))
    images = generate(pipeline, seed=1, image=wide, strength=1.0, guidance_scale=0.0)
    assert images.shape == (2, SIZE, 96, 3)
    np.testing.assert_array_equal(
        images, generate(pipeline, seed=1, image=wide, strength=1.0, guidance_scale=0.0)
    )
    # Trailing timestep spacing: two steps from pure noise end at t=0, as SD-Turbo's scheduler does.
    pipeline.scheduler.set_timesteps(STEPS)
    assert pipeline.scheduler.timesteps.tolist() == [999.0, 499.0]


def test_writing_twice_gives_identical_files(folders, tmp_path):
    again = make_tiny_pipelines(tmp_path, ["instruct"])
    assert file_digests(again["instruct"]) == file_digests(folders["instruct"])
    assert {"model_index.json", "unet/diffusion_pytorch_model.safetensors"} <= set(
        file_digests(folders["instruct"])
    )


def test_cli_writes_only_the_kinds_asked_for(tmp_path):
    assert main(["--out", str(tmp_path), "--only", "img2img"]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["img2img"]
    assert (tmp_path / "img2img" / "model_index.json").is_file()


def test_unknown_kind_is_refused_before_anything_is_written(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--out", str(tmp_path), "--only", "inpaint,sdxl"])
    assert exit_info.value.code == 2
    assert "inpaint, instruct, img2img" in capsys.readouterr().err
    with pytest.raises(ValueError, match="sdxl"):
        make_tiny_pipelines(tmp_path, ["inpaint", "sdxl"])
    assert list(tmp_path.iterdir()) == []


def test_the_hub_is_off_for_the_whole_test_run():
    """tests/conftest.py turns it off, so a missing folder fails at once instead of trying the network."""
    from huggingface_hub import constants

    assert constants.HF_HUB_OFFLINE
