"""Array segments (myia/vm/arrays.py): one generated function per run of array
primitives, with results written into dead temporaries, and never a
different answer: CPython's values and dtypes, the debug VM's located errors."""

import numpy as np
import pytest

import myia
from myia import pipeline
from myia.errors import MyiaError
from myia.vm.lower import code_of
from myia.vm.production import ProductionVM

from .conftest import same


def mlp(w, b, x):
    h = np.tanh(x @ w + b)
    return np.sum(h * h)


def viewed(x):
    a = x * 2.0
    b = np.transpose(a)  # a view of a: a must not be overwritten below
    c = a + 1.0
    return b * 3.0, c


def pick(x, i):
    a = x * 2.0
    return a[i] + 1.0


def segments(fn, *args):
    typed = pipeline.typed_program(pipeline.to_graph(fn), args)
    return [i[1] for i in code_of(typed).insts if i[0] is ProductionVM.inst_array]


def args_of(dtype):
    r = np.random.default_rng(1)
    return (r.normal(size=(5, 4)).astype(dtype), r.normal(size=4).astype(dtype),
            r.normal(size=(3, 5)).astype(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_gradient_is_one_segment_and_keeps_numpys_dtype(dtype):
    args = args_of(dtype)
    grad = myia.grad(myia.myia(mlp, backend="vm"), (0, 1))
    (seg,) = segments(grad, *args)
    assert "out=" in seg.sources[None]  # an elementwise result reuses a temporary
    got = grad(*args)
    assert same(got, myia.grad(myia.myia(mlp, backend="debug"), (0, 1))(*args))
    assert all(g.dtype == dtype for g in got)


def test_a_view_of_a_temporary_keeps_it_alive():
    x = np.arange(6.0).reshape(2, 3)
    assert segments(viewed, x)
    assert same(myia.myia(viewed, backend="vm")(x), viewed(x))


def test_an_error_in_a_segment_is_the_users_located_error():
    x = np.arange(3.0)
    assert segments(pick, x, 1)
    f = myia.myia(pick, backend="vm")
    assert same(f(x, 1), pick(x, 1))
    with pytest.raises(MyiaError) as err:
        f(x, 7)
    assert "test_vm_arrays.py" in str(err.value) and "index" in str(err.value)


def test_the_listing_shows_the_segment():
    listing = str(myia.ir(mlp, *args_of(np.float32), stage="kernels"))
    assert "def segment(r):" in listing and "np.tanh(" in listing
