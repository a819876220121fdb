from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.mosquitto import Mosquitto
from testkit.probe import Probe

# Nothing may download at run time (the model hub is unreachable on these machines). The Hugging
# Face libraries read this once, when first imported, which is after this root conftest loads.
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _repeatable_property_tests() -> None:
    """Property tests draw the same examples on every run and machine, so `make test` cannot turn
    red on a draw nobody saw before; HYPOTHESIS_PROFILE=explore draws fresh ones to hunt for new
    failures. The export tool's own environment runs its one test file without Hypothesis."""
    if importlib.util.find_spec("hypothesis") is None:
        return
    from hypothesis import settings

    settings.register_profile("repeatable", derandomize=True, database=None)
    settings.register_profile("explore", derandomize=False)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


_repeatable_property_tests()


@pytest.fixture
def mosquitto(tmp_path) -> Iterator[Mosquitto]:
    """A real mosquitto on a free loopback port, with persistence so restarts keep state."""
    broker = Mosquitto(workdir=tmp_path, persistence=True)
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture
def probe_factory(mosquitto) -> Iterator:
    probes: list[Probe] = []

    def make(*filters: str) -> Probe:
        probe = Probe(mosquitto.url, *filters)
        probes.append(probe)
        return probe

    yield make
    for probe in probes:
        probe.close()


class TinyPipelines:
    """Folders of the tiny inpaint, instruct and img2img pipelines, each written when first asked for."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._folders: dict[str, Path] = {}

    def __getitem__(self, kind: str) -> Path:
        if kind not in self._folders:
            from tools.make_tiny_pipelines import make_tiny_pipelines  # torch and diffusers: only when used

            self._folders.update(make_tiny_pipelines(self._root, [kind]))
        return self._folders[kind]


@pytest.fixture(scope="session")
def tiny_pipelines(tmp_path_factory) -> TinyPipelines:
    """The tiny pipelines, written once per test run, with torch on one CPU thread.

    The tiny models' kernels are far too small to share out: on a loaded
    machine a second OpenMP thread spins and waits, making every denoising
    step many times slower rather than faster.
    """
    import torch

    torch.set_num_threads(1)
    return TinyPipelines(tmp_path_factory.mktemp("tiny-pipelines"))
