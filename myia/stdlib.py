"""The Python and numpy functions the subset knows, mapped onto primitives.

`CONVERTERS` says what a global name means inside Myia code: a primitive, or
a helper written here in the subset itself (parsed like user code, so it is
stepped through and differentiated like user code).  Module constants such as
`math.pi` are plain values and need no entry.
"""

import math

import numpy as np

from . import prims as P
from .prims.pymath_rest import MATH


def range_test(i, stop, step):
    """Whether a `for ... in range` loop goes on (the sign of step decides)."""
    return i < stop if step > 0 else i > stop


def builtin_max(x, y):
    """Python's `max(x, y)`: `x` unless `y` is greater.

    Not `np.maximum`, which would turn `max(2, 2.0)` into `2.0` (CPython
    gives the int 2), return numpy scalars and propagate any NaN.
    """
    return y if y > x else x


def builtin_min(x, y):
    """Python's `min(x, y)`: `x` unless `y` is smaller (see `builtin_max`)."""
    return y if y < x else x


def builtin_max_of(xs):
    """Python's `max(xs)` over a tuple or an array's first axis."""
    m = xs[0]
    for x in xs:
        m = builtin_max(m, x)
    return m


def builtin_min_of(xs):
    """Python's `min(xs)` over a tuple or an array's first axis."""
    m = xs[0]
    for x in xs:
        m = builtin_min(m, x)
    return m


def builtin_sum(xs, start=0):
    """Python's `sum(xs, start)` over a tuple or an array's first axis."""
    s = start
    for x in xs:
        s = s + x
    return s


def math_prod(xs, start=1):
    """`math.prod(xs, start)`: the items multiplied in order, from `start`."""
    p = start
    for x in xs:
        p = p * x
    return p


def np_square(x):
    """`np.square(x)`: `x * x`, which numpy computes exactly the same way."""
    return x * x


def np_clip(a, a_min, a_max):
    """`np.clip(a, a_min, a_max)`: numpy's own definition, min(max(a, lo), hi)."""
    return np.minimum(np.maximum(a, a_min), a_max)


def np_var(a, axis=None, keepdims=False, ddof=0):
    """`np.var`: the mean squared deviation from the mean, over `n - ddof`."""
    m = np.mean(a, axis=axis, keepdims=True)
    d = a - m
    s = np.sum(d * d, axis=axis, keepdims=keepdims)
    n = np.size(a) // np.size(m)
    return s / (n - ddof)


def np_std(a, axis=None, keepdims=False, ddof=0):
    """`np.std`: the square root of `np.var`."""
    return np.sqrt(np_var(a, axis, keepdims, ddof))


def np_linalg_norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002
    """`np.linalg.norm` for `ord=None`: the 2-norm of a vector, Frobenius of a
    matrix, or of each slice along `axis`.  Other orders raise `MyiaTypeError`."""
    return P.require(ord is None, "np.linalg.norm supports ord=None only",
                     np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims)))


def np_outer(a, b):
    """`np.outer(a, b)`: `a` flattened as a column times `b` flattened as a row."""
    return np.reshape(a, (-1, 1)) * np.reshape(b, (1, -1))


CONVERTERS = {
    # builtins
    len: P.len_, abs: P.abs_,
    max: builtin_max, min: builtin_min, sum: builtin_sum, round: P.round_,
    isinstance: P.isinstance_,
    # math
    math.exp: P.math_exp, math.log: P.math_log, math.sqrt: P.math_sqrt,
    math.sin: P.math_sin, math.cos: P.math_cos, math.tan: P.math_tan,
    math.tanh: P.math_tanh, math.sinh: P.math_sinh, math.cosh: P.math_cosh,
    math.atan: P.math_atan, math.log1p: P.math_log1p, math.expm1: P.math_expm1,
    math.floor: P.math_floor, math.ceil: P.math_ceil,
    **MATH,  # the rest of math: trunc, fabs, hypot, atan2, erf, gamma...
    math.prod: math_prod,
    # numpy
    np.exp: P.exp, np.log: P.log, np.log1p: P.log1p, np.expm1: P.expm1,
    np.sqrt: P.sqrt, np.sin: P.sin, np.cos: P.cos, np.tan: P.tan,
    np.tanh: P.tanh, np.sinh: P.sinh, np.cosh: P.cosh, np.arctan: P.arctan,
    np.abs: P.abs_, np.absolute: P.abs_, np.floor: P.floor, np.ceil: P.ceil,
    np.sign: P.sign, np.maximum: P.maximum, np.minimum: P.minimum,
    np.sum: P.reduce_sum, np.mean: P.mean, np.max: P.amax, np.min: P.amin,
    np.amax: P.amax, np.amin: P.amin,
    np.dot: P.dot, np.matmul: P.matmul, np.transpose: P.transpose,
    np.reshape: P.reshape, np.concatenate: P.concatenate, np.split: P.split,
    np.where: P.where, np.shape: P.shape, np.size: P.size, np.zeros: P.zeros,
    np.ones: P.ones, np.full: P.full, np.zeros_like: P.zeros_like,
    np.ones_like: P.ones_like, np.arange: P.arange,
    np.argmax: P.argmax, np.argmin: P.argmin, np.any: P.any_, np.all: P.all_,
    np.stack: P.stack, np.einsum: P.einsum, np.array: P.array_, np.prod: P.prod,
    np.square: np_square, np.clip: np_clip, np.var: np_var, np.std: np_std,
    np.linalg.norm: np_linalg_norm, np.outer: np_outer,
}

# What to write instead of a function Myia does not have (named in the error).
SPELLINGS = {
    np.add: "x + y", np.subtract: "x - y", np.multiply: "x * y",
    np.divide: "x / y", np.negative: "-x", np.power: "x ** y",
    np.floor_divide: "x // y", np.mod: "x % y", np.asarray: "np.array(x)",
    np.fabs: "np.abs(x)",
    np.arcsin: "math.asin(x) on a float", np.arccos: "math.acos(x) on a float",
    np.log10: "math.log10(x) on a float", np.log2: "math.log2(x) on a float",
    math.fsum: "sum(xs) (rounded at each step, where math.fsum is exact)",
    np.ravel: "np.reshape(x, -1)", np.vstack: "np.concatenate or np.stack",
    np.hstack: "np.concatenate", np.expand_dims: "np.reshape",
    np.squeeze: "np.reshape",
}

# Two-argument helpers that Python also calls with one iterable or with more
# than two arguments: the parser uses the iterable form for `max(xs)` and
# folds `max(a, b, c)` into `max(max(a, b), c)`.
ITERABLE_FORMS = {builtin_max: builtin_max_of, builtin_min: builtin_min_of}
