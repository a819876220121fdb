"""The worker service against a real mosquitto: jobs in, events out, never down."""

from __future__ import annotations

import io
import math
import os
import signal
import subprocess
import sys
import zlib

import pytest
from PIL import Image

from shared.imaging import encode_png
from shared.presets import Preset
from shared.protocol import (
    GenerationJob,
    JobAccepted,
    JobDone,
    JobFailed,
    JobImage,
    JobProgress,
    WorkerStatus,
    encode,
    limits,
    topics,
)
from testkit.frames import with_extra_fields
from testkit.jobs import make_job


def events_of(probe, job_id: str, kind: type) -> list:
    return [
        seen.message
        for seen in probe.drain()
        if isinstance(seen.message, kind) and seen.message.job_id == job_id
    ]


def expect_event(probe, job_id: str, kind: type, timeout: float = 20.0):
    return probe.expect(
        lambda seen: isinstance(seen.message, kind) and seen.message.job_id == job_id, timeout
    ).message


def send(probe, job: GenerationJob) -> None:
    probe.publish(topics.job(job.kiosk_id, job.backend, job.job_id), encode(job))


def barrier(probe, kiosk_id: str = "k1", backend: str = "classic") -> None:
    """Wait until the worker (serving `backend`) has handled everything sent before this call.

    The broker forwards one publisher's messages to a client in order, and the
    worker handles them in order, so its answer to a bad job sent now arrives
    only after it has dealt with earlier messages.
    """
    job_id = f"barrier-{len(probe.seen)}"
    probe.publish(topics.job(kiosk_id, backend, job_id), b"not a job")
    expect_event(probe, job_id, JobFailed)


def test_round_trip_four_images(worker_factory, probe_factory):
    worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(num_images=4)
    send(probe, job)

    done = expect_event(probe, job.job_id, JobDone)
    assert done.num_images == 4
    accepted = events_of(probe, job.job_id, JobAccepted)
    assert [event.worker_id for event in accepted] == ["w1"]
    images = events_of(probe, job.job_id, JobImage)
    assert sorted(image.index for image in images) == [0, 1, 2, 3]
    for image in images:
        decoded = Image.open(io.BytesIO(image.image))
        assert decoded.format == "JPEG" and decoded.size == (640, 480)
        assert image.recipe.backend == "classic" and image.recipe.preset is Preset.NEW_COLOUR
        assert image.recipe.seed == 7 and not image.recipe.whole_image
        assert image.recipe.operations, "every image says how it was made"
    progress = events_of(probe, job.job_id, JobProgress)
    assert progress[-1].step == progress[-1].total == 4
    assert len({image.image for image in images}) == 4, "four different variations"


