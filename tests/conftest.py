"""Shared test helpers: run a function on each backend and on CPython."""

import dataclasses
import os

import numpy as np
import pytest

import myia
from myia.ir import check


def same(a, b):
    """Structural equality of two results: values, and dtypes of numbers.

    A numpy scalar matches the Python number of the same dtype (np.float64
    and float), but float32 never matches float64.
    """
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)
                and all(same(x, y) for x, y in zip(a, b)))
    if dataclasses.is_dataclass(a) or dataclasses.is_dataclass(b):
        return type(a) is type(b) and all(
            same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
                and a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if a is None or b is None:
        return a is b
    if np.asarray(a).dtype != np.asarray(b).dtype:
        return False
    if isinstance(a, (float, np.floating)) and np.isnan(a):
        return bool(np.isnan(b))
    return a == b


BACKENDS = ("debug", "vm")


@pytest.fixture(autouse=True, scope="session")
def kernel_cache(tmp_path_factory):
    """Generated kernels go to a fresh folder: the tests start cold."""
    os.environ["MYIA_CACHE_DIR"] = str(tmp_path_factory.mktemp("myia-cache"))


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Each backend in turn: the debug VM and the production VM."""
    return request.param


@pytest.fixture
def run_backend(backend):
    """Run `fn(*args)` on the backend under test, checking its IR first."""

    def run(fn, *args):
        check(myia.ir(fn))
        return myia.myia(fn, backend=backend)(*args)

    return run


@pytest.fixture
def run_debug():
    """Run `fn(*args)` on the debug VM, checking its IR first."""

    def run(fn, *args):
        check(myia.ir(fn))
        return myia.myia(fn, backend="debug")(*args)

    return run
