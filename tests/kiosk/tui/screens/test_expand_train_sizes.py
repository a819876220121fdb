"""At 80x24, 100x30 and 160x48 every control of the expand and train steps is on screen and at
least 3 rows high (a finger), with a review grid and a training report showing."""

from __future__ import annotations

import pytest

from kiosk.generation.expansion import Expansion
from kiosk.learning.training_run import TrainingRun
from kiosk.tui.app import TeachBoothApp
from kiosk.tui.config import KioskSettings
from kiosk.tui.screens.expand import EXPANSION, ExpandScreen
from kiosk.tui.screens.train import REPORT, TrainingResults, TrainScreen
from testkit.jobs import GatedBackend
from tests.kiosk.generation.policies import only
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.photos import add_photos, eventually, shared_backbone
from tests.kiosk.tui.pilot_helpers import wait_until

SIZES = [(80, 24), SIZE, (160, 48)]
ESSENTIAL = {
    "expand": [
        "#photo-previous",
        "#photo-next",
        ".preset",
        "#change-less",
        "#change-more",
        "#expand-send",
        "#expand-send-class",
        "#keep-0-0",
        "#drop-0-0",
        "#keep-all",
        "#drop-all",
        "#nav-next",
    ],
    "train": [
        "#train-start",
        "#train-status",
        "#train-class-bars",
        "#train-confusion",
        "#train-comparison",
        "#nav-next",
    ],
}
SHOWN_ONLY = {"#train-status", "#train-class-bars", "#train-confusion", "#train-comparison"}
"""Read, not tapped: any height will do."""


@pytest.mark.asyncio
async def test_nothing_essential_is_cut_off_or_too_small_to_tap(make_app, project, session):
    add_photos(project, {"apple": 3, "leaf": 3})
    session.keep(EXPANSION, lambda: Expansion(project, None, seeds=lambda: 3))
    results = session.keep(REPORT, TrainingResults)
    results.report = TrainingRun(project, shared_backbone()).run()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.goto_step("expand")
        await wait_until(pilot, lambda: isinstance(app.screen, ExpandScreen) and bool(app.screen.photos), 30)
        await pilot.click("#expand-send")
        await wait_until(pilot, lambda: len(app.screen.query(".review-cell")) == 4, 30)
        for key, selectors in ESSENTIAL.items():
            if key == "train":
                app.goto_step("train")
                await wait_until(pilot, lambda: isinstance(app.screen, TrainScreen), 30)
                await wait_until(pilot, lambda: bool(app.screen.query("#train-comparison")), 30)
            for size in SIZES:
                await pilot.resize_terminal(*size)
                await pilot.pause()
                assert_tappable(app, key, selectors, size)


def assert_tappable(app, key: str, selectors: list[str], size: tuple[int, int]) -> None:
    screen = app.screen.region
    for selector in selectors:
        widget = app.screen.query(selector).first()
        region = widget.region
        where = f"{key}: {selector} at {size[0]}x{size[1]}"
        assert region.area and screen.contains_region(region), f"{where} is cut off"
        if selector not in SHOWN_ONLY:
            assert region.height >= 3, f"{where} is {region.height} rows high"
            tapped, _ = app.screen.get_widget_at(*region.center)
            assert tapped is widget, f"{where}: a tap on its centre reaches {tapped}"


@pytest.mark.asyncio
async def test_with_a_worker_that_reads_words_the_text_box_and_its_presets_fit_too(
    project, mosquitto, broker_session, workers
):
    """The fullest request column: both preset rows and the text box, as a diffusion worker brings."""
    add_photos(project, {"apple": 2, "leaf": 1})
    workers(mosquitto.url, backends={"gated": GatedBackend()})
    client = broker_session.jobs
    eventually(lambda: client.workers_online() == ["w1"], what="the kiosk seeing w1")
    broker_session.keep(EXPANSION, lambda: Expansion(project, client, policy=only("gated", reads_text=True)))
    app = TeachBoothApp(broker_session, KioskSettings(coach=False))
    wanted = ["#preset-new_colour", "#preset-riper", "#expand-text", "#expand-send", "#expand-send-class"]
    async with app.run_test(size=SIZE) as pilot:
        app.goto_step("expand")
        await wait_until(pilot, lambda: isinstance(app.screen, ExpandScreen) and bool(app.screen.photos), 30)
        await wait_until(pilot, lambda: app.screen.query_one("#expand-text").display)
        for size in SIZES:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert_tappable(app, "expand", wanted, size)
