"""Size limits enforced by both ends of the wire.

The sender checks them so a kiosk learns at once that its image is too big;
the receiver checks them because it cannot trust the sender. The numbers fit
a 12 MP camera JPEG downscaled to the 1024-pixel working size with room to
spare, while keeping one message small enough for a Pi and a loaded broker.

The frame limit is also the broker's `max_packet_size` (systemd/mosquitto/
teachbooth.conf), and it is what one hostile kiosk's job costs everyone on
the wire: mosquitto has no per-client rate limit, so a flood is carried in
full to the workers, one queue per worker for every kiosk's jobs. Every job a
kiosk makes (`kiosk.jobs.files.job_from_files`) is a 1,024-pixel JPEG at
quality 92, under 1 MiB even for pure noise, and a 1,024-pixel two-level PNG
mask, under a quarter of a MiB; the limits leave twice that.
"""

from __future__ import annotations

MAX_HEADER_BYTES = 64 * 1024
"""JSON part of a message (everything but images)."""

MAX_SOURCE_IMAGE_BYTES = 2 * 1024 * 1024
"""Encoded source image in a job."""

MAX_MASK_BYTES = 512 * 1024
"""Encoded object mask in a job."""

MAX_RESULT_IMAGE_BYTES = 2 * 1024 * 1024
"""Encoded generated image in an `image` event (the worker lowers its JPEG quality to fit)."""

MAX_FRAME_BYTES = MAX_HEADER_BYTES + MAX_SOURCE_IMAGE_BYTES + MAX_MASK_BYTES + 64
"""A whole message; anything larger is rejected before it is parsed."""

MAX_IMAGE_PIXELS = 24_000_000
"""Declared width x height of a decoded image (stops decompression bombs)."""

MAX_IMAGE_SIDE = 8192
"""Longest side of a decoded image."""

MAX_PROMPT_CHARS = 300
MAX_RECIPE_PROMPT_CHARS = 600
"""A recipe's prompt: the job's text plus the preset's words around it."""
MAX_LABEL_CHARS = 64
MAX_MESSAGE_CHARS = 500
MAX_IMAGES_PER_JOB = 8
MAX_JOB_LIFETIME_S = 3600.0
"""Furthest a job's deadline may lie beyond the receiving worker's clock: a kiosk gives up after
minutes (a worker restart's worth), and a job that may wait for years could be replayed for years."""
