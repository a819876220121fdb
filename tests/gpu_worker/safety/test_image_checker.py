"""The image safety checker: real diffusers checker code on a tiny checker whose verdict is fixed."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest
from PIL import Image

from gpu_worker.command import add_arguments, run
from gpu_worker.safety.image_checker import (
    ImageSafetyChecker,
    SafetyCheckerSettings,
    SafetyCheckerUnavailable,
)
from shared.protocol import JobDone, JobImage, topics
from testkit.jobs import make_job
from tests.gpu_worker.test_service import events_of, expect_event, send
from tools.make_tiny_safety_checker import make_tiny_safety_checker


@pytest.fixture(scope="module")
def checkers(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("safety")
    return {
        verdict: make_tiny_safety_checker(root / verdict, verdict) for verdict in ("flag-all", "pass-all")
    }


def images() -> list[Image.Image]:
    return [Image.new("RGB", (120, 90), "red"), Image.new("RGB", (48, 64), "navy")]


def test_verdicts_come_from_the_checker(checkers):
    flag_all = ImageSafetyChecker(SafetyCheckerSettings(model=str(checkers["flag-all"]), device="cpu"))
    pass_all = ImageSafetyChecker(SafetyCheckerSettings(model=str(checkers["pass-all"]), device="cpu"))
    assert flag_all.flagged(images()) == [True, True]
    assert pass_all.flagged(images()) == [False, False]
    assert pass_all.flagged([]) == []


def test_a_stable_diffusion_folder_layout_loads_too(checkers, tmp_path):
    shutil.copytree(checkers["flag-all"], tmp_path / "safety_checker")
    shutil.copytree(checkers["flag-all"], tmp_path / "feature_extractor")
    checker = ImageSafetyChecker(SafetyCheckerSettings(model=str(tmp_path), device="cpu"))
    assert checker.flagged(images()[:1]) == [True]


def test_a_missing_or_broken_checker_is_refused_with_the_reason(checkers, tmp_path):
    with pytest.raises(SafetyCheckerUnavailable, match="does not exist"):
        ImageSafetyChecker(SafetyCheckerSettings(model=str(tmp_path / "nowhere")))
    broken = shutil.copytree(checkers["pass-all"], tmp_path / "broken")
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(SafetyCheckerUnavailable, match="cannot load the safety checker"):
        ImageSafetyChecker(SafetyCheckerSettings(model=str(broken)))


def test_flagged_images_are_withheld_and_counted(worker_factory, probe_factory, checkers):
    worker = worker_factory(safety_checker={"model": str(checkers["flag-all"]), "device": "cpu"})
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(num_images=3)
    send(probe, job)
    done = expect_event(probe, job.job_id, JobDone)
    assert (done.num_images, done.withheld) == (0, 3)
    assert events_of(probe, job.job_id, JobImage) == []
    assert worker.stats["withheld_images"] == 3


def test_images_the_checker_passes_go_out(worker_factory, probe_factory, checkers):
    worker_factory(safety_checker={"model": str(checkers["pass-all"]), "device": "cpu"})
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(num_images=2)
    send(probe, job)
    done = expect_event(probe, job.job_id, JobDone)
    assert (done.num_images, done.withheld) == (2, 0)
    assert len(events_of(probe, job.job_id, JobImage)) == 2


def test_the_worker_will_not_start_without_its_configured_checker(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--broker", "mqtt://localhost:1", "--safety-checker", str(tmp_path / "none")])
    assert run(args) == 2
    assert "safety checker folder" in capsys.readouterr().err
