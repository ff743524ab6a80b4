"""The Python and numpy functions users reach for, in user programs.

Values are compared with CPython and numpy exactly (same value, same type);
gradients with central finite differences (first and second order).
"""

import dataclasses
import math
from typing import Optional

import numpy as np
import pytest

import myia
from myia import grad

from .conftest import same
from .test_grad import EPS, check

RNG = np.random.default_rng(7)


def run(fn, *args):
    return myia.myia(fn, backend="debug")(*args)


def second_order(f, x):
    """d/dx of grad(f) by central differences, against grad(grad(f))."""
    numeric = (grad(f)(x + EPS) - grad(f)(x - EPS)) / (2 * EPS)
    np.testing.assert_allclose(grad(grad(f))(x), numeric, rtol=1e-5, atol=1e-6)


# ----- math ------------------------------------------------------------------

MATH_1 = {  # function -> a point of its domain
    math.trunc: 2.7, math.fabs: -1.3, math.log10: 3.0, math.log2: 3.0, math.log1p: 0.5,
    math.asin: 0.3, math.acos: 0.3, math.atan: 0.3, math.asinh: 0.7, math.acosh: 1.7,
    math.atanh: 0.4, math.sinh: 0.5, math.cosh: 0.5, math.erf: 0.4, math.erfc: 0.4,
    math.gamma: 2.5, math.lgamma: 2.5, math.isnan: 1.0, math.isinf: 1.0,
    math.isfinite: 1.0, math.degrees: 1.0, math.radians: 90.0, math.floor: 2.5,
    math.ceil: 2.5, math.exp2: 1.5, math.cbrt: 2.0, math.expm1: 0.3,
}
MATH_2 = {math.pow: (1.5, 2.5), math.hypot: (3.0, 4.0), math.atan2: (1.0, -2.0),
          math.copysign: (1.5, -2.0), math.fmod: (7.5, 2.0), math.remainder: (7.5, 2.0),
          math.ldexp: (0.75, 3), math.gcd: (12, 18), math.lcm: (4, 6),
          math.comb: (6, 2), math.perm: (6, 2), math.isclose: (1.0, 1.0 + 1e-12)}
NOT_DIFFERENTIABLE = {math.trunc, math.isnan, math.isinf, math.isfinite, math.floor,
                      math.ceil, math.gcd, math.lcm, math.comb, math.perm, math.isclose}


@pytest.mark.parametrize("fn", list(MATH_1), ids=lambda f: f.__name__)
def test_math_one_argument(fn):
    def f(x):
        return fn(x)
    x = MATH_1[fn]
    assert same(run(f, x), fn(x))
    if fn not in NOT_DIFFERENTIABLE:
        check(f, x)
        second_order(f, x)


@pytest.mark.parametrize("fn", list(MATH_2), ids=lambda f: f.__name__)
def test_math_two_arguments(fn):
    def f(x, y):
        return fn(x, y)
    x, y = MATH_2[fn]
    assert same(run(f, x, y), fn(x, y))
    if fn not in NOT_DIFFERENTIABLE:
        check(f, x, y, argnums=0 if fn is math.ldexp else (0, 1))
        second_order(lambda v: f(v, y), x)


def test_math_prod():
    def f(t, x):
        return math.prod(t) + math.prod((x, x, 2.0), start=0.5)
    assert same(run(f, (2, 3, 4), 1.5), f((2, 3, 4), 1.5))
    check(f, (2.0, 3.0, 0.0), 1.5, argnums=(0, 1))


def test_math_on_integers_and_domain_errors():
    def f(n):
        return math.factorial(n) + math.isqrt(n * 10)
    assert same(run(f, 5), 127)

    def g(x):
        return math.acos(x)
    with pytest.raises(myia.MyiaError, match="math domain error") as info:
        run(g, 2.0)
    assert info.value.location.line == g.__code__.co_firstlineno + 1


# ----- isinstance ----------------------------------------------------------------

@dataclasses.dataclass
class Node:
    left: Optional["Node"]
    value: float
    right: Optional["Node"]


@dataclasses.dataclass
class Leaf:
    value: float


def tree_sum(t):
    if isinstance(t, Leaf):
        return t.value
    if isinstance(t, Node):
        return tree_sum(t.left) + t.value * 2.0 + tree_sum(t.right)
    return 0.0  # None


def classify(x):
    return (isinstance(x, int), isinstance(x, float), isinstance(x, tuple),
            isinstance(x, (int, float)), isinstance(x, np.ndarray),
            isinstance(x, NoneType))


NoneType = type(None)


def test_isinstance():
    t = Node(Leaf(1.5), 0.5, Node(None, 2.0, Leaf(-1.0)))
    assert run(tree_sum, t) == tree_sum(t) == 5.5
    g = grad(tree_sum)(t)
    assert g == Node(Leaf(1.0), 2.0, Node(None, 2.0, Leaf(1.0)))
    for x in (1, 1.5, True, (1,), np.ones(2), None, np.float64(2.0)):
        assert run(classify, x) == classify(x)


# ----- numpy -----------------------------------------------------------------

def x23():
    return RNG.normal(size=(2, 3))


