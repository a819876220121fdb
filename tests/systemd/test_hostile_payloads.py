"""Hostile jobs sent by a provisioned kiosk through the shipped broker to a real worker.

Each one must come back as a `failed` event with a reason on the sender's own
events topic, and the worker must still serve a good job afterwards. Payloads
are fuzzed with hypothesis (few examples: every one crosses TLS and a broker).
"""

from __future__ import annotations

import json
import queue
import struct
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import paho.mqtt.client as paho
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from paho.mqtt.enums import CallbackAPIVersion

from gpu_worker.backends.classic import ClassicBackend
from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from shared.mqtt import BrokerUrl
from shared.protocol import JobDone, JobFailed, JobImage, WorkerStatus, encode, limits, topics
from testkit.jobs import make_job
from testkit.mosquitto import shipped_setting
from testkit.probe import Probe

FUZZ = settings(max_examples=10, deadline=None, database=None)
MAX_PACKET = int(shipped_setting("max_packet_size"))


@dataclass
class Line:
    """A kiosk (kA) with a line through the secured broker to a running worker (w1)."""

    worker: WorkerService
    kiosk: Probe

    def send(self, payload: bytes, job_id: str | None = None) -> str:
        job_id = job_id or uuid.uuid4().hex
        self.kiosk.publish(topics.job("kA", "classic", job_id), payload)
        return job_id

    def outcome(self, job_id: str) -> JobDone | JobFailed:
        return self.kiosk.expect(
            lambda seen: isinstance(seen.message, JobDone | JobFailed) and seen.message.job_id == job_id
        ).message

    def still_serves(self) -> None:
        job = make_job("kA", num_images=1)
        self.send(encode(job), job.job_id)
        assert isinstance(self.outcome(job.job_id), JobDone)


@pytest.fixture(scope="module")
def line(secured) -> Iterator[Line]:
    kiosk = Probe(secured.url("kA"), topics.kiosk_events_filter("kA"), topics.WORKER_STATUS_FILTER)
    worker = WorkerService(
        WorkerConfig(broker=secured.url("w1"), worker_id="w1"), backends={"classic": ClassicBackend()}
    )
    worker.start()
    kiosk.expect(lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "online")
    yield Line(worker, kiosk)
    worker.stop()
    kiosk.close()


