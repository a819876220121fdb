from __future__ import annotations

from pathlib import Path

import pytest

from tools.make_tiny_pipelines import make_tiny_pipelines


@pytest.fixture(scope="session")
def tiny_pipelines(tmp_path_factory) -> dict[str, Path]:
    """Folders of the tiny inpaint, instruct and img2img pipelines, written once per test run."""
    return make_tiny_pipelines(tmp_path_factory.mktemp("tiny-pipelines"))
