"""Model versions: folders under models/, one current, the latest good one found for prediction."""

from __future__ import annotations

import shutil

import pytest

from kiosk.store import InvalidInput, NotFound, Project
from tests.kiosk.store.conftest import trained


def test_record_and_choose_models(project: Project) -> None:
    first = project.add_model(trained(project), "effnet@1", {"accuracy": 0.8, "per_class": {"apple": 0.9}})
    assert first.current and first.metrics == {"accuracy": 0.8, "per_class": {"apple": 0.9}}
    assert first.path == project.models_dir / first.folder
    second = project.add_model(project.models_dir / trained(project), "effnet@1", {"accuracy": 0.7})
    assert [(m.id, m.current) for m in project.models()] == [(first.id, False), (second.id, True)]
    assert project.latest_good_model() == project.models()[-1]

    project.set_current_model(first.id)  # the visitor keeps the better model
    assert project.latest_good_model().id == first.id
    assert [m.current for m in project.models()] == [True, False]

    shutil.rmtree(first.path)  # the current model's files are gone: fall back to the newest good one
    assert project.latest_good_model().id == second.id
    assert project.check().bad_models[0].model_id == first.id


def test_latest_good_model_by_backbone_and_when_none(project: Project) -> None:
    assert project.latest_good_model() is None
    old = project.add_model(trained(project), "mobilenet@1", {})
    new = project.add_model(trained(project), "effnet@1", {}, current=False)
    assert project.latest_good_model().id == old.id  # current wins over newer
    assert project.latest_good_model("effnet@1").id == new.id
    assert project.latest_good_model("other") is None
    for file in new.path.iterdir():
        file.unlink()  # an empty folder is not a good model
    assert project.latest_good_model("effnet@1") is None


def test_bad_model_folders_are_refused(project: Project, tmp_path) -> None:
    empty = project.new_model_folder()
    with pytest.raises(InvalidInput, match="is empty"):
        project.add_model(empty, "bb", {})
    with pytest.raises(InvalidInput, match="is missing"):
        project.add_model("no-such-folder", "bb", {})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "f").write_text("x")
    with pytest.raises(InvalidInput, match="directly inside"):
        project.add_model(outside, "bb", {})
    for name in ("..", ".", "../elsewhere", ".tmp-123"):
        with pytest.raises(InvalidInput):
            project.add_model(name, "bb", {})
    name = trained(project)
    with pytest.raises(InvalidInput, match="JSON object"):
        project.add_model(name, "bb", [0.9])  # type: ignore[arg-type]
    project.add_model(name, "bb", {})
    with pytest.raises(InvalidInput, match="already recorded"):
        project.add_model(name, "bb", {})
    assert len(project.models()) == 1


def test_an_unknown_model_cannot_become_current(project: Project) -> None:
    model = project.add_model(trained(project), "bb", {})
    with pytest.raises(NotFound):
        project.set_current_model(model.id + 1)
    assert project.latest_good_model() == model


def test_unrecorded_model_folders_are_orphans_but_not_while_being_written(project: Project, tmp_path) -> None:
    in_progress = project.new_model_folder()
    (in_progress / "partial").write_bytes(b"...")
    assert project.check().ok  # this process is still writing it
    with Project.open(project.root) as other:  # another process sees an unrecorded folder
        assert other.last_check.orphan_model_dirs == (in_progress,)
    project.add_model(in_progress, "bb", {})
    with Project.open(project.root) as other:
        assert other.last_check.ok
