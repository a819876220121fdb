"""`Project.revision`: one step per committed change to classes, samples or models, none otherwise."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pytest

from kiosk.store import LabelError, NewSample, Project
from tests.kiosk.store.conftest import solid, square_mask, trained


def steps(project: Project, change: Callable[[], object]) -> int:
    """How far the revision moved while `change` ran."""
    before = project.revision
    change()
    return project.revision - before


def test_every_kind_of_change_moves_it_one_step(project: Project, two_classes) -> None:
    apple, pear = two_classes
    sample = project.add_sample(solid(), apple, "camera", mask=square_mask())
    batch = [NewSample(solid(), pear, "generated", accepted=True) for _ in range(3)]
    assert steps(project, lambda: project.add_class("plum")) == 1
    assert steps(project, lambda: project.rename_class(pear, "big pear")) == 1
    assert steps(project, lambda: project.add_sample(solid(), apple, "camera")) == 1
    assert steps(project, lambda: project.add_samples(batch)) == 1  # one transaction, one step
    assert steps(project, lambda: project.delete_sample(sample)) == 1
    model = project.add_model(trained(project), "effnet@1", {}, current=False)
    assert steps(project, lambda: project.set_current_model(model.id)) == 1
    assert steps(project, lambda: project.remove_class(pear)) == 1
    assert steps(project, project.wipe) == 1


def test_a_change_made_below_the_store_methods_is_counted_too(project: Project, two_classes) -> None:
    """A review that rejects or relabels a photo, whatever method does it, changes a sample's row."""
    apple, pear = two_classes
    sample = project.add_sample(solid(), apple, "camera")

    def relabel() -> None:
        with project._db.write() as conn:
            conn.execute("UPDATE samples SET class_id = ?, accepted = 0 WHERE id = ?", (pear.id, sample.id))

    assert steps(project, relabel) == 1


def test_reads_features_and_refused_changes_leave_it_alone(project: Project, two_classes) -> None:
    apple, _ = two_classes
    sample = project.add_sample(solid(), apple, "camera")
    assert steps(project, lambda: (project.samples(), project.counts(), project.classes())) == 0
    assert steps(project, lambda: project.set_many_features("effnet@1", [(sample, np.ones(4))])) == 0
    assert steps(project, project.clear_features) == 0
    assert steps(project, lambda: project.delete_samples(["no-such-sample"])) == 0
    before = project.revision
    with pytest.raises(LabelError):
        project.add_class("Apple")
    with pytest.raises(RuntimeError), project._db.write() as conn:  # a row changed, then rolled back
        conn.execute("DELETE FROM samples WHERE id = ?", (sample.id,))
        raise RuntimeError("the transaction fails after its change")
    assert project.revision == before
    assert [s.id for s in project.samples()] == [sample.id]


def test_another_process_s_change_is_seen_once(project: Project, two_classes) -> None:
    """The CLI beside the kiosk (`teachbooth rollback --project`) writes through a connection of its
    own: no trigger of this one fires, SQLite's data_version moves."""
    apple, _ = two_classes
    with Project.open(project.root, create=False) as beside:
        assert steps(project, lambda: beside.add_class("plum")) == 1
        assert steps(project, lambda: None) == 0, "seen once, not at every look"
        assert steps(project, lambda: beside.counts()) == 0, "another's reads change nothing"
    assert steps(project, lambda: project.add_sample(solid(), apple, "camera")) == 1, "own change: one"


def test_a_look_never_waits_for_the_connection(project: Project) -> None:
    """The UI thread reads the revision twice a second while a worker thread may hold the project's
    connection for long (the coach reading every feature)."""
    with Project.open(project.root, create=False) as beside:
        held, release = threading.Event(), threading.Event()

        def long_read() -> None:
            with project._db.read():
                held.set()
                release.wait(10)

        reader = threading.Thread(target=long_read)
        reader.start()
        assert held.wait(10)
        beside.add_class("plum")
        while_held = project.revision  # from this thread, while the reader holds the connection
        release.set()
        reader.join(10)
        assert while_held == 0 and project.revision == 1, "answered at once, saw the change when free"