def _oversized_png() -> bytes:
    """A real PNG bigger than the source-image limit, yet within the frame's (noise does not compress)."""
    side = math.isqrt(limits.MAX_SOURCE_IMAGE_BYTES * 11 // 30) + 1  # 10 % over the limit, 3 bytes a pixel
    noise = os.urandom(side * side * 3)
    return encode_png(Image.frombytes("RGB", (side, side), noise))


def _bomb_png() -> bytes:
    """A tiny PNG whose header claims 50 000 x 50 000 pixels."""
    data = bytearray(encode_png(Image.new("RGB", (8, 8))))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = (50_000).to_bytes(4, "big") * 2
    data[ihdr + 17 : ihdr + 21] = zlib.crc32(bytes(data[ihdr : ihdr + 17])).to_bytes(4, "big")
    return bytes(data)


def _unchecked(**fields) -> bytes:
    """Encode a job that skipped validation, as a hostile or buggy kiosk could send."""
    return encode(make_job(job_id="bad").model_copy(update=fields))


BAD_JOBS = {
    "garbage": (lambda: b"\x00\x01garbage", "invalid_job", "not a TeachBooth message"),
    "unknown_field": (
        lambda: with_extra_fields(make_job(job_id="bad"), colour="red"),
        "invalid_job",
        "colour",
    ),
    "oversized_image": (lambda: _unchecked(image=_oversized_png()), "too_large", "image"),
    "oversized_frame": (lambda: b"TB\x01" + b"\x00" * (limits.MAX_FRAME_BYTES + 1), "too_large", "limit"),
    "change_out_of_range": (lambda: _unchecked(change=1.5), "invalid_job", "change"),
    "too_many_images": (lambda: _unchecked(num_images=9), "invalid_job", "num_images"),
    "backend_not_its_topic_s": (
        lambda: encode(make_job(job_id="bad", backend="dalle")),
        "invalid_job",
        "backend 'dalle' but was sent on 'classic'",
    ),
    "prompt_for_classic": (
        lambda: encode(make_job(job_id="bad", preset=None, prompt="a green apple")),
        "unsupported_preset",
        "prompt",
    ),
    "preset_classic_lacks": (
        lambda: encode(make_job(job_id="bad", preset=Preset.ROTTEN)),
        "unsupported_preset",
        "rotten",
    ),
    "not_an_image": (
        lambda: _unchecked(image=b"\x89PNG\r\n\x1a\n" + b"junk" * 10),
        "bad_image",
        "source image",
    ),
    "image_bomb": (
        lambda: encode(make_job(job_id="bad", image=_bomb_png(), mask=None)),
        "bad_image",
        "pixels",
    ),
    "mask_wrong_size": (
        lambda: encode(make_job(job_id="bad", mask=encode_png(Image.new("L", (32, 32))))),
        "bad_image",
        "mask is 32x32",
    ),
}


@pytest.mark.parametrize("case", list(BAD_JOBS))
def test_bad_job_gets_a_reason_and_the_worker_keeps_serving(case, worker_factory, probe_factory):
    worker = worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    payload_of, code, words = BAD_JOBS[case]
    probe.publish(topics.job("k1", "classic", "bad"), payload_of())

    failed = expect_event(probe, "bad", JobFailed)
    assert failed.code == code
    assert words in failed.message
    assert worker.stats[f"failed_{code}"] == 1

    good = make_job(num_images=1)
    send(probe, good)
    assert expect_event(probe, good.job_id, JobDone).num_images == 1


def test_payload_must_match_its_topic(worker_factory, probe_factory):
    worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k2"))
    job = make_job(kiosk_id="k1")
    probe.publish(topics.job("k2", job.backend, job.job_id), encode(job))
    failed = expect_event(probe, job.job_id, JobFailed)
    assert failed.code == "invalid_job" and "topic" in failed.message


def test_a_worker_never_hears_of_another_backend_s_jobs_and_refuses_one_handed_to_it(
    worker_factory, probe_factory
):
    """Routing keeps an inpaint job away from a worker without inpaint; should one reach it anyway
    (a hand-made subscription, a broker bug), it is refused with a reason, never run."""
    worker = worker_factory()  # classic, gated and failing
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(backend="inpaint", num_images=1)
    send(probe, job)
    barrier(probe)
    assert worker.stats["accepted"] == 0 and events_of(probe, job.job_id, JobFailed) == []

    worker._on_message(topics.job("k1", "inpaint", job.job_id), encode(job))  # as paho would hand it over
    failed = expect_event(probe, job.job_id, JobFailed)
    assert failed.code == "unsupported_backend"
    assert failed.message == "this worker runs classic, gated, failing, not 'inpaint'"
    assert worker.stats["accepted"] == 0


def test_unroutable_topic_is_counted_not_answered(worker_factory, probe_factory):
    worker = worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    probe.publish("teachbooth/v2/kiosk/k1/jobs/classic/no spaces allowed", encode(make_job()))
    barrier(probe)
    assert worker.stats["unroutable"] == 1


def test_duplicate_while_running_is_ignored(worker_factory, probe_factory, gated):
    worker = worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(backend="gated", num_images=3)
    send(probe, job)
    assert gated.first_image_out.wait(20)
    send(probe, job)
    barrier(probe)
    gated.gate.set()

    expect_event(probe, job.job_id, JobDone)
    barrier(probe)
    assert worker.stats["duplicates"] == 1
    assert len(events_of(probe, job.job_id, JobAccepted)) == 1
    assert len(events_of(probe, job.job_id, JobImage)) == 3


def test_duplicate_after_finishing_resends_the_stored_result(worker_factory, probe_factory):
    worker = worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(num_images=2)
    send(probe, job)
    expect_event(probe, job.job_id, JobDone)
    first = {image.index: image.image for image in events_of(probe, job.job_id, JobImage)}

    send(probe, job)
    probe.expect(lambda seen: len(events_of(probe, job.job_id, JobDone)) == 2)
    images = events_of(probe, job.job_id, JobImage)
    assert len(images) == 4
    assert {image.index: image.image for image in images[2:]} == first, "the same images, not new ones"
    assert worker.stats["replayed"] == 1 and worker.stats["done"] == 1


def test_same_job_id_from_another_kiosk_is_another_job(worker_factory, probe_factory):
    worker = worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("+"))
    first, second = make_job("k1", "same-id", num_images=1), make_job("k2", "same-id", num_images=1)
    send(probe, first)
    probe.expect(
        lambda seen: seen.topic == topics.events("k1", "same-id") and isinstance(seen.message, JobDone)
    )
    send(probe, second)
    probe.expect(
        lambda seen: seen.topic == topics.events("k2", "same-id") and isinstance(seen.message, JobDone)
    )
    assert worker.stats["done"] == 2 and worker.stats["replayed"] == 0


def test_job_past_its_deadline_is_refused(worker_factory, probe_factory):
    worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(deadline_in=-1)
    send(probe, job)
    failed = expect_event(probe, job.job_id, JobFailed)
    assert failed.code == "expired"
    assert events_of(probe, job.job_id, JobAccepted) == []


