"""Every primitive, from one table (STYLE lesson 10, like JAX's LAX_GRAD_OPS).

Each `Row` of `TABLE` says how to test one primitive: `cases(rng)` gives
argument tuples (float64 scalars and arrays, broadcasting variants, axis and
keepdims variants), `ref` the numpy reference for the implementation, `diff`
the argument positions that are differentiated.  `fn` is what is called on
the arguments, the primitive itself unless the primitive takes or returns a
structure (then a small function in the subset builds or reads it).

`test_primitive` checks, for every row and case: the implementation against
numpy; for differentiable primitives, the gradient (through `myia.grad` on
the debug VM) against central finite differences in random directions, and
the same for the gradient of a scalar function of the gradient (second
order).  `test_table_is_complete` fails when a primitive has no row, or is
differentiable but has no backpropagator.
"""

import dataclasses

import math

import numpy as np
import pytest
import scipy.special

import myia
from myia import prims as P
from myia import types as T
from myia.grad import _STRUCTURAL
from myia.infer import constant_type
from myia.prims.adjoint import NEWENV, ZERO
from myia.prims.rules import elementwise

EPS = 1e-5
RTOL, ATOL = 1e-5, 1e-6


# ----- argument generators -------------------------------------------------

def arr(rng, shape, low=None, high=None):
    """A float64 array (a Python float for shape ()), normal or uniform."""
    if low is None:
        x = rng.normal(size=shape)
    else:
        x = rng.uniform(low, high, size=shape)
    return float(x) if shape == () else x


SHAPES1 = [(), (3,), (2, 3)]
# Pairs of broadcastable shapes (() is a Python float).
SHAPES2 = [((), ()), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3))]


def unary(low=None, high=None):
    return lambda rng: [(arr(rng, s, low, high),) for s in SHAPES1]


def binary(low=None, high=None, low2=None, high2=None):
    return lambda rng: [(arr(rng, a, low, high), arr(rng, b, low2 if low2 is not None
                                                      else low, high2 or high))
                        for a, b in SHAPES2]


def away_from_zero(rng, shape):
    x = arr(rng, shape, 0.2, 1.5)
    return x * rng.choice([-1, 1], size=np.shape(x)) if shape else -x


def reductions(rng):
    x = rng.normal(size=(2, 3, 4))
    return [(x, None, False), (x, 0, False), (x, 1, True), (x, (0, 2), False),
            (x, -1, True), (x, None, True), (rng.normal(size=(5,)), 0, False)]


def matmuls(rng):
    shapes = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
              ((2, 2, 3), (2, 3, 4)), ((2, 3), (5, 3, 4)), ((3,), (2, 3, 4)),
              ((2, 3, 4), (4,)), ((2, 1, 2, 3), (4, 3, 2))]
    return [(rng.normal(size=a), rng.normal(size=b)) for a, b in shapes]


def dots(rng):
    shapes = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4))]
    return [(rng.normal(size=a), rng.normal(size=b)) for a, b in shapes] + \
        [(2.0, rng.normal(size=(3,)))]


def convs(rng):
    x, w = rng.normal(size=(2, 3, 5, 6)), rng.normal(size=(4, 3, 3, 2))
    return [(x, w, 1, 0), (x, w, 2, 1), (rng.normal(size=(1, 2, 4, 4)),
                                         rng.normal(size=(3, 2, 2, 2)), (1, 2), (0, 1))]


def conv_input_grads(rng):
    return [(rng.normal(size=(2, 4, 3, 5)), rng.normal(size=(4, 3, 3, 2)), (2, 3, 5, 6),
             1, 0),
            (rng.normal(size=(2, 4, 3, 4)), rng.normal(size=(4, 3, 3, 2)), (2, 3, 5, 6),
             2, 1)]


def conv_weight_grads(rng):
    return [(rng.normal(size=(2, 3, 5, 6)), rng.normal(size=(2, 4, 3, 5)), (4, 3, 3, 2),
             1, 0),
            (rng.normal(size=(2, 3, 5, 6)), rng.normal(size=(2, 4, 3, 4)), (4, 3, 3, 2),
             2, 1)]


def ref_conv2d(x, w, stride=1, padding=0):
    """Convolution by the definition, one output element at a time."""
    (sh, sw), (ph, pw) = [(v, v) if np.ndim(v) == 0 else v for v in (stride, padding)]
    x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    kh, kw = w.shape[2:]
    oh, ow = (x.shape[2] - kh) // sh + 1, (x.shape[3] - kw) // sw + 1
    out = np.zeros((x.shape[0], w.shape[0], oh, ow))
    for n in range(x.shape[0]):
        for o in range(w.shape[0]):
            for i in range(oh):
                for j in range(ow):
                    out[n, o, i, j] = np.sum(
                        x[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw] * w[o])
    return out


def ref_conv2d_input_grad(d, w, xshape, stride, padding):
    """<conv2d(e_k, w), d> for each basis vector e_k of the input space."""
    dx = np.zeros(xshape)
    for k in np.ndindex(*xshape):
        e = np.zeros(xshape)
        e[k] = 1
        dx[k] = np.sum(P.conv2d(e, w, stride, padding) * d)
    return dx


def ref_conv2d_weight_grad(x, d, wshape, stride, padding):
    dw = np.zeros(wshape)
    for k in np.ndindex(*wshape):
        e = np.zeros(wshape)
        e[k] = 1
        dw[k] = np.sum(P.conv2d(x, e, stride, padding) * d)
    return dw


