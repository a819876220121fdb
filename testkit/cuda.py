"""The marker for tests that need a CUDA GPU: run on a GPU machine, skipped with the reason elsewhere."""

from __future__ import annotations

import pytest
import torch

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
