"""The expand step's domain: local classic fallback, real worker jobs through mosquitto, review."""

from __future__ import annotations

import queue
import threading

import pytest
from PIL import Image

from gpu_worker.backends.classic import ClassicBackend
from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from kiosk.generation.engine_policy import Choice
from kiosk.generation.expansion import Expansion, ExpansionError, sources
from kiosk.generation.status import ClassRequest, Engine, JobStatus, Phase, Request, group_status
from kiosk.jobs.client import JobClient
from kiosk.learning.project_training import SOURCE_SAMPLE_KEY
from kiosk.store import NewSample, Source, Status
from shared.mqtt import BrokerUrl
from shared.presets import Preset
from testkit.fleet import add_masked_photos
from testkit.jobs import FailingBackend, GatedBackend
from tests.kiosk.generation.policies import only
from tests.kiosk.tui.photos import add_photos, eventually


@pytest.fixture
def photos(project):
    return add_photos(project, {"apple": 2, "leaf": 2})


@pytest.fixture
def client(mosquitto, tmp_path):
    made = JobClient(BrokerUrl.parse(mosquitto.url), "k1", tmp_path / "outbox.sqlite")
    made.start()
    assert made.wait_connected(10)
    yield made
    made.stop()


class Recorder:
    """Collects the snapshots a followed job reports, for a test thread to wait on."""

    def __init__(self) -> None:
        self.seen: list[JobStatus] = []
        self._queue: queue.Queue[JobStatus] = queue.Queue()

    def __call__(self, status: JobStatus) -> None:
        self._queue.put(status)

    def expect(self, predicate, timeout: float = 20.0) -> JobStatus:
        for status in self.seen:
            if predicate(status):
                return status
        while True:
            status = self._queue.get(timeout=timeout)
            self.seen.append(status)
            if predicate(status):
                return status


@pytest.fixture
def gated_expansion(project, mosquitto, client, workers):
    """An Expansion whose one worker runs the gated backend: it sends the first picture of a job,
    then holds it until the test opens the gate, so the test acts while a job is provably running."""
    gated = GatedBackend()
    worker = workers(mosquitto.url, backends={"gated": gated})
    eventually(lambda: client.workers_online() == ["w1"], what="the client seeing w1")
    yield Expansion(project, client, policy=only("gated")), gated, worker
    gated.gate.set()


def follow_in_thread(expansion: Expansion, job_id: str) -> tuple[threading.Thread, Recorder]:
    recorder = Recorder()
    thread = threading.Thread(target=expansion.follow, args=(job_id, recorder), daemon=True)
    thread.start()
    return thread, recorder


def test_without_a_broker_the_kiosk_makes_the_pictures_and_accepted_ones_are_stored(project, photos):
    expansion = Expansion(project, None)
    source = photos["apple"][0]
    assert expansion.choose(Request(source.id, Preset.NEW_COLOUR, 0.7)) == Choice("classic", remote=False)
    assert "on this kiosk" in expansion.engine_words()
    reports: list[JobStatus] = []
    job_id = expansion.send(Request(source.id, Preset.NEW_COLOUR, change=0.7, count=3, seed=5))

    final = expansion.follow(job_id, reports.append)

    assert final.phase is Phase.DONE and final.engine is Engine.LOCAL and final.backend == "classic"
    assert [r.step for r in reports if r.phase is Phase.RUNNING] == [0, 1, 2, 3]
    assert [r.index for r in final.results] == [0, 1, 2]
    middle = final.results[1].image.tobytes()
    saved = expansion.accept(job_id, [0, 2])
    assert expansion.reject(job_id, [1]) == 1
    assert expansion.status(job_id).results == ()
    stored = project.samples(source=Source.GENERATED)
    assert {s.id for s in stored} == {s.id for s in saved} and len(stored) == 2
    for sample in stored:
        assert sample.status is Status.ACCEPTED and sample.label == "apple"
        assert sample.recipe[SOURCE_SAMPLE_KEY] == source.id
        assert sample.recipe["backend"] == "classic" and sample.recipe["preset"] == "new_colour"
        assert sample.recipe["change"] == 0.7 and sample.recipe["seed"] == 5
    assert sorted(s.recipe["index"] for s in stored) == [0, 2]
    # The same request gives the same pixels: the classic engine is seeded per image.
    again = expansion.send(Request(source.id, Preset.NEW_COLOUR, change=0.7, count=3, seed=5))
    assert expansion.follow(again).results[1].image.tobytes() == middle


