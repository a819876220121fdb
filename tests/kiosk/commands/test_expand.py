"""`teachbooth expand`, run as an integrator would: offline on the classic engine, and through a real
mosquitto to tiny inpaint and instruct workers, with --json records and --accept; refusals exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kiosk.learning.project_training import SOURCE_SAMPLE_KEY
from kiosk.store import Project, Source, Status
from shared.commands.broker_option import BROKER_ENV
from teachbooth.cli import main
from testkit.fleet import add_masked_photos, diffusion_backend
from testkit.jobs import FailingBackend, GatedBackend
from tests.kiosk.tui.photos import eventually, start_worker


@pytest.fixture
def project_dir(tmp_path):
    """A closed project: 3 apple and 2 pear photos with masks, and an empty "leaf" class."""
    folder = tmp_path / "project"
    with Project.open(folder) as project:
        add_masked_photos(project, {"apple": 3, "pear": 2})
        project.add_class("leaf")
    return folder


def expand(project_dir, *args: str, broker: str | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != BROKER_ENV}
    command = [sys.executable, "-m", "teachbooth", "expand", str(project_dir), *args]
    if broker is not None:
        command += ["--broker", broker, "--outbox", str(project_dir.parent / "outbox.sqlite")]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False, env=env)


def records(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_offline_every_photo_of_the_class_is_varied_on_the_classic_engine_and_accepted(project_dir, tmp_path):
    result = expand(
        project_dir, "--class", "apple", "--preset", "new_colour", "--num", "2", "--seed", "3", "--accept",
        "--json", "--out", str(tmp_path / "pictures"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "on this kiosk (classic engine)" in result.stderr
    made = records(result)
    with Project.open(project_dir, create=False) as project:
        apples = project.samples(class_id=project.find_class("apple").id, source=Source.CAMERA)
        generated = {s.id: s for s in project.samples(source=Source.GENERATED)}
    assert len(made) == 6 and {r["source_sample"] for r in made} == {s.id for s in apples}
    assert {(r["backend"], r["model"], r["preset"]) for r in made} == {("classic", None, "new_colour")}
    assert set(generated) == {r["sample"] for r in made}
    for record in made:
        sample = generated[record["sample"]]
        assert sample.status is Status.ACCEPTED and sample.label == "apple"
        assert sample.recipe[SOURCE_SAMPLE_KEY] == record["source_sample"]
        assert (tmp_path / "pictures").joinpath(record["file"]).is_file()


def test_without_accept_nothing_is_stored_and_the_sample_is_null(project_dir):
    result = expand(project_dir, "--class", "pear", "--preset", "mix", "--num", "1", "--json")
    assert result.returncode == 0, result.stderr
    made = records(result)
    assert len(made) == 2 and {r["sample"] for r in made} == {None}
    with Project.open(project_dir, create=False) as project:
        assert project.samples(source=Source.GENERATED) == []


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("--class", "banana", "--preset", "mix"), "There is no class “banana”"),
        (("--class", "apple", "--preset", "sparkly"), "unknown preset 'sparkly'"),
        (("--class", "leaf", "--preset", "mix"), "has no photos to vary"),
        (("--class", "apple", "--preset", "mix", "--change", "1.5"), "between 0 and 1"),
        (("--class", "apple", "--preset", "mix", "--num", "9"), "1 to 8 pictures"),
        (("--class", "apple", "--preset", "riper"), "needs a diffusion worker"),
        (("--class", "apple", "--preset", "new_colour", "--text", "shiny"), "reads words"),
    ],
)
def test_a_request_that_cannot_work_exits_2_with_the_reason_and_stores_nothing(
    project_dir, args, reason, capsys, monkeypatch
):
    monkeypatch.delenv(BROKER_ENV, raising=False)
    assert main(["expand", str(project_dir), *args]) == 2
    (line,) = [
        line for line in capsys.readouterr().err.splitlines() if line.startswith("teachbooth expand: ")
    ]
    assert reason in line
    with Project.open(project_dir, create=False) as project:
        assert project.samples(source=Source.GENERATED) == []


def test_a_folder_that_is_no_project_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(BROKER_ENV, raising=False)
    assert main(["expand", str(tmp_path / "nothing"), "--class", "apple", "--preset", "mix"]) == 2
    assert "there is no project" in capsys.readouterr().err
    assert not (tmp_path / "nothing").exists()


@pytest.mark.parametrize(
    ("kind", "preset", "prompt"),
    [
        ("inpaint", "new_background", "a photo of an apple on a wooden table, in the snow"),
        ("instruct", "riper", "make the apple riper, in the snow"),
    ],
)
def test_through_a_broker_the_policy_picks_the_online_diffusion_worker_and_the_words_reach_its_recipe(
    project_dir, mosquitto, tiny_pipelines, kind, preset, prompt
):
    worker = start_worker(mosquitto.url, f"{kind}-1", {kind: diffusion_backend(kind, tiny_pipelines[kind])})
    try:
        result = expand(
            project_dir, "--class", "apple", "--preset", preset, "--text", "in the snow", "--change", "0.2",
            "--num", "2", "--seed", "0", "--accept", "--json", broker=mosquitto.url,
        )  # fmt: skip
    finally:
        worker.stop(timeout_s=1)
    assert result.returncode == 0, result.stderr
    # Sent together: the jobs the worker had not started when the first one ran went as one batch.
    assert worker.stats["batched_jobs"] >= 2
    assert f"a helper computer: {kind}-1" in result.stderr
    made = records(result)
    assert (
        len(made) == 6
        and {r["backend"] for r in made} == {kind}
        and {r["worker"] for r in made} == {f"{kind}-1"}
    )
    assert {r["model"] for r in made} == {str(tiny_pipelines[kind])} and {r["preset"] for r in made} == {
        preset
    }
    assert prompt in {r["prompt"] for r in made}  # the first photo's first picture: seed 0, variant 0
    assert all(r["prompt"].endswith(", in the snow") for r in made)
    with Project.open(project_dir, create=False) as project:
        stored = project.samples(source=Source.GENERATED)
    assert {s.id for s in stored} == {r["sample"] for r in made}
    assert {s.recipe["backend"] for s in stored} == {kind}


def test_failed_jobs_exit_1_with_the_workers_reason_and_store_nothing(project_dir, mosquitto):
    worker = start_worker(mosquitto.url, "w1", {"classic": FailingBackend()})
    try:
        result = expand(project_dir, "--class", "pear", "--preset", "mix", "--accept", broker=mosquitto.url)
    finally:
        worker.stop(timeout_s=1)
    assert result.returncode == 1
    assert result.stderr.count("Something went wrong on the worker") == 2  # one line per pear photo
    assert "0 pictures of pear from 0 of 2 photos" in result.stderr
    with Project.open(project_dir, create=False) as project:
        assert project.samples(source=Source.GENERATED) == []


def test_jobs_not_done_in_time_exit_1_and_are_withdrawn(project_dir, mosquitto):
    gated = GatedBackend()
    worker = start_worker(mosquitto.url, "w1", {"classic": gated})
    try:
        result = expand(
            project_dir, "--class", "pear", "--preset", "mix", "--timeout", "1", broker=mosquitto.url
        )
        assert result.returncode == 1 and "no pictures within 1 s" in result.stderr
        # Both jobs were withdrawn from the worker: its GPU goes to the next kiosk.
        eventually(lambda: worker.stats["cancels"] == 2, what="the worker hearing both cancels")
    finally:
        gated.gate.set()
        worker.stop(timeout_s=1)
