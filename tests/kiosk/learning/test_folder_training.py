import pytest

from kiosk.learning.config import TrainingConfig
from kiosk.learning.folder_training import evaluate_folder, train_folder
from kiosk.learning.image_folder import DatasetError
from kiosk.learning.model_dir import load_model
from kiosk.learning.svm import TrainingError
from testkit.shapes import write_dataset


def test_trains_writes_a_model_and_evaluates_it(tmp_path, backbone):
    data = write_dataset(tmp_path / "train", per_class=4)
    (data / "sky" / "broken.jpg").write_bytes(b"\xff\xd8\xff not a jpeg")
    progress = []
    result = train_folder(
        data,
        tmp_path / "model",
        backbone,
        TrainingConfig(augmentation="off"),
        lambda *report: progress.append(report),
    )
    assert [item.path.name for item in result.skipped] == ["broken.jpg"]
    assert result.outcome.counts["sky"]["real"] == 4
    assert result.outcome.evaluation.count == 12 and result.outcome.fit.folds == 4
    model = load_model(tmp_path / "model")
    assert model.labels == ("apple", "leaf", "sky")
    assert model.training["skipped"][0]["file"].endswith("broken.jpg")
    assert progress[12] == ("features", 13, 13)

    test = write_dataset(tmp_path / "test", per_class=2, seed=7)
    evaluation, skipped = evaluate_folder(model, test, backbone)
    assert evaluation.count == 6 and skipped == ()
    assert evaluation.accuracy >= 5 / 6  # chance is 1/3; four photos a class rarely get all six
    assert evaluation.accuracy == sum(evaluation.confusion[i][i] for i in range(3)) / 6
    # The photos it trained on are linearly separable in 1280 dimensions: all right.
    assert evaluate_folder(model, data, backbone)[0].accuracy == 1.0


def test_a_class_with_no_readable_image_is_an_error(tmp_path, backbone):
    data = write_dataset(tmp_path / "d", per_class=2, labels=("apple", "leaf"))
    (data / "pear").mkdir()
    (data / "pear" / "p.png").write_bytes(b"nope")
    with pytest.raises(DatasetError, match=r"no readable images in class folder\(s\) pear"):
        train_folder(data, tmp_path / "m", backbone)
    assert not (tmp_path / "m").exists()


def test_one_class_teaches_an_anomaly_model_that_needs_enough_good_parts(tmp_path, backbone):
    data = write_dataset(tmp_path / "d", per_class=2, labels=("apple",))
    with pytest.raises(TrainingError, match="at least 5 photos"):
        train_folder(data, tmp_path / "m", backbone)
    assert not (tmp_path / "m" / "model.json").exists()


def test_auto_views_are_embedded_only_up_to_views_up_to_photos_a_class():
    config = TrainingConfig(augmentation="auto", views_up_to=200)
    assert config.embeds_views(200) and not config.embeds_views(201)
    assert TrainingConfig(augmentation="on", views_up_to=0).embeds_views(5000)
    assert not TrainingConfig(augmentation="off").embeds_views(3)


@pytest.mark.parametrize(("views_up_to", "embedded"), [(3, True), (2, False)])
def test_a_folder_past_views_up_to_a_class_embeds_no_views(tmp_path, backbone, views_up_to, embedded):
    data = write_dataset(tmp_path / "train", per_class=3, labels=("apple", "leaf"))
    result = train_folder(data, tmp_path / "model", backbone, TrainingConfig(views_up_to=views_up_to))
    assert (result.outcome.augmentation["reason"] == "no views") is not embedded
