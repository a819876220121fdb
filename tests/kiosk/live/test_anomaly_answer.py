"""An anomaly model on the kiosk side: the Try step's answer, the heat over the live frame, the
station's verdict, with a real detector taught from rendered good castings on the real backbone."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from PIL import Image

from kiosk.features.backbone import Backbone
from kiosk.learning.anomaly_training import fit_anomaly
from kiosk.learning.model_dir import save_anomaly_model
from kiosk.live.prediction import EMPTY_SCENE, answer, heat_over, saliency_image
from kiosk.live.view import PREVIEW_SIZE, preview_image
from kiosk.masking import MaskResult
from kiosk.station.verdict import describe, judgement_of, make_verdict
from shared.protocol.station import StationVerdict
from testkit.defects import parts

FRAME = (480, 640)
"""(height, width) of the camera frames: twice the preview's size, so the heat must be scaled."""
AT = (100, 16)
"""(x, y) of the part's top-left corner in the frame."""


def rgb(grey: np.ndarray) -> np.ndarray:
    return np.repeat(grey[..., None], 3, axis=2)


@pytest.fixture(scope="module")
def backbone() -> Backbone:
    return Backbone()


@pytest.fixture(scope="module")
def model(backbone, tmp_path_factory):
    """An anomaly model taught from 30 good castings, as `teachbooth train good/` makes one."""
    taught = [backbone.preprocess(rgb(part.image)) for part in parts(30, texture="casting", defective=False)]
    grids = np.stack([found.maps["mid"] for found in backbone.embed_maps(taught)])
    detector = fit_anomaly(grids).detector
    return save_anomaly_model(tmp_path_factory.mktemp("model"), detector, backbone, "good_castings")


def shown(part: np.ndarray) -> tuple[np.ndarray, MaskResult]:
    """A camera frame with the part (scaled 2x) on a dark table, and the masker's find of it."""
    frame = np.full((*FRAME, 3), 30, np.uint8)
    big = np.asarray(Image.fromarray(part).resize((448, 448), Image.Resampling.BILINEAR))
    x, y = AT
    frame[y : y + 448, x : x + 448] = rgb(big)
    mask = np.zeros(FRAME, bool)
    mask[y : y + 448, x : x + 448] = True
    box = (x, y, x + 448, y + 448)
    return frame, MaskResult("found", mask=mask, box=box, crop_box=box, crop=frame[y : y + 448, x : x + 448])


@pytest.fixture(scope="module")
def defective():
    """A casting with a defect the detector flags (one of the first few; checked in the tests)."""
    return parts(4, texture="casting", defective=True, seed=8)


def test_a_defective_part_is_an_anomaly_and_a_good_one_looks_good(model, backbone, defective):
    good = parts(1, texture="casting", defective=False, seed=8)[0]
    said = answer(model, backbone, *shown(good.image))
    assert said.headline == "Looks good." and said.unusual.label == "good"
    assert said.probabilities == () and said.labels == ("good_castings",)
    flagged = [answer(model, backbone, *shown(part.image)) for part in defective]
    assert any(found.unusual.flagged for found in flagged)
    worst = max(flagged, key=lambda found: found.unusual.score)
    assert worst.headline.startswith("Anomaly (score ")
    assert worst.unusual.score > said.unusual.score
    assert worst.unusual.patch_scores.shape == backbone.map_shapes["mid"][:2]
    assert worst.unusual.box == (AT[0], AT[1], AT[0] + 448, AT[1] + 448)  # the square crop, in frame pixels


def test_an_empty_stage_asks_nothing_of_an_anomaly_model(model, backbone):
    frame = np.full((*FRAME, 3), 30, np.uint8)
    said = answer(model, backbone, frame, MaskResult(next(iter(EMPTY_SCENE))))
    assert not said.seen and said.unusual is None and said.headline == "I don't see anything."
    preview = preview_image(frame, None)
    assert heat_over(preview, said, (FRAME[1], FRAME[0])) is preview


def test_without_an_object_the_heat_covers_the_square_the_backbone_sees(model, backbone, defective):
    frame = np.full((*FRAME, 3), 90, np.uint8)
    said = answer(model, backbone, frame, MaskResult("no_background"))
    assert said.seen and said.mask is None
    assert said.unusual.box == (80, 0, 560, 480)  # the centred 480x480 of a 640x480 frame


def test_the_heat_lies_over_the_defect_in_the_live_preview(model, backbone, defective):
    part = next(p for p in defective if answer(model, backbone, *shown(p.image)).unusual.flagged)
    frame, result = shown(part.image)
    said = answer(model, backbone, frame, result)
    preview = preview_image(frame, None)
    painted = np.asarray(heat_over(preview, said, (FRAME[1], FRAME[0]))).astype(np.float32)
    change = np.abs(painted - np.asarray(preview, np.float32)).sum(axis=2)
    assert painted.shape[:2] == (PREVIEW_SIZE[1], PREVIEW_SIZE[0])
    x, y = AT[0] // 2, AT[1] // 2  # the part in the half-size preview: 224 pixels from (x, y)
    outside = np.ones(change.shape, bool)
    outside[y : y + 224, x : x + 224] = False
    assert change[outside].max() == 0  # nothing painted off the judged square
    inside = change[y : y + 224, x : x + 224]
    assert inside[part.mask].mean() > 3 * inside[~part.mask].mean()  # the heat is where the defect is


def test_the_station_reports_the_anomaly_score_and_the_good_or_anomaly_label(model, backbone, defective):
    said = max((answer(model, backbone, *shown(p.image)) for p in defective), key=lambda a: a.unusual.score)
    judged = judgement_of(said)
    assert (judged.label, judged.score, judged.probabilities) == ("anomaly", None, {})
    assert judged.anomaly_score == pytest.approx(said.unusual.score)
    verdict = make_verdict("line1", 3, 2, judged, datetime.now(UTC))
    again = StationVerdict.model_validate_json(verdict.model_dump_json())
    assert again.label == "anomaly" and again.anomaly_score == pytest.approx(said.unusual.score)
    assert describe(again) == f"#3 part 2: anomaly (anomaly score {said.unusual.score:.2f})"


def test_what_does_it_look_at_shows_the_anomaly_heat_map(model, backbone, defective):
    image, caption = saliency_image(model, backbone, rgb(defective[0].image))
    assert image.size == (224, 224)
    assert "unlike the good parts" in caption and "score" in caption
