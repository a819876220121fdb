"""Step 4 with Textual's pilot: refusing one class, training with progress, results in words, the
change against the model before and going back to it."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.coach.suggestion import Retrain
from kiosk.store import Source
from kiosk.tui.screens.train import TrainScreen
from kiosk.tui.screens.try_it import TryScreen
from testkit.shapes import render
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.photos import add_photos
from tests.kiosk.tui.pilot_helpers import shown, tap, wait_until


def text(app, selector: str) -> str:
    return " ".join(shown(app.screen.query_one(selector)).split())


async def open_train(app, pilot, request=None) -> TrainScreen:
    app.goto_step("train", request)
    await wait_until(
        pilot, lambda: isinstance(app.screen, TrainScreen) and bool(app.screen.query("#train-start"))
    )
    return app.screen


@pytest.mark.asyncio
async def test_one_class_is_refused_with_a_clear_message(make_app, project):
    add_photos(project, {"apple": 3})
    project.add_class("pear")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_train(app, pilot)
        await pilot.click("#train-start")
        await pilot.pause()
        assert "take photos of pear" in text(app, "#hint") and app.screen.query_one("#hint").has_class(
            "-warning"
        )
        assert "take photos of pear" in text(app, "#train-status")
        await pilot.click("#nav-next")
        await pilot.pause()
        assert app.current_step == "train" and "Train once" in text(app, "#hint")
    assert project.models() == []


@pytest.mark.asyncio
async def test_training_shows_accuracy_per_class_confusion_misses_and_the_comparison(make_app, project):
    add_photos(project, {"apple": 4, "leaf": 4})
    leaf = project.find_class("leaf")
    wrong = project.add_sample(render("apple", np.random.default_rng(99)), leaf.id, Source.CAMERA)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_train(app, pilot)
        await pilot.click("#train-start")
        await wait_until(pilot, lambda: bool(app.screen.query(".miss-words")), timeout=60)

        assert text(app, "#train-status").startswith("Trained. Right on 89% of your 9 photos")
        bars = text(app, "#train-class-bars")
        assert "apple ████████████ 100% 4 photos" in bars and "leaf ██████████░░ 80% 5 photos" in bars
        confusion = text(app, "#train-confusion")
        assert confusion.startswith("is/said apple leaf") and "leaf 1 4" in confusion
        assert text(app, "#train-comparison").startswith("No generated pictures yet")
        assert text(app, ".miss-words") == "is leaf said apple"
        await wait_until(pilot, lambda: not app.screen.query_one("#train-start").disabled)  # after the report
        await pilot.click("#nav-next")
        await pilot.pause()
        assert app.current_step == "try"
    assert (
        len(project.models()) == 1
        and wrong.id in project.models()[0].metrics["evaluation"]["misclassified"][0]["sample"]
    )


@pytest.mark.asyncio
async def test_the_coach_retrain_action_starts_training_and_the_report_is_kept(make_app, project):
    add_photos(project, {"apple": 3, "leaf": 3})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_train(app, pilot, Retrain())
        await wait_until(pilot, lambda: bool(app.screen.query("#train-comparison")), timeout=60)
        app.goto_step("expand")
        await pilot.pause()
        await open_train(app, pilot)
        assert text(app, "#train-status").startswith("Trained. Right on 100% of your 6 photos")
        assert bool(app.screen.query("#train-class-bars"))
    assert len(project.models()) == 1


@pytest.mark.asyncio
async def test_a_second_training_shows_what_changed_and_one_tap_goes_back_to_the_model_before(
    make_app, project, session
):
    add_photos(project, {"apple": 3, "leaf": 3})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_train(app, pilot)
        await tap(pilot, "#train-start")
        await wait_until(pilot, lambda: bool(screen.query("#train-changes")), timeout=60)
        assert text(app, "#train-changes") == "This is the project's first model."
        assert not screen.query_one("#train-rollback").display
        (first,) = project.models()

        add_photos(project, {"leaf": 2}, seed=1)
        await wait_until(pilot, lambda: not screen.query_one("#train-start").disabled)
        await tap(pilot, "#train-start")
        await wait_until(pilot, lambda: len(project.models()) == 2 and not screen.results.running, timeout=60)
        await wait_until(pilot, lambda: text(app, "#train-changes").startswith("Against"))
        assert text(app, "#train-changes").startswith(f"Against version {first.id}: ")
        assert text(app, "#train-changes").endswith(". 2 photos added.")
        assert project.latest_good_model().id != first.id

        await wait_until(pilot, lambda: screen.query_one("#train-rollback").display)
        button = screen.query_one("#train-rollback").region
        assert screen.region.contains_region(button) and button.height >= 3  # a finger's worth
        await tap(pilot, "#train-rollback")
        assert project.latest_good_model(session.backbone.backbone_id).id == first.id
        words = f"Back to the model before (version {first.id}): the Try step uses it now."
        assert text(app, "#train-status") == words and text(app, "#hint").startswith(words)
        assert not screen.query_one("#train-rollback").display

        await tap(pilot, "#nav-next")
        assert app.current_step == "try"
        await wait_until(pilot, lambda: getattr(app.screen, "model", None) is not None, timeout=60)
        assert isinstance(app.screen, TryScreen) and app.screen.model.path == first.path


def test_snapshot_of_the_results_at_the_pi_display_size(snap_compare, make_app, project):
    """Accuracy words, class bars, confusion matrix, comparison words and a mistaken photo."""
    add_photos(project, {"apple": 4, "leaf": 4})
    leaf = project.find_class("leaf")
    project.add_sample(render("apple", np.random.default_rng(99)), leaf.id, Source.CAMERA)
    app = make_app()

    async def train(pilot) -> None:
        await open_train(app, pilot)
        await pilot.click("#train-start")
        await wait_until(pilot, lambda: bool(app.screen.query(".miss-words")), timeout=60)
        app.screen.set_focus(None)

    assert snap_compare(app, terminal_size=SIZE, run_before=train)
