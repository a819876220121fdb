"""Step 3 with Textual's pilot: photo, preset, slider, send, progress, review; classic fallback;
a worker going offline mid-job (real mosquitto, real worker stopped and started again); cancel."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Static

from gpu_worker.backends.classic import ClassicBackend
from kiosk.coach.suggestion import GenerateVariations
from kiosk.generation.expansion import Expansion
from kiosk.generation.status import Phase, Request
from kiosk.learning.project_training import SOURCE_SAMPLE_KEY
from kiosk.store import Source, Status
from kiosk.tui.screens.expand import EXPANSION, ExpandScreen
from kiosk.tui.widgets.change_slider import ChangeSlider
from kiosk.tui.widgets.job_progress import JobProgress
from kiosk.tui.widgets.review_grid import ReviewGrid
from shared.presets import Preset
from testkit.fleet import add_masked_photos
from testkit.jobs import GatedBackend
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.photos import add_photos
from tests.kiosk.tui.pilot_helpers import shown, wait_until


def text(app, selector: str) -> str:
    return " ".join(shown(app.screen.query_one(selector)).split())


def job_widgets(app) -> list[JobProgress]:
    return list(app.screen.query(JobProgress).results(JobProgress))


async def open_expand(app, pilot, request=None) -> ExpandScreen:
    app.goto_step("expand", request)
    await pilot.pause()
    await wait_until(pilot, lambda: isinstance(app.screen, ExpandScreen) and bool(app.screen.photos), 30)
    return app.screen


@pytest.mark.asyncio
async def test_send_progress_review_and_accept_with_the_classic_engine(make_app, project):
    photos = add_photos(project, {"apple": 2, "leaf": 2})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_expand(app, pilot)
        assert "on this kiosk (classic engine)" in text(app, "#expand-engine")
        await pilot.click("#photo-next")
        assert "photo 2 of 4" in text(app, "#photo-label")
        source = screen.photo
        await pilot.click("#preset-new_background")
        assert app.screen.query_one("#preset-new_background").has_class("-selected")
        await pilot.click("#change-more")
        await pilot.click("#change-more")
        assert app.screen.query_one(ChangeSlider).value == 0.7
        await pilot.click("#expand-send")
        await wait_until(pilot, lambda: len(app.screen.query(".review-cell")) == 4, 30)

        (job,) = job_widgets(app)
        assert job.status.phase is Phase.DONE and "done" in text(app, f"#job-{job.status.job_id} .job-bar")
        assert text(app, f"#job-{job.status.job_id} .job-title") == "apple: new background, change 0.7"
        await pilot.click("#keep-0-0")
        await wait_until(pilot, lambda: not app.screen.query("#keep-0-0"))
        await pilot.click("#drop-0-1")
        await wait_until(pilot, lambda: not app.screen.query("#drop-0-1"))
        await pilot.click("#keep-all")
        await wait_until(pilot, lambda: not app.screen.query(ReviewGrid))
        assert "Kept 2" in text(app, "#hint")

    generated = project.samples(source=Source.GENERATED)
    assert len(generated) == 3 and all(s.status is Status.ACCEPTED for s in generated)
    assert {s.recipe[SOURCE_SAMPLE_KEY] for s in generated} == {source.id} == {photos["apple"][1].id}
    assert {s.recipe["preset"] for s in generated} == {"new_background"}
    assert {s.recipe["change"] for s in generated} == {0.7}
    assert sorted(s.recipe["index"] for s in generated) == [0, 2, 3]


@pytest.mark.asyncio
async def test_page_keys_change_steps_even_when_the_job_list_could_scroll(make_app, project):
    """After a few Keep/Drop rounds the focus lands on the job list, long enough to scroll: the page
    keys still belong to the steps, not to the list."""
    add_photos(project, {"apple": 2, "leaf": 2})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_expand(app, pilot)
        jobs = app.screen.query_one("#expand-jobs")
        await jobs.mount_all([Static(f"job {n}") for n in range(60)])
        await pilot.pause()
        assert jobs.max_scroll_y > 0
        jobs.focus()
        await pilot.press("pagedown")
        assert app.current_step == "train"
        await pilot.press("pageup")
        assert app.current_step == "expand"


@pytest.mark.asyncio
async def test_a_kept_picture_is_offered_after_the_photos_and_varied_again(make_app, project):
    (photo,) = add_masked_photos(project, {"apple": 1})["apple"]
    expansion = Expansion(project, None)
    job_id = expansion.send(Request(photo.id, Preset.NEW_COLOUR, change=0.5, count=1, seed=3))
    expansion.follow(job_id)
    (kept,) = expansion.accept(job_id)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_expand(app, pilot)
        assert [p.id for p in screen.photos] == [photo.id, kept.id]
        await pilot.click("#photo-next")
        assert "photo 2 of 2 (a kept new picture)" in text(app, "#photo-label")
        await pilot.click("#preset-new_background")
        await pilot.click("#expand-send")
        await wait_until(pilot, lambda: len(app.screen.query(".review-cell")) == 4, 30)
        await pilot.click("#keep-all")
        await wait_until(pilot, lambda: not app.screen.query(ReviewGrid))

    made = [s for s in project.samples(source=Source.GENERATED) if s.id != kept.id]
    assert len(made) == 4
    assert all(s.recipe["varied_from"] == kept.id and s.recipe[SOURCE_SAMPLE_KEY] == photo.id for s in made)


@pytest.mark.asyncio
async def test_the_coach_can_open_the_step_on_a_class_with_a_preset(make_app, project):
    add_photos(project, {"apple": 2, "leaf": 2})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_expand(app, pilot, GenerateVariations(Preset.DIFFERENT_LIGHT, ("leaf",)))
        assert app.screen.query_one("#preset-different_light").has_class("-selected")
        assert not app.screen.query_one("#preset-new_colour").has_class("-selected")
        assert text(app, "#photo-label").startswith("leaf")


@pytest.mark.asyncio
async def test_without_photos_send_says_what_to_do(make_app, project):
    project.add_class("apple")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.goto_step("expand")
        await pilot.pause()
        await wait_until(pilot, lambda: "No photos yet" in text(app, "#photo-label"))
        await pilot.click("#expand-send")
        await pilot.pause()
        assert "Capture step first" in text(app, "#hint") and app.screen.query_one("#hint").has_class(
            "-warning"
        )
        assert not job_widgets(app)


async def send_and_wait_until_running(app, pilot, gated: GatedBackend) -> str:
    await open_expand(app, pilot)
    await pilot.click("#expand-send")
    assert await asyncio.to_thread(gated.first_image_out.wait, 20)

    def running() -> bool:
        return bool(job_widgets(app)) and "w1 is making your pictures with the gated engine" in text(
            app, ".job-message"
        )

    await wait_until(pilot, running, 30)
    assert job_widgets(app)[0].status.phase is Phase.RUNNING
    return job_widgets(app)[0].status.job_id


@pytest.mark.asyncio
async def test_a_worker_going_offline_mid_job_shows_waiting_and_the_job_completes_on_its_return(
    project, mosquitto, workers, gated_kiosk
):
    add_photos(project, {"apple": 2, "leaf": 2})
    app, gated, first = gated_kiosk
    async with app.run_test(size=SIZE) as pilot:
        job_id = await send_and_wait_until_running(app, pilot, gated)
        assert "a helper computer: w1 (gated engine)" in text(app, "#expand-engine")

        await asyncio.to_thread(first.stop, 0.1)  # the worker goes away with the job half done
        await wait_until(pilot, lambda: "went offline" in text(app, f"#job-{job_id} .job-message"), 30)
        assert job_widgets(app)[0].status.phase is Phase.WAITING
        assert job_widgets(app)[0].has_class("-waiting")
        await wait_until(pilot, lambda: "no worker is online" in text(app, "#expand-engine"), 10)
        gated.gate.set()

        await asyncio.to_thread(workers, mosquitto.url, backends={"gated": ClassicBackend()})  # it is back
        await wait_until(pilot, lambda: len(app.screen.query(".review-cell")) == 4, timeout=30)
        assert job_widgets(app)[0].status.phase is Phase.DONE


@pytest.mark.asyncio
async def test_a_running_job_can_be_cancelled(project, broker_session, gated_kiosk):
    add_photos(project, {"apple": 1, "leaf": 1})
    app, gated, _ = gated_kiosk
    async with app.run_test(size=SIZE) as pilot:
        await send_and_wait_until_running(app, pilot, gated)
        await pilot.click(".job-cancel")
        await wait_until(pilot, lambda: text(app, ".job-message") == "Cancelled.")
        assert job_widgets(app)[0].status.phase is Phase.CANCELLED
        assert not app.screen.query_one(".job-cancel").display and not app.screen.query(ReviewGrid)
    assert broker_session.jobs.outbox_depth() == 0 and project.samples(source=Source.GENERATED) == []


def test_snapshot_after_a_job_at_the_pi_display_size(snap_compare, make_app, project):
    """Photo picker, presets, slider at 0.7, a finished job and its review grid (seeded pictures)."""
    add_photos(project, {"apple": 2, "leaf": 2})
    app = make_app()
    app.session.keep(EXPANSION, lambda: Expansion(project, None, seeds=lambda: 7))

    async def send_one_job(pilot) -> None:
        await open_expand(app, pilot)
        await pilot.click("#preset-mix")
        await pilot.click("#change-more")
        await pilot.click("#change-more")
        await pilot.click("#expand-send")
        await wait_until(pilot, lambda: len(app.screen.query(".review-cell")) == 4, 30)
        app.screen.set_focus(None)

    assert snap_compare(app, terminal_size=SIZE, run_before=send_one_job)
