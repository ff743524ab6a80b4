"""The Python and numpy functions the subset knows, mapped onto primitives.

`CONVERTERS` says what a global name means inside Myia code: a primitive, or
a helper written here in the subset itself (parsed like user code, so it is
stepped through and differentiated like user code).  Module constants such as
`math.pi` are plain values and need no entry.
"""

import math

import numpy as np

from . import prims as P
from .prims.pymath import MATH


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


CONVERTERS = {
    # builtins
    len: P.len_, abs: P.abs_,
    max: builtin_max, min: builtin_min,
    # math
    math.exp: P.math_exp, math.log: P.math_log, math.sqrt: P.math_sqrt,
    math.sin: P.math_sin, math.cos: P.math_cos, math.tan: P.math_tan,
    math.tanh: P.math_tanh, math.sinh: P.math_sinh, math.cosh: P.math_cosh,
    math.atan: P.math_atan, math.log1p: P.math_log1p, math.expm1: P.math_expm1,
    math.floor: P.math_floor, math.ceil: P.math_ceil,
    **MATH,  # the rest of math: trunc, fabs, hypot, atan2, erf, gamma...
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
}

# Two-argument helpers that Python also calls with one iterable or with more
# than two arguments: the parser uses the iterable form for `max(xs)` and
# folds `max(a, b, c)` into `max(max(a, b), c)`.
ITERABLE_FORMS = {builtin_max: builtin_max_of, builtin_min: builtin_min_of}
