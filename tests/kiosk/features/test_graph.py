"""The committed model's feature maps, exposed as graph outputs without changing its numbers."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.features.backbone import FP32_MODEL, INT8_MODEL, Backbone
from kiosk.features.graph import head_map, mid_map, read_graph, with_outputs
from kiosk.features.runtime import interpreter_class


def test_the_maps_are_found_by_rule_in_the_committed_model():
    graph = read_graph(FP32_MODEL.read_bytes())
    assert graph.tensors[graph.inputs[0]].shape == (1, 224, 224, 3)
    assert graph.tensors[head_map(graph)].shape == (1, 7, 7, 1280)
    assert graph.tensors[mid_map(graph)].shape == (1, 14, 14, 112)


def test_added_outputs_come_after_the_models_own_and_leave_its_output_as_it_was():
    data = FP32_MODEL.read_bytes()
    graph = read_graph(data)
    patched = with_outputs(data, (head_map(graph), mid_map(graph)))
    # Only the outputs offset is rewritten and a vector appended: every weight stays where it was.
    changed = np.flatnonzero(np.frombuffer(patched[: len(data)], np.uint8) != np.frombuffer(data, np.uint8))
    assert len(patched) > len(data) and set(changed) <= set(
        range(graph.outputs_field, graph.outputs_field + 4)
    )
    assert read_graph(patched).outputs == (graph.outputs[0], head_map(graph), mid_map(graph))

    cls, _ = interpreter_class()
    plain, exposed = cls(model_content=data), cls(model_content=patched)
    pixels = np.random.default_rng(3).integers(0, 256, (1, 224, 224, 3), dtype=np.uint8)
    results = []
    for interpreter in (plain, exposed):
        interpreter.allocate_tensors()
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], pixels)
        interpreter.invoke()
        results.append([interpreter.get_tensor(o["index"]) for o in interpreter.get_output_details()])
    (pooled,), (same, head, mid) = results
    np.testing.assert_allclose(same, pooled, rtol=0, atol=1e-6)
    np.testing.assert_allclose(head.mean(axis=(1, 2)), pooled, rtol=0, atol=1e-5)  # the map it pools
    assert mid.shape == (1, 14, 14, 112) and np.isfinite(mid).all() and mid.std() > 0


@pytest.mark.parametrize("path", [FP32_MODEL, INT8_MODEL])
def test_the_backbone_gives_its_maps_from_the_same_invoke(path):
    backbone = Backbone(path)
    pixels = [np.random.default_rng(seed).integers(0, 256, (224, 224, 3), dtype=np.uint8) for seed in (1, 2)]
    found = backbone.embed_maps(pixels)
    assert backbone.map_shapes == {"head": (7, 7, 1280), "mid": (14, 14, 112)}
    np.testing.assert_allclose([f.pooled for f in found], backbone.embed_pixels(pixels), rtol=0, atol=1e-6)
    for maps in found:
        assert maps.maps["head"].shape == (7, 7, 1280) and maps.maps["mid"].shape == (14, 14, 112)
        # quantized maps come back dequantized: their mean is (up to the int8 rounding of the
        # model's own pooling) the pooled vector
        mean = maps.maps["head"].mean(axis=(0, 1))
        assert np.median(np.abs(mean - maps.pooled)) < 0.05
        assert np.corrcoef(mean, maps.pooled)[0, 1] > 0.99


def test_bytes_that_are_no_tflite_model_are_refused():
    with pytest.raises(ValueError, match="TFL3"):
        read_graph(b"not a model at all")
