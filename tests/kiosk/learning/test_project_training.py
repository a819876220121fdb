import threading

import numpy as np
import pytest

from kiosk.learning.config import TrainingConfig
from kiosk.learning.project_training import SOURCE_SAMPLE_KEY, cache_features, train_project
from kiosk.learning.svm import TrainingError
from kiosk.learning.views import VIEWS, view_key
from kiosk.store import Project
from kiosk.store.models import Source
from testkit.shapes import render


@pytest.fixture
def project(tmp_path):
    """Three classes of real photos, accepted generated near-copies, a pending and a misleading one."""
    rng = np.random.default_rng(0)
    with Project.open(tmp_path / "p") as opened:
        ids = {label: opened.add_class(label).id for label in ("apple", "leaf", "sky")}
        real = {
            label: [opened.add_sample(render(label, rng), ids[label], Source.CAMERA) for _ in range(4)]
            for label in ids
        }
        opened.add_sample(render("apple", rng), ids["apple"], Source.IMPORTED)
        good = opened.add_sample(
            render("apple", rng),
            ids["apple"],
            Source.GENERATED,
            recipe={SOURCE_SAMPLE_KEY: real["apple"][0].id},
            accepted=True,
        )
        # Labelled leaf but showing a sky: the gate must keep it out of training.
        bad = opened.add_sample(render("sky", rng), ids["leaf"], Source.GENERATED, accepted=True)
        opened.add_sample(render("leaf", rng), ids["leaf"], Source.GENERATED)  # pending review
        opened.good_id, opened.bad_id = good.id, bad.id  # type: ignore[attr-defined]
        yield opened


def test_trains_on_real_and_gated_generated_samples_and_records_a_version(project, backbone):
    progress = []
    result = train_project(
        project, backbone, TrainingConfig(augmentation="off"), lambda *report: progress.append(report)
    )
    assert set(result.verdicts) == {project.good_id, project.bad_id}
    assert result.verdicts[project.good_id].passed and not result.verdicts[project.bad_id].passed
    counts = result.outcome.counts
    assert counts["apple"] == {"real": 5, "generated": 1, "views": 0}
    assert counts["leaf"] == {"real": 4, "generated": 0, "views": 0}
    # Judged on real samples only: 13 photos, the generated image never scored.
    evaluation = result.outcome.evaluation
    assert evaluation.count == 13 and project.good_id not in {m.sample for m in evaluation.misses}
    assert evaluation.accuracy >= 12 / 13
    version = project.models()[-1]
    assert version.current and version.id == result.version.id and version.backbone_id == backbone.backbone_id
    assert version.metrics["gate"] == {"checked": 2, "passed": 1}
    assert result.model.path == version.path and result.model.labels == ("apple", "leaf", "sky")
    assert ("features", 15, 15) in progress and progress[-1][0] == "training"


def test_features_are_cached_once_per_backbone_and_view(project, backbone):
    wanted = project.samples()
    calls = []
    original = backbone.embed_pixels
    backbone.embed_pixels = lambda pixels: calls.append(len(pixels)) or original(pixels)
    try:
        cache_features(project, backbone, wanted, tuple(VIEWS))
        assert sum(calls) == len(wanted) * (1 + len(VIEWS))
        cache_features(project, backbone, wanted, tuple(VIEWS))
        assert sum(calls) == len(wanted) * (1 + len(VIEWS))  # nothing new to compute
    finally:
        del backbone.embed_pixels
    for key in (backbone.backbone_id, *(view_key(backbone.backbone_id, view) for view in VIEWS)):
        assert not project.missing_features(key)
    # A view's features are not the image's own.
    ids, own = project.features(backbone.backbone_id)
    _, flipped = project.features(view_key(backbone.backbone_id, "flip"), ids)
    assert not np.allclose(own, flipped)


def test_augmentation_decision_is_recorded(project, backbone):
    result = train_project(project, backbone, TrainingConfig(augmentation="on"))
    record = result.model.training["augmentation"]
    assert record["used"] and record["mode"] == "on"
    assert result.outcome.counts["apple"]["views"] == len(VIEWS) * 6
    # Views are extra training rows, never scored: the evaluation still counts the 13 photos.
    assert result.outcome.evaluation.count == 13


def test_a_broken_image_is_skipped_and_reported(project, backbone):
    victim = project.samples(source=Source.CAMERA)[0]
    victim.image_path.write_bytes(b"\xff\xd8 broken")
    result = train_project(project, backbone, TrainingConfig(augmentation="off"))
    assert victim.id in result.unreadable
    assert result.outcome.evaluation.count == 12


def test_one_class_of_real_photos_cannot_train(tmp_path, backbone):
    with Project.open(tmp_path / "one") as project:
        cid = project.add_class("apple").id
        for seed in range(3):
            project.add_sample(render("apple", np.random.default_rng(seed)), cid, Source.CAMERA)
        project.add_class("pear")
        with pytest.raises(TrainingError, match="at least two classes"):
            train_project(project, backbone)


def test_training_runs_on_a_worker_thread_and_reports_from_it(project, backbone):
    """The TUI trains in the background on a project it opened on its own thread."""
    outcome, threads = {}, set()

    def work() -> None:
        config = TrainingConfig(augmentation="off", workers=2)
        outcome["result"] = train_project(
            project, backbone, config, lambda *_: threads.add(threading.get_ident())
        )

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert outcome["result"].version.id == project.models()[-1].id
    assert threads == {worker.ident}
