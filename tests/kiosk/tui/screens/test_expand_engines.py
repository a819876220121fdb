"""The Expand step with real engines behind it (Textual's pilot, a real mosquitto, real workers):
tiny inpaint and instruct workers online together, only a classic worker, a worker vanishing
mid-job; the photo picker's masks; one tap for a whole class."""

from __future__ import annotations

import asyncio

import pytest

from gpu_worker.backends.classic import ClassicBackend
from kiosk.coach.suggestion import GenerateVariations
from kiosk.generation.status import Engine, Phase
from kiosk.store import Source
from kiosk.tui.app import TeachBoothApp
from kiosk.tui.config import KioskSettings
from kiosk.tui.screens.expand import ExpandScreen
from kiosk.tui.widgets.job_progress import JobProgress
from kiosk.tui.widgets.review_grid import ReviewGrid
from shared.presets import Preset
from testkit.fleet import add_masked_photos, diffusion_backend
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.photos import add_photos, eventually
from tests.kiosk.tui.pilot_helpers import shown, tap, wait_until

pytestmark = pytest.mark.asyncio


def text(app, selector: str) -> str:
    return " ".join(" ".join(shown(widget).split()) for widget in app.screen.query(selector))


def cards(app) -> list[str]:
    return [" ".join(shown(card).split()) for card in app.screen.query(".review-engine")]


def jobs(app) -> list[JobProgress]:
    return list(app.screen.query(JobProgress).results(JobProgress))


async def tap_when_laid_out(pilot, selector: str) -> None:
    """Tap a button of a grid that has just been mounted once it has its place on the screen: a
    click before the layout lands where the button is not yet."""
    await wait_until(pilot, lambda: any(w.region.area for w in pilot.app.screen.query(selector)))
    await tap(pilot, selector)


async def open_expand(app, pilot) -> ExpandScreen:
    app.goto_step("expand")
    await pilot.pause()
    await wait_until(pilot, lambda: isinstance(app.screen, ExpandScreen) and bool(app.screen.photos), 30)
    return app.screen


async def test_inpaint_and_instruct_workers_make_the_pictures_their_cards_name_them_and_words_reach_them(
    project, mosquitto, broker_session, workers, tiny_pipelines
):
    add_masked_photos(project, {"apple": 2, "pear": 1})
    workers(mosquitto.url, "painter", {"inpaint": diffusion_backend("inpaint", tiny_pipelines["inpaint"])})
    workers(mosquitto.url, "editor", {"instruct": diffusion_backend("instruct", tiny_pipelines["instruct"])})
    client = broker_session.jobs
    eventually(lambda: client.workers_online() == ["editor", "painter"], what="the kiosk seeing both")
    app = TeachBoothApp(broker_session, KioskSettings(coach=False))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_expand(app, pilot)
        engine = text(app, "#expand-engine")
        assert "editor (InstructPix2Pix diffusion), painter (inpainting diffusion)" in engine
        assert "GPU" not in engine and screen.query_one("#expand-text").display
        assert screen.query_one("#preset-row-diffusion").display and screen.query_one("#preset-riper").display

        await tap(pilot, "#preset-new_background")  # inpaint first: it redraws the backdrop only
        await tap(pilot, "#expand-send")
        await wait_until(pilot, lambda: len(app.screen.query(".review-cell")) == 4, 60)
        assert cards(app) == ["inpaint inpaint"] * 4
        assert "(inpainting diffusion)" in text(app, ".review-source")
        await tap_when_laid_out(pilot, "#keep-all")
        await wait_until(pilot, lambda: not app.screen.query(ReviewGrid))

        await tap(pilot, "#preset-new_colour")  # instruct first
        screen.query_one("#expand-text").value = "with white spots"
        await tap(pilot, "#expand-send")
        await wait_until(pilot, lambda: len(app.screen.query(".review-cell")) == 4, 60)
        assert cards(app) == ["instruct instruct"] * 4
        assert "new colour “with white spots”" in text(app, ".job-title")
        await tap_when_laid_out(pilot, "#keep-all")
        await wait_until(pilot, lambda: not app.screen.query(ReviewGrid))

    stored = project.samples(source=Source.GENERATED)
    by_backend = {
        name: [s for s in stored if s.recipe["backend"] == name] for name in ("inpaint", "instruct")
    }
    assert [len(found) for found in by_backend.values()] == [4, 4]
    assert {s.recipe["worker"] for s in by_backend["inpaint"]} == {"painter"}
    assert {s.recipe["model"] for s in by_backend["instruct"]} == {str(tiny_pipelines["instruct"])}
    # The typed words reached the instruct recipe: its instruction ends with them.
    assert all(s.recipe["prompt"].endswith(", with white spots") for s in by_backend["instruct"])
    assert not any("white spots" in s.recipe["prompt"] for s in by_backend["inpaint"])


