"""Jobs from image files and results to a folder: what `teachbooth generate` and the demo share."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from kiosk.jobs.handle import JobHandle
from shared.imaging import BadImage, decode_image, encode_jpeg, encode_png, fit_within
from shared.presets import Preset
from shared.protocol import GenerationJob

SEND_SIZE = 1024
"""Longest side of a source image on the wire: the worker's working size, so nothing is wasted."""


@dataclass(frozen=True)
class JobSpec:
    """What a person asks for, before it becomes a wire message."""

    label: str
    preset: Preset | None = None
    prompt: str | None = None
    change: float = 0.5
    num_images: int = 4
    backend: str = "classic"
    seed: int | None = None
    timeout_s: float = 60.0


def job_from_files(kiosk_id: str, image_path: Path, mask_path: Path | None, spec: JobSpec) -> GenerationJob:
    """Read, check and downscale the images, then build the job.

    Raises `BadImage` for a file that is not a usable image (or mask) and
    pydantic's `ValidationError` for out-of-range parameters.
    """
    image = _read_image(image_path, "image")
    mask_bytes = None
    if mask_path is not None:
        mask = _read_image(mask_path, "mask")
        if mask.size != image.size:
            raise BadImage(
                f"mask {mask_path} is {mask.width}x{mask.height}, image is {image.width}x{image.height}"
            )
        mask_bytes = encode_png(
            fit_within(mask.convert("L"), SEND_SIZE).point(lambda v: 255 if v > 127 else 0)
        )
    now = time.time()
    return GenerationJob(
        job_id=uuid.uuid4().hex,
        kiosk_id=kiosk_id,
        label=spec.label,
        backend=spec.backend,
        preset=spec.preset,
        prompt=spec.prompt,
        change=spec.change,
        num_images=spec.num_images,
        seed=secrets.randbits(32) if spec.seed is None else spec.seed,
        created_at=now,
        deadline=now + spec.timeout_s,
        image=encode_jpeg(fit_within(image.convert("RGB"), SEND_SIZE), quality=92),
        mask=mask_bytes,
    )


_NOT_THE_REQUEST = frozenset({"job_id", "created_at", "deadline"})
"""What differs between two runs of one command: the job's identity and timing."""


def same_request(stored: GenerationJob, new: GenerationJob, *, any_seed: bool) -> bool:
    """Whether `stored` (a job in the outbox) asks for what `new` asks for: the same images, label,
    intent and numbers, and the same seed unless the person left the seed to chance (`any_seed`)."""
    ignored = _NOT_THE_REQUEST | ({"seed"} if any_seed else set())
    return stored.model_dump(exclude=ignored) == new.model_dump(exclude=ignored)


def _read_image(path: Path, what: str) -> Image.Image:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadImage(f"cannot read {what} {path}: {exc.strerror}") from None
    return decode_image(data, f"{what} {path}")


def save_result(job: GenerationJob, handle: JobHandle, out_dir: Path) -> list[Path]:
    """Write the images, each picture's object mask beside it as `NN.mask.png` when the worker sent
    one (the layout `teachbooth import` reads), and a `job.json` (the job and every event, the
    binary fields left out). Returns the images written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for image in handle.sorted_images():
        path = out_dir / f"{image.index:02d}.jpg"
        path.write_bytes(image.image)
        if image.mask is not None:
            (out_dir / f"{image.index:02d}.mask.png").write_bytes(image.mask)
        written.append(path)
    record = {
        "job": job.model_dump(mode="json", exclude=set(job.BLOB_FIELDS)),
        "state": handle.state.value,
        "events": [event.model_dump(mode="json", exclude=set(event.BLOB_FIELDS)) for event in handle.events],
        "images": [path.name for path in written],
    }
    (out_dir / "job.json").write_text(json.dumps(record, indent=2))
    return written
