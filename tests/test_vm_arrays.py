"""Array segments (myia/vm/arrays.py): one generated function per run of array
primitives, with results written into dead temporaries, and never a
different answer: CPython's values and dtypes, the debug VM's located errors."""

import re

import numpy as np
import pytest

import myia
from myia import pipeline
from myia.errors import MyiaError
from myia.ir import reachable_graphs
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


def rnn(w, xs, h):
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] + h @ w)
    return np.sum(h)


def rnn_args(dtype):
    r = np.random.default_rng(2)
    return (r.normal(size=(3, 3)).astype(dtype) * dtype(0.5),
            r.normal(size=(4, 2, 3)).astype(dtype), r.normal(size=(2, 3)).astype(dtype))


def sources(fn, *args):
    typed = pipeline.typed_program(pipeline.to_graph(fn), args)
    return [i[1].sources[None] for g in reachable_graphs(typed)
            for i in code_of(g).insts if i[0] is ProductionVM.inst_array]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_loops_gradient_accumulates_in_place_and_is_exact(dtype):
    # The backward loop's `gadd(w_sens, ZERO-or-running-sum)` writes into the
    # fresh matmul it adds (`x if y is ZERO else np.add(x, y, out=x)`), as
    # hand-written `dw += h.T @ da` would; its backpropagator closure is built
    # in the segment with the tuple around it.
    args = rnn_args(dtype)
    grad = myia.grad(myia.myia(rnn, backend="vm"), (0, 1, 2))
    src = "\n".join(sources(grad, *args))
    assert "is ZERO else np.add(" in src and "Closure(" in src
    got = grad(*args)
    assert same(got, myia.grad(myia.myia(rnn, backend="debug"), (0, 1, 2))(*args))
    assert all(g.dtype == dtype for g in got)


def test_tuples_items_and_transposes_are_inline_and_constants_are_not_loaded():
    srcs = sources(myia.grad(myia.myia(rnn, backend="vm"), 0), *rnn_args(np.float64))
    src = "\n".join(srcs)
    assert re.search(r"r\d+ = r\d+\[r\d+\]\n", src) and re.search(r"= \(r\d+, r\d+\)\n", src)
    assert re.search(r"= r\d+\.T\n", src) and "swapaxes" not in src
    assert "# constants: r" in src
    for one in srcs:  # a constant is a global of the function, never r[...]
        consts = re.findall(r"r\d+", one.split("# constants:")[1].split("\n")[0]) \
            if "# constants:" in one else []
        assert not [c for c in consts if f"{c} = r[" in one]
