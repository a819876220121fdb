"""Museum wipe, and the store used from several threads and two processes' connections at once."""

from __future__ import annotations

import threading

import pytest

from kiosk.store import NewSample, NotFound, Project
from tests.kiosk.store.conftest import files_in, solid, square_mask


def test_wipe_leaves_an_empty_usable_project(project: Project) -> None:
    secret = project.add_class("visitor-secret-label")
    sample = project.add_sample(
        solid(), secret, "generated", mask=square_mask(), recipe={"prompt": "visitor-secret-prompt"}
    )
    project.set_many_features("bb", [(sample, [1.0, 2.0])])
    folder = project.new_model_folder()
    (folder / "classifier.bin").write_bytes(b"svm")
    project.add_model(folder, "bb", {"accuracy": 1.0})
    (project.images_dir / "stray.jpg").write_bytes(b"orphan")

    project.wipe()

    assert project.classes() == [] and project.samples() == [] and project.models() == []
    assert project.features("bb")[0] == [] and project.latest_good_model() is None
    for sub in (project.images_dir, project.masks_dir, project.models_dir):
        assert sub.is_dir() and files_in(sub) == []
    assert project.check().ok
    for name in ("project.sqlite", "project.sqlite-wal"):
        path = project.root / name
        if path.exists():  # deleted rows are overwritten, not just unlinked
            assert b"visitor-secret" not in path.read_bytes()

    again = project.add_class("visitor-secret-label")  # usable, and the old id is not reused
    assert again.id > secret.id
    with pytest.raises(NotFound):
        project.add_sample(solid(), secret, "camera")
    project.add_sample(solid(), again, "camera")
    with Project.open(project.root) as reopened:
        assert len(reopened.samples()) == 1 and reopened.last_check.ok


def test_threads_add_samples_concurrently(project: Project) -> None:
    apple, pear = project.add_class("apple"), project.add_class("pear")
    per_thread, threads = 8, 4
    start = threading.Barrier(threads + 1)
    results: dict[int, list[str]] = {}
    errors: list[BaseException] = []
    listed: list[int] = []

    def add(index: int) -> None:
        try:
            start.wait()
            klass = apple if index % 2 else pear
            ids = [
                project.add_sample(solid(), klass, "camera", mask=square_mask()).id for _ in range(per_thread)
            ]
            ids += [s.id for s in project.add_samples([NewSample(solid(), klass, "generated")] * 2)]
            results[index] = ids
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def read() -> None:
        try:
            start.wait()
            while len(results) < threads and not errors:
                listed.append(len(project.samples()))
                project.counts()
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    workers = [threading.Thread(target=add, args=(i,)) for i in range(threads)]
    reader = threading.Thread(target=read)
    for thread in [*workers, reader]:
        thread.start()
    for thread in [*workers, reader]:
        thread.join(timeout=60)
    assert errors == []
    all_ids = [sid for ids in results.values() for sid in ids]
    total = threads * (per_thread + 2)
    assert len(all_ids) == len(set(all_ids)) == total
    assert {s.id for s in project.samples()} == set(all_ids)
    assert project.counts() == {apple.id: total // 2, pear.id: total // 2}
    assert listed == sorted(listed)  # a reader only ever sees the count grow
    assert project.check().ok
    assert len(files_in(project.images_dir)) == total


def test_two_connections_to_one_project(tmp_path) -> None:
    """The kiosk and a CLI process may open one project at once."""
    with Project.open(tmp_path / "p") as kiosk, Project.open(tmp_path / "p") as cli:
        apple = kiosk.add_class("apple")
        cli.add_sample(solid(), apple.id, "imported")
        kiosk.add_sample(solid(), apple, "camera")
        assert len(kiosk.samples()) == len(cli.samples()) == 2
        assert kiosk.check().ok and cli.check().ok
