"""Products computed transposed (myia/vm/gemm.py): only where BLAS gives
numpy's bits, only when the one reader writes a C-ordered array, and never a
different value or layout than CPython's."""

import numpy as np
import pytest

from myia import pipeline
from myia.ir import reachable_graphs
from myia.vm import gemm, kernels
from myia.vm.lower import code_of
from myia.vm.production import ProductionVM

from .conftest import same

FLIP = ".T, r"  # `np.matmul(rB.T, rA.T).T`, as the segment writes it


def layer(x, w, b):
    return np.tanh(x @ w + b)  # the product's one reader: the bias add


def kept(x, w, b):
    p = x @ w  # returned too: its layout is the caller's to see
    return p, np.tanh(p + b)


def summed(x, w, b):
    return np.sum(x @ w, axis=0) + b  # a sum's bits depend on the layout


def summed_after(x, w, b):
    return np.sum(np.tanh(x @ w + b), axis=0)


def run(fn, *args):
    typed = pipeline.typed_program(pipeline.to_graph(fn), args)
    src = "\n".join(i[1].sources[None] for g in reachable_graphs(typed)
                    for i in code_of(g).insts if i[0] is ProductionVM.inst_array)
    outs = [ProductionVM().run(typed, args) for _ in range(kernels.HOT + 2)]
    return src, outs


def args_of(dtype, m=32, k=128, n=128):
    r = np.random.default_rng(5)
    return (r.normal(size=(m, k)).astype(dtype), (r.normal(size=(k, n)) * 0.1).astype(dtype),
            r.normal(size=n).astype(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fn", [layer, summed_after])
def test_a_product_flips_only_where_blas_is_exact_and_stays_numpys(fn, dtype):
    args = args_of(dtype)
    src, outs = run(fn, *args)
    assert (FLIP in src) == gemm.exact(32, 128, 128, np.dtype(dtype).str)
    if FLIP in src:  # its reader writes a new C-ordered array, not the flipped one
        assert f"out=np.empty((32, 128), np.{np.dtype(dtype).name})" in src
    for out in outs:
        assert same(out, fn(*args)) and out.flags.c_contiguous


def test_float64_flips_on_this_machines_blas():
    # (the case the benchmarks' MLP and RNN meet; exact() decides, per shape)
    assert gemm.exact(32, 128, 128, "<f8") and gemm.exact(64, 784, 256, "<f8")
    assert FLIP in run(layer, *args_of(np.float64))[0]


@pytest.mark.parametrize("fn", [kept, summed])
def test_a_product_read_after_the_run_or_summed_is_numpys_call(fn):
    args = args_of(np.float64)
    src, outs = run(fn, *args)
    assert FLIP not in src and "np.matmul(r" in src
    for out in outs:
        assert same(out, fn(*args))
        assert all(o.flags.c_contiguous for o in (out if isinstance(out, tuple) else [out]))


@pytest.mark.parametrize("m, k, n", [(8, 8, 64), (256, 64, 128), (128, 4096, 512)])
def test_small_tall_or_huge_products_are_numpys_call(m, k, n):  # MIN_WORK; m > n; MAX_WORK
    args = args_of(np.float64, m, k, n)
    src, outs = run(layer, *args)
    assert FLIP not in src and all(same(out, layer(*args)) for out in outs)


def test_exact_compares_every_layout_and_declines_ints():
    assert not gemm.exact(64, 64, 128, "<i8")
    r = np.random.default_rng(0)
    a, b = r.normal(size=(64, 128)), r.normal(size=(128, 128))
    assert gemm.exact(64, 128, 128, "<f8") == all(
        np.array_equal((y.T @ x.T).T, a @ b) for x in (a, np.asfortranarray(a))
        for y in (b, np.asfortranarray(b)))

