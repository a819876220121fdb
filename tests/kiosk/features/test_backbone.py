"""The committed backbone models, run by the real TFLite runtime."""

from __future__ import annotations

import hashlib
import threading
import types

import numpy as np
import pytest
from PIL import Image

from kiosk.features import runtime
from kiosk.features.backbone import FP32_MODEL, INT8_MODEL, MODELS_DIR, Backbone

CARD = MODELS_DIR / "efficientnet_lite0.md"
SAMPLE = MODELS_DIR.parent / "samples" / "red_apple.jpg"


@pytest.fixture(scope="module")
def fp32(tflite_runtime_name) -> Backbone:
    return Backbone(FP32_MODEL, num_threads=2)


@pytest.fixture(scope="module")
def int8(tflite_runtime_name) -> Backbone:
    return Backbone(INT8_MODEL, num_threads=2)


def test_committed_models_match_the_model_card(export_tool):
    card = export_tool.read_card_json(CARD)
    assert set(card["files"]) == {FP32_MODEL.name, INT8_MODEL.name}
    for name, expected in card["files"].items():
        data = (MODELS_DIR / name).read_bytes()
        assert len(data) == expected["bytes"], name
        assert hashlib.sha256(data).hexdigest() == expected["sha256"], name
    assert card["feature_dim"] == 1280
    assert card["input"] == {"size": [224, 224], "dtype": "uint8", "layout": "NHWC", "range": [0, 255]}


def test_backbone_describes_its_model(fp32, int8):
    for backbone, path in ((fp32, FP32_MODEL), (int8, INT8_MODEL)):
        assert backbone.input_size == (224, 224)
        assert backbone.input_dtype == np.uint8
        assert backbone.feature_dim == 1280
        assert backbone.backbone_id == hashlib.sha256(path.read_bytes()).hexdigest()
    assert fp32.backbone_id != int8.backbone_id
    assert "efficientnet_lite0_fp32.tflite" in repr(fp32)


@pytest.mark.parametrize("count", [0, 1, 3])
def test_embed_shape_and_dtype(fp32, int8, count):
    rng = np.random.default_rng(count)
    images = [rng.integers(0, 256, (240, 320, 3), dtype=np.uint8) for _ in range(count)]
    for backbone in (fp32, int8):
        features = backbone.embed(images)
        assert features.shape == (count, 1280)
        assert features.dtype == np.float32
        assert np.isfinite(features).all()
        assert (features >= 0).all() and (features <= 6.0 + 1e-4).all()  # pooled ReLU6


def test_embed_takes_any_image(fp32):
    sample = Image.open(SAMPLE)
    images = [
        sample,
        np.asarray(sample),
        sample.convert("L"),
        sample.convert("RGBA"),
        Image.new("RGB", (1, 1)),
    ]
    features = fp32.embed(images)
    assert features.shape == (5, 1280)
    assert np.array_equal(features[0], features[1])  # PIL and array of the same pixels
    assert np.array_equal(fp32.embed_one(sample), features[0])
    assert np.array_equal(fp32.embed_pixels([fp32.preprocess(sample)])[0], features[0])


def test_features_are_deterministic_and_tell_images_apart(fp32, export_tool):
    scenes = export_tool.scene_pixels(seed=7, count=4)
    first, again = fp32.embed_pixels(scenes), fp32.embed_pixels(scenes)
    assert np.array_equal(first, again)
    cos = export_tool.cosine(first[:-1], first[1:])
    assert (cos < 0.99).all()


def test_thread_count_does_not_change_features(fp32):
    single = Backbone(FP32_MODEL, num_threads=1)
    image = np.asarray(Image.open(SAMPLE))
    np.testing.assert_allclose(single.embed_one(image), fp32.embed_one(image), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="num_threads"):
        Backbone(FP32_MODEL, num_threads=0)


def test_backbone_is_safe_to_share_between_threads(fp32, export_tool):
    scenes = export_tool.scene_pixels(seed=8, count=3)
    expected = fp32.embed_pixels(scenes)
    results: list[np.ndarray] = []

    def work() -> None:
        for _ in range(3):
            results.append(fp32.embed_pixels(scenes))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 12
    for result in results:
        assert np.array_equal(result, expected)


def test_int8_features_follow_fp32(fp32, int8, export_tool):
    scenes = export_tool.scene_pixels(export_tool.HELD_OUT_SEED, export_tool.HELD_OUT_COUNT)
    scenes.append(fp32.preprocess(Image.open(SAMPLE)))
    cos = export_tool.cosine(fp32.embed_pixels(scenes), int8.embed_pixels(scenes))
    assert cos.mean() > 0.98, cos
    assert cos.min() > 0.9, cos


def test_embed_pixels_rejects_unprocessed_input(fp32):
    with pytest.raises(ValueError, match="uint8"):
        fp32.embed_pixels([np.zeros((100, 100, 3), np.uint8)])
    with pytest.raises(ValueError, match="uint8"):
        fp32.embed_pixels([np.zeros((224, 224, 3), np.float32)])


def test_missing_and_broken_model_files(tmp_path, tflite_runtime_name):
    with pytest.raises(FileNotFoundError):
        Backbone(tmp_path / "nothing.tflite")
    broken = tmp_path / "broken.tflite"
    broken.write_bytes(b"this is no flatbuffer" * 10)
    with pytest.raises(ValueError, match="not a TFLite model"):
        Backbone(broken)


def test_runtime_prefers_ai_edge_litert_and_falls_back(monkeypatch):
    fake = types.ModuleType("tflite_runtime.interpreter")
    fake.Interpreter = type("Interpreter", (), {})
    real_import = runtime.importlib.import_module

    def only_tflite_runtime(name):
        if name == "ai_edge_litert.interpreter":
            raise ImportError("No module named 'ai_edge_litert'")
        if name == "tflite_runtime.interpreter":
            return fake
        return real_import(name)

    monkeypatch.setattr(runtime.importlib, "import_module", only_tflite_runtime)
    assert runtime.interpreter_class() == (fake.Interpreter, "tflite_runtime.interpreter")


def test_runtime_missing_says_what_to_install(monkeypatch, tmp_path):
    def nothing(name):
        raise ImportError(f"No module named {name!r}")

    monkeypatch.setattr(runtime.importlib, "import_module", nothing)
    model = tmp_path / "model.tflite"
    model.write_bytes(b"x")
    with pytest.raises(runtime.RuntimeMissing, match="ai-edge-litert") as info:
        runtime.load_interpreter(model)
    assert "tflite-runtime" in str(info.value)