def ref_max_pool2d(x, size, stride=None):
    stride = size if stride is None else stride
    oh, ow = (x.shape[2] - size) // stride + 1, (x.shape[3] - size) // stride + 1
    return np.array([[[[np.max(x[n, c, i * stride:i * stride + size,
                                 j * stride:j * stride + size]) for j in range(ow)]
                       for i in range(oh)] for c in range(x.shape[1])]
                     for n in range(x.shape[0])])


def pools(rng):
    return [(rng.normal(size=(2, 3, 4, 6)), 2, None), (rng.normal(size=(1, 2, 5, 5)), 3, 1),
            (rng.normal(size=(1, 2, 5, 4)), 2, 1)]


def call_max_pool2d_grad(x, d, size, stride):
    return P.max_pool2d_grad(x, P.max_pool2d(x, size, stride), d, size, stride)


def call_max_pool2d_select(x, d, size, stride):
    return P.max_pool2d_select(x, P.max_pool2d(x, size, stride), d, size, stride)


def pool_grads(rng, like_out):
    out = []
    for x, size, stride in pools(rng):
        y = ref_max_pool2d(x, size, stride)
        out.append((x, rng.normal(size=(y if like_out else x).shape), size, stride))
    return out


def pool_argmax(x, size, stride):
    """(n, c, i, j) -> the position in x of the (first) max of window (i, j)."""
    stride = size if stride is None else stride
    y = ref_max_pool2d(x, size, stride)
    for n, c, i, j in np.ndindex(*y.shape):
        win = x[n, c, i * stride:i * stride + size, j * stride:j * stride + size]
        a, b = np.unravel_index(np.argmax(win), win.shape)
        yield (n, c, i, j), (n, c, i * stride + a, j * stride + b)


def ref_pool_grad(x, d, size, stride):
    dx = np.zeros_like(x)
    for o, p in pool_argmax(x, size, stride):
        dx[p] += d[o]
    return dx


def ref_pool_select(x, dx, size, stride):
    d = np.zeros(ref_max_pool2d(x, size, stride).shape)
    for o, p in pool_argmax(x, size, stride):
        d[o] = dx[p]
    return d


# ----- functions in the subset for structured primitives -------------------

@dataclasses.dataclass
class Pair:
    a: object
    b: object

    def prod(self, k):
        return self.a * self.b * k

    def __add__(self, other):
        return Pair(self.a + other.a, self.b * other.b)

    def __rmul__(self, k):
        return Pair(self.a * k, np.sin(self.b) * k)

    def __neg__(self):
        return Pair(self.b, -self.a)


def proj_array(out, w):
    return np.sum(out * w)


def proj_tuple(out, w):
    s = 0.0
    for i in range(len(out)):
        s = s + np.sum(out[i] * w[i])
    return s


def call_make_tuple(x, y):
    return P.make_tuple(x, y)


def call_make_record(x, y):
    r = P.make_record(Pair, x, y)
    return r.a * r.b


def call_getattr_field(x, y):
    return P.getattr_(Pair(x, y), "b") * x


def call_getattr_T(x):
    return P.getattr_(x, "T")


def call_getitem_tuple(x, y, i):
    return P.getitem((x, y, x * y), i)


def call_unpack_item_tuple(x, y, i):
    return P.unpack_item((x, y, x * y), i, 3)


def call_depend(x, y):
    return P.depend(x * y, P.unpack_item((x, y), 0, 2))


def call_partial(x, y):
    return P.partial(P.mul, x)(y)


def call_concatenate(x, y, axis):
    return P.concatenate((x, y), axis)


def call_fill_like(x, y):
    return P.fill_like((x, ZERO), (y, y))


def call_env(x, y):
    e = P.env_setitem(P.env_setitem(NEWENV, "a", x), "b", y * x)
    return P.env_getitem(e, "b", ZERO) + P.env_getitem(e, "a", 0.0)


def call_getattr_sens_record(x, y):
    r = P.getattr_sens(Pair(x, y), "a", y * x)
    return r.a


def call_field_sens(x, y):
    return P.field_sens(Pair(x, y * x), 1)


def call_method(x, y):
    return Pair(x, y).prod(x)


def call_dunder(x, y):
    p = -(Pair(x, y) + Pair(y, x))
    q = 2.0 * p
    return q.a * q.b * x


def call_record_sens(x, y):
    return P.record_sens(Pair(x, y), 0, x * y).a


def call_regroup(x, y):
    t = P.regroup((ZERO, x, y, x * y), 2)
    return t[0][1] * t[2]


def call_ungroup(x, y):
    t = P.ungroup((ZERO, x, y, x), 2, ((ZERO, x), y, x * y))
    return t[1] * t[3]


def call_kw_split(x, y):
    t = P.kw_split((ZERO, x, y, x * y), 1)
    return t[0][1] * t[1]


def call_kw_join(x, y):
    t = P.kw_join((ZERO, x, y, x), 1, ((ZERO, x, y), x * y))
    return t[1] * t[3]


def call_stack(x, y, axis):
    return P.stack((x, y), axis)


def call_einsum1(spec, x):
    return P.einsum(spec, x, None)


def call_array(x, y):
    return P.array_(((x, y), (y, x * y)), None)


def call_array_to_tuple(x):
    t = P.array_to_tuple(x, ((0.0, 0.0), (0.0, 0.0)))
    return t[0][1] * t[1][0] + t[1][1]


def call_isinstance(x):
    return P.isinstance_(x, (float, tuple))


def arg_reductions(rng):
    x = rng.normal(size=(2, 3, 4))
    return [(x, None, False), (x, 1, True), (x, -1, False), (rng.normal(size=5), 0, False)]


def bool_reductions(rng):
    return [(x > 0.5, a, k) for x, a, k in arg_reductions(rng)]


