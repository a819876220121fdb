"""Samples: adding from every kind of input, review states, filters, counts, moving and deleting."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from kiosk.store import InvalidInput, NewSample, NotFound, Project, Source, Status
from shared.imaging import encode_jpeg, encode_png
from tests.kiosk.store.conftest import files_in, solid, square_mask


def test_add_sample_stores_a_jpeg_named_by_id_and_a_png_mask(project: Project, two_classes) -> None:
    apple, _ = two_classes
    sample = project.add_sample(solid(), apple, "camera", mask=square_mask())

    assert re.fullmatch(r"[0-9a-f]{32}", sample.id)
    assert sample.label == "apple" and sample.class_id == apple.id
    assert sample.source is Source.CAMERA and sample.status is Status.ACCEPTED and sample.is_real
    assert (sample.width, sample.height) == (40, 30)
    assert sample.image_path == project.images_dir / f"{sample.id}.jpg"
    assert sample.mask_path == project.masks_dir / f"{sample.id}.png"
    assert sample.image_path.read_bytes()[:3] == b"\xff\xd8\xff"
    assert sample.mask_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    image = project.load_image(sample)
    assert image.mode == "RGB" and image.size == (40, 30)
    assert np.abs(np.asarray(image, np.int16) - np.asarray(solid(), np.int16)).mean() < 3  # quality 92
    mask = project.load_mask(sample)
    assert mask is not None and mask.mode == "L"
    assert np.array_equal(np.asarray(mask), np.asarray(square_mask()))  # PNG: lossless


def test_images_can_be_given_as_jpeg_png_bytes_or_arrays(project: Project, two_classes) -> None:
    apple, _ = two_classes
    from_jpeg = project.add_sample(encode_jpeg(solid()), apple, "imported")
    from_png = project.add_sample(encode_png(solid()), apple, "imported")
    from_array = project.add_sample(np.asarray(solid()), apple, "camera", mask=np.asarray(square_mask()) > 0)
    grey = project.add_sample(solid().convert("L"), apple, "camera")
    rgba = project.add_sample(solid().convert("RGBA"), apple, "camera")
    for sample in (from_jpeg, from_png, from_array, grey, rgba):
        assert project.load_image(sample).size == (40, 30)
    assert np.array_equal(np.asarray(project.load_mask(from_array)), np.asarray(square_mask()))


def test_accepted_defaults_by_source(project: Project, two_classes) -> None:
    apple, _ = two_classes
    assert project.add_sample(solid(), apple, "camera").accepted is True
    assert project.add_sample(solid(), apple, Source.IMPORTED).accepted is True
    generated = project.add_sample(solid(), apple, "generated", recipe={"backend": "classic", "seed": 7})
    assert generated.accepted is None and generated.status is Status.PENDING and not generated.is_real
    assert generated.recipe == {"backend": "classic", "seed": 7}
    assert project.add_sample(solid(), apple, "camera", accepted=False).status is Status.REJECTED
    assert project.add_sample(solid(), apple, "generated", accepted="accepted").accepted is True


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"image": b"not an image at all"}, "could not be decoded"),
        ({"image": b""}, "could not be decoded"),
        ({"image": encode_jpeg(solid())[:50]}, "could not be decoded"),
        ({"image": "a/path.jpg"}, "must be a PIL image"),
        ({"image": np.zeros((4, 4, 4), np.uint8)}, "HxW or HxWx3"),
        ({"image": Image.new("RGB", (9000, 10))}, "limit"),
        ({"source": "webcam"}, "source must be one of"),
        ({"mask": Image.new("L", (10, 10))}, "mask is 10x10 but the image is 40x30"),
        ({"mask": b"\x89PNG garbage"}, "could not be decoded"),
        ({"recipe": ["not", "a", "dict"]}, "JSON object"),
        ({"recipe": {"nan": float("nan")}}, "not JSON-serialisable"),
        ({"recipe": {"blob": b"bytes"}}, "not JSON-serialisable"),
        ({"recipe": {"huge": "x" * 70_000}}, "larger than"),
        ({"accepted": "maybe"}, "status must be one of"),
        ({"accepted": 1}, "accepted must be"),
    ],
)
def test_bad_sample_arguments_are_refused_and_write_nothing(
    project: Project, two_classes, kwargs: dict, message: str
) -> None:
    apple, _ = two_classes
    arguments = {"image": solid(), "class_id": apple, "source": "camera"} | kwargs
    with pytest.raises(InvalidInput, match=message):
        project.add_sample(**arguments)
    assert project.samples() == []
    assert files_in(project.images_dir) == [] and files_in(project.masks_dir) == []


def test_unknown_class_is_refused(project: Project) -> None:
    with pytest.raises(NotFound, match="no class 42"):
        project.add_sample(solid(), 42, "camera")
    with pytest.raises(InvalidInput):
        project.add_sample(solid(), "apple", "camera")  # type: ignore[arg-type]
    assert files_in(project.images_dir) == []


def test_add_samples_is_all_or_nothing(project: Project, two_classes) -> None:
    apple, pear = two_classes
    batch = [NewSample(solid(), apple, "generated", recipe={"i": i}) for i in range(3)]
    added = project.add_samples([*batch, NewSample(solid(), pear, "camera", mask=square_mask())])
    assert [s.recipe for s in added[:3]] == [{"i": 0}, {"i": 1}, {"i": 2}]
    assert len(project.samples()) == 4

    with pytest.raises(InvalidInput):
        project.add_samples([NewSample(solid(), apple, "camera"), NewSample(b"garbage", apple, "camera")])
    assert len(project.samples()) == 4 and len(files_in(project.images_dir)) == 4
    assert project.add_samples([]) == []


def test_a_file_is_in_place_before_its_row_is_committed(project: Project, two_classes, monkeypatch) -> None:
    apple, _ = two_classes
    seen = []
    original = Project._commit_samples

    def spy(self, prepared):
        for item in prepared:
            path = self.images_dir / f"{item.id}.jpg"
            seen.append(path.read_bytes() == item.jpeg)
        return original(self, prepared)

    monkeypatch.setattr(Project, "_commit_samples", spy)
    project.add_sample(solid(), apple, "camera")
    assert seen == [True]


def test_a_class_removed_during_an_add_fails_cleanly(project: Project, two_classes, monkeypatch) -> None:
    apple, _ = two_classes
    original = Project._commit_samples

    def remove_first(self, prepared):
        self.remove_class(apple)
        return original(self, prepared)

    monkeypatch.setattr(Project, "_commit_samples", remove_first)
    with pytest.raises(NotFound, match="removed while its samples were being added"):
        project.add_sample(solid(), apple, "camera", mask=square_mask())
    assert files_in(project.images_dir) == [] and files_in(project.masks_dir) == []
    assert project.check().ok


def test_review_states_and_filters(project: Project, two_classes) -> None:
    apple, pear = two_classes
    camera = project.add_sample(solid(), apple, "camera")
    imported = project.add_sample(solid(), pear, "imported")
    gen = [
        project.add_sample(solid(), apple, "generated", accepted=a) for a in (True, "accepted", False, None)
    ]

    def ids(**filters) -> list[str]:
        return [s.id for s in project.samples(**filters)]

    assert ids(status="accepted") == [camera.id, imported.id, gen[0].id, gen[1].id]
    assert ids(status=Status.REJECTED) == [gen[2].id]
    assert ids(status="pending") == [gen[3].id]
    assert ids(status=["rejected", "pending"]) == [gen[2].id, gen[3].id]
    assert ids(source="generated", status="accepted") == [gen[0].id, gen[1].id]
    assert ids(source=["camera", "imported"]) == [camera.id, imported.id]
    assert ids(class_id=pear) == [imported.id]
    assert ids(class_id=apple.id, source="camera") == [camera.id]
    assert ids() == [camera.id, imported.id, *[g.id for g in gen]]  # oldest first

    assert project.counts() == {apple.id: 5, pear.id: 1}
    assert project.counts(status="accepted", source="generated") == {apple.id: 2, pear.id: 0}
    assert project.counts(status="pending") == {apple.id: 1, pear.id: 0}
    assert project.get_sample(gen[3].id).status is Status.PENDING
    with pytest.raises(InvalidInput):
        project.samples(status="approved")


def test_delete_removes_row_files_and_features(project: Project, two_classes) -> None:
    apple, _ = two_classes
    keep = project.add_sample(solid(), apple, "camera")
    gone = project.add_sample(solid(), apple, "camera", mask=square_mask())
    project.set_many_features("bb", [(gone, [1.0])])
    project.delete_sample(gone)
    assert [s.id for s in project.samples()] == [keep.id]
    assert files_in(project.images_dir) == [f"{keep.id}.jpg"] and files_in(project.masks_dir) == []
    assert project.features("bb")[0] == []
    with pytest.raises(NotFound):
        project.delete_sample(gone.id)
    with pytest.raises(NotFound):
        project.get_sample(gone.id)
    assert project.delete_samples([keep, "nope"]) == 1
    assert project.samples() == []


def test_samples_survive_reopening(tmp_path) -> None:
    with Project.open(tmp_path / "p") as first:
        apple = first.add_class("apple")
        added = first.add_sample(
            solid(), apple, "generated", mask=square_mask(), recipe={"preset": "new colour"}, accepted=False
        )
    with Project.open(tmp_path / "p") as again:
        (sample,) = again.samples()
        assert sample == again.get_sample(added.id)
        assert sample.recipe == {"preset": "new colour"} and sample.status is Status.REJECTED
        assert again.load_mask(sample) is not None
        assert again.last_check is not None and again.last_check.ok


def test_iter_images_yields_images_and_masks(project: Project, two_classes) -> None:
    apple, pear = two_classes
    with_mask = project.add_sample(solid(), apple, "camera", mask=square_mask())
    without = project.add_sample(solid(), pear, "camera")
    loaded = project.iter_images(masks=True)
    got = {item.sample.id: item for item in loaded}
    assert set(got) == {with_mask.id, without.id} and len(loaded) == 2
    assert got[with_mask.id].mask is not None and got[without.id].mask is None
    assert isinstance(got[without.id].image, Image.Image)
    assert loaded.bad == [] and loaded.bad_masks == []
    assert next(iter(project.iter_images())).mask is None  # masks not loaded unless asked


def test_exif_rotation_of_imported_bytes_is_applied(project: Project, two_classes) -> None:
    apple, _ = two_classes
    image = solid(size=(40, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    sample = project.add_sample(buffer.getvalue(), apple, "imported")
    assert (sample.width, sample.height) == (30, 40)
    assert project.load_image(sample).size == (30, 40)
