"""Turning what arrives on a jobs topic into a job the worker may run.

Identity comes from the topic, which the broker's ACL ties to the kiosk's
credentials; the payload must agree with it, so a kiosk cannot file a job
(or collect results) in another kiosk's name.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from dataclasses import dataclass

from PIL import Image

from gpu_worker.backends import GenerationRequest
from gpu_worker.results import JobKey
from shared.imaging import BadImage, decode_image, fit_within
from shared.protocol import FailureCode, GenerationJob, ProtocolError, decode, limits, topics
from shared.safety import PromptFilter

log = logging.getLogger(__name__)


class Rejection(Exception):
    """A job refused or failed, with what to tell the kiosk."""

    def __init__(self, code: FailureCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class QueuedJob:
    """An accepted job with its images already decoded.

    Decoding at intake refuses a bad image before the kiosk is told `accepted`,
    and lets the queue group jobs by `batch_key` without touching images.
    """

    job: GenerationJob
    request: GenerationRequest
    batch_key: Hashable | None
    """Equal keys (and the same backend) may share one GPU pass; None never batches."""

    @property
    def key(self) -> JobKey:
        return (self.job.kiosk_id, self.job.job_id)

    @property
    def kiosk_id(self) -> str:
        return self.job.kiosk_id


def parse_job(job_topic: topics.JobTopic, payload: bytes) -> GenerationJob:
    """Validate a job message against the topic it came on; raises `Rejection`.

    The backend must agree too: the topic is what routed the job to this
    worker, and a payload naming another backend would run on a worker
    chosen for something else.
    """
    try:
        message = decode(payload)
    except ProtocolError as exc:
        code = FailureCode.TOO_LARGE if exc.code == "too_large" else FailureCode.INVALID_JOB
        raise Rejection(code, f"bad job message: {exc.message}") from None
    if not isinstance(message, GenerationJob):
        raise Rejection(FailureCode.INVALID_JOB, f"expected a job, got a {message.type!r} message")
    if (message.kiosk_id, message.job_id) != (job_topic.kiosk_id, job_topic.job_id):
        raise Rejection(
            FailureCode.INVALID_JOB, "kiosk_id and job_id must match the topic the job was sent on"
        )
    if message.backend != job_topic.backend:
        raise Rejection(
            FailureCode.INVALID_JOB,
            f"the job is for backend {message.backend!r} but was sent on {job_topic.backend!r}'s topic",
        )
    return message


def check_deadline(job: GenerationJob, now: float) -> None:
    """Refuse a job past its deadline, or one whose deadline lies beyond any job's lifetime.

    Measured on this worker's clock: the job's own `created_at` is the
    kiosk's word, and a deadline in the year 2500 would keep a job worth
    running (and worth replaying) for ever.
    """
    if job.expired(now):
        raise Rejection(FailureCode.EXPIRED, "the job's deadline had passed when it reached the worker")
    if job.deadline - now > limits.MAX_JOB_LIFETIME_S:
        raise Rejection(
            FailureCode.INVALID_JOB,
            f"the job's deadline is {job.deadline - now:.0f} s away; at most"
            f" {limits.MAX_JOB_LIFETIME_S:.0f} s is allowed",
        )


def screen_prompt(job: GenerationJob, prompt_filter: PromptFilter | None) -> None:
    """Refuse a job whose prompt, or the label that fills preset prompts, spells a blocked word.

    The reason names the field and the kind of word, never the word: it is
    shown on a public screen. Operators find the word in the worker's log.
    """
    if prompt_filter is None:
        return
    for field, text in (("prompt", job.prompt), ("label", job.label)):
        if text is not None and (refusal := prompt_filter.check(text)) is not None:
            log.info("job %s: %s refused for the blocked word %r", job.job_id, field, refusal.word)
            raise Rejection(
                FailureCode.PROMPT_REJECTED,
                f"the {field} was refused: {refusal.reason}",
            )


def prepare_request(job: GenerationJob, working_size: int) -> GenerationRequest:
    """Decode the job's images at working size; bad images raise `Rejection`."""
    try:
        source = decode_image(job.image, "source image")
        mask = None if job.mask is None else decode_image(job.mask, "mask")
    except BadImage as exc:
        raise Rejection(FailureCode.BAD_IMAGE, str(exc)) from None
    if mask is not None and mask.size != source.size:
        raise Rejection(
            FailureCode.BAD_IMAGE,
            f"mask is {mask.width}x{mask.height} but the image is {source.width}x{source.height}",
        )
    image = fit_within(source.convert("RGB"), working_size)
    if mask is not None:
        mask = mask.convert("L").resize(image.size, Image.Resampling.NEAREST)
    return GenerationRequest(
        image=image,
        mask=mask,
        label=job.label,
        preset=job.preset,
        prompt=job.prompt,
        change=job.change,
        seed=job.seed,
        num_images=job.num_images,
    )
