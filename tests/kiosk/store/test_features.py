"""The feature cache: float32 round trip, keyed by backbone id, dropped with its sample."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.store import InvalidInput, NotFound, Project
from tests.kiosk.store.conftest import solid


@pytest.fixture
def three(project: Project, two_classes):
    apple, pear = two_classes
    return [project.add_sample(solid(), c, "camera") for c in (apple, pear, apple)]


def test_round_trip_is_exact_float32(project: Project, three) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3, 1280)).astype(np.float32)
    assert project.set_many_features("effnet-lite0@abc", zip(three, vectors, strict=True)) == 3
    ids, matrix = project.features("effnet-lite0@abc")
    assert ids == [s.id for s in three]
    assert matrix.dtype == np.float32 and matrix.shape == (3, 1280)
    assert np.array_equal(matrix, vectors)
    matrix[0, 0] = 123.0  # the caller owns the returned array
    assert project.features("effnet-lite0@abc")[1][0, 0] == vectors[0, 0]


def test_float64_input_is_stored_as_float32(project: Project, three) -> None:
    project.set_many_features("bb", [(three[0], np.array([0.1, 1e-3, -2.5], dtype=np.float64))])
    _, matrix = project.features("bb")
    assert np.array_equal(matrix[0], np.array([0.1, 1e-3, -2.5], dtype=np.float32))


def test_another_backbone_id_sees_nothing_until_computed(project: Project, three) -> None:
    project.set_many_features("mobilenet-v3", [(s, np.ones(8)) for s in three])
    ids, matrix = project.features("effnet-lite0")
    assert ids == [] and matrix.shape == (0, 0) and matrix.dtype == np.float32
    assert [s.id for s in project.missing_features("effnet-lite0")] == [s.id for s in three]
    assert project.missing_features("mobilenet-v3") == []

    project.set_many_features("effnet-lite0", [(three[1], np.full(4, 2.0))])
    ids, matrix = project.features("effnet-lite0")
    assert ids == [three[1].id] and matrix.shape == (1, 4)
    assert [s.id for s in project.missing_features("effnet-lite0")] == [three[0].id, three[2].id]
    assert project.features("mobilenet-v3")[1].shape == (3, 8)  # the old cache is intact

    assert project.clear_features(keep="effnet-lite0") == 3
    assert project.features("mobilenet-v3")[0] == []
    assert project.features("effnet-lite0")[0] == [three[1].id]
    assert project.clear_features() == 1
    assert project.features("effnet-lite0")[0] == []


def test_overwrite_and_order_by_requested_ids(project: Project, three) -> None:
    project.set_many_features("bb", [(s, [float(i), 0.0]) for i, s in enumerate(three)])
    project.set_many_features("bb", [(three[0], [9.0, 9.0])])
    ids, matrix = project.features("bb", [three[2].id, three[0], "0" * 32])
    assert ids == [three[2].id, three[0].id]
    assert matrix.tolist() == [[2.0, 0.0], [9.0, 9.0]]


@pytest.mark.parametrize(
    ("vector", "message"),
    [
        ([], "1-D with 1 to"),
        (np.zeros((2, 2)), "1-D with 1 to"),
        ([1.0, float("nan")], "finite"),
        ([1.0, float("inf")], "finite"),
        ([1e39], "finite"),  # overflows float32
        (["a", "b"], "numeric"),
    ],
)
def test_bad_vectors_are_refused(project: Project, three, vector, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        project.set_many_features("bb", [(three[0], vector)])
    assert project.features("bb")[0] == []


def test_one_length_per_backbone(project: Project, three) -> None:
    project.set_many_features("bb", [(three[0], np.zeros(4))])
    with pytest.raises(InvalidInput, match=r"one length, got \[3, 4\]"):
        project.set_many_features("bb", [(three[1], np.zeros(3))])
    with pytest.raises(InvalidInput, match="one length"):
        project.set_many_features("other", [(three[0], np.zeros(2)), (three[1], np.zeros(5))])
    project.set_many_features("other", [(three[1], np.zeros(3))])  # another backbone may differ


def test_bad_backbone_ids_and_unknown_samples(project: Project, three) -> None:
    for backbone in ("", "x" * 201, "tab\there", None):
        with pytest.raises(InvalidInput, match="backbone id"):
            project.set_many_features(backbone, [(three[0], [1.0])])  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        project.set_many_features("bb", [(three[0], [1.0]), ("0" * 32, [2.0])])
    assert project.features("bb")[0] == []  # all or nothing


def test_features_go_with_their_sample(project: Project, three) -> None:
    project.set_many_features("bb", [(s, [1.0]) for s in three])
    project.delete_sample(three[1])
    assert project.features("bb")[0] == [three[0].id, three[2].id]
    with project._db.read() as conn:
        assert conn.execute("SELECT count(*) FROM features").fetchone()[0] == 2


def test_cache_survives_reopening(tmp_path) -> None:
    with Project.open(tmp_path / "p") as first:
        sample = first.add_sample(solid(), first.add_class("apple"), "camera")
        first.set_many_features("bb", [(sample, np.arange(16, dtype=np.float32))])
    with Project.open(tmp_path / "p") as again:
        ids, matrix = again.features("bb")
        assert ids == [sample.id] and np.array_equal(matrix[0], np.arange(16, dtype=np.float32))
