"""Array primitives: reductions, linear algebra, shape changes and creation.

Each implementation is the numpy function with numpy's own parameters (and
parameter names, so `np.sum(a=x)` works too), so `axis=` and `keepdims=`
behave as in numpy.  `sum_to` and `broadcast_to` are
the two shape adapters the backward pass of broadcasting operations needs.
"""

import numpy as np

from . import Primitive


def _reduce_sum(a, axis=None, keepdims=False):
    return np.sum(a, axis=axis, keepdims=keepdims)


def _mean(a, axis=None, keepdims=False):
    return np.mean(a, axis=axis, keepdims=keepdims)


def _amax(a, axis=None, keepdims=False):
    return np.max(a, axis=axis, keepdims=keepdims)


def _amin(a, axis=None, keepdims=False):
    return np.min(a, axis=axis, keepdims=keepdims)


reduce_sum = Primitive("sum", _reduce_sum)
mean = Primitive("mean", _mean)
amax = Primitive("max", _amax)
amin = Primitive("min", _amin)


def _dot(a, b):
    return np.dot(a, b)


def _matmul(x, y):
    return np.matmul(x, y)


dot = Primitive("dot", _dot)
matmul = Primitive("matmul", _matmul, dunder="__matmul__", rdunder="__rmatmul__")


def _transpose(a, axes=None):
    return np.transpose(a, axes)


def _reshape(x, shape):
    return np.reshape(x, shape)


def _concatenate(xs, axis=0):
    return np.concatenate(xs, axis=axis)


def _split(ary, indices_or_sections, axis=0):
    return tuple(np.split(ary, indices_or_sections, axis=axis))


def _where(c, x, y):
    return np.where(c, x, y)


transpose = Primitive("transpose", _transpose)
reshape = Primitive("reshape", _reshape)
concatenate = Primitive("concatenate", _concatenate)
split = Primitive("split", _split)
where = Primitive("where", _where)


def _shape(x):
    return np.shape(x)


def _size(x):
    return np.size(x)


shape = Primitive("shape", _shape, differentiable=False)
size = Primitive("size", _size, differentiable=False)


def _zeros(shape, dtype=float):
    return np.zeros(shape, dtype)


def _ones(shape, dtype=float):
    return np.ones(shape, dtype)


def _full(shape, fill_value, dtype=None):
    return np.full(shape, fill_value, dtype)


def _zeros_like(a, dtype=None):
    return np.zeros_like(a, dtype)


def _ones_like(a, dtype=None):
    return np.ones_like(a, dtype)


def _arange(start, stop=None, step=None, dtype=None):
    return np.arange(start, stop, step, dtype)


zeros = Primitive("zeros", _zeros, differentiable=False)
ones = Primitive("ones", _ones, differentiable=False)
full = Primitive("full", _full)
zeros_like = Primitive("zeros_like", _zeros_like, differentiable=False)
ones_like = Primitive("ones_like", _ones_like, differentiable=False)
arange = Primitive("arange", _arange, differentiable=False)


def _sum_to(x, shape):
    """Sum `x` down to `shape`: undoes numpy broadcasting of a `shape` operand."""
    x = np.asarray(x) if not np.isscalar(x) else x
    if np.shape(x) == tuple(shape):
        return x
    lead = np.ndim(x) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and np.shape(x)[lead + i] != 1
    )
    r = np.sum(x, axis=axes, keepdims=True)
    return np.reshape(r, shape)


def _broadcast_to(x, shape):
    return np.broadcast_to(x, shape).copy()


sum_to = Primitive("sum_to", _sum_to)
broadcast_to = Primitive("broadcast_to", _broadcast_to)