def einsums(rng):
    n = rng.normal
    return [("ij,jk->ik", n(size=(2, 3)), n(size=(3, 4))), ("i,i->", n(size=3), n(size=3)),
            ("ij,kj->ik", n(size=(2, 3)), n(size=(4, 3))), ("i,j->ij", n(size=2), n(size=3)),
            ("bij,bjk->bik", n(size=(2, 2, 3)), n(size=(2, 3, 2))),
            ("ij,jk", n(size=(2, 3)), n(size=(3, 2))), ("ij,k->i", n(size=(2, 3)), n(size=4))]


def call_gadd_tuple(x, y):
    t = P.gadd((x, y), (y, ZERO))
    return t[0] * t[1]


def call_switch(c, x, y):
    return P.switch(c, x, y) * x


def _scale(a, b):
    return a * b


def call_bind_keywords(x, y):
    f = _scale if x is not None else _scale  # a callee known only at run time
    return f(x, b=y)


def math_scalars(low=-2.0, high=2.0, extra=()):
    return lambda rng: [(float(rng.uniform(low, high)), *extra) for _ in range(3)]


def math_pairs(low, high, low2, high2):
    return lambda rng: [(float(rng.uniform(low, high)), float(rng.uniform(low2, high2)))
                        for _ in range(3)]


def math_ints(*arity):
    return lambda rng: [tuple(int(v) for v in rng.integers(1, 12, size=len(arity)))
                        for _ in range(3)]


def specials(rng):
    return [(0.5,), (float("nan"),), (float("inf"),), (-float("inf"),), (-2.0,)]


def call_check_differentiable(x):
    return P.check_differentiable(x, "x") * x


# ----- the table -----------------------------------------------------------

@dataclasses.dataclass
class Row:
    """How to test one primitive (see the module docstring)."""

    prim: object
    cases: object
    ref: object = None
    diff: tuple = (0,)
    fn: object = None
    proj: object = proj_array
    zero: bool = False  # the gradient is zero by definition (stop_gradient)


def nodiff(prim, cases, ref):
    return Row(prim, cases, ref, diff=())


def ints2(rng):
    return [(int(a), int(b)) for a, b in rng.integers(1, 20, size=(3, 2))] + \
        [(rng.integers(1, 20, size=(2, 3)), rng.integers(1, 4, size=(3,)))]


def floats_and_arrays(rng):
    return [(arr(rng, s),) for s in SHAPES1]


