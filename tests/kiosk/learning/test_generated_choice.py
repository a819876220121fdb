"""Act on the comparison: generated pictures that lower accuracy on the visitor's photos, on more
than one fold split, are left out of the model that becomes current; the others stay."""

from __future__ import annotations

import pytest

from kiosk.learning.config import TrainingConfig
from kiosk.learning.generated_choice import CHECKS, choose_generated, harmful
from kiosk.learning.history import short_ids
from kiosk.learning.model_dir import load_model
from kiosk.learning.training_run import TrainingRun
from tests.kiosk.learning.made_comparisons import made_comparison
from tests.kiosk.learning.two_looks import add_misleading, add_near_copies, add_photos
from tests.kiosk.tui.photos import shared_backbone

QUICK = TrainingConfig(augmentation="off")


@pytest.mark.parametrize(
    ("lost", "photos", "expected"),
    [(1, 16, True), (0, 16, False), (-2, 16, False), (1, 50, True), (1, 51, False), (2, 100, True)],
)
def test_a_loss_counts_from_one_photo_and_two_points(lost, photos, expected):
    assert harmful(lost, photos) is expected


def test_pictures_that_did_not_lower_accuracy_stay_without_a_second_check():
    asked = []
    choice = choose_generated(made_comparison(0.8, 0.85), asked.append)
    assert choice.keep and choice.checks == 1 and choice.points == 5 and asked == []
    assert choose_generated(None, asked.append).keep and asked == []
    unmeasured = made_comparison(None, None, skipped="needs at least two real photos in every class")
    assert choose_generated(unmeasured, asked.append).keep and asked == []


def test_a_loss_must_hold_on_every_fold_split_before_the_pictures_go():
    shown = made_comparison(0.9, 0.8)  # 2 of 20 photos lost
    again = {1: made_comparison(0.9, 0.85), 2: made_comparison(0.9, 0.75)}
    choice = choose_generated(shown, again.get)
    assert not choice.keep and choice.checks == CHECKS
    assert choice.photos_lost == pytest.approx(2.0) and choice.points == -10

    again[2] = made_comparison(0.9, 0.9)  # one split without a loss: noise, not harm
    choice = choose_generated(shown, again.get)
    assert choice.keep and choice.checks == CHECKS and choice.photos_lost == pytest.approx(1.0)


def test_misleading_pictures_are_left_out_of_the_current_model_and_the_report_says_so(project):
    photos = add_photos(project, seed=2)
    add_misleading(project, photos, seed=3)
    report = TrainingRun(project, shared_backbone(), QUICK).run()

    assert not report.generated.keep and report.generated.checks == CHECKS
    assert report.generated.photos_lost >= 1 and report.generated.points < 0
    assert report.comparison_words.startswith(
        f"The new pictures lowered accuracy on your photos ({report.generated.points} points), "
        "so this model leaves them out."
    )
    assert "of 12 accepted generated pictures were close enough" in report.gate_words
    current = project.latest_good_model()
    assert current.id == report.model_id
    assert all(count["generated"] == 0 for count in current.metrics["counts"].values())
    assert current.metrics["history"]["trained_on"]["generated"] == []
    assert current.metrics["generated"]["keep"] is False
    assert current.metrics["comparison"]["mixed"] < current.metrics["comparison"]["real_only"]
    assert load_model(current.path).training["generated"]["keep"] is False


def test_pictures_of_each_photos_own_look_stay_in_the_model(project):
    photos = add_photos(project, seed=1)
    copies = add_near_copies(project, photos, seed=2)
    report = TrainingRun(project, shared_backbone(), QUICK).run()

    assert report.generated.keep and "leaves them out" not in report.comparison_words
    current = project.latest_good_model()
    trained_on = set(current.metrics["history"]["trained_on"]["generated"])
    assert trained_on and trained_on <= set(short_ids(s.id for s in copies))
    assert sum(count["generated"] for count in current.metrics["counts"].values()) == len(trained_on)
