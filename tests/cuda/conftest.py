"""CUDA tests run in numba-cuda's simulator unless `MYIA_CUDA_TESTS=gpu`.

The simulator must be chosen before `numba.cuda` is first imported.  Myia
imports it only when a `device="cuda"` function first runs, so setting
numba's configuration here is early enough, and it changes nothing else in
the test session (the CPU backends never import `numba.cuda`).  On a machine
with an NVIDIA GPU, `MYIA_CUDA_TESTS=gpu python -m pytest tests/cuda` runs
the same tests on the GPU.
"""

import os
import sys

import numba
import pytest

REAL_GPU = os.environ.get("MYIA_CUDA_TESTS") == "gpu"

if not REAL_GPU:
    assert "numba.cuda" not in sys.modules, "numba.cuda was imported before tests/cuda"
    numba.config.ENABLE_CUDASIM = 1


@pytest.fixture
def dev():
    """The device runtime, with its transfer and launch counters reset."""
    from myia.vm import cuda

    d = cuda.device()
    d.counts.clear()
    return d
