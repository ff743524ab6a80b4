"""Every primitive's CUDA facet against its impl, on the rows of the primitive table.

Each row of `tests/test_prims.py`'s TABLE whose primitive has a CUDA facet is
run twice more: with its array arguments moved to the device (in float64,
then in float32, so dtype rules are checked too), calling
`prim.cuda_kernel(dev, ...)` directly; or, for rows that call the primitive
through a small Myia function (`call_concatenate`), through
`myia.myia(fn, device="cuda")`.  Results must have the impl's structure,
shapes and dtypes, and its values (to rounding: the simulator computes one
element at a time, numpy's loops may use other instruction sequences).
"""

import numpy as np
import pytest

import myia
from myia import prims as P
from myia.prims.values import ZERO
from myia.vm.cuda_values import DeviceValue

from ..test_prims import TABLE, row_id

CUDA_ROWS = [r for r in TABLE if r.prim.cuda_kernel is not None]
# Array primitives that run on the host on purpose, and why.
HOST = {
    P.arange: "its impl makes a host array, copied to the device where it is used",
    P.shape: "reads the shape", P.size: "reads the shape",
    P.inverse_permutation: "works on axes", P.split_points: "works on shapes",
    P.is_discrete: "works on dtypes", P.einsum_adjoint: "works on subscripts and shapes",
    P.array_: "builds an array from host numbers, copied to the device where it is used",
}
# Array primitives with no device kernel yet: on device='cuda' they are a
# MyiaError (checked below), never a silent copy to the host.
NO_KERNEL_YET = {P.prod, P.argmax, P.argmin, P.any_, P.all_, P.einsum}


def as_float32(x):
    if isinstance(x, tuple):
        return tuple(as_float32(a) for a in x)
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        return x.astype(np.float32)
    return x


def on_device(dev, x):
    if isinstance(x, tuple):
        return tuple(on_device(dev, a) for a in x)
    return dev.value(x) if isinstance(x, np.ndarray) else x


def close(got, want, rtol):
    if isinstance(want, tuple):
        return isinstance(got, tuple) and len(got) == len(want) and \
            all(close(a, b, rtol) for a, b in zip(got, want))
    if want is None or want is ZERO or isinstance(want, (bool, slice, str)):
        return got is want or got == want
    if isinstance(want, np.ndarray) != isinstance(got, np.ndarray):
        return False
    if np.asarray(got).dtype != np.asarray(want).dtype or np.shape(got) != np.shape(want):
        return False
    return np.allclose(got, want, rtol=rtol, atol=rtol, equal_nan=True)


def holds_array(x):
    return isinstance(x, np.ndarray) or (isinstance(x, tuple) and any(map(holds_array, x)))


def on_device_result(x):
    if isinstance(x, tuple):
        return all(on_device_result(a) for a in x)
    return isinstance(x, DeviceValue)


@pytest.mark.parametrize("row", CUDA_ROWS, ids=[row_id(r) for r in CUDA_ROWS])
def test_cuda_kernel_matches_impl(row, dev):
    rng = np.random.default_rng(len(row.prim.name) * 7919 + len(row_id(row)))
    for args64 in row.cases(rng):
        for args, rtol in ((args64, 1e-12), (as_float32(args64), 1e-5)):
            if row.fn is not None:
                want = row.fn(*args)
                got = myia.myia(row.fn, device="cuda")(*args)
            else:
                want = row.prim.impl(*args)
                out = row.prim.cuda_kernel(dev, *on_device(dev, args))
                if isinstance(want, np.ndarray) and holds_array(args):
                    assert on_device_result(out), (row.prim.name, out)  # not run on the host
                got = dev.to_host(out, False)
            assert close(got, want, rtol), (row.prim.name, args, got, want)


def test_array_primitives_have_cuda_kernels():
    families = (P.array, P.array_extra, P.nn)
    arrays = [p for p in P.PRIMITIVES if any(p is getattr(f, n, None) for f in families
                                             for n in dir(f))]
    missing = [p.name for p in arrays if p.cuda_kernel is None and p not in HOST
               and p not in NO_KERNEL_YET]
    assert not missing, f"array primitives without a CUDA kernel: {missing}"
    elementwise = [P.add, P.mul, P.tanh, P.exp, P.maximum, P.lt, P.where, P.sign]
    assert all(p.cuda_kernel is not None for p in elementwise)


def test_casts_and_invert(dev):
    x = np.array([1.5, -2.25, 3.0])
    got = dev.to_host(P.cast.cuda_kernel(dev, dev.value(x), np.float32), False)
    assert got.dtype == np.float32 and np.array_equal(got, x.astype(np.float32))
    b = np.array([True, False])
    got = dev.to_host(P.invert.cuda_kernel(dev, dev.value(b)), False)
    assert got.dtype == bool and np.array_equal(got, ~b)
    i = np.array([5, -3])
    assert np.array_equal(dev.to_host(P.invert.cuda_kernel(dev, dev.value(i)), False), ~i)
    with pytest.raises(TypeError, match="arrays can be converted"):
        P.cast.cuda_kernel(dev, dev.value(x), float)   # as numpy: only size-1 arrays


def test_gadd_of_device_structures(dev):
    x, y = np.arange(3.0), np.ones(3)
    t = P.gadd((dev.value(x), dev.value(y)), (dev.value(y), ZERO))
    got = dev.to_host(t, False)
    assert np.array_equal(got[0], x + y) and np.array_equal(got[1], y)


def test_reduction_of_nan_and_large_rows(dev):
    x = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, -1.0]])
    got = dev.to_host(P.amax.cuda_kernel(dev, dev.value(x), 1), False)
    assert np.array_equal(got, np.max(x, 1), equal_nan=True)
    # More elements per row than threads per block: each thread folds several.
    big = np.random.default_rng(0).normal(size=(600,))
    assert np.isclose(P.reduce_sum.cuda_kernel(dev, dev.value(big)), np.sum(big))
    assert P.amin.cuda_kernel(dev, dev.value(big)) == np.min(big)


def test_matmul_over_several_tiles_and_blocks(dev):
    # 4 x 4 tiles: a 3 x 2 grid of blocks, 3 tiles along k, ragged edges.
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(2, 9, 10)), rng.normal(size=(2, 10, 6))
    c = dev.empty((2, 9, 6), np.float64)
    dev.kernels.matmul(c.buf, dev.flat(a), dev.flat(b), 2, 9, 6, 10, tile=4)
    np.testing.assert_allclose(dev.to_host(c, False), a @ b, rtol=1e-12)
    assert dev.counts["matmul"] == 1


def prod_of_double(x):
    return np.prod(x * 2.0)


def test_primitives_without_a_kernel_are_an_error_on_the_device():
    assert all(p.cuda_kernel is None for p in NO_KERNEL_YET)
    with pytest.raises(myia.MyiaError, match="device='cuda'|ufunc"):
        myia.myia(prod_of_double, device="cuda")(np.ones((2, 3)))
