"""The message models themselves: strictness, immutability, cross-field rules and defaults."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from pydantic import ValidationError

from shared.presets import Preset
from shared.protocol import limits
from shared.protocol.messages import (
    MESSAGE_TYPES,
    PROTOCOL_VERSION,
    TERMINAL_EVENTS,
    FailureCode,
    GenerationJob,
    ImageRecipe,
    JobAccepted,
    JobDone,
    JobFailed,
    JobImage,
    JobProgress,
    KioskStatus,
    WireModel,
    WorkerStatus,
)
from tests.shared.protocol.strategies import JPEG_MAGIC, PNG_MAGIC, messages

IMAGE = JPEG_MAGIC + b"pixels"


def job(**overrides) -> GenerationJob:
    fields = {
        "job_id": "j1",
        "kiosk_id": "k1",
        "label": "apple",
        "preset": Preset.NEW_COLOUR,
        "change": 0.5,
        "num_images": 2,
        "seed": 3,
        "created_at": 100.0,
        "deadline": 160.0,
        "image": IMAGE,
    }
    fields.update(overrides)
    return GenerationJob(**fields)


def recipe(**overrides) -> ImageRecipe:
    return ImageRecipe(
        **{"backend": "classic", "change": 0.5, "seed": 1, "index": 0, "whole_image": True} | overrides
    )


def test_message_types_registry():
    assert set(MESSAGE_TYPES) == {
        "job",
        "cancel",
        "accepted",
        "progress",
        "image",
        "done",
        "failed",
        "worker_status",
        "kiosk_status",
    }
    for kind, model in MESSAGE_TYPES.items():
        assert issubclass(model, WireModel)
        assert model.model_fields["type"].default == kind
    assert (JobDone, JobFailed) == TERMINAL_EVENTS
    assert PROTOCOL_VERSION == 2


def test_only_job_and_image_carry_blobs():
    assert GenerationJob.BLOB_FIELDS == ("image", "mask")
    assert JobImage.BLOB_FIELDS == ("image", "mask")
    for model in MESSAGE_TYPES.values():
        for name in model.BLOB_FIELDS:
            assert name in model.model_fields
        if model not in (GenerationJob, JobImage):
            assert model.BLOB_FIELDS == ()


@settings(max_examples=200, deadline=None)
@given(messages)
def test_strategies_build_valid_messages(message):
    """The strategies are only useful if what they build survives validation again."""
    again = type(message).model_validate(message.model_dump())
    assert again == message
    assert message.v == PROTOCOL_VERSION


def test_defaults():
    made = job()
    assert (made.v, made.type, made.backend, made.prompt, made.mask) == (2, "job", "classic", None, None)
    before = time.time()
    status = WorkerStatus(worker_id="w", state="online", version="1.0")
    assert before <= status.at <= time.time()
    assert (status.backends, status.queue_depth, status.type) == ([], 0, "worker_status")
    assert KioskStatus(kiosk_id="k", state="offline", version="1").outbox_depth == 0


def test_mutable_defaults_are_not_shared():
    first, second = recipe(), recipe()
    first.operations.append("tint")
    assert second.operations == []
    assert recipe().operations == []


def test_models_are_frozen():
    made = job()
    with pytest.raises(ValidationError):
        made.num_images = 3
    with pytest.raises(ValidationError):
        made.image = PNG_MAGIC
    assert made.num_images == 2


def test_unknown_fields_are_rejected():
    with pytest.raises(ValidationError, match="extra"):
        job(colour="red")
    with pytest.raises(ValidationError):
        JobDone(job_id="j", worker_id="w", num_images=1, elapsed_s=1.0, note="hi")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("num_images", "2"),
        ("num_images", 2.0),
        ("num_images", True),
        ("change", "0.5"),
        ("change", False),
        ("seed", "3"),
        ("created_at", "100"),
        ("image", "not bytes"),
        ("image", bytearray(IMAGE)),
        ("label", b"apple"),
        ("job_id", 1),
    ],
)
def test_no_type_coercion(field, value):
    with pytest.raises(ValidationError) as info:
        job(**{field: value})
    assert info.value.errors()[0]["loc"][0] == field


def test_preset_and_failure_code_accept_their_string_values():
    """The only lax fields: enums arrive from JSON as their string values."""
    assert job(preset="mix").preset is Preset.MIX
    failed = JobFailed(job_id="j", worker_id="w", code="bad_image", message="bad")
    assert failed.code is FailureCode.BAD_IMAGE
    with pytest.raises(ValidationError):
        JobFailed(job_id="j", worker_id="w", code="oops", message="bad")
    with pytest.raises(ValidationError):
        job(preset="sparkles")


def test_version_other_than_two_is_rejected():
    with pytest.raises(ValidationError):
        job(v=1)  # v1 job topics had no backend level: a v1 message is not ours
    with pytest.raises(ValidationError):
        job(v=3)
    with pytest.raises(ValidationError):
        job(v=0)


@pytest.mark.parametrize("bad", ["", "a b", "a/b", "a+", "#", "x" * 65, "é", "id\n", "\nid", "١٢٣"])
def test_ids(bad):
    with pytest.raises(ValidationError):
        job(job_id=bad)
    with pytest.raises(ValidationError):
        JobAccepted(job_id="j", worker_id=bad, queue_position=0)
    assert job(job_id="A-z_09" + "x" * 58).job_id == "A-z_09" + "x" * 58


def test_label_and_prompt_rules():
    for bad in ["", " ", "\u3000", "tab\there", "nul\x00", "\x7f", "x" * (limits.MAX_LABEL_CHARS + 1)]:
        with pytest.raises(ValidationError, match="label"):
            job(label=bad)
    for bad in ["", " \n", "new\nline", "x" * (limits.MAX_PROMPT_CHARS + 1)]:
        with pytest.raises(ValidationError, match="prompt"):
            job(prompt=bad)
    assert job(prompt="x" * limits.MAX_PROMPT_CHARS).prompt == "x" * limits.MAX_PROMPT_CHARS


def test_job_needs_intent():
    with pytest.raises(ValidationError, match="preset or a prompt"):
        job(preset=None)
    assert job(preset=None, prompt="riper").preset is None
    assert job(prompt="riper").preset is Preset.NEW_COLOUR


def test_image_and_mask_formats():
    assert job(image=PNG_MAGIC + b"x").image == PNG_MAGIC + b"x"
    assert job(mask=PNG_MAGIC).mask == PNG_MAGIC
    for bad in [b"GIF89a", b"", JPEG_MAGIC[:2], b"x" + JPEG_MAGIC]:
        with pytest.raises(ValidationError, match="image"):
            job(image=bad)
    with pytest.raises(ValidationError, match="mask is not a PNG"):
        job(mask=JPEG_MAGIC + b"x")
    with pytest.raises(ValidationError, match="image"):
        JobImage(job_id="j", worker_id="w", index=0, total=1, recipe=recipe(), image=b"BM")


def test_blob_size_limits():
    job(image=JPEG_MAGIC + bytes(limits.MAX_SOURCE_IMAGE_BYTES - 3))
    with pytest.raises(ValidationError, match="image"):
        job(image=JPEG_MAGIC + bytes(limits.MAX_SOURCE_IMAGE_BYTES - 2))
    with pytest.raises(ValidationError, match="mask"):
        job(mask=PNG_MAGIC + bytes(limits.MAX_MASK_BYTES - 7))


def test_expired():
    made = job(deadline=160.0)
    assert not made.expired(now=159.9)
    assert made.expired(now=160.0)
    assert made.expired(now=1e12)
    assert job(deadline=time.time() - 1).expired()
    assert not job(deadline=time.time() + 60).expired()


def test_progress_step_within_total():
    assert JobProgress(job_id="j", worker_id="w", step=5, total=5).step == 5
    with pytest.raises(ValidationError, match="past the total"):
        JobProgress(job_id="j", worker_id="w", step=6, total=5)
    with pytest.raises(ValidationError):
        JobProgress(job_id="j", worker_id="w", step=0, total=0)
    with pytest.raises(ValidationError):
        JobProgress(job_id="j", worker_id="w", step=0, total=10_001)


def test_image_index_within_total():
    made = JobImage(job_id="j", worker_id="w", index=2, total=3, recipe=recipe(index=2), image=IMAGE)
    assert made.index == 2
    with pytest.raises(ValidationError, match="past the total"):
        JobImage(job_id="j", worker_id="w", index=3, total=3, recipe=recipe(), image=IMAGE)
    with pytest.raises(ValidationError):
        JobImage(
            job_id="j",
            worker_id="w",
            index=0,
            total=limits.MAX_IMAGES_PER_JOB + 1,
            recipe=recipe(),
            image=IMAGE,
        )


def test_recipe_limits():
    assert recipe(operations=["x" * 120] * 32).operations == ["x" * 120] * 32
    with pytest.raises(ValidationError):
        recipe(operations=["x"] * 33)
    with pytest.raises(ValidationError):
        recipe(operations=["x" * 121])
    with pytest.raises(ValidationError):
        recipe(model="m" * 201)
    with pytest.raises(ValidationError):
        recipe(index=limits.MAX_IMAGES_PER_JOB)


def test_status_limits():
    with pytest.raises(ValidationError):
        WorkerStatus(worker_id="w", state="busy", version="1")
    with pytest.raises(ValidationError):
        WorkerStatus(worker_id="w", state="online", version="1", backends=["Bad Name"])
    with pytest.raises(ValidationError):
        WorkerStatus(worker_id="w", state="online", version="1", backends=["b"] * 33)
    with pytest.raises(ValidationError):
        KioskStatus(kiosk_id="k", state="online", version="v" * 33)
    with pytest.raises(ValidationError):
        KioskStatus(kiosk_id="k", state="online", version="1", outbox_depth=-1)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0])
def test_timestamps_and_durations_are_finite_and_non_negative(value):
    with pytest.raises(ValidationError):
        JobDone(job_id="j", worker_id="w", num_images=1, elapsed_s=value)
    with pytest.raises(ValidationError):
        JobAccepted(job_id="j", worker_id="w", queue_position=0, at=value)
