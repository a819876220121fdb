"""The disk fills up while the kiosk saves samples: a clear error, and the project stays consistent.

Run on a real tmpfs where the test may mount one, and always on the simulated edge as well (see
testkit/small_disk.py), so the fallback a CI runner without root uses is tested here too.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image

from kiosk.store import NewSample, Project, StoreError
from kiosk.store.imagefiles import encode_image
from testkit.small_disk import SmallDisk, small_disk
from tests.kiosk.store.conftest import square_mask

NO_SPACE = "No space left on device"


@pytest.fixture(params=["tmpfs", "simulated"])
def disk(request, tmp_path, monkeypatch) -> Iterator[SmallDisk]:
    with small_disk(tmp_path / "disk", monkeypatch, prefer=request.param) as found:
        yield found


def noise(rng: np.random.Generator) -> Image.Image:
    """Camera-grain pixels: a JPEG of tens of kilobytes, so a few of them matter on a small disk."""
    return Image.fromarray(rng.integers(0, 255, size=(120, 160, 3), dtype=np.uint8))


def test_saving_on_a_full_disk_fails_clearly_and_loses_nothing(disk):
    rng = np.random.default_rng(0)
    with Project.open(disk.root / "project") as project:
        apple = project.add_class("apple")
        kept = [
            project.add_sample(noise(rng), apple.id, "camera", mask=square_mask((160, 120))) for _ in range(2)
        ]
        disk.fill()

        with pytest.raises(StoreError, match=f"could not write the sample files: .*{NO_SPACE}"):
            project.add_sample(noise(rng), apple.id, "camera", mask=square_mask((160, 120)))

        assert [s.id for s in project.samples()] == [s.id for s in kept]
        assert project.check().ok, "no temporary or orphan file is left behind"
        disk.free()
        later = project.add_sample(noise(rng), apple.id, "camera")
    with Project.open(disk.root / "project", check="deep") as reopened:
        assert [s.id for s in reopened.samples()] == [*(s.id for s in kept), later.id]
        assert reopened.last_check.ok
        assert len(list(reopened.iter_images(masks=True))) == 3


def test_a_batch_that_runs_out_of_space_half_way_is_stored_all_or_nothing(disk):
    rng = np.random.default_rng(1)
    with Project.open(disk.root / "project") as project:
        apple = project.add_class("apple")
        images = [noise(rng) for _ in range(4)]
        disk.fill(leave=len(encode_image(images[0])) * 3 // 2)  # room for the first image only

        with pytest.raises(StoreError, match=NO_SPACE):
            project.add_samples([NewSample(image, apple.id, "generated") for image in images])

        assert project.samples() == []
        assert project.check().ok, "the image that fitted was removed again"
        disk.free()
        assert len(project.add_samples([NewSample(image, apple.id, "generated") for image in images])) == 4