def test_requests_that_cannot_work_are_refused_in_words(project, photos):
    expansion = Expansion(project, None)
    apple = photos["apple"][0]
    with pytest.raises(ExpansionError, match="Pick a change"):
        expansion.send(Request(apple.id, None, change=0.5))
    with pytest.raises(ExpansionError, match="between 0 and 1"):
        expansion.send(Request(apple.id, Preset.MIX, change=1.5))
    with pytest.raises(ExpansionError, match="1 to 8"):
        expansion.send(Request(apple.id, Preset.MIX, change=0.5, count=0))
    with pytest.raises(ExpansionError, match="ready-made changes"):
        expansion.send(Request(apple.id, None, change=0.5, text="a green apple"))
    with pytest.raises(ExpansionError, match="gone"):
        expansion.send(Request("f" * 32, Preset.MIX, change=0.5))
    (pending,) = project.add_samples(
        [NewSample(Image.new("RGB", (32, 32)), apple.class_id, Source.GENERATED)]
    )
    with pytest.raises(ExpansionError, match="Keep that picture first"):
        expansion.send(Request(pending.id, Preset.MIX, change=0.5))
    assert expansion.statuses() == []


def test_a_kept_picture_is_varied_again_and_its_pictures_keep_the_photo_as_their_root(project):
    """A generated picture carries its mask, so it is a source like a photo; the family shares one
    fold (the real photo at the root) and each picture names the one it was made from."""
    expansion = Expansion(project, None)
    (apple,) = add_masked_photos(project, {"apple": 1})["apple"]
    first = expansion.send(Request(apple.id, Preset.NEW_COLOUR, change=0.5, count=1, seed=1))
    expansion.follow(first)
    (green,) = expansion.accept(first)
    assert green.mask_path is not None
    again = expansion.send(Request(green.id, Preset.NEW_BACKGROUND, change=0.5, count=2, seed=2))
    assert expansion.follow(again).phase is Phase.DONE
    grandchildren = expansion.accept(again)
    assert len(grandchildren) == 2
    for picture in grandchildren:
        assert picture.label == "apple" and picture.mask_path is not None
        assert picture.recipe[SOURCE_SAMPLE_KEY] == apple.id
        assert picture.recipe["varied_from"] == green.id
    assert "varied_from" not in green.recipe
    assert [sample.id for sample in sources(project)][-3:] == [green.id, *(p.id for p in grandchildren)]


def test_a_preset_only_diffusion_can_make_is_refused_offline_with_a_reason(project, photos):
    expansion = Expansion(project, None)
    assert Preset.RIPER not in expansion.offer().presets and not expansion.offer().reads_text
    with pytest.raises(ExpansionError, match="needs a diffusion worker"):
        expansion.send(Request(photos["leaf"][0].id, Preset.RIPER, change=0.5))
    assert expansion.statuses() == [] and project.samples(source=Source.GENERATED) == []


def test_cancelling_a_local_job_stops_it_and_keeps_nothing(project, photos):
    expansion = Expansion(project, None)
    job_id = expansion.send(
        Request(photos["apple"][1].id, Preset.NEW_BACKGROUND, change=0.5, count=6, seed=2)
    )

    def cancel_after_the_first_image(status: JobStatus) -> None:
        if status.step == 1:
            expansion.cancel(job_id)

    final = expansion.follow(job_id, cancel_after_the_first_image)
    assert final.phase is Phase.CANCELLED and final.results == ()
    assert expansion.accept(job_id) == []


