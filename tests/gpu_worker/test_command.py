"""`teachbooth worker` settings: options over a TOML file over defaults, and one-line refusals."""

from __future__ import annotations

import argparse

import pytest

from gpu_worker.command import add_arguments, run, worker_config


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_options_win_over_the_file_and_sections_merge(tmp_path, monkeypatch):
    monkeypatch.delenv("TEACHBOOTH_BROKER", raising=False)
    file = tmp_path / "worker.toml"
    file.write_text(
        'broker = "mqtts://w1:pw@broker.lan:8883"\nworker_id = "gpu-1"\nqueue_limit = 40\n'
        'max_batch_images = 4\n[prompt_filter]\nextra_words = ["zonk"]\n',
        encoding="utf-8",
    )
    config = worker_config(parse("--config", str(file), "--queue-limit", "12", "--no-prompt-filter"))
    assert (config.broker, config.worker_id) == ("mqtts://w1:pw@broker.lan:8883", "gpu-1")
    assert (config.queue_limit, config.max_batch_images) == (12, 4)
    assert config.prompt_filter.extra_words == ("zonk",) and not config.prompt_filter.enabled


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('broker = "mqtt://b"\nqueue_limt = 3\n', "queue_limt: Extra inputs are not permitted"),
        ("broker = \n", "cannot read the settings in"),
        ("queue_limit = 3\n", "broker: Field required"),
        ('broker = "mqtt://b"\nbackends = ["inpaint"]\n', "inpaint backend needs a model"),
    ],
)
def test_a_bad_settings_file_stops_the_worker_with_one_line(tmp_path, capsys, monkeypatch, content, message):
    monkeypatch.delenv("TEACHBOOTH_BROKER", raising=False)
    file = tmp_path / "worker.toml"
    file.write_text(content, encoding="utf-8")
    assert run(parse("--config", str(file))) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1


def test_a_missing_settings_file_is_named(tmp_path, capsys):
    assert run(parse("--config", str(tmp_path / "nope.toml"), "--broker", "mqtt://b")) == 2
    assert "nope.toml" in capsys.readouterr().err


def test_backend_options_fill_only_the_fields_given(tmp_path, monkeypatch):
    """--img2img-model over a file's [img2img] section keeps the file's few_step: sections merge by field."""
    monkeypatch.delenv("TEACHBOOTH_BROKER", raising=False)
    file = tmp_path / "worker.toml"
    file.write_text(
        'broker = "mqtt://b"\nbackends = ["img2img"]\n[img2img]\nmodel = "/srv/old"\nfew_step = true\n',
        encoding="utf-8",
    )
    config = worker_config(parse("--config", str(file), "--img2img-model", "/srv/new"))
    assert (config.img2img.model, config.img2img.few_step) == ("/srv/new", True)
    config = worker_config(parse("--broker", "mqtt://b", "--inpaint-model", "/srv/inpaint"))
    assert config.inpaint.model == "/srv/inpaint" and config.img2img is None and config.instruct is None


def test_a_switch_without_its_model_is_refused_not_ignored(capsys, monkeypatch):
    monkeypatch.delenv("TEACHBOOTH_BROKER", raising=False)
    assert run(parse("--broker", "mqtt://b", "--img2img-few-step")) == 2
    error = capsys.readouterr().err
    assert "img2img.model: Field required" in error and error.count("\n") == 1