async def test_with_only_a_classic_worker_the_screen_says_so_and_offers_no_diffusion(
    project, mosquitto, broker_session, workers
):
    add_photos(project, {"apple": 2, "leaf": 1})
    workers(mosquitto.url, "helper", None)
    eventually(lambda: broker_session.jobs.workers_online() == ["helper"], what="the kiosk seeing helper")
    app = TeachBoothApp(broker_session, KioskSettings(coach=False))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_expand(app, pilot)
        assert (
            text(app, "#expand-engine") == "Pictures are made by a helper computer: helper (classic engine)."
        )
        assert not screen.query_one("#expand-text").display  # the classic engine reads no words
        assert not screen.query_one("#preset-row-diffusion").display
        await tap(pilot, "#preset-different_light")
        await tap(pilot, "#expand-send")
        await wait_until(pilot, lambda: len(app.screen.query(".review-cell")) == 4, 60)
        assert cards(app) == ["classic helper"] * 4
        (job,) = jobs(app)
        assert job.status.engine is Engine.WORKER and job.status.backend == "classic"
        assert "GPU" not in text(app, ".job-message") + text(app, ".review-source")


async def test_a_worker_vanishing_mid_job_shows_the_kiosks_fallback_and_loses_nothing(
    project, mosquitto, broker_session, workers, gated_kiosk
):
    add_photos(project, {"apple": 2, "leaf": 1})
    app, gated, first = gated_kiosk
    client = broker_session.jobs
    async with app.run_test(size=SIZE) as pilot:
        await open_expand(app, pilot)
        await tap(pilot, "#expand-send")
        assert await asyncio.to_thread(gated.first_image_out.wait, 20)
        await wait_until(pilot, lambda: "w1 is making your pictures" in text(app, ".job-message"), 30)
        remote = jobs(app)[0].status.job_id

        await asyncio.to_thread(first.stop, 0.1)  # gone, with the job half done
        await wait_until(pilot, lambda: "went offline" in text(app, f"#job-{remote} .job-message"), 30)
        await wait_until(pilot, lambda: "on this kiosk (classic engine)" in text(app, "#expand-engine"), 10)
        # The fallback is there to use: a new request is made on the kiosk while the first one waits.
        await tap(pilot, "#expand-send")
        await wait_until(pilot, lambda: len(jobs(app)) == 2 and jobs(app)[1].status.phase is Phase.DONE, 30)
        local = jobs(app)[1].status
        assert local.engine is Engine.LOCAL and jobs(app)[0].status.phase is Phase.WAITING
        assert cards(app) == ["classic this kiosk"] * 4
        await tap_when_laid_out(pilot, "#keep-all")
        await wait_until(pilot, lambda: len(project.samples(source=Source.GENERATED)) == 4)

        gated.gate.set()
        await asyncio.to_thread(workers, mosquitto.url, "w1", {"gated": ClassicBackend()})
        await wait_until(pilot, lambda: jobs(app)[0].status.phase is Phase.DONE, 30)
        await wait_until(pilot, lambda: len(app.screen.query(".review-cell")) == 4, 30)
        await tap_when_laid_out(pilot, "#keep-all")
        await wait_until(pilot, lambda: len(project.samples(source=Source.GENERATED)) == 8)
    kept = project.samples(source=Source.GENERATED)
    assert sorted(s.recipe["job_id"] for s in kept) == sorted([remote] * 4 + [local.job_id] * 4)
    assert client.outbox_depth() == 0