def test_with_a_worker_online_the_worker_makes_them(project, photos, mosquitto, client, workers):
    workers(mosquitto.url)
    eventually(lambda: client.workers_online() == ["w1"], what="the client seeing w1")
    expansion = Expansion(project, client)
    source = photos["leaf"][1]
    assert expansion.choose(Request(source.id, Preset.MIX, 0.4)) == Choice("classic", remote=True)
    assert expansion.engine_words() == "Pictures are made by a helper computer: w1 (classic engine)."
    job_id = expansion.send(Request(source.id, Preset.DIFFERENT_LIGHT, change=0.4, count=4, seed=9))
    final = expansion.follow(job_id)
    assert final.phase is Phase.DONE and final.engine is Engine.WORKER and final.backend == "classic"
    assert [r.index for r in final.results] == [0, 1, 2, 3]
    saved = expansion.accept(job_id, [3])
    assert saved[0].recipe["worker"] == "w1" and saved[0].recipe["backend"] == "classic"
    assert saved[0].recipe[SOURCE_SAMPLE_KEY] == source.id and saved[0].label == "leaf"
    assert saved[0].recipe["preset"] == "different_light" and saved[0].recipe["index"] == 3


def test_a_worker_failure_is_told_in_plain_words(project, photos, mosquitto, client, workers):
    workers(mosquitto.url, backends={"failing": FailingBackend()})
    eventually(lambda: client.workers_online() == ["w1"], what="the client seeing w1")
    expansion = Expansion(project, client, policy=only("failing"))
    job_id = expansion.send(Request(photos["apple"][0].id, Preset.MIX, change=0.5, seed=3))
    final = expansion.follow(job_id)
    assert final.phase is Phase.FAILED
    assert final.message.startswith("Something went wrong on the worker") and "simulated" in final.message


def test_a_worker_going_offline_mid_job_leaves_it_waiting_until_a_worker_is_back(
    photos, mosquitto, workers, gated_expansion
):
    expansion, gated, first = gated_expansion
    job_id = expansion.send(Request(photos["apple"][0].id, Preset.NEW_COLOUR, change=0.5, count=3, seed=4))
    thread, recorder = follow_in_thread(expansion, job_id)
    assert gated.first_image_out.wait(20)
    recorder.expect(lambda s: s.phase is Phase.RUNNING)

    first.stop(timeout_s=0.1)  # goes offline while its job is provably half done
    waiting = recorder.expect(lambda s: s.phase is Phase.WAITING)
    assert waiting.message.startswith(
        "The worker went offline: your pictures will be made when a worker that runs gated"
    )
    gated.gate.set()

    workers(mosquitto.url, backends={"gated": ClassicBackend()})  # the worker is back
    final = recorder.expect(lambda s: s.phase.finished, timeout=30)
    thread.join(10)
    assert final.phase is Phase.DONE and [r.index for r in final.results] == [0, 1, 2]


def test_without_any_worker_online_a_broker_alone_means_the_kiosk_makes_them(project, photos, client):
    expansion = Expansion(project, client)
    assert expansion.fleet() == {} and "no worker is online" in expansion.engine_words()
    job_id = expansion.send(Request(photos["apple"][0].id, Preset.NEW_ANGLE, change=0.3, count=2))
    assert expansion.follow(job_id).phase is Phase.DONE
    assert client.outbox_depth() == 0


def test_closing_withdraws_unfinished_jobs_from_the_worker(photos, client, gated_expansion):
    expansion, gated, _ = gated_expansion
    job_id = expansion.send(Request(photos["leaf"][0].id, Preset.NEW_COLOUR, change=0.5, count=3, seed=4))
    thread, recorder = follow_in_thread(expansion, job_id)
    assert gated.first_image_out.wait(20)
    recorder.expect(lambda s: s.phase is Phase.RUNNING)

    expansion.close()  # a museum wipe, or the kiosk shutting down
    thread.join(10)
    assert not thread.is_alive() and expansion.status(job_id).phase is Phase.CANCELLED
    assert client.handle(job_id).failure.code == "cancelled" and client.outbox_depth() == 0
    gated.gate.set()


