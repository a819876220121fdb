"""Results fit the broker's packet limit whatever the generation size."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from gpu_worker.result_image import result_jpeg
from shared.imaging import decode_image, encode_jpeg
from shared.protocol import limits


def noise(side: int) -> Image.Image:
    return Image.fromarray(np.random.default_rng(0).integers(0, 256, (side, side, 3), dtype=np.uint8))


def test_a_result_that_fits_is_the_quality_90_jpeg_it_always_was():
    image = noise(256)
    assert result_jpeg(image) == encode_jpeg(image, 90)


def test_a_result_too_large_at_quality_90_loses_quality_first():
    image = noise(1024)
    limit = len(encode_jpeg(image, 90)) - 1
    data = result_jpeg(image, limit)
    assert len(data) <= limit
    assert Image.open(io.BytesIO(data)).size == (1024, 1024), "still full size"


def test_a_large_noisy_result_is_shrunk_until_it_fits_the_protocol_limit():
    image = noise(3072)
    assert len(encode_jpeg(image, 60)) > limits.MAX_RESULT_IMAGE_BYTES, "no quality alone fits"
    data = result_jpeg(image)
    assert len(data) <= limits.MAX_RESULT_IMAGE_BYTES
    assert decode_image(data).width < 3072
