"""Every corpus program on `device="cuda"`, against CPython.

Scalar programs run on the host as before (through the device copy of their
graphs); array programs run their array primitives as kernels.

Results must have CPython's structure, dtypes and shapes (a numpy scalar
matches the Python number of its dtype, as in tests/conftest.py), and its
values to rounding (a reduction adds in another order on the device; the
simulator's per-element transcendentals may differ from numpy's vector
loops in the last bit).
"""

import dataclasses
import importlib
import pkgutil

import numpy as np
import pytest

import myia

from .. import corpus

CASES = []
for info in pkgutil.iter_modules(corpus.__path__):
    module = importlib.import_module(f"{corpus.__name__}.{info.name}")
    CASES += [pytest.param(fn, args, id=f"{info.name}.{fn.__name__}-{i}")
              for i, (fn, args) in enumerate(module.CASES)]


def close(got, want):
    if isinstance(want, tuple):
        return isinstance(got, tuple) and len(got) == len(want) and \
            all(close(a, b) for a, b in zip(got, want))
    if dataclasses.is_dataclass(want):
        return type(got) is type(want) and close(dataclasses.astuple(got),
                                                 dataclasses.astuple(want))
    if isinstance(got, np.ndarray) != isinstance(want, np.ndarray):
        return False
    if not isinstance(want, (np.ndarray, np.floating, np.complexfloating, float, complex)):
        return type(got) is type(want) and got == want  # ints exactly, at any size
    if np.shape(got) != np.shape(want) or np.asarray(got).dtype != np.asarray(want).dtype:
        return False
    rtol = 1e-5 if np.asarray(want).dtype in (np.float32, np.complex64) else 1e-12
    return np.allclose(got, want, rtol=rtol, atol=rtol, equal_nan=True)


@pytest.mark.parametrize("fn,args", CASES)
def test_corpus_program_on_cuda(fn, args):
    assert close(myia.myia(fn, device="cuda")(*args), fn(*args))
