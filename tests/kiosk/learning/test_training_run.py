"""The train step's domain: real training on the real backbone, refusals and the words it shows."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.generation.expansion import Expansion
from kiosk.generation.status import Request
from kiosk.learning.config import TrainingConfig
from kiosk.learning.generated_choice import GeneratedChoice
from kiosk.learning.training_run import TrainingRefused, TrainingRun, comparison_words, training_refusal
from kiosk.store import Source
from shared.presets import Preset
from testkit.shapes import render
from tests.kiosk.learning.made_comparisons import made_comparison
from tests.kiosk.tui.photos import add_photos, shared_backbone

QUICK = TrainingConfig(augmentation="off")


def test_one_class_with_photos_is_refused_with_what_to_do(project):
    add_photos(project, {"apple": 3})
    assert (
        training_refusal(project) == "Teaching from good parts needs at least 5 photos of apple: take 2 more."
    )
    project.add_class("pear")
    assert training_refusal(project) == "Training needs photos of at least two classes: take photos of pear."
    with pytest.raises(TrainingRefused, match="take photos of pear"):
        TrainingRun(project, shared_backbone(), QUICK).run()
    assert project.models() == []


def test_a_run_reports_accuracy_per_class_confusion_and_progress(project):
    add_photos(project, {"apple": 4, "leaf": 4, "sky": 4})
    seen = []
    report = TrainingRun(project, shared_backbone(), QUICK).run(seen.append)

    assert report.accuracy == 1.0 and report.accuracy_words.startswith("Right on 100% of your 12 photos")
    assert [(c.label, c.accuracy, c.photos) for c in report.per_class] == [
        ("apple", 1.0, 4),
        ("leaf", 1.0, 4),
        ("sky", 1.0, 4),
    ]
    assert report.confusion == ((4, 0, 0), (0, 4, 0), (0, 0, 4)) and report.misses == ()
    assert report.comparison is None and report.comparison_words.startswith("No generated pictures yet")
    assert project.models()[-1].id == report.model_id and project.models()[-1].current
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[0] >= 0 and fractions[-1] <= 1
    assert {p.stage for p in seen} == {"features", "training"}
    assert seen[0].words.startswith("Looking at your photos (1 of 12)")


def test_a_mislabelled_photo_is_among_the_misses(project):
    add_photos(project, {"apple": 4, "leaf": 4})
    apple = project.find_class("apple")
    wrong = project.add_sample(render("leaf", np.random.default_rng(99)), apple.id, Source.CAMERA)
    report = TrainingRun(project, shared_backbone(), QUICK).run()
    assert wrong.id in {miss.sample for miss in report.misses}
    (miss,) = [m for m in report.misses if m.sample == wrong.id]
    assert miss.true == "apple" and miss.predicted == "leaf"
    assert report.confusion[0][1] >= 1 and report.accuracy < 1.0


def test_accepted_generated_pictures_are_compared_with_photos_only(project):
    photos = add_photos(project, {"apple": 3, "leaf": 3})
    expansion = Expansion(project, None)
    for label in ("apple", "leaf"):
        for sample in photos[label]:
            job_id = expansion.send(Request(sample.id, Preset.DIFFERENT_LIGHT, change=0.3, count=2, seed=1))
            expansion.follow(job_id)
            expansion.accept(job_id)
    seen = []
    report = TrainingRun(project, shared_backbone(), QUICK).run(seen.append)

    comparison = report.comparison
    assert comparison is not None and comparison.generated_count == 12 and comparison.real_count == 6
    assert "of 12 accepted generated pictures" in report.gate_words
    assert comparison.mixed_gain is not None
    points = round(comparison.mixed_gain * 100)
    expected = {1: "helped", 0: "made no difference", -1: "hurt"}[int(np.sign(points))]
    assert expected in report.comparison_words
    stages = [p.stage for p in seen]
    assert "comparison" in stages and seen[-1].stage == "training" and seen[-1].fraction == 1.0


def test_comparison_words_say_helped_no_difference_or_hurt():
    assert comparison_words(made_comparison(0.75, 0.85, 0.6)) == (
        "The generated pictures helped: +10 points (photos only 75%, with generated 85%)."
        " Trained on generated pictures alone: 60% on your photos."
    )
    assert comparison_words(made_comparison(0.8, 0.8)) == (
        "The generated pictures made no difference (photos only 80%, with generated 80%)."
    )
    hurt = comparison_words(made_comparison(0.9, 0.85))
    assert hurt.startswith("The generated pictures hurt: -5 points (photos only 90%, with generated 85%).")
    reason = "needs at least two real photos in every class to hold one out"
    skipped = made_comparison(None, None, skipped=reason)
    assert comparison_words(skipped) == (
        "Whether the generated pictures help cannot be measured yet: "
        "needs at least two real photos in every class to hold one out."
    )
    assert comparison_words(made_comparison(0.9, None, generated=0)).startswith("No generated pictures yet")
    assert comparison_words(None).startswith("No generated pictures yet")


def test_comparison_words_say_when_the_pictures_are_left_out_or_kept_after_a_second_look():
    hurt = made_comparison(0.9, 0.6)
    left_out = GeneratedChoice(keep=False, photos_lost=5.0, points=-25, checks=3)
    assert comparison_words(hurt, left_out) == (
        "The new pictures lowered accuracy on your photos (-25 points), so this model leaves them out."
    )
    kept = GeneratedChoice(keep=True, photos_lost=1.0, points=-5, checks=3)
    assert comparison_words(made_comparison(0.9, 0.85), kept) == (
        "The generated pictures hurt: -5 points (photos only 90%, with generated 85%), but not when "
        "other photos were held out, so this model keeps them."
    )