POS = dict(low=0.3, high=2.0)
# Primitives whose gradient is not implemented: `grad` through them raises a
# clear MyiaTypeError (checked below) instead of computing anything wrong.
NO_AD = []
TABLE = [
    # math.*: CPython's own functions, on Python floats
    Row(P.math_exp, math_scalars(), math.exp),
    Row(P.math_log, math_scalars(0.3, 2.0, (None,)), lambda x, b: math.log(x)),
    Row(P.math_log1p, math_scalars(0.3, 2.0), math.log1p),
    Row(P.math_expm1, math_scalars(), math.expm1),
    Row(P.math_sqrt, math_scalars(0.3, 2.0), math.sqrt),
    Row(P.math_sin, math_scalars(), math.sin),
    Row(P.math_cos, math_scalars(), math.cos),
    Row(P.math_tan, math_scalars(-1.0, 1.0), math.tan),
    Row(P.math_tanh, math_scalars(), math.tanh),
    Row(P.math_sinh, math_scalars(), math.sinh),
    Row(P.math_cosh, math_scalars(), math.cosh),
    Row(P.math_atan, math_scalars(), math.atan),
    nodiff(P.math_floor, math_scalars(), math.floor),
    nodiff(P.math_ceil, math_scalars(), math.ceil),
    Row(P.asin, math_scalars(-0.9, 0.9), np.arcsin),
    Row(P.acos, math_scalars(-0.9, 0.9), np.arccos),
    Row(P.asinh, math_scalars(), np.arcsinh),
    Row(P.acosh, math_scalars(1.2, 3.0), np.arccosh),
    Row(P.atanh, math_scalars(-0.9, 0.9), np.arctanh),
    Row(P.log10, math_scalars(0.3, 2.0), np.log10),
    Row(P.log2, math_scalars(0.3, 2.0), np.log2),
    Row(P.exp2, math_scalars(), np.exp2),
    Row(P.cbrt, lambda rng: [(0.7,), (-1.3,), (float(rng.uniform(0.3, 2.0)),)], np.cbrt),
    Row(P.fabs, lambda rng: [(-0.7,), (1.3,), (float(rng.uniform(0.3, 2.0)),)], np.fabs),
    Row(P.erf, math_scalars(), scipy.special.erf),
    Row(P.erfc, math_scalars(), scipy.special.erfc),
    Row(P.gamma, lambda rng: [(0.6,), (2.5,), (-1.5,), (float(rng.uniform(0.5, 3.0)),)],
        scipy.special.gamma),
    Row(P.lgamma, lambda rng: [(0.6,), (4.5,), (-1.5,), (float(rng.uniform(0.5, 3.0)),)],
        lambda x: scipy.special.loggamma(abs(x)) if x > 0 else math.lgamma(x)),
    Row(P.polygamma, lambda rng: [(0, 0.4), (1, 2.5), (2, 7.5), (0, -1.5), (3, 12.0)],
        lambda n, x: scipy.special.polygamma(n, x), (1,)),
    Row(P.degrees, math_scalars(), np.degrees),
    Row(P.radians, math_scalars(), np.radians),
    Row(P.atan2, math_pairs(-2.0, 2.0, 0.3, 2.0), np.arctan2, (0, 1)),
    Row(P.hypot, math_pairs(-2.0, 2.0, 0.3, 2.0), np.hypot, (0, 1)),
    Row(P.math_pow, math_pairs(0.3, 2.0, -2.0, 2.0), np.power, (0, 1)),
    Row(P.copysign, lambda rng: [(-0.7, 1.5), (1.3, -2.0), (0.4, 0.5)], np.copysign,
        (0, 1)),
    Row(P.fmod, math_pairs(2.5, 2.9, 1.5, 2.0), np.fmod, (0, 1)),
    Row(P.remainder, math_pairs(3.1, 3.3, 1.9, 2.0), lambda x, y: x - 2 * y, (0, 1)),
    Row(P.ldexp, lambda rng: [(0.7, 3), (-1.5, -2), (float(rng.normal()), 0)], np.ldexp),
    nodiff(P.trunc, math_scalars(-5.0, 5.0), np.trunc),
    nodiff(P.factorial, lambda rng: [(0,), (5,), (12,)], scipy.special.factorial),
    nodiff(P.isnan, specials, np.isnan),
    nodiff(P.isinf, specials, np.isinf),
    nodiff(P.isfinite, specials, np.isfinite),
    nodiff(P.isclose, lambda rng: [(1.0, 1.0 + 1e-10), (1.0, 1.1), (0.0, 1e-12, 1e-9, 1e-11)],
           lambda a, b, rel=1e-9, abs_=0.0: abs(a - b) <= max(rel * max(abs(a), abs(b)),
                                                              abs_)),
    nodiff(P.gcd, math_ints(1, 1), np.gcd),
    nodiff(P.lcm, math_ints(1, 1), np.lcm),
    nodiff(P.isqrt, lambda rng: [(0,), (15,), (16,), (10 ** 30,)],
           lambda n: int(np.floor(np.sqrt(n))) if n < 10 ** 15 else 10 ** 15),
    nodiff(P.comb, math_ints(1, 1), lambda n, k: round(scipy.special.comb(n, k))),
    nodiff(P.perm, math_ints(1, 1), lambda n, k: round(scipy.special.perm(n, k))),
    Row(P.bind_keywords, lambda rng: [(1.5, 2.0), (rng.normal(size=3), 0.5)], np.multiply,
        (0, 1), call_bind_keywords),
    nodiff(P.round_, lambda rng: [(2.5,), (-1.7,), (3.14159, 2), (3.5,)], round),
    Row(P.kw_split, binary(), lambda x, y: x * x * y, (0, 1), call_kw_split),
    Row(P.kw_join, binary(), lambda x, y: x * x * y, (0, 1), call_kw_join),
    Row(P.prod, lambda rng: [c for c in reductions(rng) if not isinstance(c[1], tuple)] +
        [(np.array([[1.5, 0.0, -2.0], [0.0, 0.0, 3.0]]), a, False) for a in (None, 0, 1)],
        lambda x, a, k: np.prod(x, axis=a, keepdims=k)),
    nodiff(P.argmax, arg_reductions, lambda x, a, k: np.argmax(x, axis=a, keepdims=k)),
    nodiff(P.argmin, arg_reductions, lambda x, a, k: np.argmin(x, axis=a, keepdims=k)),
    nodiff(P.any_, bool_reductions, lambda x, a, k: np.any(x, axis=a, keepdims=k)),
    nodiff(P.all_, bool_reductions, lambda x, a, k: np.all(x, axis=a, keepdims=k)),
    Row(P.stack, lambda rng: [(rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), a)
                              for a in (0, 1, -1)] + [(1.5, -0.5, 0)],
        lambda x, y, a: np.stack((x, y), a), (0, 1), call_stack),
    Row(P.unstack, lambda rng: [(rng.normal(size=(2, 3)), a) for a in (0, 1, -1)],
        lambda x, a: tuple(np.moveaxis(x, a, 0)), proj=proj_tuple),
    Row(P.einsum, einsums, np.einsum, (1, 2)),
    Row(P.einsum, lambda rng: [("ij->ji", rng.normal(size=(2, 3))),
                               ("ij->i", rng.normal(size=(2, 3))), ("i->", rng.normal(size=3)),
                               ("ijk->kj", rng.normal(size=(2, 3, 2)))],
        np.einsum, (1,), call_einsum1),
    nodiff(P.einsum_adjoint, lambda rng: [("ij,jk->ik", 0, (2, 3)), ("ij,jk->ik", 1, (3, 4)),
                                          ("ij,k->i", 0, (2, 3)), ("ij->", 0, (2, 3))],
           lambda s, w, shape: {("ij,jk->ik", 0): ("ik,jk->ij", (2, 3)),
                                ("ij,jk->ik", 1): ("ik,ij->jk", (3, 4)),
                                ("ij,k->i", 0): ("i,k->i", (2, 1)),
                                ("ij->", 0): ("->", (1, 1))}[s, w]),
    Row(P.array_, lambda rng: [(float(rng.normal()), float(rng.normal())) for _ in range(3)],
        lambda x, y: np.array(((x, y), (y, x * y))), (0, 1), call_array),
    Row(P.array_to_tuple, lambda rng: [(rng.normal(size=(2, 2)),)],
        lambda x: x[0, 1] * x[1, 0] + x[1, 1], (0,), call_array_to_tuple),
    Row(P.astype, lambda rng: [(rng.normal(size=(2, 3)), np.float64), (1.5, np.float64)],
        lambda x, d: np.asarray(x).astype(d)),
    Row(P.astype, lambda rng: [(rng.normal(size=(2, 3)), np.int64), (1.5, bool)],
        lambda x, d: np.asarray(x).astype(d), zero=True),
    nodiff(P.is_discrete, lambda rng: [(np.int64,), (float,), (bool,), (np.float32,)],
           lambda d: np.dtype(d).kind in "biu"),
    Row(P.reshape_method, lambda rng: [(rng.normal(size=(2, 3)), 3, 2),
                                       (rng.normal(size=(2, 3)), (6,)),
                                       (rng.normal(size=(2, 3)), -1)],
        lambda x, *s: np.reshape(x, s[0] if len(s) == 1 else s)),
    Row(P.isinstance_, lambda rng: [(1.0,), ((1,),), (None,), (2,), (np.float64(1),)],
        lambda x: isinstance(x, (float, tuple)), (), call_isinstance),
    Row(P.require, lambda rng: [(True, "m", rng.normal(size=3)), (True, "m", 1.5)],
        lambda c, m, v: v, (2,)),
    # scalar family, elementwise with broadcasting
    Row(P.add, binary(), np.add, (0, 1)),
    Row(P.sub, binary(), np.subtract, (0, 1)),
    Row(P.mul, binary(), np.multiply, (0, 1)),
    Row(P.truediv, binary(low=-2, high=2, low2=0.5, high2=2.0), np.true_divide, (0, 1)),
    nodiff(P.floordiv, ints2, np.floor_divide),
    Row(P.mod, binary(low=0.2, high=1.2, low2=1.5, high2=2.0), np.mod, (0, 1)),
    Row(P.pow_, binary(**POS), np.power, (0, 1)),
    Row(P.neg, unary(), np.negative),
    Row(P.pos, unary(), np.positive),
    nodiff(P.lt, binary(), np.less),
    nodiff(P.le, binary(), np.less_equal),
    nodiff(P.gt, binary(), np.greater),
    nodiff(P.ge, binary(), np.greater_equal),
    nodiff(P.eq, binary(), np.equal),
    nodiff(P.ne, binary(), np.not_equal),
    nodiff(P.not_, lambda rng: [(True,), (0.0,), (3,)], np.logical_not),
    nodiff(P.truth, lambda rng: [(True,), (0.0,), (3,)], bool),
    nodiff(P.bitand, ints2, np.bitwise_and),
    nodiff(P.bitor, ints2, np.bitwise_or),
    nodiff(P.bitxor, ints2, np.bitwise_xor),
    nodiff(P.invert, lambda rng: [(5,), (rng.integers(0, 9, size=3),)], np.invert),
    nodiff(P.lshift, ints2, np.left_shift),
    nodiff(P.rshift, ints2, np.right_shift),
    Row(P.exp, unary(), np.exp),
    Row(P.log, unary(**POS), np.log),
    Row(P.log1p, unary(**POS), np.log1p),
    Row(P.expm1, unary(), np.expm1),
    Row(P.sqrt, unary(**POS), np.sqrt),
    Row(P.sin, unary(), np.sin),
    Row(P.cos, unary(), np.cos),
    Row(P.tan, unary(low=-1.0, high=1.0), np.tan),
    Row(P.tanh, unary(), np.tanh),
    Row(P.sinh, unary(), np.sinh),
    Row(P.cosh, unary(), np.cosh),
    Row(P.arctan, unary(), np.arctan),
    Row(P.abs_, lambda rng: [(away_from_zero(rng, s),) for s in SHAPES1], np.abs),
    nodiff(P.floor, unary(), np.floor),
    nodiff(P.ceil, unary(), np.ceil),
    nodiff(P.sign, unary(), np.sign),
    Row(P.maximum, binary(), np.maximum, (0, 1)),
    Row(P.minimum, binary(), np.minimum, (0, 1)),
    Row(P.cast, lambda rng: [(1.5, float), (rng.normal(), np.float64)],
        lambda x, t: t(x)),
    # array family
    Row(P.reduce_sum, reductions, lambda x, a, k: np.sum(x, axis=a, keepdims=k)),
    Row(P.mean, reductions, lambda x, a, k: np.mean(x, axis=a, keepdims=k)),
    Row(P.amax, reductions, lambda x, a, k: np.max(x, axis=a, keepdims=k)),
    Row(P.amin, reductions, lambda x, a, k: np.min(x, axis=a, keepdims=k)),
    Row(P.dot, dots, np.dot, (0, 1)),
    Row(P.matmul, matmuls, np.matmul, (0, 1)),
    Row(P.transpose, lambda rng: [(rng.normal(size=(2, 3)), None),
                                  (rng.normal(size=(2, 3, 4)), (1, 2, 0))], np.transpose),
    Row(P.swapaxes, lambda rng: [(rng.normal(size=(2, 3)), 0, 1),
                                 (rng.normal(size=(2, 3, 4)), -1, -2)], np.swapaxes),
    Row(P.reshape, lambda rng: [(rng.normal(size=(2, 3)), (3, 2)),
                                (rng.normal(size=(2, 3, 2)), (-1,))], np.reshape),
    Row(P.concatenate, lambda rng: [(rng.normal(size=(2, 3)), rng.normal(size=(1, 3)), 0),
                                    (rng.normal(size=(2, 3)), rng.normal(size=(2, 2)), 1)],
        lambda x, y, axis: np.concatenate((x, y), axis), (0, 1), call_concatenate),
    Row(P.split, lambda rng: [(rng.normal(size=(4, 3)), 2, 0),
                              (rng.normal(size=(2, 5)), (1, 3), 1)],
        lambda x, s, a: tuple(np.split(x, s, a)), proj=proj_tuple),
    Row(P.where, lambda rng: [(rng.normal(size=(2, 3)) > 0, rng.normal(size=(2, 3)),
                               rng.normal(size=(3,))),
                              (np.array([True, False, True]), 1.5, rng.normal(size=(3,)))],
        np.where, (1, 2)),
    nodiff(P.shape, floats_and_arrays, np.shape),
    nodiff(P.size, floats_and_arrays, np.size),
    nodiff(P.zeros, lambda rng: [((2, 3), float), (4, np.int32)], np.zeros),
    nodiff(P.ones, lambda rng: [((2, 3), float), (4, np.int32)], np.ones),
    Row(P.full, lambda rng: [((2, 3), rng.normal(), None), (3, rng.normal(), np.float64)],
        np.full, (1,)),
    nodiff(P.zeros_like, lambda rng: [(rng.normal(size=(2, 3)), None), (2.0, None)],
           np.zeros_like),
    nodiff(P.ones_like, lambda rng: [(rng.normal(size=(2, 3)), None), (2.0, None)],
           np.ones_like),
    nodiff(P.arange, lambda rng: [(5, None, None, None), (1.0, 4.0, 0.5, None)],
           np.arange),
    Row(P.sum_to, lambda rng: [(rng.normal(size=(2, 3)), (3,)),
                               (rng.normal(size=(2, 3)), (2, 1)),
                               (rng.normal(size=(4, 2, 3)), (1, 3)),
                               (rng.normal(size=(2, 3)), ())],
        lambda x, s: np.sum(x, axis=tuple(i for i in range(x.ndim) if
                                          i < x.ndim - len(s) or
                                          s[i - x.ndim + len(s)] == 1),
                            keepdims=True).reshape(s)),
    Row(P.broadcast_to, lambda rng: [(rng.normal(size=(3,)), (2, 3)),
                                     (rng.normal(size=(2, 1)), (2, 3)), (1.5, (2,))],
        np.broadcast_to),
    Row(P.expand_reduced, lambda rng: [(rng.normal(size=(2,)), (2, 3), 1, False),
                                       (rng.normal(size=(1, 3)), (2, 3), 0, True),
                                       (rng.normal(), (2, 3), None, False)],
        lambda d, s, a, k: np.broadcast_to(d if k or a is None else
                                           np.expand_dims(d, a), s)),
    nodiff(P.inverse_permutation, lambda rng: [((1, 2, 0),), (None,)],
           lambda a: None if a is None else tuple(np.argsort(a))),
    nodiff(P.split_points, lambda rng: [((np.ones((2, 3)), np.ones((3, 3))), 0)],
           lambda xs, a: (2,)),
    Row(P.fill_like, lambda rng: [(rng.normal(size=(2,)), rng.normal(size=(2,)))],
        lambda x, y: (x, np.zeros_like(y)), (0,), call_fill_like, proj_tuple),
    # nn family
    Row(P.conv2d, convs, ref_conv2d, (0, 1)),
    Row(P.conv2d_input_grad, conv_input_grads,
        ref_conv2d_input_grad, (0, 1)),
    Row(P.conv2d_weight_grad, conv_weight_grads,
        ref_conv2d_weight_grad, (0, 1)),
    Row(P.max_pool2d, pools, ref_max_pool2d),
    Row(P.max_pool2d_grad, lambda rng: pool_grads(rng, True), ref_pool_grad, (0, 1),
        call_max_pool2d_grad),
    Row(P.max_pool2d_select, lambda rng: pool_grads(rng, False),
        ref_pool_select, (0, 1), call_max_pool2d_select),
    # structure family
    Row(P.make_tuple, binary(), lambda x, y: (x, y), (0, 1), call_make_tuple, proj_tuple),
    Row(P.getitem, lambda rng: [(rng.normal(size=(3, 4)), 1),
                                (rng.normal(size=(3, 4)), (slice(0, 2), 1)),
                                (rng.normal(size=(3, 4)), slice(1, None)),
                                (rng.normal(size=(3,)), -1)],
        lambda x, i: x[i]),
    Row(P.getitem, lambda rng: [(arr(rng, a), arr(rng, b), i) for (a, b), i in
                                zip(SHAPES2, [0, 1, 2, -1])],
        lambda x, y, i: (x, y, x * y)[i], (0, 1), call_getitem_tuple),
    nodiff(P.len_, lambda rng: [((1, 2, 3),), (rng.normal(size=(4, 2)),)], len),
    nodiff(P.unpack_item, lambda rng: [(rng.normal(size=(2, 3)), 1, 2), ((1.5, 2), 0, 2)],
           lambda x, i, n: x[i]),
    Row(P.unpack_item, lambda rng: [(arr(rng, a), arr(rng, b), i) for (a, b), i in
                                    zip(SHAPES2, [0, 1, 2])],
        lambda x, y, i: (x, y, x * y)[i], (0, 1), call_unpack_item_tuple),
    Row(P.depend, binary(), np.multiply, (0, 1), call_depend),
    Row(P.switch, lambda rng: [(c, arr(rng, a), arr(rng, b)) for c in (True, False)
                               for a, b in SHAPES2[:3]],
        lambda c, x, y: (x if c else y) * x, (1, 2), call_switch),
    Row(P.partial, binary(), np.multiply, (0, 1), call_partial),
    Row(P.make_record, binary(), np.multiply, (0, 1), call_make_record),
    Row(P.getattr_, binary(), lambda x, y: y * x, (0, 1), call_getattr_field),
    Row(P.getattr_, lambda rng: [(rng.normal(size=(2, 3)),)], np.transpose,
        (0,), call_getattr_T),
    nodiff(P.make_slice, lambda rng: [(1, None, 2)], slice),
    nodiff(P.is_, lambda rng: [(None, None), (1.0, None)], lambda x, y: x is y),
    nodiff(P.is_not, lambda rng: [(None, None), (1.0, None)], lambda x, y: x is not y),
    Row(P.identity, unary(), lambda x: x),
    nodiff(P.is_method, lambda rng: [(Pair(1.0, 2.0), "prod"), (Pair(1.0, 2.0), "a")],
           lambda x, n: n == "prod"),
    Row(P.find_dunder, binary(), lambda x, y: 2.0 * x * y * 2.0 * np.sin(-(x + y)) * x,
        (0, 1), call_dunder),
    Row(P.stop_gradient, unary(), lambda x: x, zero=True),
    # adjoint family
    Row(P.gadd, lambda rng: [(arr(rng, s), arr(rng, s)) for s in SHAPES1], np.add, (0, 1)),
    Row(P.gadd, lambda rng: [(arr(rng, s), arr(rng, s)) for s in SHAPES1],
        lambda x, y: (x + y) * y, (0, 1), call_gadd_tuple),
    Row(P.env_getitem, binary(), lambda x, y: y * x + x, (0, 1), call_env),
    Row(P.env_setitem, binary(), lambda x, y: y * x + x, (0, 1), call_env),
    nodiff(P.is_zero, lambda rng: [(ZERO,), (0.0,)], lambda x: x is ZERO),
    Row(P.fill_zeros, lambda rng: [(arr(rng, s), arr(rng, s)) for s in SHAPES1],
        lambda s, like: s, (0,)),
    nodiff(P.seed, lambda rng: [(2.0,), (np.float32(1.0),)], np.ones_like),
    Row(P.getitem_sens, lambda rng: [(np.ones((3, 4)), 1, rng.normal(size=(4,))),
                                     (np.ones((3, 4)), (slice(0, 2), 1),
                                      rng.normal(size=(2,)))],
        lambda x, i, d: _scatter(x, i, d), (2,)),
    Row(P.getattr_sens, lambda rng: [(np.ones((2, 3)), "T", rng.normal(size=(3, 2)))],
        lambda x, n, d: d.T, (2,)),
    Row(P.getattr_sens, binary(), lambda x, y: y * x, (0, 1), call_getattr_sens_record),
    Row(P.field_sens, binary(), lambda x, y: y * x, (0, 1), call_field_sens),
    Row(P.record_sens, binary(), lambda x, y: x * y, (0, 1), call_record_sens),
    Row(P.regroup, binary(), lambda x, y: x * x * y, (0, 1), call_regroup),
    Row(P.ungroup, binary(), lambda x, y: x * x * y, (0, 1), call_ungroup),
    Row(P.J, binary(), lambda x, y: x * y * x, (0, 1), call_method),
    Row(P.check_differentiable, unary(), lambda x: x * x, (0,),
        call_check_differentiable),
]


