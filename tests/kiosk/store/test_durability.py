"""Crash safety: atomic writes, processes killed mid-write, damaged files reported and skipped."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageFile

from kiosk.store import NotFound, Project, StoredImageError, atomic
from tests.kiosk.store.conftest import files_in, solid, square_mask

CHILD = Path(__file__).with_name("crash_child.py")
REPO = Path(__file__).resolve().parents[3]


# ---------------------------------------------------------------------- atomic writes


def test_atomic_write_syncs_file_then_renames_then_syncs_folder(tmp_path, monkeypatch) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(src, dst) -> None:
        assert Path(src).read_bytes() == b"new"  # complete before it gets the real name
        events.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    target = tmp_path / "a.jpg"
    target.write_bytes(b"old")
    atomic.write_bytes(target, b"new")
    assert events == ["fsync file", "rename", "fsync dir"]
    assert target.read_bytes() == b"new" and files_in(tmp_path) == ["a.jpg"]


def test_failed_atomic_write_leaves_the_old_file_and_no_temp(tmp_path) -> None:
    target = tmp_path / "a.jpg"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        atomic.write_bytes(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old" and files_in(tmp_path) == ["a.jpg"]


# ---------------------------------------------------------------------- killed writers


def run_child(root: Path, class_id: int, point: str, at: int, kill_after: int | None = None) -> list[str]:
    """Run crash_child.py until it is SIGKILLed; return the ids it saw committed."""
    env = os.environ | {"PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(root), str(class_id), point, str(at)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    lines = []
    if kill_after is not None:
        lines = [proc.stdout.readline() for _ in range(kill_after)]
        proc.kill()  # SIGKILL, wherever the child is
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, err
    return [line.split()[1] for line in [*lines, *out.splitlines()] if line.startswith("committed ")]


def sample_id_of_file(path: Path) -> str:
    """Sample id in a file name: `<id>.jpg`, `<id>.png` or `.tmp-<random>-<id>.jpg`."""
    return path.name.rsplit(".", 1)[0].rsplit("-", 1)[-1]


@pytest.mark.parametrize(
    ("point", "extra_rows", "leftover"),
    [
        ("temp-written", 0, "temp"),
        ("files-written", 0, "orphans"),
        ("committed", 1, None),
    ],
)
def test_killed_while_adding_loses_at_most_the_sample_in_flight(
    tmp_path, point: str, extra_rows: int, leftover: str | None
) -> None:
    root = tmp_path / "proj"
    with Project.open(root) as project:
        class_id = project.add_class("apple").id

    printed = run_child(root, class_id, point, at=3)

    assert len(printed) == 3
    with Project.open(root) as project:
        stored = {s.id for s in project.samples()}
        assert set(printed) <= stored  # every sample whose add returned is there
        assert len(stored) == len(printed) + extra_rows  # plus, at most, the one in flight
        check = project.last_check
        assert check.bad_images == () and check.bad_masks == ()  # no row names a partial file
        loaded = project.iter_images(masks=True)
        assert len(list(loaded)) == len(stored) and loaded.bad == [] and loaded.bad_masks == []
        if leftover == "temp":
            assert len(check.temp_files) == 1 and check.orphan_files == ()
            assert sample_id_of_file(check.temp_files[0]) not in stored
        elif leftover == "orphans":
            assert check.temp_files == ()
            assert sorted(p.suffix for p in check.orphan_files) == [".jpg", ".png"]
            assert len({sample_id_of_file(p) for p in check.orphan_files} - stored) == 1
        else:
            assert check.ok

        removed = project.repair(min_age_s=0)
        assert set(removed.temp_files + removed.orphan_files) == set(check.temp_files + check.orphan_files)
        assert project.check().ok
        project.add_sample(solid(), class_id, "camera")  # still usable
        assert len(project.samples()) == len(stored) + 1


def test_killed_at_arbitrary_moments(tmp_path) -> None:
    root = tmp_path / "proj"
    with Project.open(root) as project:
        class_id = project.add_class("apple").id
    before: set[str] = set()
    for kill_after in (1, 3, 6):
        printed = set(run_child(root, class_id, "never", at=-1, kill_after=kill_after))
        with Project.open(root) as project:
            stored = {s.id for s in project.samples()}
            new = stored - before
            assert printed <= new and len(new - printed) <= 1
            check = project.last_check
            assert check.bad_images == () and check.bad_masks == ()
            leftovers = {sample_id_of_file(p) for p in check.orphan_files + check.temp_files}
            assert len(leftovers) <= 1 and not leftovers & stored
            assert len(list(project.iter_images())) == len(stored)
            project.repair(min_age_s=0)
            assert project.check().ok
            before = stored


# ---------------------------------------------------------------------- damaged and stray files


@pytest.fixture
def damaged(project: Project, two_classes):
    """Three samples; the second one's JPEG cut in half on disk."""
    apple, _ = two_classes
    samples = [project.add_sample(solid(), apple, "camera", mask=square_mask()) for _ in range(3)]
    path = samples[1].image_path
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return samples


