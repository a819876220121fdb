"""The expand step's work: variations of captured photos, made remotely or here, then reviewed.

    expansion = Expansion(project, client)              # client: a started JobClient, or None
    job_id = expansion.send(Request(sample.id, Preset.NEW_COLOUR, change=0.5))
    expansion.follow(job_id, on_change)                 # blocks: call it from a worker thread
    expansion.accept(job_id, [0, 2]); expansion.reject(job_id, [1, 3])

    run = expansion.send_class(ClassRequest("apple", Preset.NEW_COLOUR, 0.5))   # every apple photo
    expansion.follow_all(run.job_ids, on_change)

Where the images come from is decided per photo when a job is sent, by the engine policy
(`engine_policy.py`: one table of backends per preset) applied to the backends the online workers
offer; with no broker or no worker the kiosk's own `classic` engine makes them (CPU, a second or
two), so the step works with no network at all. `JobStatus.backend` says which engine, and the
screen tells the visitor. A remote job whose worker goes offline is not lost: it is sent again
(same job id, so a worker that already finished it replays its result) and shown as waiting, with
the backend it waits for, until a worker that serves it picks it up.

A whole class is sent at once, every job before any is followed, so a worker holds them in its queue
together and runs compatible ones (same backend, change and size) as one batch.

Accepted images become generated samples of the source photo's class, with the recipe that made
them and `source_sample` naming the photo: training keeps an image in its photo's fold by that key,
so a held-out photo's near-copies never train the model that is scored on it. Rejected images are
dropped without being stored.

A kept generated picture carries its object mask (`picture_masks.py`), so it can be varied again
like a photo: a green pear made from a red apple can then get a new background. Its pictures keep
the real photo at the root as their `source_sample` (one fold for the whole family) and name the
picture they were made from as `varied_from`.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from kiosk.generation.engine_policy import (
    DEFAULT_POLICY,
    LOCAL_BACKEND,
    Choice,
    EnginePolicy,
    NoEngine,
    Offer,
    engine_name,
)
from kiosk.generation.picture_masks import picture_mask
from kiosk.generation.status import (
    ClassRequest,
    ClassRun,
    Engine,
    JobStatus,
    Phase,
    Request,
    Result,
    failure_words,
)
from kiosk.jobs.client import JobClient
from kiosk.jobs.files import JobSpec, job_from_files
from kiosk.jobs.handle import JobHandle, JobState
from kiosk.learning.project_training import SOURCE_SAMPLE_KEY, real_samples
from kiosk.store import NewSample, NotFound, Project, Sample, Source
from shared.imaging import BadImage, decode_image
from shared.protocol import GenerationJob, JobAccepted, ProtocolError
from shared.protocol.limits import MAX_IMAGES_PER_JOB
from shared.variations import ClassicEngine, UnsupportedPreset

StatusCallback = Callable[[JobStatus], None]

STOP_CHECK_S = 0.5
"""How long a watch of remote jobs sleeps, when nothing happens, before it looks at `stop()` again.
Anything that changes a job's phase (its events, its backend's workers, the link) wakes it at once
through the job client's `news`."""
JOB_TIMEOUT_S = 600.0
"""A remote job's deadline: long enough to wait out a worker restart, short enough to give up."""


class ExpansionError(ValueError):
    """A request that cannot be carried out; the message is for the visitor."""


@dataclass
class _Job:
    """Mutable book-keeping behind a job's snapshots; only touched under `Expansion._lock`."""

    status: JobStatus
    wire: GenerationJob | None = None
    cancelled: threading.Event = field(default_factory=threading.Event)