def _scatter(x, i, d):
    z = np.zeros_like(x)
    z[i] += d
    return z


# ----- checking ------------------------------------------------------------

def rand_like(rng, x):
    if isinstance(x, tuple):
        return tuple(rand_like(rng, y) for y in x)
    if isinstance(x, np.ndarray):
        return rng.normal(size=x.shape)
    return float(rng.normal())


def vdot(a, b):
    if isinstance(a, tuple):
        return sum(vdot(x, y) for x, y in zip(a, b))
    return float(np.sum(np.asarray(a) * np.asarray(b)))


def same_structure(a, b):
    if isinstance(b, tuple):
        return isinstance(a, tuple) and all(same_structure(x, y) for x, y in zip(a, b))
    if isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype
    return np.ndim(a) == 0


def check_grads(f, args, diff, rng, tries=2):
    """`grad(f, diff)` against central differences of `f` in random directions."""
    grads = myia.grad(f, diff)(*args)
    for i, g in zip(diff, grads):
        assert same_structure(g, args[i]), (g, args[i])
    for _ in range(tries):
        us = [rand_like(rng, args[i]) for i in diff]

        def moved(sign):
            xs = list(args)
            for i, u in zip(diff, us):
                xs[i] = xs[i] + sign * EPS * (np.asarray(u) if np.ndim(u) else u)
            return f(*xs)

        numeric = (moved(1) - moved(-1)) / (2 * EPS)
        analytic = sum(vdot(g, u) for g, u in zip(grads, us))
        np.testing.assert_allclose(analytic, numeric, rtol=RTOL, atol=ATOL)
    return grads


