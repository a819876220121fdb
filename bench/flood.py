"""A hostile kiosk for bench/fleet_load.py --hostile: valid jobs of the largest size, as fast as asked.

The attack of issue 14: a provisioned kiosk publishes ~34 jobs/s of 6 MiB through the shipped
broker. This is a raw MQTT 5 client, not the product's JobClient (which backs off when told
`busy`): it sends valid jobs (a JPEG of noise just under the protocol's image limit, so a worker
that admits one must decode it) at `rate` jobs per second, QoS 1, at most `INFLIGHT` unacknowledged,
and counts how the workers answered (`accepted`, `done`, and failures by code).
"""

from __future__ import annotations

import io
import queue
import threading
import time
import uuid
from collections import Counter

import numpy as np
import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from PIL import Image

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


class Flood:
    """One flooding kiosk on its own thread, from `start` to `stop`."""

    def __init__(self, url: str, kiosk_id: str, template: GenerationJob, rate: float) -> None:
        self.kiosk_id = kiosk_id
        self.rate = rate
        self.job = template.model_copy(update={"kiosk_id": kiosk_id, "image": largest_jpeg(), "mask": None})
        self.sent = 0
        self.answers: Counter[str] = Counter()
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
        return len(encode(self.job))

    def start(self) -> None:
        self._thread.start()

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
            now = time.time()
            job = self.job.model_copy(
                update={"job_id": uuid.uuid4().hex, "created_at": now, "deadline": now + 60.0}
            )
            pending.append(
                self._client.publish(topics.job(self.kiosk_id, job.backend, job.job_id), encode(job), qos=1)
            )
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
        elif isinstance(event, JobAccepted | JobDone):
            self.answers[event.type] += 1

    def result(self) -> dict[str, object]:
        return {
            "kiosk": self.kiosk_id,
            "rate_asked_jobs_per_s": self.rate,
            "frame_mib": round(self.frame_bytes / 2**20, 2),
            "jobs_sent": self.sent,
            "answers": dict(sorted(self.answers.items())),
        }
