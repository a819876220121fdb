"""Hypothesis strategies that build valid messages of every v1 type.

Every strategy draws only values the models accept, so a test can assert that
`decode(encode(m)) == m` for all of them and use them as seeds for mutation.
`MESSAGE_STRATEGIES` is keyed by the wire ``type``; a test checks that it
covers `MESSAGE_TYPES`, so a new message type cannot be left out silently.
"""

from __future__ import annotations

from hypothesis import strategies as st

from shared.presets import Preset
from shared.protocol import limits
from shared.protocol.messages import (
    FailureCode,
    GenerationJob,
    ImageRecipe,
    JobAccepted,
    JobCancel,
    JobDone,
    JobFailed,
    JobImage,
    JobProgress,
    KioskStatus,
    WireModel,
    WorkerStatus,
)

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

ids = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
backend_names = st.from_regex(r"[a-z0-9_]{1,32}", fullmatch=True)
timestamps = st.floats(min_value=0.0, allow_nan=False, allow_infinity=False)
unit_floats = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
seeds = st.integers(min_value=0, max_value=2**32 - 1)
presets = st.sampled_from(list(Preset))

# Any text JSON can carry as UTF-8 (no lone surrogates).
any_text = st.characters(exclude_categories=("Cs",))
# What labels and prompts accept: no control (C0, DEL, C1), surrogate, private-use, line or paragraph
# separator characters, and no bidi embeddings, overrides or isolates.
printable = st.characters(
    exclude_categories=("Cc", "Cs", "Co", "Zl", "Zp"),
    exclude_characters=[*"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"],
)


def printable_text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(printable, min_size=1, max_size=max_size).filter(lambda s: s.strip() != "")


def image_bytes(magic: bytes | None = None, max_tail: int = 64) -> st.SearchStrategy[bytes]:
    """Bytes that pass the models' format check: a JPEG or PNG signature, then anything."""
    magics = st.just(magic) if magic is not None else st.sampled_from([JPEG_MAGIC, PNG_MAGIC])
    return st.builds(lambda m, tail: m + tail, magics, st.binary(max_size=max_tail))


@st.composite
def generation_jobs(draw: st.DrawFn) -> GenerationJob:
    preset = draw(st.none() | presets)
    prompt_strategy = printable_text(limits.MAX_PROMPT_CHARS)
    prompt = draw(prompt_strategy if preset is None else st.none() | prompt_strategy)
    return GenerationJob(
        job_id=draw(ids),
        kiosk_id=draw(ids),
        label=draw(printable_text(limits.MAX_LABEL_CHARS)),
        backend=draw(backend_names),
        preset=preset,
        prompt=prompt,
        change=draw(unit_floats),
        num_images=draw(st.integers(1, limits.MAX_IMAGES_PER_JOB)),
        seed=draw(seeds),
        created_at=draw(timestamps),
        deadline=draw(timestamps),
        image=draw(image_bytes()),
        mask=draw(st.none() | image_bytes(PNG_MAGIC)),
    )


image_recipes = st.builds(
    ImageRecipe,
    backend=backend_names,
    preset=st.none() | presets,
    prompt=st.none() | st.text(any_text, max_size=limits.MAX_RECIPE_PROMPT_CHARS),
    negative_prompt=st.none() | st.text(any_text, max_size=limits.MAX_RECIPE_PROMPT_CHARS),
    change=unit_floats,
    seed=seeds,
    index=st.integers(0, limits.MAX_IMAGES_PER_JOB - 1),
    whole_image=st.booleans(),
    operations=st.lists(st.text(any_text, max_size=120), max_size=32),
    model=st.none() | st.text(any_text, max_size=200),
)

job_accepted = st.builds(
    JobAccepted, job_id=ids, worker_id=ids, at=timestamps, queue_position=st.integers(0, 1_000_000)
)


@st.composite
def job_progress(draw: st.DrawFn) -> JobProgress:
    total = draw(st.integers(1, 10_000))
    return JobProgress(
        job_id=draw(ids),
        worker_id=draw(ids),
        at=draw(timestamps),
        step=draw(st.integers(0, total)),
        total=total,
    )


@st.composite
def job_images(draw: st.DrawFn) -> JobImage:
    total = draw(st.integers(1, limits.MAX_IMAGES_PER_JOB))
    return JobImage(
        job_id=draw(ids),
        worker_id=draw(ids),
        at=draw(timestamps),
        index=draw(st.integers(0, total - 1)),
        total=total,
        recipe=draw(image_recipes),
        image=draw(image_bytes()),
        mask=draw(st.none() | image_bytes(PNG_MAGIC)),
    )


job_done = st.builds(
    JobDone,
    job_id=ids,
    worker_id=ids,
    at=timestamps,
    num_images=st.integers(0, limits.MAX_IMAGES_PER_JOB),
    elapsed_s=timestamps,
    withheld=st.integers(0, limits.MAX_IMAGES_PER_JOB),
    peak_gpu_mb=st.none() | timestamps,
)

job_cancels = st.builds(JobCancel, job_id=ids, kiosk_id=ids)

job_failed = st.builds(
    JobFailed,
    job_id=ids,
    worker_id=ids,
    at=timestamps,
    code=st.sampled_from(list(FailureCode)),
    message=st.text(any_text, max_size=limits.MAX_MESSAGE_CHARS),
)

worker_statuses = st.builds(
    WorkerStatus,
    worker_id=ids,
    state=st.sampled_from(["online", "offline"]),
    backends=st.lists(backend_names, max_size=32),
    queue_depth=st.integers(0, 1_000_000),
    version=st.text(any_text, max_size=32),
    online_since=st.none() | timestamps,
    at=timestamps,
)

kiosk_statuses = st.builds(
    KioskStatus,
    kiosk_id=ids,
    state=st.sampled_from(["online", "offline"]),
    outbox_depth=st.integers(0, 1_000_000),
    version=st.text(any_text, max_size=32),
    at=timestamps,
)

MESSAGE_STRATEGIES: dict[str, st.SearchStrategy[WireModel]] = {
    "job": generation_jobs(),
    "cancel": job_cancels,
    "accepted": job_accepted,
    "progress": job_progress(),
    "image": job_images(),
    "done": job_done,
    "failed": job_failed,
    "worker_status": worker_statuses,
    "kiosk_status": kiosk_statuses,
}

messages: st.SearchStrategy[WireModel] = st.one_of(*MESSAGE_STRATEGIES.values())

BLOB_TYPES = frozenset({"job", "image"})
"""Message types whose image bytes travel in a TB frame."""

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and +-Infinity included: json.dumps writes them as literals
    | st.text(any_text, max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)
"""Arbitrary JSON values (NaN/Infinity included, as Python's json module writes them)."""
