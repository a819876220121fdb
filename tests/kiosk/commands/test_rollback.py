"""`teachbooth rollback`: an earlier version becomes current; unknown or broken versions are refused."""

from __future__ import annotations

import shutil

import pytest

from kiosk.learning.config import TrainingConfig
from kiosk.learning.project_training import train_project
from teachbooth.cli import main
from tests.kiosk.commands.cli_run import run_cli
from tests.kiosk.tui.photos import add_photos, shared_backbone


@pytest.fixture
def versions(project):
    add_photos(project, {"apple": 3, "leaf": 3})
    config = TrainingConfig(augmentation="off")
    return [train_project(project, shared_backbone(), config).version for _ in range(2)]


def current(project) -> int:
    return project.latest_good_model(shared_backbone().backbone_id).id


def test_rolling_back_makes_the_version_current_for_the_try_step(project, versions, capsys):
    first, second = versions
    code, out, err = run_cli(capsys, "rollback", project.root, first.id)
    assert (code, err) == (0, "")
    assert out == f"version {first.id} is the current model now (was {second.id}): the Try step uses it\n"
    assert current(project) == first.id
    again = run_cli(capsys, "rollback", project.root, first.id)
    assert again == (0, f"version {first.id} is already the current model\n", "")
    assert run_cli(capsys, "rollback", project.root, second.id)[0] == 0 and current(project) == second.id


def test_an_unknown_version_is_refused_with_the_known_ones(project, versions, capsys):
    first, second = versions
    code, out, err = run_cli(capsys, "rollback", project.root, second.id + 5)
    assert code == 2 and out == ""
    assert err == (
        f"teachbooth rollback: there is no version {second.id + 5}; "
        f"the versions are: {first.id}, {second.id}\n"
    )
    assert current(project) == second.id


def test_a_version_whose_folder_is_missing_is_refused_and_the_current_one_stays(project, versions, capsys):
    first, second = versions
    shutil.rmtree(first.path)
    code, _, err = run_cli(capsys, "rollback", project.root, first.id)
    assert code == 2
    assert err.startswith(f"teachbooth rollback: version {first.id} cannot be used: its folder ")
    assert err.rstrip().endswith("is missing; the current model stays as it is")
    assert current(project) == second.id


def test_misuse_exits_2(tmp_path, project, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["rollback", str(project.root), "latest"])
    assert exit_info.value.code == 2 and "invalid int value: 'latest'" in capsys.readouterr().err
    code, _, err = run_cli(capsys, "rollback", tmp_path / "nowhere", 1)
    assert code == 2 and "there is no project at" in err
    code, _, err = run_cli(capsys, "rollback", project.root, 1)
    assert code == 2 and err.endswith("the versions are: none (train the project first)\n")