def test_deadline_passing_mid_job_stops_it_at_the_next_step(worker_factory, probe_factory, gated, clock):
    worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(backend="gated", num_images=4, deadline_in=30)
    send(probe, job)
    assert gated.first_image_out.wait(20)
    clock.offset = 60
    gated.gate.set()

    failed = expect_event(probe, job.job_id, JobFailed)
    assert failed.code == "expired" and "step 1 of 4" in failed.message
    assert len(events_of(probe, job.job_id, JobImage)) == 1
    assert events_of(probe, job.job_id, JobDone) == []

    clock.offset = 0
    good = make_job(num_images=1)
    send(probe, good)
    expect_event(probe, good.job_id, JobDone)


def test_backend_exception_fails_the_job_not_the_service(worker_factory, probe_factory):
    worker = worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(backend="failing")
    send(probe, job)
    failed = expect_event(probe, job.job_id, JobFailed)
    assert failed.code == "backend_error" and "simulated backend bug" in failed.message

    good = make_job(num_images=1)
    send(probe, good)
    expect_event(probe, good.job_id, JobDone)
    assert worker.stats["done"] == 1


def test_backend_error_is_retryable(worker_factory, probe_factory):
    """A crash says nothing about the job: a resend runs again rather than replaying the failure."""
    worker = worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(backend="failing")
    send(probe, job)
    expect_event(probe, job.job_id, JobFailed)
    send(probe, job)
    probe.expect(lambda seen: len(events_of(probe, job.job_id, JobFailed)) == 2)
    assert worker.stats["replayed"] == 0 and worker.stats["failed_backend_error"] == 2


def test_full_queue_answers_busy(worker_factory, probe_factory, gated):
    worker_factory(queue_limit=1)
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    running, waiting, refused = (make_job(backend="gated", num_images=2) for _ in range(3))
    send(probe, running)
    assert gated.first_image_out.wait(20)
    send(probe, waiting)
    expect_event(probe, waiting.job_id, JobAccepted)
    send(probe, refused)

    failed = expect_event(probe, refused.job_id, JobFailed)
    assert failed.code == "busy"
    gated.gate.set()
    expect_event(probe, running.job_id, JobDone)
    expect_event(probe, waiting.job_id, JobDone)


def test_status_is_retained_and_reports_the_queue(worker_factory, probe_factory, gated):
    worker_factory(worker_id="w-status")
    status = probe_factory(topics.worker_status("w-status"))
    first = status.expect(lambda seen: isinstance(seen.message, WorkerStatus))
    assert first.retain and first.message.state == "online"
    assert first.message.backends == ["classic", "gated", "failing"]

    probe = probe_factory(topics.kiosk_events_filter("k1"))
    send(probe, make_job(backend="gated"))
    assert gated.first_image_out.wait(20)
    status.expect(lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.queue_depth == 1)


def test_clean_stop_publishes_offline(worker_factory, probe_factory):
    worker = worker_factory(worker_id="w-stop")
    worker.stop()
    late = probe_factory(topics.worker_status("w-stop"))
    seen = late.expect(lambda seen: isinstance(seen.message, WorkerStatus))
    assert seen.retain and seen.message.state == "offline"


def test_killed_worker_reads_offline(mosquitto, probe_factory):
    status = probe_factory(topics.worker_status("w-kill"))
    process = subprocess.Popen(
        [sys.executable, "-m", "teachbooth", "worker", "--broker", mosquitto.url, "--worker-id", "w-kill"]
    )
    try:
        status.expect(lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "online")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        status.expect(lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "offline")
    finally:
        if process.poll() is None:
            process.kill()
    late = probe_factory(topics.worker_status("w-kill"))
    seen = late.expect(lambda seen: isinstance(seen.message, WorkerStatus))
    assert seen.retain and seen.message.state == "offline", "the Last Will is retained"


def test_two_workers_share_the_jobs(worker_factory, probe_factory):
    workers = [worker_factory("w1"), worker_factory("w2")]
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    jobs = [make_job(num_images=1, preset=Preset.DIFFERENT_LIGHT) for _ in range(8)]
    for job in jobs:
        send(probe, job)
    for job in jobs:
        expect_event(probe, job.job_id, JobDone)
    for worker in workers:
        worker.stop()

    for job in jobs:
        assert len(events_of(probe, job.job_id, JobAccepted)) == 1
        assert len(events_of(probe, job.job_id, JobDone)) == 1
    assert sum(worker.stats["done"] for worker in workers) == 8
    assert all(worker.stats["done"] > 0 for worker in workers), "both workers took jobs"


def test_a_burst_of_queue_changes_is_folded_into_few_status_messages(worker_factory, probe_factory, gated):
    worker_factory(worker_id="w-burst")
    status = probe_factory(topics.worker_status("w-burst"))
    status.expect(lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.queue_depth == 0)
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    for _ in range(4):
        send(probe, make_job(backend="gated", num_images=2))

    status.expect(lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.queue_depth == 4)
    changes = [seen for seen in status.seen if isinstance(seen.message, WorkerStatus)][1:]
    assert len(changes) < 4, "four accepts in a burst must not cost four status messages"
