"""The station's loop: camera → masker → part tracker → one verdict per part → CSV log, outbox, broker.

Headless and on the kiosk's own parts: the camera sources, the masking pipeline (previews: no
GrabCut, so the loop keeps the camera's pace) and the Try step's answer on the settled frame's crop
(`kiosk/live/prediction.py`). Each verdict is numbered, written to the CSV log (fsynced), then put in
the durable outbox, from which `VerdictPublisher` sends it when the broker is there; without a
broker the CSV log is the station's only output. A frame that cannot be masked or judged is logged
and skipped, a broker that goes away only delays verdicts: neither stops the station. A camera that
fails does (CameraError), so that its service restarts and opens it again.
"""

from __future__ import annotations

import io
import logging
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
from PIL import Image

from kiosk.camera import Camera, EndOfStream, Frame, make_camera
from kiosk.features.backbone import Backbone
from kiosk.learning.model_dir import TrainedModel
from kiosk.live.prediction import answer, saliency_image
from kiosk.masking import MaskResult, ObjectMasker
from kiosk.station.config import StationSettings
from kiosk.station.csv_log import VerdictLog
from kiosk.station.outbox import VerdictOutbox
from kiosk.station.presence import Event, PartTracker
from kiosk.station.publisher import VerdictPublisher
from kiosk.station.verdict import NOT_SETTLED, Judgement, judgement_of, make_verdict
from kiosk.store.atomic import write_bytes
from shared.mqtt import BrokerUrl
from shared.protocol import encode, topics
from shared.protocol.station import StationVerdict

log = logging.getLogger(__name__)

DRAIN_S = 5.0
"""How long a stopping station waits for the broker to take its queued verdicts (the rest wait in the
outbox for the next start); well inside the unit's TimeoutStopSec."""


class Station:
    """One run of a station; `run` until stopped, then `close`."""

    def __init__(
        self,
        settings: StationSettings,
        model: TrainedModel,
        backbone: Backbone,
        *,
        masker: ObjectMasker | None = None,
        camera_factory: Callable[[str], Camera] = make_camera,
        on_verdict: Callable[[StationVerdict], None] | None = None,
    ) -> None:
        """`masker` defaults to the real pipeline (tests pass one without MediaPipe, which cannot see
        rendered frames); `on_verdict` is told each verdict once it is recorded."""
        self.settings = settings
        self.stats: Counter[str] = Counter()
        self._model = model
        self._backbone = backbone
        self._masker = masker or ObjectMasker()
        self._camera_factory = camera_factory
        self._on_verdict = on_verdict
        self._tracker = PartTracker(settings.settle_frames, settings.settle_iou, settings.leave_frames)
        self._log = VerdictLog(settings.log_path)
        self._outbox = VerdictOutbox(settings.outbox_path)
        self._publisher = (
            None
            if settings.broker is None
            else VerdictPublisher(BrokerUrl.parse(settings.broker), settings.station_id, self._outbox)
        )
        self._topic = topics.station_verdicts(settings.station_id)
        self._sequence = max(self._log.last_sequence, self._outbox.last_sequence())
        self._parts = 0

    @property
    def topic(self) -> str:
        return self._topic

    @property
    def backlog(self) -> int:
        """Verdicts recorded that the broker has not acknowledged yet."""
        return self._outbox.depth()

    def run(self, stop: threading.Event, alive: Callable[[], None] = lambda: None) -> None:
        """Judge parts until `stop` is set or a non-looping replay ends; `alive` is called per frame
        (the systemd watchdog). CameraError when the camera cannot be opened or fails."""
        if self._publisher is not None:
            self._publisher.start()
        with self._camera_factory(self.settings.camera) as camera:
            while not stop.is_set():
                try:
                    frame = camera.read()
                except EndOfStream:
                    log.info("the replay ended after %d frames", self.stats["frames"])
                    return
                self._observe(frame)
                alive()

    def close(self, drain_s: float = DRAIN_S) -> bool:
        """Give the broker up to `drain_s` to take the queued verdicts, say `offline`, release
        everything. True when nothing was left unsent (what is left goes out on the next start)."""
        sent = True
        if self._publisher is not None:
            sent = self._publisher.drain(drain_s)
            self._publisher.stop()
        if not sent:
            log.warning("%d verdicts wait in the outbox for the broker", self._outbox.depth())
        self._masker.close()
        self._outbox.close()
        self._log.close()
        return sent

    def _observe(self, frame: Frame) -> None:
        self.stats["frames"] += 1
        try:
            result = self._masker.preview(frame.image)
        except Exception:  # one frame the masker cannot use must not stop a station on a line
            self.stats["frames_failed"] += 1
            log.exception("frame %d could not be masked; skipped", frame.seq)
            return
        event = self._tracker.update(result.mask if result.found else None)
        if event is Event.UNSETTLED:
            self._record(NOT_SETTLED, None)
        elif event is Event.SETTLED:
            try:
                judgement, heat = self._judge(frame.image, result)
            except Exception:  # the tracker asks again on the next still frame
                self.stats["judgements_failed"] += 1
                log.exception("the part in frame %d could not be judged; trying the next frame", frame.seq)
                return
            self._record(judgement, heat)
            self._tracker.judged()

    def _judge(self, image: np.ndarray, result: MaskResult) -> tuple[Judgement, Image.Image | None]:
        found = answer(self._model, self._backbone, image, result)
        if not self.settings.heat_maps:
            return judgement_of(found), None
        return judgement_of(found), saliency_image(self._model, self._backbone, found.subject)[0]

    def _record(self, judgement: Judgement, heat: Image.Image | None) -> None:
        """Number the verdict, then the CSV log (fsynced), then the outbox: the local record first."""
        self._sequence += 1
        self._parts += 1
        heat_map = None if heat is None else self._save_heat_map(heat, self._sequence)
        verdict = make_verdict(
            self.settings.station_id, self._sequence, self._parts, judgement, datetime.now(UTC), heat_map
        )
        self._log.append(verdict)
        if self._publisher is not None:
            self._outbox.add(verdict.sequence, self._topic, encode(verdict))
            self._publisher.wake()
        self.stats["verdicts"] += 1
        if self._on_verdict is not None:
            self._on_verdict(verdict)

    def _save_heat_map(self, heat: Image.Image, sequence: int) -> str:
        """The heat map as a PNG under the state folder; its name relative to that folder."""
        name = f"{self.settings.heat_map_dir.name}/{sequence:08d}.png"
        buffer = io.BytesIO()
        heat.save(buffer, format="PNG")
        self.settings.heat_map_dir.mkdir(parents=True, exist_ok=True)
        write_bytes(self.settings.state_dir / name, buffer.getvalue())
        return name