async def test_the_picker_shows_masks_and_offers_photos_with_poor_ones_last(make_app, project):
    good = add_masked_photos(project, {"apple": 2})["apple"]
    apple = project.find_class("apple").id
    blank = add_photos(project, {"apple": 1})["apple"][0]  # the masker found nothing: no mask
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_expand(app, pilot)
        assert [photo.id for photo in screen.photos] == [good[0].id, good[1].id, blank.id]
        assert not screen.query_one("#photo-label").has_class("-poor-mask")
        assert "⚠" not in text(app, "#photo-label")
        await tap(pilot, "#photo-previous")  # the last one: the photo without a mask
        assert "photo 3 of 3 ⚠ no outline" in text(app, "#photo-label")
        assert screen.query_one("#photo-label").has_class("-poor-mask")
    assert project.samples(class_id=apple, source=Source.CAMERA)[0].mask_path is not None


async def test_one_tap_varies_the_whole_class_with_one_bar_and_a_review_per_photo(make_app, project):
    photos = add_photos(project, {"apple": 3, "leaf": 1})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_expand(app, pilot)
        await tap(pilot, "#preset-mix")
        await tap(pilot, "#expand-send-class")
        await wait_until(pilot, lambda: len(app.screen.query(".review-cell")) == 12, 60)
        (bar,) = jobs(app)
        assert text(app, ".job-title") == "apple (all 3 photos): mix, change 0.5"
        assert bar.status.phase is Phase.DONE and "3 of 3 photos have new pictures" in text(
            app, ".job-message"
        )
        assert text(app, ".review-source").count("From apple photo") == 3
        sections = [app.screen.query(f"#review-{n}-0") for n in range(3)]
        assert all(len(found) == 1 for found in sections)  # one section of pictures per source photo
        await tap(pilot, "#drop-0-1")  # one picture of the first photo
        await wait_until(pilot, lambda: len(app.screen.query(".review-cell")) == 11)
        await tap_when_laid_out(pilot, "#keep-all")
        await wait_until(pilot, lambda: not app.screen.query(ReviewGrid))
    kept = project.samples(source=Source.GENERATED)
    assert len(kept) == 11
    assert sorted({s.recipe["source_sample"] for s in kept}) == sorted(p.id for p in photos["apple"])


async def test_the_coachs_classes_are_varied_with_one_tap_one_bar_each(make_app, project):
    add_photos(project, {"apple": 2, "leaf": 1, "sky": 1})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.goto_step("expand", GenerateVariations(Preset.NEW_BACKGROUND, ("leaf", "apple")))
        await wait_until(pilot, lambda: isinstance(app.screen, ExpandScreen) and bool(app.screen.photos), 30)
        assert str(app.screen.query_one("#expand-send-class").label) == "Vary all 2 classes"
        await tap(pilot, "#expand-send-class")
        await wait_until(pilot, lambda: [j.status.phase for j in jobs(app)] == [Phase.DONE] * 2, 60)
        assert [text(app, f"#{bar.id} .job-title") for bar in jobs(app)] == [
            "leaf (its one photo): new background, change 0.5",
            "apple (all 2 photos): new background, change 0.5",
        ]
        await tap(pilot, "#photo-next")  # the next photo is a sky: only its own class
        while app.screen.photo.label != "sky":
            await tap(pilot, "#photo-next")
        assert str(app.screen.query_one("#expand-send-class").label) == "Vary whole class"


async def test_cancel_all_stops_a_whole_class_run(project, broker_session, gated_kiosk):
    add_photos(project, {"apple": 3, "leaf": 1})
    app, gated, _ = gated_kiosk
    client = broker_session.jobs
    async with app.run_test(size=SIZE) as pilot:
        await open_expand(app, pilot)
        await tap(pilot, "#expand-send-class")
        assert await asyncio.to_thread(gated.first_image_out.wait, 20)
        await wait_until(
            pilot, lambda: len(jobs(app)) == 1 and jobs(app)[0].status.phase is Phase.RUNNING, 30
        )
        await tap(pilot, ".job-cancel")
        await wait_until(pilot, lambda: text(app, ".job-message") == "Cancelled.", 30)
        assert all(s.phase is Phase.CANCELLED for s in app.screen.expansion.statuses())
    assert client.outbox_depth() == 0 and project.samples(source=Source.GENERATED) == []
