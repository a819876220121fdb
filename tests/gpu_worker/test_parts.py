"""The worker's small parts: config, registry, result cache, classic backend (queue: test_job_queue)."""

from __future__ import annotations

import pytest
from PIL import Image
from pydantic import ValidationError

from gpu_worker.backends import UnsupportedRequest, create_backend
from gpu_worker.backends.base import GenerationRequest
from gpu_worker.config import WorkerConfig, default_worker_id
from gpu_worker.results import ResultCache, StoredEvent
from shared.presets import Preset


def test_config_rejects_unknown_keys_backends_and_urls():
    with pytest.raises(ValidationError, match="extra"):
        WorkerConfig(broker="mqtt://localhost", colour="red")
    with pytest.raises(ValidationError, match="dalle"):
        WorkerConfig(broker="mqtt://localhost", backends=("dalle",))
    with pytest.raises(ValidationError, match="mqtt://"):
        WorkerConfig(broker="localhost:1883")
    with pytest.raises(ValidationError, match="pattern"):
        WorkerConfig(broker="mqtt://localhost", worker_id="bad/id")
    with pytest.raises(ValidationError, match="cannot exceed queue_limit"):
        WorkerConfig(broker="mqtt://localhost", queue_limit=4, per_kiosk_limit=5)


def test_config_fields_are_documented():
    for name, field in WorkerConfig.model_fields.items():
        assert field.title and field.description, f"{name} needs a title and a description"


def test_default_worker_id_is_a_valid_topic_level():
    assert WorkerConfig(broker="mqtt://localhost", worker_id=default_worker_id()).worker_id.startswith(
        "worker-"
    )


def test_registry_names_the_known_backends():
    assert create_backend("classic").name == "classic"
    with pytest.raises(KeyError, match="classic"):
        create_backend("dalle")


def test_result_cache_claims_replays_and_forgets_under_budget():
    cache = ResultCache(budget_bytes=10)
    assert cache.claim(("k", "a")).owned
    assert not cache.claim(("k", "a")).owned, "a running job is not claimed twice"
    cache.finish(("k", "a"), [StoredEvent("t", b"12345")])
    replay = cache.claim(("k", "a"))
    assert not replay.owned and replay.replay == (StoredEvent("t", b"12345"),)

    assert cache.claim(("k", "b")).owned
    cache.finish(("k", "b"), [StoredEvent("t", b"123456")])  # 11 bytes in all: "a" is dropped
    assert cache.claim(("k", "a")).owned
    assert cache.claim(("k", "b")).replay

    cache.release(("k", "a"))
    assert cache.claim(("k", "a")).owned, "a released claim can be taken again"


def _request(**fields) -> GenerationRequest:
    values = dict(
        image=Image.new("RGB", (64, 48), (200, 30, 30)),
        mask=None,
        label="apple",
        preset=Preset.NEW_COLOUR,
        prompt=None,
        change=0.5,
        seed=1,
        num_images=3,
    )
    return GenerationRequest(**(values | fields))


def test_classic_backend_reports_every_step_and_says_whole_image():
    steps: list[tuple[int, int]] = []
    images = list(
        create_backend("classic").generate(_request(), lambda step, total: steps.append((step, total)))
    )
    assert [image.index for image in images] == [0, 1, 2]
    assert all(image.whole_image for image in images)
    assert steps == [(0, 3), (1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize("fields", [{"preset": None, "prompt": "a green apple"}, {"preset": Preset.RIPER}])
def test_classic_backend_refuses_what_it_cannot_do(fields):
    with pytest.raises(UnsupportedRequest):
        list(create_backend("classic").generate(_request(**fields), lambda *_: None))