class Expansion:
    """Generation jobs of one kiosk session, from request to reviewed samples. Thread-safe."""

    def __init__(
        self,
        project: Project,
        client: JobClient | None,
        *,
        policy: EnginePolicy = DEFAULT_POLICY,
        seeds: Callable[[], int] | None = None,
    ) -> None:
        """`policy`: which backend each request asks for (tests give one naming their test backend).
        `seeds` gives the seed of a request that has none (default: random; snapshot tests fix it)."""
        self.project = project
        self.policy = policy
        self._seeds = seeds or (lambda: secrets.randbits(32))
        self._client = client
        self._lock = threading.Lock()
        self._jobs: dict[str, _Job] = {}

    # -- where the images come from ---------------------------------------------------------

    def fleet(self) -> dict[str, list[str]]:
        """Online workers by the backend they serve (from their retained statuses); empty offline."""
        client = self._client
        if client is None or not client.connected:
            return {}
        found = {name: client.workers_offering(name) for name in self.policy.backends}
        return {name: workers for name, workers in found.items() if workers}

    def offer(self) -> Offer:
        """The presets and the free-text box the screen may show now."""
        return self.policy.offer(self.fleet())

    def choose(self, request: Request) -> Choice:
        """The engine a job for `request` sent now would use; `ExpansionError` if none can make it."""
        return self._choose(self._source(request), request)

    def _choose(self, sample: Sample, request: Request) -> Choice:
        try:
            return self.policy.choose(
                request.preset, request.text, self.fleet(), sample.mask_path is not None
            )
        except NoEngine as exc:
            raise ExpansionError(str(exc)) from None

    def engine_words(self) -> str:
        """One line for the screen: who makes the pictures right now, and with what."""
        fleet = self.fleet()
        if fleet:
            served: dict[str, list[str]] = {}
            for backend, workers in fleet.items():
                for worker in workers:
                    served.setdefault(worker, []).append(engine_name(backend, self.policy.traits))
            named = ", ".join(
                f"{worker} ({', '.join(engines)})" for worker, engines in sorted(served.items())
            )
            whom = "a helper computer" if len(served) == 1 else "helper computers"
            return f"Pictures are made by {whom}: {named}."
        if self._client is None:
            return "Pictures are made on this kiosk (classic engine): no worker is set up."
        return "Pictures are made on this kiosk (classic engine): no worker is online."

    # -- jobs -------------------------------------------------------------------------------

    def send(self, request: Request, group: str | None = None) -> str:
        """Start a job for `request` and return its id; `follow` then runs or watches it.

        Raises `ExpansionError` (plain words) for a request that cannot work: no such photo, a
        generated picture nobody kept as the source, neither preset nor text, a change outside 0..1,
        or a change no engine online (nor this kiosk) can make.
        """
        sample = self._source(request)
        _check_amounts(request.change, request.count)
        choice = self._choose(sample, request)
        if request.seed is None:
            request = replace(request, seed=self._seeds())
        job_id, wire = secrets.token_hex(16), None
        if choice.remote:
            wire = self._wire_job(sample, request, choice.backend)
            job_id = wire.job_id
            self._submit(wire)
        engine = Engine.WORKER if choice.remote else Engine.LOCAL
        status = JobStatus(
            job_id,
            request,
            sample.label,
            engine,
            Phase.QUEUED,
            "Starting.",
            0,
            request.count,
            backend=choice.backend,
            group=group,
        )
        with self._lock:
            self._jobs[job_id] = _Job(status, wire)
        return job_id

    def send_class(self, request: ClassRequest) -> ClassRun:
        """Send a job for every real photo of a class (or the photos named) before following any, so
        the worker queues them together and batches what it can. A photo no engine can take is
        skipped with its reason; `ExpansionError` when no photo at all could be sent."""
        _check_amounts(request.change, request.count)
        found = self.project.find_class(request.label)
        if found is None:
            raise ExpansionError(f"There is no class “{request.label}”.")
        photos = [photo for photo in real_samples(self.project) if photo.class_id == found.id]
        if request.sample_ids is not None:
            wanted = set(request.sample_ids)
            photos = [photo for photo in photos if photo.id in wanted]
        if not photos:
            raise ExpansionError(f"The class “{found.label}” has no photos to vary: take some first.")
        group, first_seed = secrets.token_hex(8), request.seed if request.seed is not None else self._seeds()
        sent: list[str] = []
        skipped: list[tuple[str, str]] = []
        for offset, photo in enumerate(photos):
            seed = (first_seed + offset) % 2**32
            single = Request(photo.id, request.preset, request.change, request.text, request.count, seed)
            try:
                sent.append(self.send(single, group=group))
            except ExpansionError as exc:
                skipped.append((photo.id, str(exc)))
        if not sent:
            raise ExpansionError(skipped[0][1])
        return ClassRun(group, found.label, tuple(sent), tuple(skipped))

    def follow(
        self, job_id: str, on_change: StatusCallback | None = None, stop: Callable[[], bool] | None = None
    ) -> JobStatus:
        """Run a local job, or watch a remote one, until it ends; `on_change` gets every new
        snapshot on this thread. Blocking: call it from a worker thread. `stop()` returning True
        (the app is closing) ends it early; the job itself is not cancelled."""
        return self.follow_all([job_id], on_change, stop)[0]

    def follow_all(
        self,
        job_ids: Sequence[str],
        on_change: StatusCallback | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> list[JobStatus]:
        """`follow` for several jobs on one thread: remote ones are watched together (their worker
        runs them meanwhile), local ones run one after another. Returns their last snapshots."""
        jobs = [self._job(job_id) for job_id in job_ids]
        notify = on_change or (lambda _status: None)
        stopped = stop or (lambda: False)
        for job in jobs:
            if job.wire is None:
                self._run_local(job, notify, stopped)
        self._watch_remote([job for job in jobs if job.wire is not None], notify, stopped)
        return [job.status for job in jobs]

    def status(self, job_id: str) -> JobStatus:
        return self._job(job_id).status

    def statuses(self) -> list[JobStatus]:
        """Every job of this session, oldest first."""
        with self._lock:
            return [job.status for job in self._jobs.values()]

    def cancel(self, job_id: str) -> JobStatus:
        """Stop a job: a local one before its next image, a remote one is withdrawn from the worker.
        A finished job is left as it is."""
        job = self._job(job_id)
        if job.status.phase.finished:
            return job.status
        job.cancelled.set()
        if job.wire is not None and self._client is not None:
            self._client.cancel(job_id)
        return self._set(job, phase=Phase.CANCELLED, message="Cancelled.", results=())

    def group(self, group: str) -> list[JobStatus]:
        """The jobs of one whole-class run, in the order they were sent."""
        return [status for status in self.statuses() if status.group == group]

    def cancel_group(self, group: str) -> list[JobStatus]:
        """Cancel every unfinished job of a whole-class run (one tap: "Cancel all")."""
        return [self.cancel(status.job_id) for status in self.group(group)]

    def accept(self, job_id: str, indices: Iterable[int] | None = None) -> list[Sample]:
        """Save the chosen results (all with None) as accepted generated samples of the source
        photo's class; they leave the review list."""
        job = self._job(job_id)
        chosen = self._take(job, indices)
        if not chosen:
            return []
        source = self.project.get_sample(job.status.request.sample_id)
        lineage = {SOURCE_SAMPLE_KEY: root_photo(source)}
        if not source.is_real:
            lineage["varied_from"] = source.id
        items = [
            NewSample(
                result.image,
                source.class_id,
                Source.GENERATED,
                mask=result.mask,
                recipe={**result.recipe, **lineage, "job_id": job_id},
                accepted=True,
            )
            for result in chosen
        ]
        try:
            return self.project.add_samples(items)
        except BaseException:
            self._put_back(job, chosen)  # nothing was stored: the visitor can try again
            raise

    def reject(self, job_id: str, indices: Iterable[int] | None = None) -> int:
        """Drop the chosen results (all with None) without storing them; returns how many went."""
        return len(self._take(self._job(job_id), indices))

    def close(self) -> None:
        """The session is ending or being wiped: stop local jobs at their next image and withdraw
        unfinished remote ones, whose pictures nobody would review (they live only here) and
        whose GPU time the next visitor should have."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            if not job.status.phase.finished:
                self.cancel(job.status.job_id)

    # -- local jobs -------------------------------------------------------------------------

    def _run_local(self, job: _Job, notify: StatusCallback, stopped: Callable[[], bool]) -> JobStatus:
        request = job.status.request
        assert request.preset is not None and request.seed is not None
        try:
            image = self.project.load_image(request.sample_id)
            mask = self.project.load_mask(request.sample_id)
            variations = ClassicEngine().variations(
                image, mask, request.preset, request.change, request.seed, request.count
            )
        except UnsupportedPreset:  # the policy sends only the classic engine's presets here
            words = "This change needs a diffusion worker, which is not online: pick another change."
            return self._notify(notify, self._set(job, phase=Phase.FAILED, message=words))
        except Exception as exc:  # a vanished or damaged photo: say so, keep the kiosk running
            words = f"The photo could not be used: {exc}"
            return self._notify(notify, self._set(job, phase=Phase.FAILED, message=words))
        self._notify(notify, self._set(job, phase=Phase.RUNNING, message="Making pictures on this kiosk."))
        results: list[Result] = []
        for index, variation in enumerate(variations):
            if job.cancelled.is_set() or stopped():
                return job.status
            recipe = {
                "backend": LOCAL_BACKEND,
                "engine": "kiosk",
                "preset": str(request.preset),
                "prompt": request.text,
                "change": request.change,
                "seed": request.seed,
                "index": index,
                "whole_image": variation.whole_image,
                "operations": list(variation.operations),
            }
            results.append(Result(index, variation.image, variation.mask, recipe))
            self._notify(notify, self._set(job, step=index + 1, results=tuple(results)))
        words = f"{len(results)} new pictures: keep the good ones."
        return self._notify(notify, self._set(job, phase=Phase.DONE, message=words))

    # -- remote jobs ------------------------------------------------------------------------

    def _wire_job(self, sample: Sample, request: Request, backend: str) -> GenerationJob:
        assert self._client is not None
        spec = JobSpec(
            label=sample.label,
            preset=request.preset,
            prompt=(request.text or "").strip() or None,
            change=request.change,
            num_images=request.count,
            backend=backend,
            seed=request.seed,
            timeout_s=JOB_TIMEOUT_S,
        )
        try:
            return job_from_files(self._client.kiosk_id, sample.image_path, sample.mask_path, spec)
        except BadImage as exc:
            raise ExpansionError(f"The photo could not be used: {exc}") from None

    def _submit(self, wire: GenerationJob) -> None:
        assert self._client is not None
        try:
            self._client.submit(wire)
        except ProtocolError as exc:  # e.g. a photo too large for the wire, refused before it is stored
            raise ExpansionError(f"The photo cannot be sent: {exc.message}") from None

    def _watch_remote(self, jobs: list[_Job], notify: StatusCallback, stopped: Callable[[], bool]) -> None:
        """Report each remote job's changes until all have ended. It sleeps on the job client's news
        (kiosk/jobs/news.py), so a job event, a worker coming or going and the link dropping each
        reach the screen at once, and nothing is looked at while nothing happens."""
        if not jobs:
            return
        client = self._client
        assert client is not None
        handles = {job.status.job_id: client.handle(job.status.job_id) for job in jobs}
        last: dict[str, tuple] = {}
        open_jobs = [job for job in jobs if handles[job.status.job_id] is not None]
        seen = client.news.revision
        while open_jobs and not stopped():
            for job in list(open_jobs):
                handle = handles[job.status.job_id]
                if job.cancelled.is_set():
                    open_jobs.remove(job)
                    continue
                status = (
                    self._remote_end(job, handle) if handle.finished else self._remote_status(job, handle)
                )
                shown = (status.phase, status.message, status.step, status.total)
                if shown != last.get(job.status.job_id):
                    last[job.status.job_id] = shown
                    self._notify(notify, status)
                if status.phase.finished:
                    open_jobs.remove(job)
            if open_jobs:
                seen = client.news.wait_after(seen, STOP_CHECK_S)

    def _remote_status(self, job: _Job, handle: JobHandle) -> JobStatus:
        """Phase and words of an unfinished remote job.

        A job whose worker went offline is back in the queue: the job client sends it again, at
        once and to the next worker serving its backend that comes online."""
        assert self._client is not None and job.wire is not None
        if not self._client.connected:
            words = "Cannot reach the worker's network: the job is kept and sent when it is back."
            return self._set(job, phase=Phase.WAITING, message=words)
        backend = job.status.backend
        engine = engine_name(backend, self.policy.traits)
        if handle.state is JobState.QUEUED:
            taken = any(isinstance(event, JobAccepted) for event in list(handle.events))
            if self._client.workers_offering(backend):
                return self._set(job, phase=Phase.QUEUED, message="Sent: waiting for the worker to start.")
            if taken:
                words = (
                    f"The worker went offline: your pictures will be made when a worker that runs {backend} "
                    "is back. New requests use what is online now."
                )
            else:
                words = f"Waiting for a worker that runs {backend} ({engine}); the job is kept until one is."
            return self._set(job, phase=Phase.WAITING, message=words)
        step, total = handle.progress or (0, job.status.total)
        words = f"{handle.worker_id} is making your pictures with the {engine}."
        return self._set(job, phase=Phase.RUNNING, message=words, step=step, total=total)

    def _remote_end(self, job: _Job, handle: JobHandle) -> JobStatus:
        if handle.failure is not None:
            words = failure_words(handle.failure.code, handle.failure.message)
            return self._set(job, phase=Phase.FAILED, message=words)
        results = []
        for item in handle.sorted_images():
            try:
                image = decode_image(item.image, f"image {item.index}").convert("RGB")
            except BadImage:
                continue  # one unreadable image must not cost the visitor the others
            recipe = item.recipe.model_dump(mode="json") | {"worker": item.worker_id}
            mask = picture_mask(item, image, lambda: self.project.load_mask(job.status.request.sample_id))
            results.append(Result(item.index, image, mask, recipe))
        words = f"{len(results)} new pictures: keep the good ones."
        return self._set(job, phase=Phase.DONE, message=words, step=job.status.total, results=tuple(results))

    # -- book-keeping -----------------------------------------------------------------------

    def _source(self, request: Request) -> Sample:
        try:
            sample = self.project.get_sample(request.sample_id)
        except NotFound:
            raise ExpansionError("That photo is gone: pick another one.") from None
        if not sample.is_real and sample.accepted is not True:
            raise ExpansionError(
                "Keep that picture first, or pick another one: only kept pictures are varied."
            )
        return sample

    def _job(self, job_id: str) -> _Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise KeyError(f"there is no job {job_id}")
        return job

    def _set(self, job: _Job, **changes: object) -> JobStatus:
        with self._lock:
            if job.status.phase is Phase.CANCELLED:
                return job.status  # a cancelled job stays cancelled, whatever arrives late
            job.status = replace(job.status, **changes)  # type: ignore[arg-type]
            return job.status

    def _take(self, job: _Job, indices: Iterable[int] | None) -> list[Result]:
        with self._lock:
            wanted = None if indices is None else set(indices)
            chosen = [r for r in job.status.results if wanted is None or r.index in wanted]
            taken = {r.index for r in chosen}
            kept = tuple(r for r in job.status.results if r.index not in taken)
            job.status = replace(job.status, results=kept)
        return chosen

    def _put_back(self, job: _Job, results: list[Result]) -> None:
        with self._lock:
            merged = sorted((*job.status.results, *results), key=lambda r: r.index)
            job.status = replace(job.status, results=tuple(merged))

    @staticmethod
    def _notify(notify: StatusCallback, status: JobStatus) -> JobStatus:
        notify(status)
        return status


def _check_amounts(change: float, count: int) -> None:
    if not 0.0 <= change <= 1.0:
        raise ExpansionError("How much to change must be between 0 and 1.")
    if not 1 <= count <= MAX_IMAGES_PER_JOB:
        raise ExpansionError(f"Ask for 1 to {MAX_IMAGES_PER_JOB} pictures.")


def sources(project: Project) -> list[Sample]:
    """What the photo picker offers to vary: the real photos first, then the generated pictures kept."""
    kept = [sample for sample in project.samples(source=Source.GENERATED) if sample.accepted is True]
    return real_samples(project) + kept


def root_photo(sample: Sample) -> str:
    """The real photo a sample comes from: itself, or the `source_sample` its recipe names."""
    if sample.is_real:
        return sample.id
    return str((sample.recipe or {}).get(SOURCE_SAMPLE_KEY, sample.id))