def png_declaring(width: int, height: int) -> bytes:
    """A few-byte PNG whose header claims `width` x `height` pixels (a decompression bomb's calling card)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def frame(header_json: bytes, blobs: list[tuple[str, bytes]]) -> bytes:
    """A TB frame around header bytes given as they are, valid JSON or not."""
    declared = json.dumps([[name, len(blob)] for name, blob in blobs]).encode()
    header_json = header_json[:-1] + b', "_blobs": ' + declared + b"}"
    return struct.pack(">2sBI", b"TB", 1, len(header_json)) + header_json + b"".join(b for _, b in blobs)


def _job_header(**fields) -> bytes:
    job = make_job("kA", mask=None)
    return json.dumps(job.model_dump(mode="json", exclude={"image", "mask"}) | fields).encode()


deep_json = st.builds(
    lambda depth, opener: opener[0] * depth + b"1" + opener[1] * depth,
    st.integers(min_value=200, max_value=30_000),
    st.sampled_from([(b'{"a":', b"}"), (b"[", b"]")]),
)
invalid_utf8_label = st.builds(
    lambda bad: frame(_job_header(label="LABEL").replace(b"LABEL", bad), [("image", make_job().image)]),
    st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80abc"]),
)
image_bomb = st.builds(
    lambda width, height: encode(make_job("kA", image=png_declaring(width, height), mask=None)),
    st.integers(min_value=limits.MAX_IMAGE_SIDE + 1, max_value=2**31 - 1),
    st.integers(min_value=1, max_value=2**31 - 1),
)
garbage = st.binary(min_size=1, max_size=4096)


@FUZZ
@given(payload=st.one_of(deep_json, invalid_utf8_label, image_bomb, garbage))
@example(payload=b'{"a":' * 10_923 + b"1" + b"}" * 10_923)  # deeper than the header limit: too_large
def test_hostile_payloads_fail_with_a_reason(line, payload):
    outcome = line.outcome(line.send(payload))
    assert isinstance(outcome, JobFailed)
    # A document deeper than the header limit allows is refused for its size before it is parsed.
    allowed = {"invalid_job", "bad_image"} | (
        {"too_large"} if len(payload) > limits.MAX_HEADER_BYTES else set()
    )
    assert outcome.code in allowed
    assert outcome.message.strip()


@settings(max_examples=2, deadline=None, database=None)
@given(extra=st.integers(min_value=1, max_value=MAX_PACKET - limits.MAX_FRAME_BYTES - 1024))
def test_frames_over_the_protocol_limit_that_the_broker_carries_fail_as_too_large(line, extra):
    outcome = line.outcome(line.send(b"TB\x01" + b"\x00" * (limits.MAX_FRAME_BYTES + extra - 3)))
    assert isinstance(outcome, JobFailed) and outcome.code == "too_large"


def test_the_broker_cuts_off_a_client_sending_a_packet_over_its_limit(secured, line):
    """kB, not the line's kA: a second connection with kA's one client id would replace the line's."""
    url = BrokerUrl.parse(secured.url("kB"))
    gone: queue.Queue[str] = queue.Queue()
    connected: queue.Queue[str] = queue.Queue()
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=url.client_id, protocol=paho.MQTTv311)
    client.username_pw_set(url.username, url.password)
    client.tls_set(ca_certs=url.ca_file)
    client.on_connect = lambda _c, _u, _f, reason, _p: connected.put(str(reason))
    client.on_disconnect = lambda _c, _u, _f, reason, _p: gone.put(str(reason))
    client.connect(url.host, url.port)
    client.loop_start()
    try:
        assert connected.get(timeout=10) == "Success"
        client.publish(topics.job("kB", "classic", "oversized"), b"\x00" * MAX_PACKET, qos=1)
        assert gone.get(timeout=20) != "Success"
    finally:
        client.loop_stop()
    line.still_serves()


@pytest.mark.parametrize(
    "label", ["../../etc", "../../etc/passwd", "/etc/shadow", "..\\..\\boot.ini", "a/../b"]
)
def test_path_like_labels_are_only_text(line, label):
    """Labels name nothing on disk (kiosk/store/project.py), so the worker runs the job as usual."""
    job = make_job("kA", label=label, num_images=1)
    line.send(encode(job), job.job_id)
    assert isinstance(line.outcome(job.job_id), JobDone)
    images = [
        seen.topic
        for seen in line.kiosk.drain()
        if isinstance(seen.message, JobImage) and seen.message.job_id == job.job_id
    ]
    assert images == [topics.events("kA", job.job_id)]


@pytest.mark.parametrize("job_id", ["..", ".", "a.b", "%2e%2e", "$SYS"])
def test_jobs_on_topics_with_path_like_ids_are_counted_and_dropped(line, job_id):
    """No kiosk id or job id can be routed from such a topic, so no answer goes anywhere; it is counted."""
    before = line.worker.stats["unroutable"]
    line.send(encode(make_job("kA", num_images=1)), job_id)
    line.still_serves()  # the worker handles its messages in order: the bad one was dealt with first
    assert line.worker.stats["unroutable"] == before + 1


def test_the_broker_carries_the_largest_message_the_protocol_allows_and_little_more():
    """Room for the topic and the MQTT header on top of a full frame, but not a second frame's worth."""
    assert limits.MAX_FRAME_BYTES + 1024 <= MAX_PACKET <= limits.MAX_FRAME_BYTES + 128 * 1024


def test_the_worker_is_still_up_after_all_of_it(line):
    line.still_serves()