NUMPY = [  # (name, function, arguments)
    ("prod", lambda x: np.sum(np.prod(x, axis=0) * x[1]) + np.prod(x) + x.prod(1)[0], x23),
    ("prod_zeros", lambda x: np.prod(x * np.array((1.0, 0.0, 1.0)), axis=1)[0] + np.prod(
        x * np.array(((0.0, 0.0, 1.0), (1.0, 1.0, 1.0))), axis=None), x23),
    ("var", lambda x: np.var(x), x23),
    ("var_axis", lambda x: np.sum(np.var(x, axis=0, keepdims=True) * x), x23),
    ("var_ddof", lambda x: np.var(x, ddof=1), x23),
    ("std", lambda x: np.sum(np.std(x, axis=1)), x23),
    ("clip", lambda x: np.sum(np.clip(x, -0.5, 0.5) * x), x23),
    ("square", lambda x: np.sum(np.square(x)), x23),
    ("norm", lambda x: np.linalg.norm(x), x23),
    ("norm_axis", lambda x: np.sum(np.linalg.norm(x, axis=1)), x23),
    ("outer", lambda x: np.sum(np.outer(x[0], x[1]) ** 2), x23),
    ("stack", lambda x: np.sum(np.stack((x, x * 2.0), axis=1) ** 2), x23),
    ("einsum", lambda x: np.sum(np.einsum("ij,kj->ik", x, x) ** 2), x23),
    ("einsum_trace_free", lambda x: np.einsum("ij,ij->", x, x), x23),
    ("array", lambda x: np.sum(np.array((x[0, 0], x[1, 2] * 2.0)) ** 2), x23),
    ("sum_builtin", lambda x: sum(x) @ x[0], x23),
    ("methods", lambda x: x.sum() + x.mean(axis=0) @ x.min(0) + x.min(1) @ x.max(
        axis=1, keepdims=True)[:, 0] + x.reshape(3, 2)[1, 0] + x.reshape((6,))[5]
     + x.T.sum(0)[1], x23),
    ("astype", lambda x: np.sum(x.astype(np.float64) * x) + x.argmax(), x23),
    ("round_argmax", lambda x: np.sum(x) * round(2.6) + np.argmax(x) + np.argmin(x, 0)[1],
     x23),
    ("any_all", lambda x: np.sum(x) * float(np.any(x > 0.0)) + float(np.all(x > 5.0)), x23),
]


@pytest.mark.parametrize("name,f,make", NUMPY, ids=[n[0] for n in NUMPY])
def test_numpy_functions_and_methods(name, f, make):
    x = make()
    assert same(run(f, x), f(x))
    check(f, x)
    v = RNG.normal(size=x.shape)
    hvp = grad(lambda y: np.sum(grad(f)(y) * v))(x)
    numeric = (grad(f)(x + EPS * v) - grad(f)(x - EPS * v)) / (2 * EPS)
    np.testing.assert_allclose(hvp, numeric, rtol=1e-4, atol=1e-5)


def test_argmax_and_friends_return_integers():
    def f(x):
        return np.argmax(x), np.argmin(x, axis=0), x.argmax(axis=1), round(1.5), round(2.567, 1)
    x = x23()
    assert same(run(f, x), f(x))
    assert isinstance(run(f, x)[3], int)


def test_if_on_an_array_says_to_reduce_it():
    def f(x):
        return 1.0 if x > 0 else 0.0
    with pytest.raises(myia.MyiaTypeError, match=r"np.any\(x\) or np.all\(x\)"):
        run(f, np.ones(3))
    assert run(f, np.ones(1)) == 1.0 and run(lambda x: f(np.any(x)), np.ones(3)) == 1.0


def test_unsupported_gradients_are_errors_not_numbers():
    with pytest.raises(myia.MyiaTypeError, match="a diagonal"):
        grad(lambda x: np.einsum("ii->", x))(np.ones((2, 2)))
    assert run(lambda x: np.einsum("ii->", x), np.eye(2)) == 2.0
    with pytest.raises(myia.MyiaTypeError, match="ord=None only"):
        run(lambda x: np.linalg.norm(x, 1), np.ones(2))


def test_suggested_spellings():
    def f(x):
        return np.power(x, 2)
    with pytest.raises(myia.MyiaSyntaxError, match=r"write x \*\* y"):
        run(f, 1.0)

    def g(x):
        return x.ravel()
    with pytest.raises(myia.MyiaTypeError, match=r"write np.reshape\(x, -1\).*the methods "
                       "are all, any, argmax"):
        run(g, np.ones(2))


def keyword_method(x, k):
    return np.sum(x.sum(axis=k, keepdims=True) * x)


def test_keywords_to_methods_under_first_and_second_order():
    x = x23()
    check(keyword_method, x, 0)
    check(keyword_method, x, 1)
    v = RNG.normal(size=x.shape)
    hvp = grad(lambda y: np.sum(grad(keyword_method)(y, 1) * v))(x)
    numeric = (grad(keyword_method)(x + EPS * v, 1) -
               grad(keyword_method)(x - EPS * v, 1)) / (2 * EPS)
    np.testing.assert_allclose(hvp, numeric, rtol=1e-4, atol=1e-5)
