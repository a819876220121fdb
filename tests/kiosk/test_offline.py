"""The broker is gone for a long time: the kiosk keeps teaching, and its outbox drains when it returns.

docs/architecture.md#offline: capture, training, `classic` variations (run locally) and prediction all work
offline; queued jobs are kept in a durable outbox and sent when the link returns. "A long time" is
compressed: both MQTT links back off to at most RECONNECT_CAP_S between tries instead of 15 s, so a
few seconds without a broker put them in the state minutes would (every retry at the cap).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from kiosk.features.backbone import Backbone
from kiosk.jobs.client import JobClient, JobTimeout
from kiosk.jobs.handle import JobState
from kiosk.learning.config import TrainingConfig
from kiosk.learning.model_dir import load_model
from kiosk.learning.project_training import train_project
from kiosk.store import NewSample, Project, Source
from shared.mqtt import BrokerUrl, MqttLink
from shared.presets import Preset
from shared.protocol import WorkerStatus, topics
from shared.variations import ClassicEngine
from testkit.jobs import make_job
from testkit.shapes import render

RECONNECT_CAP_S = 1.0
LABELS = ("apple", "leaf")


@pytest.fixture(scope="module")
def backbone() -> Backbone:
    return Backbone()


@pytest.fixture
def short_backoff(monkeypatch) -> None:
    capped = functools.partial(MqttLink, reconnect_max_s=RECONNECT_CAP_S)
    monkeypatch.setattr("kiosk.jobs.client.MqttLink", capped)
    monkeypatch.setattr("gpu_worker.service.MqttLink", capped)


def test_the_kiosk_teaches_offline_and_drains_its_outbox_when_the_broker_returns(
    mosquitto, probe_factory, tmp_path, backbone, short_backoff
):
    worker = WorkerService(WorkerConfig(broker=mosquitto.url, worker_id="w1"))
    worker.start()
    client = JobClient(BrokerUrl.parse(mosquitto.url), "k1", tmp_path / "outbox.sqlite")
    project = Project.open(tmp_path / "project")
    try:
        probe_factory(topics.worker_status("w1")).expect(
            lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "online"
        )
        client.start()
        assert client.wait_connected(10)
        mosquitto.stop()

        # Capture: camera samples go into the store.
        rng = np.random.default_rng(1)
        classes = {label: project.add_class(label) for label in LABELS}
        photos = {
            label: [project.add_sample(render(label, rng), classes[label], Source.CAMERA) for _ in range(6)]
            for label in LABELS
        }
        # Expand: the local classic engine stands in for the worker.
        source = photos["apple"][0]
        variations = list(
            ClassicEngine().variations(
                project.load_image(source), None, Preset.DIFFERENT_LIGHT, change=0.5, seed=3, count=2
            )
        )
        generated = project.add_samples(
            [
                NewSample(
                    variation.image,
                    classes["apple"],
                    Source.GENERATED,
                    recipe={"backend": "classic"},
                    accepted=True,  # the visitor keeps both
                )
                for variation in variations
            ]
        )
        # Train and predict.
        trained = train_project(project, backbone, TrainingConfig(augmentation="off"))
        assert set(trained.verdicts) == {sample.id for sample in generated}  # they reached the gate
        assert project.latest_good_model(backbone.backbone_id).id == trained.version.id
        model = load_model(trained.version.path)
        probe_images = [render(label, rng) for label in LABELS]
        assert model.classifier.predict(backbone.embed(probe_images)) == list(LABELS)
        # Ask the worker for more: the jobs wait in the outbox, and the kiosk says why.
        jobs = [make_job(num_images=2, seed=seed) for seed in range(2)]
        handles = [client.submit(job) for job in jobs]
        assert not client.connected
        with pytest.raises(JobTimeout, match="could not reach the broker"):
            client.wait(handles[0], timeout=2 * RECONNECT_CAP_S)
        assert client.outbox_depth() == 2

        mosquitto.start()
        for handle in handles:
            client.wait(handle, timeout=20)
            assert handle.state is JobState.DONE and sorted(handle.images) == [0, 1]
        assert client.outbox_depth() == 0
        assert worker.stats["done"] == 2
    finally:
        project.close()
        client.stop()
        worker.stop()
