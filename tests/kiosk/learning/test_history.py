"""Model history: what each version trained on, what changed against the one before, going back."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

from kiosk.learning.config import TrainingConfig
from kiosk.learning.history import ID_CHARS, VersionChanges, changes_of, project_history, short_ids
from kiosk.learning.project_training import SOURCE_SAMPLE_KEY, train_project
from kiosk.learning.rollback import VersionError, make_current
from kiosk.learning.version_words import changes_words
from kiosk.store import Source
from testkit.shapes import render
from tests.kiosk.tui.photos import add_photos, shared_backbone

QUICK = TrainingConfig(augmentation="off")


def train(project):
    return train_project(project, shared_backbone(), QUICK).version


def test_a_version_records_what_it_trained_on_and_what_changed(project):
    photos = add_photos(project, {"apple": 4, "leaf": 4})
    first = train(project)
    record = first.metrics["history"]
    assert record["previous"] is None and record["changes"] is None and changes_of(first) is None
    assert record["trained_on"] == {
        "photos": short_ids(s.id for s in photos["apple"] + photos["leaf"]),
        "generated": [],
    }
    assert all(len(sid) == ID_CHARS for sid in record["trained_on"]["photos"])

    more = add_photos(project, {"apple": 3}, seed=1)["apple"]
    project.delete_sample(photos["leaf"][0])
    rng = np.random.default_rng(5)
    made = [
        project.add_sample(
            render("apple", rng),
            project.find_class("apple").id,
            Source.GENERATED,
            recipe={SOURCE_SAMPLE_KEY: photos["apple"][0].id},
            accepted=True,
        )
        for _ in range(2)
    ]
    second = train(project)
    changes = changes_of(second)
    assert changes is not None and changes.previous == first.id
    assert (changes.photos_added, changes.photos_removed) == (3, 1)
    assert changes.generated_added == changes.generated_kept == 2 and changes.generated_removed == 0
    assert changes.accuracy is not None and set(changes.per_class) == {"apple", "leaf"}
    assert set(second.metrics["history"]["trained_on"]["photos"]) >= set(short_ids(s.id for s in more))
    assert set(second.metrics["history"]["trained_on"]["generated"]) == set(short_ids(s.id for s in made))
    assert changes_words(changes).startswith(f"Against version {first.id}: ")
    assert changes_words(changes).endswith("3 photos added, 1 removed, 2 new pictures kept.")


def test_the_history_lists_every_version_with_its_scores_and_changes(project):
    add_photos(project, {"apple": 3, "leaf": 3})
    first = train(project)
    add_photos(project, {"leaf": 2}, seed=1)
    second = train(project)

    entries = project_history(project)
    assert [e.version for e in entries] == [first.id, second.id]
    assert [e.current for e in entries] == [False, True]
    old, new = (e.as_json() for e in entries)
    assert set(new) >= {"version", "current", "accuracy", "created", "per_class", "changes"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", new["created"])
    assert new["photos"] == 8 and new["generated"] == 0 and new["usable"]
    assert set(new["per_class"]) == {"apple", "leaf"} and 0.0 <= new["accuracy"] <= 1.0
    assert old["changes"] is None and new["changes"]["previous"] == first.id
    assert new["changes"]["photos_added"] == 2


def test_rolling_back_makes_an_earlier_version_current_and_refuses_what_cannot_be_used(project):
    add_photos(project, {"apple": 3, "leaf": 3})
    first = train(project)
    second = train(project)
    assert project.latest_good_model(shared_backbone().backbone_id).id == second.id

    assert make_current(project, first.id).current
    assert project.latest_good_model(shared_backbone().backbone_id).id == first.id
    third = train(project)
    assert changes_of(third).previous == first.id  # against the model in use, not the newest

    with pytest.raises(VersionError, match=rf"no version 99; the versions are: {first.id}, {second.id}, "):
        make_current(project, 99)
    shutil.rmtree(second.path)
    with pytest.raises(VersionError, match=rf"version {second.id} cannot be used: its folder .* is missing"):
        make_current(project, second.id)
    assert project.latest_good_model().id == third.id


def test_changes_in_words():
    changes = VersionChanges(
        previous=3,
        photos_added=3,
        photos_removed=1,
        generated_added=8,
        generated_removed=0,
        generated_kept=8,
        accuracy=0.04,
        per_class={"apple": 0.0, "pear": 0.08, "plum": -0.031, "fig": None},
    )
    assert changes_words(changes) == (
        "Against version 3: +8 points on pear, -3 points on plum. "
        "3 photos added, 1 removed, 8 new pictures kept."
    )
    same = VersionChanges(3, 0, 1, 0, 2, 0, 0.0, {"apple": 0.001})
    assert changes_words(same) == (
        "Against version 3: the same score on every class. 1 photo removed, 2 generated pictures dropped."
    )
    unknown = VersionChanges(3, None, None, None, None, 4, None, {})
    assert changes_words(unknown) == (
        "Against version 3: the scores cannot be compared (too few photos to test one of them). "
        "4 generated pictures kept (what the older model learned from is not recorded)."
    )
    assert changes_words(None) == "This is the project's first model."
