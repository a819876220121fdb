"""`teachbooth generate`, run as a user would, against mosquitto and a worker."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys

import pytest
from PIL import Image

from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from shared.protocol import GenerationJob, JobCancel, JobDone, WorkerStatus, topics
from testkit.jobs import SAMPLES, GatedBackend


@pytest.fixture
def worker(mosquitto, probe_factory):
    service = WorkerService(WorkerConfig(broker=mosquitto.url, worker_id="w1"))
    service.start()
    probe_factory(topics.worker_status("w1")).expect(
        lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "online"
    )
    yield service
    service.stop()


def generate_command(out, broker: str, outbox, *args: str) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "teachbooth",
        "generate",
        "--broker",
        broker,
        "--out",
        str(out),
    ]
    return [*command, "--outbox", str(outbox), *args]


def generate(tmp_path, broker: str, *args: str) -> subprocess.CompletedProcess:
    command = generate_command(tmp_path / "out", broker, tmp_path / "outbox.sqlite", *args)
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


SAMPLE_ARGS = ("--image", str(SAMPLES / "red_apple.jpg"), "--mask", str(SAMPLES / "red_apple_mask.png"))


def test_writes_images_and_job_json(tmp_path, mosquitto, worker):
    result = generate(
        tmp_path, mosquitto.url, *SAMPLE_ARGS, "--preset", "new_colour", "--num", "3", "--seed", "5"
    )
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    images = sorted(out.glob("*.jpg"))
    assert [path.name for path in images] == ["00.jpg", "01.jpg", "02.jpg"]
    assert Image.open(images[0]).size == (640, 480)
    masks = sorted(path.name for path in out.glob("*.mask.png"))  # the classic engine knows its object
    assert masks == ["00.mask.png", "01.mask.png", "02.mask.png"]
    assert Image.open(out / masks[0]).size == (640, 480)
    record = json.loads((out / "job.json").read_text())
    assert all("mask" not in event for event in record["events"])
    assert record["state"] == "done" and record["images"] == ["00.jpg", "01.jpg", "02.jpg"]
    assert record["job"]["seed"] == 5 and record["job"]["label"] == "red_apple"
    assert [event["type"] for event in record["events"]][-1] == "done"
    assert "3 images" in result.stdout


def test_worker_refusal_exits_non_zero_with_the_reason(tmp_path, mosquitto, worker):
    result = generate(tmp_path, mosquitto.url, *SAMPLE_ARGS, "--preset", "rotten")
    assert result.returncode == 1
    assert "rotten" in result.stderr and "classic" in result.stderr
    record = json.loads((tmp_path / "out" / "job.json").read_text())
    assert record["state"] == "failed" and record["events"][-1]["code"] == "unsupported_preset"


def test_timeout_says_no_worker_is_online(tmp_path, mosquitto):
    result = generate(tmp_path, mosquitto.url, *SAMPLE_ARGS, "--preset", "mix", "--timeout", "1")
    assert result.returncode == 1
    assert "no worker is online" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--image", "missing.jpg", "--preset", "mix"), "cannot read image"),
        (("--image", __file__, "--preset", "mix"), "could not be decoded"),
        ((*SAMPLE_ARGS, "--preset", "mix", "--num", "9"), "num_images"),
        ((*SAMPLE_ARGS, "--preset", "mix", "--change", "2"), "change"),
        (("--image", str(SAMPLES / "red_apple.jpg"), "--mask", __file__, "--preset", "mix"), "mask"),
    ],
)
def test_bad_input_gets_a_clear_error(tmp_path, args, message):
    result = generate(tmp_path, "mqtt://127.0.0.1:1", *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_broker_url(tmp_path):
    result = generate(tmp_path, "http://example", *SAMPLE_ARGS, "--preset", "mix")
    assert result.returncode == 1 and "mqtt://" in result.stderr


def test_ctrl_c_cancels_the_job_on_the_worker(tmp_path, mosquitto, probe_factory):
    gated = GatedBackend()
    service = WorkerService(WorkerConfig(broker=mosquitto.url, worker_id="w-gate"), backends={"gated": gated})
    service.start()
    cancels = probe_factory(topics.ALL_CANCELS_FILTER)
    args = (*SAMPLE_ARGS, "--preset", "mix", "--backend", "gated")
    command = generate_command(tmp_path, mosquitto.url, tmp_path / "outbox.sqlite", *args)
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert gated.first_image_out.wait(30), "the job is running on the worker"
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 130
        assert "cancelled job" in process.stderr.read()
        cancelled = cancels.expect(lambda seen: isinstance(seen.message, JobCancel)).message
        assert cancelled.kiosk_id.startswith("cli-")
    finally:
        process.kill()
        gated.gate.set()
        service.stop()


@pytest.mark.parametrize("finished_before_resume", [True, False], ids=["finished meanwhile", "still running"])
def test_a_killed_run_is_resumed_by_the_next_not_sent_again(
    tmp_path, mosquitto, probe_factory, finished_before_resume
):
    """SIGKILL after the job went out, before its result; the same command again waits for that job
    (the worker ignores the copy the outbox sends while it runs the job, replays its result once
    done) and the worker runs one job, once."""
    gated = GatedBackend()
    service = WorkerService(WorkerConfig(broker=mosquitto.url, worker_id="w-gate"), backends={"gated": gated})
    service.start()
    jobs = probe_factory(topics.ALL_JOBS_FILTER)
    events = probe_factory(topics.kiosk_events_filter("cli-resume"))
    statuses = probe_factory(topics.kiosk_status("cli-resume"))
    args = (*SAMPLE_ARGS, "--preset", "mix", "--backend", "gated", "--num", "2", "--kiosk-id", "cli-resume")
    command = generate_command(tmp_path / "out", mosquitto.url, tmp_path / "outbox.sqlite", *args)
    first = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    try:
        assert gated.first_image_out.wait(30), "the job went out and runs on the worker"
        first.kill()
        assert first.wait(30) == -signal.SIGKILL
        if finished_before_resume:
            gated.gate.set()
            events.expect(lambda seen: isinstance(seen.message, JobDone))  # heard by nobody
        second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if not finished_before_resume:
            onlines = itertools.count(1)
            statuses.expect(lambda seen: seen.message.state == "online" and next(onlines) == 2)
            gated.gate.set()  # the rest of the images go to the second run, which asks for a replay
        out, err = second.communicate(timeout=120)
    finally:
        first.kill()
        gated.gate.set()
        service.stop()

    assert second.returncode == 0, err
    (job_id,) = {seen.message.job_id for seen in jobs.drain() if isinstance(seen.message, GenerationJob)}
    assert f"resuming job {job_id}" in err and f"(job {job_id})" in out
    assert service.stats["accepted"] == 1, "one job, run once"
    record = json.loads((tmp_path / "out" / "job.json").read_text())
    assert record["job"]["job_id"] == job_id and record["state"] == "done"
    assert record["images"] == ["00.jpg", "01.jpg"]
    images = [event["index"] for event in record["events"] if event["type"] == "image"]
    assert sorted(images) == [0, 1], "each image delivered once"