def objective(fn, proj, n):
    """`f(*args, w) = proj(fn(*args), w)`: a scalar function of the inputs."""
    if n == 1:
        def f(a, w):
            return proj(fn(a), w)
    elif n == 2:
        def f(a, b, w):
            return proj(fn(a, b), w)
    elif n == 3:
        def f(a, b, c, w):
            return proj(fn(a, b, c), w)
    elif n == 4:
        def f(a, b, c, d, w):
            return proj(fn(a, b, c, d), w)
    else:
        def f(a, b, c, d, e, w):
            return proj(fn(a, b, c, d, e), w)
    return f


def second_objective(f, diff, n):
    """`h(*args, w, v)`: the first-order gradients of `f`, projected on `v`."""
    g = myia.grad(f, diff)
    if n == 1:
        def h(a, w, v):
            return proj_tuple(g(a, w), v)
    elif n == 2:
        def h(a, b, w, v):
            return proj_tuple(g(a, b, w), v)
    elif n == 3:
        def h(a, b, c, w, v):
            return proj_tuple(g(a, b, c, w), v)
    elif n == 4:
        def h(a, b, c, d, w, v):
            return proj_tuple(g(a, b, c, d, w), v)
    else:
        def h(a, b, c, d, e, w, v):
            return proj_tuple(g(a, b, c, d, e, w), v)
    return h


