"""Fleet members for tests and benchmarks that need a real fleet: photos, workers, a hostile kiosk.

The inpaint backend refuses a photo without a mask (it would redraw the whole frame), so these
photos carry one, as camera captures do: a disc on a backdrop and the disc's mask. The diffusion
backends load the tiny random pipelines (`tools/make_tiny_pipelines.py`) on the CPU at 64 pixels.

`Flood` is the attack of issue 14, hole 3: a provisioned kiosk publishing valid jobs of the
largest size as fast as asked (tests/systemd/test_fleet_attacks.py, bench/fleet_load.py --hostile).
It is a raw MQTT 5 client, not the product's JobClient (which backs off when told `busy`): it
sends valid jobs (a JPEG of noise just under the protocol's image limit, so a worker that admits
one must decode it) at `rate` jobs per second, QoS 1, at most `INFLIGHT` unacknowledged, and
counts how the workers answered (`accepted`, `done`, and failures by code).
"""

from __future__ import annotations

import io
import queue
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Literal

import numpy as np
import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from PIL import Image, ImageDraw

from gpu_worker.backends import Backend
from kiosk.store import Project, Sample, Source
from shared.mqtt import BrokerUrl
from shared.protocol import (
    GenerationJob,
    JobAccepted,
    JobDone,
    JobFailed,
    ProtocolError,
    decode,
    encode,
    limits,
    topics,
)

PHOTO_SIZE = 64
GENERATION_SIZE = 64
COLOURS = {"apple": (200, 30, 30), "pear": (120, 180, 40), "leaf": (40, 160, 50)}


def masked_photo(colour: tuple[int, int, int], rng: np.random.Generator) -> tuple[Image.Image, Image.Image]:
    """A disc of `colour` at a random place inside the frame, and its mask."""
    backdrop = tuple(int(v) for v in rng.integers(150, 230, 3))
    image, mask = Image.new("RGB", (PHOTO_SIZE,) * 2, backdrop), Image.new("L", (PHOTO_SIZE,) * 2, 0)
    radius = rng.uniform(0.2, 0.28) * PHOTO_SIZE
    cx, cy = rng.uniform(radius + 4, PHOTO_SIZE - radius - 4, 2)
    box = [cx - radius, cy - radius, cx + radius, cy + radius]
    ImageDraw.Draw(image).ellipse(box, fill=colour)
    ImageDraw.Draw(mask).ellipse(box, fill=255)
    return image, mask


def add_masked_photos(project: Project, per_class: dict[str, int], seed: int = 0) -> dict[str, list[Sample]]:
    """Camera samples with masks, by label."""
    rng = np.random.default_rng(seed)
    added: dict[str, list[Sample]] = {}
    for label, count in per_class.items():
        class_id = (project.find_class(label) or project.add_class(label)).id
        added[label] = []
        for _ in range(count):
            image, mask = masked_photo(COLOURS[label], rng)
            added[label].append(project.add_sample(image, class_id, Source.CAMERA, mask=mask))
    return added


def diffusion_backend(kind: str, folder: Path) -> Backend:
    """The worker backend `kind` (inpaint, instruct, img2img) on a tiny pipeline folder."""
    from gpu_worker.backends.img2img import Img2ImgBackend
    from gpu_worker.backends.inpaint import InpaintBackend
    from gpu_worker.backends.instruct import InstructBackend
    from gpu_worker.diffusion.settings import DiffusionModelSettings, Img2ImgSettings

    if kind == "img2img":
        settings = Img2ImgSettings(
            model=str(folder), device="cpu", few_step=True, longest_side=GENERATION_SIZE
        )
        return Img2ImgBackend(settings)
    backend_class = {"inpaint": InpaintBackend, "instruct": InstructBackend}[kind]
    return backend_class(
        DiffusionModelSettings(model=str(folder), device="cpu", longest_side=GENERATION_SIZE)
    )


INFLIGHT = 20
"""paho's default window of unacknowledged QoS 1 messages."""


