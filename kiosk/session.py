"""The kiosk session: what every step screen of the touchscreen app shares.

    session = KioskSession(Project.open(path), camera_spec="replay:kiosk/samples/replay")
    session.camera            # opened on first use, from any thread
    session.masker            # ObjectMasker, built on first use (MediaPipe loads on the first frame)
    session.backbone          # the TFLite backbone, loaded on first use (a second or so on the Pi)
    session.jobs              # JobClient, or None when the kiosk has no broker
    session.keep("expansion", Expansion)   # a domain object that outlives the screen that made it

Screens come and go as the visitor steps back and forth (the app builds a fresh screen per visit),
so anything that must survive a step change lives here: the project, the devices, the link to the
GPU worker, and long-running domain objects registered with `keep` (a training run, the jobs in
flight). Heavy parts are lazy and built under a lock, so two worker threads asking for the
backbone at once load it once, and a test that never touches the camera never opens one.
Nothing here needs a broker: without `broker_url` the session simply has no job client.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from kiosk.camera import Camera, CameraError, Frame, make_camera, parse_spec
from kiosk.features.backbone import Backbone
from kiosk.jobs.client import JobClient
from kiosk.masking import ObjectMasker
from kiosk.store import Project
from shared.mqtt import BrokerUrl

T = TypeVar("T")

DEFAULT_KIOSK_ID = "kiosk"


@dataclass(frozen=True)
class LinkState:
    """What the status bar shows about the path to the GPU worker, read in one go."""

    broker: str
    """"none" (no broker configured), "connected" or "disconnected"."""
    workers: tuple[str, ...]
    """Ids of the workers that said they are online."""
    queued: int
    """Jobs in the durable outbox that no worker has finished yet."""

    @property
    def worker_online(self) -> bool:
        return bool(self.workers)


class KioskSession:
    """The shared state of one kiosk run; all accessors are safe to call from worker threads."""

    def __init__(
        self,
        project: Project,
        *,
        camera_spec: str,
        kiosk_id: str = DEFAULT_KIOSK_ID,
        broker_url: str | None = None,
        outbox_path: Path | None = None,
        camera_factory: Callable[[str], Camera] | None = None,
        masker_factory: Callable[[], ObjectMasker] | None = None,
        backbone_factory: Callable[[], Backbone] | None = None,
    ) -> None:
        """`camera_factory`, `masker_factory` and `backbone_factory` default to the real parts;
        tests pass a masker factory with injected person/hand models, since MediaPipe cannot see
        rendered frames. `outbox_path` defaults to a file in the project folder."""
        self.project = project
        self.camera_spec = camera_spec
        self.kiosk_id = kiosk_id
        self.broker_url = broker_url
        self.outbox_path = outbox_path or project.root / "outbox.sqlite"
        self._camera_factory = camera_factory
        self._masker_factory = masker_factory
        self._backbone_factory = backbone_factory
        self._lock = threading.RLock()
        self._camera: Camera | None = None
        self._masker: ObjectMasker | None = None
        self._backbone: Backbone | None = None
        self._jobs: JobClient | None = None
        self._kept: dict[str, Any] = {}

    # -- devices and models, built on first use ------------------------------------------------

    @property
    def camera(self) -> Camera:
        """The open camera; CameraError when it cannot be opened (the capture step says so)."""
        with self._lock:
            if self._camera is None:
                camera = (self._camera_factory or make_camera)(self.camera_spec)
                self._camera = camera.open()
            return self._camera

    def next_frame(self) -> Frame:
        """The current camera's next frame. A read that fails because the admin swapped cameras
        meanwhile (the old one was closed under it) is retried on the new camera, so live loops
        follow a camera change instead of ending on an error card."""
        while True:
            camera = self.camera
            try:
                return camera.read()
            except CameraError:
                with self._lock:
                    replaced = camera is not self._camera
                if not replaced:
                    raise

    def change_camera(self, spec: str) -> None:
        """Use another camera from now on (admin screen); the old one is closed. ValueError for a
        spec that is not one of the valid forms, before anything changes."""
        parse_spec(spec)
        with self._lock:
            old, self._camera = self._camera, None
            self.camera_spec = spec
            self._masker = None  # the background it learned belongs to the old view
        if old is not None:
            old.close()

    @property
    def masker(self) -> ObjectMasker:
        with self._lock:
            if self._masker is None:
                self._masker = (self._masker_factory or ObjectMasker)()
            return self._masker

    @property
    def backbone(self) -> Backbone:
        with self._lock:
            if self._backbone is None:
                self._backbone = (self._backbone_factory or Backbone)()
            return self._backbone

    # -- the link to the GPU worker -------------------------------------------------------------

    @property
    def jobs(self) -> JobClient | None:
        """The started job client, or None without a broker URL. Built on first use."""
        with self._lock:
            if self._jobs is None and self.broker_url is not None:
                client = JobClient(
                    BrokerUrl.parse(self.broker_url),
                    self.kiosk_id,
                    self.outbox_path,
                )
                client.start()
                self._jobs = client
            return self._jobs

    def change_broker(self, url: str | None) -> None:
        """Talk to another broker from now on (admin screen); None or "" for none. ValueError for a
        URL that is not mqtt:// or mqtts://, before anything changes. Unsent jobs stay in the outbox
        and go to the new broker."""
        url = url or None
        if url is not None:
            BrokerUrl.parse(url)
        with self._lock:
            old, self._jobs = self._jobs, None
            self.broker_url = url
        if old is not None:
            old.stop()

    def link_state(self) -> LinkState:
        """Broker link, online workers and queue depth; cheap, for the status bar's timer."""
        client = self.jobs
        if client is None:
            return LinkState("none", (), 0)
        return LinkState(
            "connected" if client.connected else "disconnected",
            tuple(client.workers_online()),
            client.outbox_depth(),
        )

    # -- domain objects that outlive a screen ----------------------------------------------------

    def keep(self, name: str, factory: Callable[[], T]) -> T:
        """The object kept under `name`, made with `factory()` the first time. For state a step
        builds up that must survive the visitor stepping away and back (jobs in flight, a training
        run). A museum wipe forgets all of them."""
        with self._lock:
            if name not in self._kept:
                self._kept[name] = factory()
            return self._kept[name]

    # -- life cycle -----------------------------------------------------------------------------

    def wipe(self) -> None:
        """Museum reset: every class, sample and model of the visitor goes, and so does what the
        steps kept. The devices and the worker link stay up for the next visitor."""
        with self._lock:
            kept, self._kept = self._kept, {}
        for value in kept.values():
            _close_if_closable(value)
        self.project.wipe()

    def close(self) -> None:
        """Stop the job client and release the camera and the masker's models; the project is the
        caller's to close."""
        with self._lock:
            jobs, camera, masker = self._jobs, self._camera, self._masker
            self._jobs = self._camera = self._masker = None
            kept, self._kept = self._kept, {}
        for value in kept.values():
            _close_if_closable(value)
        if jobs is not None:
            jobs.stop()
        if camera is not None:
            camera.close()
        if masker is not None:
            masker.close()


def _close_if_closable(value: object) -> None:
    """Kept objects may hold threads or files: close those that can be closed."""
    close = getattr(value, "close", None)
    if callable(close):
        close()
