"""`teachbooth history`: a project's model versions as a table or JSON, the same from run to run."""

from __future__ import annotations

import json
import re

import pytest

from kiosk.learning.config import TrainingConfig
from kiosk.learning.project_training import train_project
from tests.kiosk.commands.cli_run import run_cli
from tests.kiosk.tui.photos import add_photos, shared_backbone


@pytest.fixture
def two_versions(project):
    """A project trained twice, two leaf photos added in between; returns the two versions."""
    config = TrainingConfig(augmentation="off")
    add_photos(project, {"apple": 3, "leaf": 3})
    first = train_project(project, shared_backbone(), config).version
    add_photos(project, {"leaf": 2}, seed=1)
    second = train_project(project, shared_backbone(), config).version
    return first, second


def test_json_lists_every_version_oldest_first_with_its_scores_and_changes(project, two_versions, capsys):
    first, second = two_versions
    code, out, err = run_cli(capsys, "history", project.root, "--json")
    assert code == 0 and err == ""
    listed = json.loads(out)
    assert [entry["version"] for entry in listed] == [first.id, second.id]
    assert [entry["current"] for entry in listed] == [False, True]
    for entry in listed:
        assert isinstance(entry["version"], int) and isinstance(entry["current"], bool)
        assert isinstance(entry["accuracy"], float) and 0.0 <= entry["accuracy"] <= 1.0
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["created"])
        assert set(entry["per_class"]) == {"apple", "leaf"} and entry["usable"] is True
    assert listed[0]["changes"] is None and listed[0]["photos"] == 6
    changes = listed[1]["changes"]
    assert changes["previous"] == first.id and changes["photos_added"] == 2 and changes["photos_removed"] == 0
    assert set(changes["per_class"]) == {"apple", "leaf"} and listed[1]["photos"] == 8
    assert run_cli(capsys, "history", project.root, "--json")[1] == out  # the same numbers next time


def test_the_table_marks_the_current_version_and_says_what_changed(project, two_versions, capsys):
    first, second = two_versions
    code, out, _ = run_cli(capsys, "history", project.root)
    header, *rows = out.splitlines()
    assert code == 0 and header.split() == [
        "version",
        "created",
        "accuracy",
        "photos",
        "generated",
        "changes",
    ]
    assert len(rows) == 2 and rows[0].split()[0] == str(first.id) and rows[0].endswith("first model")
    assert rows[1].split()[:2] == [str(second.id), "*"]
    assert f"vs {first.id}: " in rows[1] and rows[1].endswith("; 2 photos added")


def test_a_project_without_versions_or_without_a_folder(tmp_path, project, capsys):
    assert run_cli(capsys, "history", project.root) == (
        0,
        "no versions yet: train the project (the kiosk's Train step, or teachbooth train --project)\n",
        "",
    )
    assert run_cli(capsys, "history", project.root, "--json")[:2] == (0, "[]\n")
    code, out, err = run_cli(capsys, "history", tmp_path / "nowhere")
    assert code == 2 and out == "" and "there is no project at" in err