def largest_jpeg(limit: int = limits.MAX_SOURCE_IMAGE_BYTES) -> bytes:
    """A JPEG of noise as large as the protocol allows (within 5 %): the costliest to carry and decode."""
    side, rng = 1024, np.random.default_rng(0)
    while True:
        buffer = io.BytesIO()
        noise = rng.integers(0, 256, (side, side, 3), dtype=np.uint8)
        Image.fromarray(noise).save(buffer, "JPEG", quality=95)
        size = len(buffer.getvalue())
        if 0.95 * limit <= size <= limit:
            return buffer.getvalue()
        side = int(side * (limit * 0.975 / size) ** 0.5)


FloodKind = Literal["jobs", "cancels"]


class Flood:
    """One flooding kiosk on its own thread, from `start` to `stop`.

    `kind` "jobs": valid jobs of the largest image; "cancels": cancels for made-up jobs, each
    padded to the largest frame. Cancels are not shared between workers (each must hear every
    one), so that flood reaches every worker whole."""

    def __init__(
        self, url: str, kiosk_id: str, template: GenerationJob, rate: float, kind: FloodKind = "jobs"
    ) -> None:
        self.kiosk_id = kiosk_id
        self.rate = rate
        self.kind = kind
        self.job = template.model_copy(update={"kiosk_id": kiosk_id, "image": largest_jpeg(), "mask": None})
        self.sent = 0
        self.answers: Counter[str] = Counter()
        self._refused = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="flood", daemon=True)
        parsed = BrokerUrl.parse(url)
        self._client = paho.Client(CallbackAPIVersion.VERSION2, parsed.client_id or "", protocol=paho.MQTTv5)
        self._client.username_pw_set(parsed.username, parsed.password)
        if parsed.tls:
            self._client.tls_set(ca_certs=parsed.ca_file)
        self._client.max_inflight_messages_set(INFLIGHT)
        self._client.on_message = self._on_message
        subscribed: queue.Queue[object] = queue.Queue()
        self._client.on_subscribe = lambda *_args: subscribed.put(True)
        self._client.connect(parsed.host, parsed.port)
        self._client.loop_start()
        self._client.subscribe(topics.kiosk_events_filter(kiosk_id), qos=1)
        subscribed.get(timeout=20)

    @property
    def frame_bytes(self) -> int:
        return len(self._message(uuid.uuid4().hex)[1])

    def _message(self, job_id: str) -> tuple[str, bytes]:
        """The topic and payload of one flood message."""
        if self.kind == "cancels":
            return topics.cancel(self.kiosk_id, job_id), b"\0" * (limits.MAX_FRAME_BYTES - 1024)
        now = time.time()
        job = self.job.model_copy(update={"job_id": job_id, "created_at": now, "deadline": now + 60.0})
        return topics.job(self.kiosk_id, job.backend, job.job_id), encode(job)

    def start(self) -> None:
        self._thread.start()

    def wait_refused(self, timeout: float) -> bool:
        """Whether the worker has answered one of the flood's jobs `busy` (the flood filled its
        kiosk's share of the queue) within `timeout` seconds."""
        return self._refused.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._client.disconnect()
        self._client.loop_stop()

    def _run(self) -> None:
        """Publish at `rate`, never more than INFLIGHT unacknowledged (paho would queue without end)."""
        pending: list[paho.MQTTMessageInfo] = []
        began = time.perf_counter()
        while not self._stop.is_set():
            topic, payload = self._message(uuid.uuid4().hex)
            pending.append(self._client.publish(topic, payload, qos=1))
            self.sent += 1
            if len(pending) >= INFLIGHT:
                pending.pop(0).wait_for_publish(30)
            ahead = began + self.sent / self.rate - time.perf_counter()
            if ahead > 0:
                self._stop.wait(ahead)

    def _on_message(self, _client, _userdata, message: paho.MQTTMessage) -> None:
        try:
            event = decode(message.payload)
        except ProtocolError:  # an exception here would stop paho's thread
            self.answers["undecodable"] += 1
            return
        if isinstance(event, JobFailed):
            self.answers[f"failed_{event.code}"] += 1
            if event.code == "busy":
                self._refused.set()
        elif isinstance(event, JobAccepted | JobDone):
            self.answers[event.type] += 1

    def result(self) -> dict[str, object]:
        return {
            "kiosk": self.kiosk_id,
            "kind": self.kind,
            "rate_asked_per_s": self.rate,
            "frame_mib": round(self.frame_bytes / 2**20, 2),
            "sent": self.sent,
            "answers": dict(sorted(self.answers.items())),
        }
