"""A generated image as the JPEG its `image` event carries, always within the protocol's limit.

Results travel through the same broker as jobs, under the same packet limit
(`shared.protocol.limits`, the broker's `max_packet_size`), which is set for
1,024-pixel images. A larger generation size (`working_size`, a diffusion
backend's `longest_side`) could make a JPEG the broker would refuse, costing
the worker its connection; lowering the quality, then the size, keeps it in.
"""

from __future__ import annotations

from PIL import Image

from shared.imaging import encode_jpeg
from shared.protocol import limits

QUALITIES = (90, 80, 70, 60)
"""Tried in turn; 90 is what a result is at any generation size that fits."""

SHRINK = 0.75
"""Each side's scale when no quality fits."""


def result_jpeg(image: Image.Image, limit: int = limits.MAX_RESULT_IMAGE_BYTES) -> bytes:
    """The best of QUALITIES that fits `limit`, shrinking the image by SHRINK until one does."""
    while True:
        for quality in QUALITIES:
            data = encode_jpeg(image, quality)
            if len(data) <= limit:
                return data
        size = (max(1, round(image.width * SHRINK)), max(1, round(image.height * SHRINK)))
        image = image.resize(size, Image.Resampling.LANCZOS)
