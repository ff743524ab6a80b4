"""`libm_pow` (myia/vm/libm.py): `**` in native code is CPython's `**`, bit for bit.

Numba's own `x ** 2.0` is LLVM's `x * x` and `x ** -1.0` is `1.0 / x`; over
the values below each differs from CPython's libm `pow` in thousands of
places.  Kernels call `libm_pow`, which LLVM cannot rewrite.
"""

import math

import numba
import numpy as np
import pytest

import myia
from myia.grad import grad_graph
from myia.parse import parse
from myia.vm import native_grad
from myia.vm.libm import libm_pow


def _values():
    r = np.random.default_rng(0)
    return np.concatenate([
        r.uniform(-10.0, 10.0, 200_000),
        np.exp(r.uniform(-700.0, 700.0, 200_000)) * r.choice([-1.0, 1.0], 200_000),
        1.0 + r.integers(0, 2**27, 50_000) * 2.0**-27,  # squares exactly halfway
        [0.0, -0.0, 1.0, -1.0, 1e-310, math.inf, -math.inf, math.nan],
    ])


@numba.njit
def _powers(xs, e):
    out = np.empty_like(xs)
    for i in range(xs.shape[0]):
        out[i] = libm_pow(xs[i], e)
    return out


def _python(x, e):
    try:
        v = x ** e
    except (OverflowError, ZeroDivisionError):
        return None
    return None if isinstance(v, complex) else v


@pytest.mark.parametrize("e", [2.0, -1.0, 0.5, 3.0, -2.0, 0.0, 1.0])
def test_libm_pow_is_cpythons_pow_bit_for_bit(e):
    xs = _values()
    got = _powers(xs, e)
    bad = 0
    for x, g in zip(xs.tolist(), got.tolist()):
        want = _python(x, e)
        if want is None:  # Python raises (or goes complex): kernels decline there
            continue
        bad += not (g == want and math.copysign(1.0, g) == math.copysign(1.0, want)
                    or math.isnan(g) and math.isnan(want))
    assert bad == 0


def squares(x, n):
    s = 0.0
    i = 0
    while i < n:
        s = s + x ** 2 + (x + i) ** -1
        i = i + 1
    return s


def test_powers_run_natively_and_agree_with_cpython():
    f, g = myia.myia(squares), myia.grad(myia.myia(squares))
    ref = myia.grad(myia.myia(squares, backend="debug"))
    xs = _values()[:2000:7]
    for x in xs.tolist():
        if not 1e-100 < abs(x) < 1e100:
            continue
        assert [f(x, 3) for _ in range(3)] == [squares(x, 3)] * 3
        assert [g(x, 3) for _ in range(3)] == [ref(x, 3)] * 3
    native = native_grad.build(grad_graph(parse(squares)), (1.5, 3))
    assert native.run((1.5, 3)) == ref(1.5, 3)  # no decline: `x ** 2` stays native
    assert "libm_pow(" in native.source