def test_truncated_jpeg_is_reported_on_open_and_skipped(project: Project, damaged) -> None:
    good, bad, also_good = damaged
    project.set_many_features("bb", [(s, [1.0]) for s in damaged])
    with Project.open(project.root) as reopened:
        check = reopened.last_check
        assert [(p.sample_id, p.reason) for p in check.bad_images] == [(bad.id, "is truncated")]
        assert not check.ok and "1 samples with a missing or unreadable image" in check.summary()
        assert [s.id for s in reopened.samples()] == [good.id, also_good.id]
        assert [s.id for s in reopened.samples(include_broken=True)] == [good.id, bad.id, also_good.id]
        assert reopened.counts() == {good.class_id: 2, reopened.classes()[1].id: 0}
        assert reopened.features("bb")[0] == [good.id, also_good.id]
        assert reopened.broken() == {bad.id: "is truncated"}
        with pytest.raises(StoredImageError, match=f"sample {bad.id}: images/{bad.id}.jpg is truncated"):
            reopened.load_image(bad.id)
        assert reopened.load_image(good).size == (40, 30)


def test_damage_found_while_loading_is_reported_and_skipped(project: Project, damaged) -> None:
    good, bad, also_good = damaged
    assert len(project.samples()) == 3  # damaged after the open check: not known yet
    loaded = project.iter_images(masks=True)
    assert [item.sample.id for item in loaded] == [good.id, also_good.id]
    assert [(p.sample_id, p.reason) for p in loaded.bad] == [(bad.id, "is truncated")]
    assert [s.id for s in project.samples()] == [good.id, also_good.id]  # now left out


def test_truncated_files_are_refused_even_if_pillow_is_told_to_accept_them(
    project: Project, damaged, monkeypatch
) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(StoredImageError, match="is truncated"):
        project.load_image(damaged[1])


def test_deep_check_decodes_what_the_quick_check_cannot_see(project: Project, damaged) -> None:
    good = damaged[0]
    # Valid start and end markers around garbage: only decoding finds it.
    good.image_path.write_bytes(b"\xff\xd8\xff" + os.urandom(500) + b"\xff\xd9")
    quick = project.check()
    assert {p.sample_id for p in quick.bad_images} == {damaged[1].id}
    deep = project.check(deep=True)
    assert deep.deep and {p.sample_id for p in deep.bad_images} == {good.id, damaged[1].id}
    with Project.open(project.root, check="deep") as reopened:
        assert len(reopened.samples()) == 1


def test_missing_files_stray_files_and_bad_masks(project: Project, two_classes) -> None:
    apple, _ = two_classes
    a, b, c = (project.add_sample(solid(), apple, "camera", mask=square_mask()) for _ in range(3))
    a.image_path.unlink()
    b.mask_path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 10)
    (project.images_dir / "holiday.jpg").write_bytes(b"stray")
    (project.masks_dir / ".tmp-abc-x.png").write_bytes(b"half")
    (project.models_dir / "stray.txt").write_text("?")

    check = project.check()
    assert [(p.sample_id, p.reason) for p in check.bad_images] == [(a.id, "is missing")]
    assert [(p.sample_id, p.reason) for p in check.bad_masks] == [(b.id, "is truncated")]
    assert check.orphan_files == (project.images_dir / "holiday.jpg", project.models_dir / "stray.txt")
    assert check.temp_files == (project.masks_dir / ".tmp-abc-x.png",)
    assert [s.id for s in project.samples()] == [b.id, c.id]  # a bad mask keeps the sample
    with pytest.raises(StoredImageError, match="is truncated"):
        project.load_mask(b)
    loaded = project.iter_images(masks=True)
    assert [(i.sample.id, i.mask is None) for i in loaded] == [(b.id, True), (c.id, False)]
    assert [p.sample_id for p in loaded.bad_masks] == [b.id]

    assert project.repair().orphan_files == ()  # fresh files may be a write in progress: kept
    old = 1_000_000_000
    for path in (*check.orphan_files, *check.temp_files):
        os.utime(path, (old, old))
    removed = project.repair()
    assert set(removed.orphan_files) == set(check.orphan_files) and removed.temp_files == check.temp_files
    assert project.check().ok
    assert project.get_sample(b.id).mask_path is None  # the bad mask was dropped, the image kept
    assert [s.id for s in project.samples()] == [b.id, c.id]
    assert files_in(project.images_dir) == sorted([f"{b.id}.jpg", f"{c.id}.jpg"])


def test_listing_never_crashes_on_unreadable_files(project: Project, two_classes) -> None:
    apple, _ = two_classes
    sample = project.add_sample(solid(), apple, "camera")
    sample.image_path.unlink()
    sample.image_path.mkdir()  # not even a file
    check = project.check()
    assert check.bad_images[0].sample_id == sample.id
    assert project.samples() == [] and project.counts() == {apple.id: 0, two_classes[1].id: 0}
    assert list(project.iter_images([sample])) == []


def test_files_written_are_real_jpegs_that_pillow_verifies(project: Project, two_classes) -> None:
    sample = project.add_sample(solid(), two_classes[0], "camera")
    with Image.open(sample.image_path) as image:
        assert image.format == "JPEG"
        image.verify()


def test_a_check_during_a_write_in_this_process_reports_nothing(
    project: Project, two_classes, monkeypatch
) -> None:
    """The TUI may run a check while a capture thread is half-way through adding a sample."""
    checks = []
    real_replace, real_commit = os.replace, Project._commit_samples

    def replace(src, dst) -> None:
        checks.append(project.check())  # temporary file written, not yet renamed
        real_replace(src, dst)

    def commit(self, prepared) -> None:
        checks.append(project.check())  # files in place, row not yet committed
        real_commit(self, prepared)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(Project, "_commit_samples", commit)
    project.add_sample(solid(), two_classes[0], "camera", mask=square_mask())
    assert len(checks) == 3 and all(check.ok for check in checks)


def test_loading_an_unknown_sample_is_not_found(project: Project) -> None:
    with pytest.raises(NotFound):
        project.load_image("0" * 32)
    assert project.broken() == {}
