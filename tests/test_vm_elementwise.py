"""Fused elementwise chains (myia/vm/elementwise.py): array arithmetic of one
float dtype as one Numba loop inside an array segment, with numpy's exact
values and dtypes (float32 stays float32), broadcasting included."""

import numpy as np
import pytest

import myia
from myia import pipeline
from myia.ir import reachable_graphs
from myia.vm import kernels
from myia.vm.lower import code_of
from myia.vm.production import ProductionVM

from .conftest import same


def chains(d, y, b, c):
    # tanh's backward pass plus a broadcast bias, then a division (by zero
    # too) with a column of shape (n, 1) and a float constant cast to the dtype
    return d * (1 - y * y) + b, (d - c) / y * 0.1


def big_constant(x, y):
    return x * 16777217 + y  # not exact in float32: numpy's cast decides, no kernel


def backward(d, w, h):
    # tanh's backward pass: the loop overwrites the product of the matmul
    return (d @ w) * (1 - h * h)


def segments(fn, *args):
    typed = pipeline.typed_program(pipeline.to_graph(fn), args)
    return typed, [i[1] for g in reachable_graphs(typed) for i in code_of(g).insts
                   if i[0] is ProductionVM.inst_array]


def chain_args(dtype):
    r = np.random.default_rng(3)
    d, y = (r.normal(size=(64, 33)).astype(dtype) for _ in range(2))
    y[0, :3] = 0.0
    return d, y, r.normal(size=33).astype(dtype), r.normal(size=(64, 1)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_chain_is_one_numba_loop_with_numpys_bits(dtype):
    args = chain_args(dtype)
    typed, (seg,) = segments(chains, *args)
    name = np.dtype(dtype).name
    kernel_sources = [s for k, s in seg.sources.items() if k is not None]
    assert len(kernel_sources) == 2 and all("def kernel(out," in s for s in kernel_sources)
    assert f"np.{name}(1.0)" in kernel_sources[0] and "a2[i1]" in kernel_sources[0]
    assert f"np.{name}(0.1)" in kernel_sources[1] and "a1[i0, 0]" in kernel_sources[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        want = chains(*args)
        for _ in range(kernels.HOT + 2):  # the plain segment, then the loops
            assert same(ProductionVM().run(typed, args), want)
    assert seg.run is seg.fused  # it ran the loops, and they did not decline
    assert np.isinf(want[1][0, :3]).any() and want[0].dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_loop_reads_the_array_it_overwrites_through_out(dtype):
    r = np.random.default_rng(4)
    d, w, h = (r.normal(size=s).astype(dtype) for s in [(64, 10), (10, 256), (64, 256)])
    typed, (seg,) = segments(backward, d, w, h)
    (source,) = [s for k, s in seg.sources.items() if k is not None]
    # one leaf (h), not two: an `out` aliasing a leaf is a loop LLVM leaves scalar
    assert "def kernel(out, a0):" in source and "= out[i0, i1] * t" in source
    for _ in range(kernels.HOT + 2):
        assert same(ProductionVM().run(typed, (d, w, h)), backward(d, w, h))
    assert seg.run is seg.fused


def test_the_listing_shows_the_loops_and_the_call_agrees():
    args = chain_args(np.float32)
    f = myia.myia(chains)
    with np.errstate(divide="ignore", invalid="ignore"):
        listing = str(myia.ir(chains, *args, stage="kernels"))
        assert 'error_model="numpy"' in listing and "    k0(r" in listing
        assert all(same(f(*args), chains(*args)) for _ in range(4))


def test_a_loop_that_fails_leaves_numpy_to_the_segment():
    args = chain_args(np.float64)
    _, (seg,) = segments(chains, *args)
    seg.run = seg.fused
    with pytest.raises(Exception):
        seg.run([np.ones(7)] * 100)  # shapes the types did not promise
    assert seg.run is seg.plain


def test_a_constant_numpy_casts_inexactly_is_not_fused():
    x, y = (np.full((4, 3), 3.0, np.float32) for _ in range(2))
    _, segs = segments(big_constant, x, y)
    assert not [k for s in segs for k in s.sources if k is not None]
    assert same(myia.myia(big_constant)(x, y), big_constant(x, y))


def column_sum(d, w, h):
    da = (d @ w) * (1 - h * h)  # out: the product's array (C-ordered)
    return np.sum(da, axis=0), da @ w.T


def column_sum_kept(d, h, b):
    da = d * (1 - h * h) + b  # out: a new array; da is returned as well
    return da, np.sum(da, axis=0) * 2.0


def column_sum_grad(d, h, b):
    return np.sum(np.tanh(d * h + b) * 3.0)  # b's gradient: sum_to over rows


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fn", [column_sum, column_sum_kept, column_sum_grad])
def test_a_loops_column_sum_is_in_the_loop_with_numpys_bits(fn, dtype):
    r = np.random.default_rng(6)
    d, h = ((r.normal(size=(64, 40)) * 10.0 ** r.integers(-4, 5, (64, 40))).astype(dtype)
            for _ in range(2))
    d[:, 0] = -0.0  # a column of -0.0 sums to 0.0 (numpy adds to its identity)
    rest = r.normal(size=(40, 40) if fn is column_sum else 40).astype(dtype)
    args = (d, rest, h) if fn is column_sum else (d, h, rest)
    if fn is column_sum_grad:
        fn = myia.grad(fn, 2)
        typed = pipeline.typed_program(pipeline.to_graph(fn), args)
        want = myia.grad(myia.myia(column_sum_grad, backend="debug"), 2)(*args)
    else:
        typed, want = pipeline.typed_program(pipeline.to_graph(fn), args), fn(*args)
    (seg,) = [i[1] for g in reachable_graphs(typed) for i in code_of(g).insts
              if i[0] is ProductionVM.inst_array and len(i[1].sources) > 1]
    (source,) = [s for k, s in seg.sources.items() if k is not None and "tot" in s]
    assert "def kernel(out, tot," in source and "tot[i1] = tot[i1] + v" in source
    for _ in range(kernels.HOT + 2):
        assert same(ProductionVM().run(typed, args), want)
    assert seg.run is seg.fused