def test_a_whole_class_is_sent_at_once_and_followed_as_one_run(project, photos):
    expansion = Expansion(project, None)
    run = expansion.send_class(ClassRequest("Apple ", Preset.NEW_COLOUR, 0.5, count=2, seed=10))
    assert run.label == "apple" and len(run.job_ids) == 2 and run.skipped == ()
    sent = expansion.group(run.group)
    assert [s.request.sample_id for s in sent] == [p.id for p in photos["apple"]]
    assert [s.request.seed for s in sent] == [10, 11] and {s.group for s in sent} == {run.group}
    assert group_status(run.group, sent).phase is Phase.QUEUED

    finals = expansion.follow_all(run.job_ids)

    assert [s.phase for s in finals] == [Phase.DONE, Phase.DONE] and all(len(s.results) == 2 for s in finals)
    summary = group_status(run.group, finals)
    assert summary.phase is Phase.DONE and summary.fraction == 1.0 and summary.job_id == run.group
    assert summary.message == "2 of 2 photos have new pictures." and (summary.step, summary.total) == (4, 4)
    only_one = expansion.send_class(
        ClassRequest("leaf", Preset.MIX, 0.5, count=1, sample_ids=(photos["leaf"][1].id,))
    )
    assert [expansion.status(j).request.sample_id for j in only_one.job_ids] == [photos["leaf"][1].id]


def test_a_whole_class_request_that_cannot_work_is_refused(project, photos):
    project.add_class("sky")
    expansion = Expansion(project, None)
    with pytest.raises(ExpansionError, match="no class “pear”"):
        expansion.send_class(ClassRequest("pear", Preset.MIX, 0.5))
    with pytest.raises(ExpansionError, match="no photos to vary"):
        expansion.send_class(ClassRequest("sky", Preset.MIX, 0.5))
    with pytest.raises(ExpansionError, match="between 0 and 1"):
        expansion.send_class(ClassRequest("apple", Preset.MIX, -0.1))
    with pytest.raises(ExpansionError, match="needs a diffusion worker"):
        expansion.send_class(ClassRequest("apple", Preset.ROTTEN, 0.5))
    assert expansion.statuses() == []


def test_cancel_all_stops_every_job_of_a_class_run(project, photos, client, gated_expansion):
    expansion, gated, _ = gated_expansion
    run = expansion.send_class(ClassRequest("apple", Preset.NEW_COLOUR, 0.5, count=3, seed=1))
    assert gated.first_image_out.wait(20)

    cancelled = expansion.cancel_group(run.group)

    assert [s.phase for s in cancelled] == [Phase.CANCELLED, Phase.CANCELLED]
    assert group_status(run.group, cancelled).message == "Cancelled."
    assert client.outbox_depth() == 0 and project.samples(source=Source.GENERATED) == []
    gated.gate.set()


def test_a_job_no_worker_took_says_which_backend_it_waits_for(project, mosquitto, client):
    """Three jobs at a worker whose queue holds one: the third is refused as busy and stays in the
    outbox untaken; when the worker goes, that one waits for a worker of its backend, named."""
    add_photos(project, {"sky": 3})
    gated = GatedBackend()
    config = WorkerConfig(broker=mosquitto.url, worker_id="w1", queue_limit=1)
    worker = WorkerService(config, backends={"gated": gated})
    worker.start()
    try:
        assert client.wait_for_workers(20, backend="gated") == ["w1"]
        expansion = Expansion(project, client, policy=only("gated"))
        run = expansion.send_class(ClassRequest("sky", Preset.NEW_COLOUR, 0.5, count=2, seed=1))
        assert gated.first_image_out.wait(20)
        eventually(lambda: client.stats["busy_retries"] >= 1, what="the third job refused as busy")
        worker.stop(timeout_s=0.1)
        eventually(lambda: not client.workers_offering("gated"), what="the kiosk seeing w1 go")

        last: dict[str, JobStatus] = {}
        expansion.follow_all(
            run.job_ids,
            lambda status: last.__setitem__(status.job_id, status),
            stop=lambda: len(last) == 3 and all(s.phase is Phase.WAITING for s in last.values()),
        )
        taken, queued, refused = (last[job_id] for job_id in run.job_ids)
        assert taken.message.startswith("The worker went offline") and queued.message == taken.message
        assert (
            refused.message
            == "Waiting for a worker that runs gated (gated engine); the job is kept until one is."
        )
        assert group_status(run.group, list(last.values())).phase is Phase.WAITING
        expansion.close()
    finally:
        gated.gate.set()
        worker.stop(timeout_s=1)