def results_equal(a, b):
    if isinstance(a, tuple):
        return isinstance(b, tuple) and all(results_equal(x, y) for x, y in zip(a, b))
    if a is None or isinstance(a, (bool, slice, str)) or b is None:
        return a == b
    return np.allclose(a, b, rtol=1e-12, atol=1e-12) and np.shape(a) == np.shape(b)


def row_id(row):
    fn = row.fn.__name__ if row.fn is not None and hasattr(row.fn, "__name__") else ""
    return row.prim.name + (f"[{fn}]" if fn.startswith("call_") else "")


@pytest.mark.parametrize("row", TABLE, ids=[row_id(r) for r in TABLE])
def test_primitive(row):
    rng = np.random.default_rng(len(row.prim.name) * 7919 + len(row_id(row)))
    fn = row.fn or row.prim
    for args in row.cases(rng):
        out = fn(*args)
        assert results_equal(out, row.ref(*args)), (row.prim.name, args)
        if not row.diff:
            continue
        assert row.prim.differentiable
        w = rand_like(rng, out)
        f = objective(fn, row.proj, len(args))
        if row.zero:
            grads = myia.grad(f, row.diff)(*args, w)
            assert all(not np.any(g) for g in grads)
            continue
        grads = check_grads(f, (*args, w), row.diff, rng)
        v = rand_like(rng, grads)
        h = second_objective(f, row.diff, len(args))
        check_grads(h, (*args, w, v), row.diff, rng, tries=1)


