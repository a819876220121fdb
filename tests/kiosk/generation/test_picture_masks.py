"""Generated pictures are stored with their object mask: the worker's, else the kiosk's masker's, else
the source's where the layout is kept; a bad mask from the wire is ignored with a log, losing nothing."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from PIL import Image

from kiosk.generation.expansion import Expansion
from kiosk.generation.picture_masks import picture_mask
from kiosk.generation.status import Phase, Request
from kiosk.jobs.files import JobSpec, job_from_files
from kiosk.learning.project_training import SOURCE_SAMPLE_KEY
from kiosk.store import Source, StoredImageError
from shared.imaging import BadImage, decode_image, encode_jpeg, encode_png
from shared.masks import decode_mask, encode_mask
from shared.presets import Preset
from shared.protocol import ImageRecipe, JobImage
from testkit.fleet import add_masked_photos, diffusion_backend
from testkit.scenes import Blob, empty_frame, render_scene
from tests.kiosk.generation.policies import only
from tests.kiosk.generation.test_expansion import client  # noqa: F401  (a fixture)
from tests.kiosk.tui.photos import eventually, start_worker

BALL = Blob(cx=330, cy=250, rx=70, ry=64, colour=(205.0, 40.0, 35.0))
"""A red ball on the kiosk backdrop: the object whose mask every picture here must carry."""


def iou(mask: np.ndarray, truth: np.ndarray) -> float:
    return float((mask & truth).sum() / (mask | truth).sum())


def ball_scene():
    scene = render_scene((BALL,), seed=5)
    return Image.fromarray(scene.image), scene.object_masks[0]


def wire_image(picture: Image.Image, *, backend: str = "img2img", mask: bytes | None = None) -> JobImage:
    recipe = ImageRecipe(backend=backend, change=0.5, seed=1, index=0, whole_image=mask is None)
    return JobImage(
        job_id="j1", worker_id="w1", index=0, total=1, recipe=recipe, image=encode_jpeg(picture), mask=mask
    )


def never_asked() -> Image.Image | None:
    raise AssertionError("the source's mask is a last resort; it was not needed here")


def test_the_workers_mask_is_stored_as_sent():
    picture, truth = ball_scene()
    sent = encode_mask(Image.fromarray(truth), picture.size)
    mask = picture_mask(wire_image(picture, backend="inpaint", mask=sent), picture, never_asked)
    assert mask is not None and mask.size == picture.size and mask.mode == "L"
    np.testing.assert_array_equal(np.asarray(mask) > 127, truth)


def test_an_img2img_picture_is_masked_again_on_the_kiosk():
    """No mask from the worker: the kiosk's masker finds the ball in the picture itself."""
    picture, truth = ball_scene()
    mask = picture_mask(wire_image(picture), picture, never_asked)
    assert mask is not None and mask.size == picture.size
    assert iou(np.asarray(mask) > 127, truth) > 0.95


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (encode_png(Image.new("L", (320, 240), 255)), "is 320x240 but its image is 640x480"),
        (b"\x89PNG\r\n\x1a\n" + b"not really a png", "could not be decoded"),
        (encode_jpeg(Image.new("L", (640, 480))), "is not a PNG"),
    ],
)
def test_a_bad_mask_from_the_wire_is_ignored_with_a_log_and_the_picture_masked_here(caplog, bad, reason):
    picture, truth = ball_scene()
    with caplog.at_level(logging.WARNING, logger="kiosk.generation.picture_masks"):
        mask = picture_mask(wire_image(picture, backend="inpaint", mask=bad), picture, never_asked)
    assert mask is not None and iou(np.asarray(mask) > 127, truth) > 0.95, "nothing lost: masked here"
    (record,) = caplog.records
    assert reason in record.getMessage() and "job j1's image 0" in record.getMessage()
    assert "the picture is kept" in record.getMessage()


def test_with_no_object_found_a_diffusion_picture_takes_the_source_mask_scaled():
    picture = Image.fromarray(empty_frame(2)).resize((320, 240))
    source = Image.new("L", (640, 480), 0)
    source.paste(255, (200, 100, 400, 300))
    mask = picture_mask(wire_image(picture, backend="img2img"), picture, lambda: source)
    assert mask is not None and mask.size == (320, 240)
    expected = np.zeros((240, 320), dtype=bool)
    expected[50:150, 100:200] = True
    np.testing.assert_array_equal(np.asarray(mask) > 127, expected)


def test_without_an_object_or_a_source_of_the_same_layout_the_picture_has_no_mask():
    picture = Image.fromarray(empty_frame(2))
    square = Image.new("L", (100, 100), 255)
    assert picture_mask(wire_image(picture, backend="img2img"), picture, lambda: square) is None
    assert picture_mask(wire_image(picture, backend="classic"), picture, never_asked) is None, (
        "the classic engine may have moved the object: the source's mask cannot stand in"
    )


def test_a_source_photo_gone_meanwhile_means_no_stand_in(tmp_path, caplog):
    picture = Image.fromarray(empty_frame(2))

    def gone() -> Image.Image | None:
        raise StoredImageError("s1", tmp_path / "masks" / "s1.png", "is missing")

    with caplog.at_level(logging.WARNING, logger="kiosk.generation.picture_masks"):
        assert picture_mask(wire_image(picture), picture, gone) is None
    assert "is missing" in caplog.text


