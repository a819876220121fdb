"""`teachbooth import`: a labelled folder into a kiosk project, masks beside images, bad input listed."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from kiosk.store import MAX_CLASSES, Project, Source
from teachbooth.cli import main
from testkit.scenes import GREEN_CUP, RED_BALL, empty_frame, render_scene


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def scene(blob, seed: int):
    rendered = render_scene((blob,), seed=seed)
    return Image.fromarray(rendered.image), rendered.object_masks[0]


def write_data(root):
    """apple: two balls, one with its mask file; leaf: a cup, and an empty backdrop the masker finds
    nothing in."""
    for label in ("apple", "leaf"):
        (root / label).mkdir(parents=True)
    ball, ball_mask = scene(RED_BALL, 1)
    ball.save(root / "apple" / "IMG_1.jpg", quality=95)
    Image.fromarray(ball_mask).save(root / "apple" / "IMG_1.mask.png")
    scene(RED_BALL, 2)[0].save(root / "apple" / "IMG_2.png")
    scene(GREEN_CUP, 3)[0].save(root / "leaf" / "cup.png")
    Image.fromarray(empty_frame(4)).save(root / "leaf" / "nothing.png")
    return ball_mask


def run_import(capsys, *args) -> tuple[int, list[str], list[str]]:
    code = main(["import", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()


def test_a_folder_becomes_a_project_with_masks_and_photo_crops(tmp_path, capsys):
    data, where = tmp_path / "data", tmp_path / "project"
    ball_mask = write_data(data)
    code, out, err = run_import(capsys, data, "--project", where)
    assert (code, err) == (0, [])
    assert out == [
        "apple: 2 image(s) imported (new class): 1 with their own mask, 1 masked by the kiosk, "
        "0 without a mask",
        "leaf: 2 image(s) imported (new class): 0 with their own mask, 1 masked by the kiosk, "
        "1 without a mask",
        f"imported 4 image(s) into 2 class(es) of {where}: 1 with their own mask, 2 masked by the kiosk, "
        "1 without a mask; 0 problem(s)",
    ]
    with Project.open(where) as project:
        samples = project.samples()
        assert [(s.label, s.source) for s in samples] == [("apple", Source.IMPORTED)] * 2 + [
            ("leaf", Source.IMPORTED)
        ] * 2
        own = samples[0]
        image, mask = project.load_image(own.id), project.load_mask(own.id)
        assert mask is not None and mask.size == image.size and image.width == image.height, "a photo's crop"
        assert image.width < 640, "cut to the object, as a capture is"
        stored = np.asarray(mask) > 127
        assert stored.sum() == ball_mask.sum(), "the mask file's object, whole, inside the crop"
        for sample in samples[1:3]:
            masked = project.load_mask(sample.id)
            assert masked is not None and masked.size == project.load_image(sample.id).size
        nothing = samples[3]
        assert nothing.mask_path is None and project.load_image(nothing.id).size == (640, 480)


def test_the_kiosks_mask_of_an_image_without_one_is_the_object(tmp_path, capsys):
    data = tmp_path / "data"
    (data / "apple").mkdir(parents=True)
    (data / "pear").mkdir()
    ball, truth = scene(RED_BALL, 5)
    ball.save(data / "apple" / "a.png")
    scene(GREEN_CUP, 6)[0].save(data / "pear" / "p.png")
    code, _, _ = run_import(capsys, data, "--project", tmp_path / "project", "--whole")
    assert code == 0
    with Project.open(tmp_path / "project") as project:
        apple = project.samples()[0]
        mask = project.load_mask(apple.id)
        assert mask is not None and mask.size == (640, 480), "--whole keeps the whole picture"
        assert iou(np.asarray(mask) > 127, truth) > 0.95


def test_bad_input_gets_one_line_each_and_loses_nothing(tmp_path, capsys):
    data, where = tmp_path / "data", tmp_path / "project"
    write_data(data)
    (data / "apple" / "broken.jpg").write_bytes(b"\xff\xd8\xff not really a jpeg")
    Image.new("L", (10, 10), 255).save(data / "apple" / "IMG_2.mask.png")  # IMG_2.png is 640x480
    (data / "apple" / "notes.txt").write_text("taken on Tuesday")
    Image.new("L", (10, 10), 255).save(data / "apple" / "gone.mask.png")
    (data / "pear").mkdir()
    before = sorted(p.relative_to(data) for p in data.rglob("*"))

    code, out, err = run_import(capsys, data, "--project", where)
    assert code == 1
    assert len(err) == 5 and all(line.startswith("teachbooth import: ") for line in err)
    lines = "\n".join(err)
    assert "apple/broken.jpg: is not a readable image" in lines and "not imported" in lines
    assert "apple/IMG_2.mask.png: is 10x10 but its image is 640x480: not used, the image is masked" in lines
    assert "apple/notes.txt: not an image file type" in lines
    assert "apple/gone.mask.png: a mask without its image" in lines
    assert "pear: no images in this class folder: nothing added" in lines
    assert out[0].startswith("apple: 2 image(s) imported (new class): 1 with their own mask, 1 masked by")
    assert out[-1].endswith("; 5 problem(s)")
    assert sorted(p.relative_to(data) for p in data.rglob("*")) == before, "the folder is only read"
    with Project.open(where) as project:
        assert len(project.samples()) == 4 and project.find_class("pear") is None


def test_classes_merge_into_an_existing_project(tmp_path, capsys):
    data, where = tmp_path / "data", tmp_path / "project"
    write_data(data)
    with Project.open(where) as project:
        apple = project.add_class("Apple")
        project.add_sample(scene(RED_BALL, 9)[0], apple.id, Source.CAMERA)
    code, out, _ = run_import(capsys, data, "--project", where)
    assert code == 0 and out[0].startswith("Apple: 2 image(s) imported (added to the existing class)")
    with Project.open(where) as project:
        assert [c.label for c in project.classes()] == ["Apple", "leaf"]
        assert [s.source for s in project.samples(class_id=apple.id)] == [Source.CAMERA] + [
            Source.IMPORTED
        ] * 2


@pytest.mark.parametrize(
    ("layout", "message"),
    [(None, "no such folder"), ({}, "no class folders"), ({"apple": "notes.txt"}, "no images")],
)
def test_nothing_to_import_exits_2_with_one_line(tmp_path, capsys, layout, message):
    data = tmp_path / "data"
    if layout is not None:
        data.mkdir()
        for label, name in layout.items():
            (data / label).mkdir()
            (data / label / name).write_text("x")
    code, out, err = run_import(capsys, data, "--project", tmp_path / "project")
    assert code == 2 and out == [] and len(err) == 1 and message in err[0]


def test_a_project_that_cannot_be_opened_exits_2(tmp_path, capsys):
    data = tmp_path / "data"
    write_data(data)
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "project.sqlite").write_bytes(b"this is no database")
    code, _, err = run_import(capsys, data, "--project", tmp_path / "project")
    assert code == 2 and len(err) == 1 and err[0].startswith("teachbooth import: ")


def test_a_class_the_project_cannot_take_is_listed_and_the_others_imported(tmp_path, capsys):
    data = tmp_path / "data"
    labels = [f"class{n}" for n in range(MAX_CLASSES + 1)]
    for label in labels:
        (data / label).mkdir(parents=True)
        Image.fromarray(empty_frame(1)).resize((64, 48)).save(data / label / "a.png")
    code, out, err = run_import(capsys, data, "--project", tmp_path / "project")
    assert code == 1 and len(err) == 1
    assert f"{labels[-1]}: a project holds at most {MAX_CLASSES} classes" in err[0]
    assert err[0].endswith("its 1 image(s) not imported")
    assert out[-1].startswith(f"imported {MAX_CLASSES} image(s) into {MAX_CLASSES} class(es)")
