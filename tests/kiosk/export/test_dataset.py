"""Dataset zips from a real project store: contents, CSV round trip, options, unsafe labels, damage."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path, PurePosixPath

import pytest

from kiosk.export import BadOutput, DatasetOptions, ExportError, OutputExists, export_dataset
from kiosk.export.dataset import CSV_COLUMNS
from kiosk.store import Project
from tests.kiosk.export.conftest import mask_of, render

UNSAFE = "../../etc"
RESERVED = "con"
RECIPE = {"backend": "classic", "preset": "new_colour", "seed": 7, "note": 'naïve, "quoted"\nline'}


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """Three classes (two with hostile labels); camera, imported and generated samples in every status."""
    root = tmp_path / "project"
    with Project.open(root) as project:
        apple, etc, con = (project.add_class(label) for label in ("apple", UNSAFE, RESERVED))
        for seed, cls in enumerate((apple, apple, etc, con)):
            image = render("disc", seed)
            project.add_sample(image, cls, "camera", mask=mask_of(image) if seed % 2 == 0 else None)
        project.add_sample(render("square", 10), etc, "imported")
        project.add_sample(render("disc", 11), apple, "generated", recipe=RECIPE, accepted=True)
        project.add_sample(render("disc", 12), apple, "generated", recipe=RECIPE, accepted=False)
        project.add_sample(render("disc", 13), con, "generated", recipe=RECIPE)  # pending
        project.add_sample(render("disc", 14), apple, "camera", accepted=False)
    return root


def records(root: Path) -> dict:
    with Project.open(root, create=False) as project:
        return {sample.id: sample for sample in project.samples(include_broken=True)}


def read_zip(path: Path) -> tuple[dict[str, bytes], list[dict[str, str]]]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    table = members.pop(f"{path.stem}/metadata.csv").decode("utf-8")
    return members, list(csv.DictReader(io.StringIO(table, newline="")))


def test_default_export_round_trips_every_accepted_sample(tmp_path, project_dir):
    out = tmp_path / "fruit.zip"
    report = export_dataset(project_dir, out)
    members, rows = read_zip(out)
    samples = records(project_dir)
    accepted = {sid for sid, s in samples.items() if s.accepted}
    assert {row["sample_id"] for row in rows} == accepted and len(rows) == len(accepted) == 6
    assert report.exported == 6 and report.per_class == {"apple": 3, UNSAFE: 2, RESERVED: 1}
    assert report.skipped == () and report.bad_masks == ()
    assert tuple(csv.DictReader(io.StringIO(",".join(CSV_COLUMNS))).fieldnames) == CSV_COLUMNS

    for row in rows:
        sample = samples[row["sample_id"]]
        assert row["label"] == sample.label
        assert row["source"] == sample.source.value and row["status"] == "accepted"
        assert datetime.fromisoformat(row["created_at"]).timestamp() == pytest.approx(
            sample.created_at, abs=1e-6
        )
        assert (int(row["width"]), int(row["height"])) == (sample.width, sample.height)
        assert (json.loads(row["recipe"]) if row["recipe"] else None) == sample.recipe
        assert row["image"] == f"images/{row['folder']}/{sample.id}.jpg"
        assert members.pop(f"fruit/{row['image']}") == sample.image_path.read_bytes()
        if sample.mask_path is None:
            assert row["mask"] == ""
        else:
            assert row["mask"] == f"masks/{row['folder']}/{sample.id}.png"
            assert members.pop(f"fruit/{row['mask']}") == sample.mask_path.read_bytes()
    assert members == {}  # nothing but the listed files
    assert sorted({row["source"] for row in rows}) == ["camera", "generated", "imported"]


def test_unsafe_labels_stay_inside_the_archive(tmp_path, project_dir):
    out = tmp_path / "fruit.zip"
    report = export_dataset(project_dir, out)
    assert report.folders == {"apple": "apple", UNSAFE: "_.._etc", RESERVED: "_con"}
    members, rows = read_zip(out)
    for name in members:
        parts = PurePosixPath(name).parts
        assert parts[0] == "fruit" and ".." not in parts and not name.startswith("/")
        assert parts[2] in report.folders.values()
    assert {row["label"] for row in rows if row["folder"] == "_.._etc"} == {UNSAFE}
    with zipfile.ZipFile(out) as archive:
        archive.extractall(tmp_path / "x")
    assert sorted(p.name for p in (tmp_path / "x" / "fruit" / "images").iterdir()) == [
        "_.._etc",
        "_con",
        "apple",
    ]


@pytest.mark.parametrize(
    ("options", "wanted"),
    [
        (DatasetOptions(generated=False), {("camera", "accepted"), ("imported", "accepted")}),
        (
            DatasetOptions(rejected=True, pending=True),
            {(src, st) for src in ("camera", "generated") for st in ("accepted", "rejected")}
            | {("imported", "accepted"), ("generated", "pending")},
        ),
        (
            DatasetOptions(generated=False, rejected=True),
            {("camera", "accepted"), ("camera", "rejected"), ("imported", "accepted")},
        ),
    ],
)
def test_options_choose_sources_and_statuses(tmp_path, project_dir, options, wanted):
    out = tmp_path / "chosen.zip"
    export_dataset(project_dir, out, options)
    _members, rows = read_zip(out)
    assert {(row["source"], row["status"]) for row in rows} == wanted
    expected = [s.id for s in records(project_dir).values() if (s.source.value, s.status.value) in wanted]
    assert sorted(row["sample_id"] for row in rows) == sorted(expected)


def test_damaged_images_are_reported_and_skipped(tmp_path, project_dir):
    samples = [s for s in records(project_dir).values() if s.accepted]
    truncated, missing, badmask = samples[0], samples[1], next(s for s in samples[2:] if s.mask_path)
    truncated.image_path.write_bytes(truncated.image_path.read_bytes()[:200])
    missing.image_path.unlink()
    badmask.mask_path.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    out = tmp_path / "damaged.zip"
    report = export_dataset(project_dir, out)
    assert {p.sample_id: p.reason for p in report.skipped} == {
        truncated.id: "is truncated",
        missing.id: "is missing",
    }
    assert [p.sample_id for p in report.bad_masks] == [badmask.id]
    members, rows = read_zip(out)
    assert {row["sample_id"] for row in rows} == {s.id for s in samples} - {truncated.id, missing.id}
    row = next(row for row in rows if row["sample_id"] == badmask.id)
    assert row["mask"] == "" and not any(name.endswith(f"{badmask.id}.png") for name in members)
    assert report.exported == len(rows) == 4


def test_nothing_to_export_writes_nothing(tmp_path, project_dir):
    for sample in records(project_dir).values():
        sample.image_path.unlink()
    out = tmp_path / "empty.zip"
    with pytest.raises(ExportError, match="every chosen sample"):
        export_dataset(project_dir, out)
    assert list(tmp_path.glob("*.zip")) == [] and list(tmp_path.glob(".tmp-*")) == []
    empty = tmp_path / "empty-project"
    Project.open(empty).close()
    with pytest.raises(ExportError, match="no samples to export"):
        export_dataset(empty, out)


def test_refuses_what_is_not_a_project_or_a_zip(tmp_path, project_dir):
    with pytest.raises(ExportError, match="no project"):
        export_dataset(tmp_path / "nowhere", tmp_path / "a.zip")
    assert not (tmp_path / "nowhere").exists()  # a typo never creates a project
    with pytest.raises(BadOutput, match=r"\.zip"):
        export_dataset(project_dir, tmp_path / "a.tar")
    with pytest.raises(BadOutput, match="does not exist"):
        export_dataset(project_dir, tmp_path / "no" / "a.zip")


def test_existing_zip_is_refused_or_replaced_with_force(tmp_path, project_dir):
    out = tmp_path / "fruit.zip"
    out.write_bytes(b"precious")
    with pytest.raises(OutputExists, match="--force"):
        export_dataset(project_dir, out)
    assert out.read_bytes() == b"precious"
    export_dataset(project_dir, out, force=True)
    assert len(read_zip(out)[1]) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fruit.zip", "project"]


def test_a_sample_deleted_while_exporting_is_skipped(tmp_path, project_dir, monkeypatch):
    victim = next(s for s in records(project_dir).values() if s.accepted and s.mask_path)
    load_image = Project.load_image

    def load_then_delete(self, sample):
        image = load_image(self, sample)
        if sample.id == victim.id:
            self.delete_sample(sample)  # as the kiosk, running beside the export, might
        return image

    monkeypatch.setattr(Project, "load_image", load_then_delete)
    report = export_dataset(project_dir, tmp_path / "live.zip")
    assert [(p.sample_id, p.reason) for p in report.skipped] == [(victim.id, "was deleted during the export")]
    members, rows = read_zip(tmp_path / "live.zip")
    assert len(rows) == report.exported == 5 and victim.id not in {row["sample_id"] for row in rows}
    assert not any(victim.id in name for name in members)
