"""Generated images reach the kiosk with their object mask, through a real worker and mosquitto;
a mask that does not fit its image is refused on the worker and the image still goes."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np
from PIL import Image

from gpu_worker.backends import GeneratedImage, GenerationRequest, StepCallback
from gpu_worker.backends.classic import ClassicBackend
from shared.imaging import decode_image
from shared.masks import decode_mask
from shared.presets import Preset
from shared.protocol import JobDone, JobImage, topics
from testkit.jobs import make_job
from tests.gpu_worker.test_service import events_of, expect_event, send


class CroppedMaskBackend(ClassicBackend):
    """The classic engine with a bug: every mask comes back 8 pixels short each way."""

    name = "cropped_mask"

    def generate(self, request: GenerationRequest, on_step: StepCallback) -> Iterator[GeneratedImage]:
        for generated in super().generate(request, on_step):
            assert generated.mask is not None
            width, height = generated.mask.size
            yield GeneratedImage(
                index=generated.index,
                image=generated.image,
                whole_image=generated.whole_image,
                operations=generated.operations,
                mask=generated.mask.crop((0, 0, width - 8, height - 8)),
            )


def test_classic_images_carry_the_mask_at_the_images_size(worker_factory, probe_factory):
    worker_factory(backends={"classic": ClassicBackend()}, working_size=320)
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(preset=Preset.NEW_COLOUR, num_images=3)
    send(probe, job)
    assert expect_event(probe, job.job_id, JobDone).num_images == 3
    source_mask = decode_image(job.mask).convert("L").resize((320, 240), Image.Resampling.NEAREST)
    images = events_of(probe, job.job_id, JobImage)
    assert len(images) == 3
    for event in images:
        size = decode_image(event.image).size
        assert size == (320, 240)
        assert event.mask is not None
        mask = decode_mask(event.mask, size)
        np.testing.assert_array_equal(np.asarray(mask) > 127, np.asarray(source_mask) > 127)


def test_a_mask_of_the_wrong_size_is_refused_and_the_image_still_goes(worker_factory, probe_factory, caplog):
    worker_factory(backends={"cropped_mask": CroppedMaskBackend()}, working_size=320)
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(backend="cropped_mask", num_images=2)
    with caplog.at_level(logging.ERROR, logger="gpu_worker.batch_run"):
        send(probe, job)
        assert expect_event(probe, job.job_id, JobDone).num_images == 2
    images = events_of(probe, job.job_id, JobImage)
    assert sorted(event.index for event in images) == [0, 1]
    assert all(event.mask is None for event in images)
    refusals = [
        r.getMessage() for r in caplog.records if "mask is 312x232 but its image is 320x240" in r.getMessage()
    ]
    assert len(refusals) == 2 and "sent without it" in refusals[0]