def test_table_is_complete():
    covered = {id(r.prim) for r in TABLE}
    missing = [p.name for p in P.PRIMITIVES if id(p) not in covered]
    assert not missing, f"primitives with no row in TABLE: {missing}"
    listed = {id(p) for p in P.PRIMITIVES}
    assert all(id(r.prim) in listed for r in TABLE)
    no_bprop = [p.name for p in P.PRIMITIVES
                if p.differentiable and p.bprop is None and p not in _STRUCTURAL
                and p not in NO_AD]
    assert not no_bprop, f"differentiable primitives without a backpropagator: {no_bprop}"
    tested = {id(r.prim) for r in TABLE if r.diff}
    untested = [p.name for p in P.PRIMITIVES
                if p.differentiable and id(p) not in tested and p not in NO_AD]
    assert not untested, f"differentiable primitives whose gradient is not checked: {untested}"


NO_RULE = P.Primitive("no_rule", lambda x: x * 2.0,  # differentiable, no bprop
                      infer=elementwise)


def call_no_rule(x):
    return NO_RULE(x) * x


def test_grad_through_primitive_without_rule_is_a_clear_error():
    assert myia.myia(call_no_rule)(1.5) == 4.5
    with pytest.raises(myia.MyiaTypeError, match="no_rule.*no backpropagator"):
        myia.grad(call_no_rule)(1.5)


def test_every_primitive_has_every_facet():
    for p in P.PRIMITIVES:
        assert callable(p.impl) and callable(p.infer), p.name
        assert p.kernel is None or callable(p.kernel), p.name  # None: numba.njit(impl)
        assert set(p.static) <= set(p.params or ()), (p.name, p.static)
        assert p.bprop is not None or not p.differentiable or p in _STRUCTURAL \
            or p in NO_AD, p.name


def abstract_args(prim, args):
    """The abstract arguments inference would see: static parameters as constants."""
    out = []
    for name, a in zip(prim.params or [None] * len(args), args):  # None: variadic
        static = name in prim.static or isinstance(a, (str, type, tuple)) or a is None
        out.append(constant_type(a) if static else T.typeof(a))
    return out


DIRECT = [r for r in TABLE if r.fn is None]


@pytest.mark.parametrize("row", DIRECT, ids=[row_id(r) for r in DIRECT])
def test_infer_gives_the_type_shape_and_dtype_of_the_result(row):
    rng = np.random.default_rng(len(row.prim.name) * 31 + 7)
    for args in row.cases(rng):
        out = row.prim(*args)
        inferred = T.widen(row.prim.infer(*abstract_args(row.prim, args)))
        # Equal, but for dimensions a runtime argument leaves unknown (arange(n)).
        assert T.join(inferred, T.typeof(out)) == inferred, \
            (row.prim.name, args, str(inferred))


def test_math_impls_compile_with_numba():
    import numba
    for p in P.PRIMITIVES:
        if p in vars(P.pymath).values():  # math.exp...: pymath_rest's need not compile
            assert numba.njit(p.impl)(0.5) == p.impl(0.5), p.name


@dataclasses.dataclass
class _Pair:
    a: float
    b: float


def test_sensitivity_rules_accept_a_primal_that_may_be_zero():
    # Under second order, the primal of getitem's backpropagator is itself
    # a sensitivity (`T|ZERO`): ZERO there would raise at run time, so the
    # rule may assume the T.
    maybe = T.OrZero(T.Tuple([T.Float, T.ZeroType]))
    assert P.getitem_sens.infer(maybe, T.Const(0), T.Float) == \
        T.Tuple([T.Float, T.ZeroType])
    record = T.OrZero(T.typeof(_Pair(1.0, 2.0)))
    assert P.getattr_sens.infer(record, T.Const("a"), T.Float) == \
        T.Record(_Pair, [("a", T.Float), ("b", T.ZeroType)])