def object_colour_share(image: Image.Image, mask: Image.Image) -> tuple[float, float]:
    """Share of the mask's pixels that are ball-red, and of the pixels outside it."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    red = rgb[..., 0] - rgb[..., 1] > 45  # the ball, shaded or lit: the backdrop is a near-grey paper
    inside = np.asarray(mask) > 127
    return float(red[inside].mean()), float(red[~inside].mean())


def test_an_accepted_picture_is_stored_with_its_mask_and_can_be_varied_again(project, mosquitto, client):  # noqa: F811
    """A real classic worker through mosquitto: a new angle moves the ball and its mask together; the
    accepted picture is stored like a photo (image and mask of one size) and is itself a job's source."""
    service = start_worker(mosquitto.url)
    try:
        picture, truth = ball_scene()
        apple = project.add_class("apple")
        photo = project.add_sample(picture, apple.id, Source.CAMERA, mask=Image.fromarray(truth))
        expansion = Expansion(project, client)
        job_id = expansion.send(Request(photo.id, Preset.NEW_ANGLE, change=1.0, count=3, seed=5))
        final = expansion.follow(job_id)
        assert final.phase is Phase.DONE and final.backend == "classic" and len(final.results) == 3
        for result in final.results:
            assert result.mask is not None and result.mask.size == result.image.size
            on_object, off_object = object_colour_share(result.image, result.mask)
            assert on_object > 0.97 and off_object < 0.005, "the mask moved with the ball"
        assert any(not np.array_equal(np.asarray(r.mask) > 127, truth) for r in final.results)

        (saved,) = expansion.accept(job_id, [0])
        assert saved.mask_path is not None and saved.recipe[SOURCE_SAMPLE_KEY] == photo.id
        stored_image, stored_mask = project.load_image(saved.id), project.load_mask(saved.id)
        assert stored_mask is not None and stored_mask.size == stored_image.size

        again = job_from_files(
            "k1", saved.image_path, saved.mask_path, JobSpec("apple", Preset.NEW_COLOUR, seed=3)
        )
        assert again.mask is not None
        handle = client.wait(client.submit(again), 30)
        images = handle.sorted_images()
        assert handle.failure is None and len(images) == 4
        sent_mask = decode_image(again.mask).convert("L")
        for item in images:
            size = decode_image(item.image).size
            assert item.mask is not None
            np.testing.assert_array_equal(np.asarray(decode_mask(item.mask, size)), np.asarray(sent_mask))
    finally:
        service.stop(timeout_s=1)


def test_a_mask_of_another_size_is_refused_before_a_job_is_made(tmp_path):
    picture, truth = ball_scene()
    (tmp_path / "a.jpg").write_bytes(encode_jpeg(picture))
    (tmp_path / "a.mask.png").write_bytes(encode_png(Image.fromarray(truth).resize((10, 10))))
    with pytest.raises(BadImage, match="is 10x10, image is 640x480"):
        job_from_files("k1", tmp_path / "a.jpg", tmp_path / "a.mask.png", JobSpec("apple", Preset.NEW_COLOUR))


def test_tiny_diffusion_workers_pictures_are_stored_with_a_mask_of_their_size(
    project,
    mosquitto,
    client,  # noqa: F811
    tiny_pipelines,
):
    """Real inpaint and img2img workers (tiny pipelines) through mosquitto: inpaint's pictures (the real
    policy's choice for a new colour) carry the photo's own mask; img2img's (a policy that asks it first)
    come without one and are masked here (the tiny model draws noise, so the source's mask stands in
    when the masker finds no object)."""
    photos = add_masked_photos(project, {"apple": 1})
    photo = photos["apple"][0]
    source_mask = np.asarray(project.load_mask(photo.id)) > 127
    services = [
        start_worker(
            mosquitto.url, "w-inpaint", {"inpaint": diffusion_backend("inpaint", tiny_pipelines["inpaint"])}
        ),
        start_worker(
            mosquitto.url, "w-img2img", {"img2img": diffusion_backend("img2img", tiny_pipelines["img2img"])}
        ),
    ]
    try:
        eventually(lambda: len(client.workers_online()) == 2, what="the client seeing both workers")
        expansion = Expansion(project, client)
        img2img_first = Expansion(project, client, policy=only("img2img"))
        inpainted = expansion.follow(
            expansion.send(Request(photo.id, Preset.NEW_COLOUR, 0.5, count=2, seed=1))
        )
        redrawn = img2img_first.follow(
            img2img_first.send(Request(photo.id, Preset.RIPER, 0.5, count=2, seed=1))
        )
    finally:
        for service in services:
            service.stop(timeout_s=1)
    assert (inpainted.phase, inpainted.backend, redrawn.phase, redrawn.backend) == (
        Phase.DONE,
        "inpaint",
        Phase.DONE,
        "img2img",
    )
    for result in inpainted.results:
        assert result.mask is not None and result.mask.size == result.image.size
        np.testing.assert_array_equal(np.asarray(result.mask) > 127, source_mask)
    for result in redrawn.results:
        assert result.mask is not None and result.mask.size == result.image.size
    stored = img2img_first.accept(redrawn.job_id) + expansion.accept(inpainted.job_id)
    assert len(stored) == 4 and all(sample.mask_path is not None for sample in stored)
