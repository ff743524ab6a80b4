"""Array primitives: reductions, linear algebra, shape changes and creation.

Each implementation is the numpy function with numpy's own parameters (and
parameter names, so `np.sum(a=x)` works too), so `axis=` and `keepdims=`
behave as in numpy.  `sum_to` and `broadcast_to` are
the two shape adapters the backward pass of broadcasting operations needs.

Each primitive's CUDA facet, `_cuda_<name>(dev, ...)` (what the primitive
is on the GPU, in terms of the device operations `dev` of
myia/vm/cuda_arrays.py), follows its definition; with no array argument it
runs the impl on the host.
"""

import numpy as np

from .. import types as T
from .primitive import Primitive, elementwise_cuda
from ..errors import MyiaTypeError
from .rules import const_of, elementwise, sample, sampled
from .values import ZERO


def _reduce_sum(a, axis=None, keepdims=False):
    return np.sum(a, axis=axis, keepdims=keepdims)


def _mean(a, axis=None, keepdims=False):
    return np.mean(a, axis=axis, keepdims=keepdims)


def _amax(a, axis=None, keepdims=False):
    return np.max(a, axis=axis, keepdims=keepdims)


def _amin(a, axis=None, keepdims=False):
    return np.min(a, axis=axis, keepdims=keepdims)


def _expand_reduced(dout, shape, axis, keepdims):
    """Broadcast `dout`, a reduction's result, back to the reduced `shape`."""
    dout = np.asarray(dout)
    if not keepdims:
        axes = range(len(shape)) if axis is None else \
            [a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))]
        dout = np.expand_dims(dout, tuple(axes)) if len(shape) and dout.ndim else dout
    out = np.empty(shape, dout.dtype)  # a fresh array, as broadcast_to(...).copy()
    out[...] = dout
    return out


def _bprop_expand_reduced(dout, shape, axis, keepdims, out, ddout):
    return (np.sum(ddout, axis=axis, keepdims=keepdims), ZERO, ZERO, ZERO)


expand_reduced = Primitive("expand_reduced", _expand_reduced, infer=sampled, static=("shape", "axis", "keepdims"), bprop=_bprop_expand_reduced)


def _cuda_expand_reduced(dev, dout, shape, axis, keepdims):
    if not keepdims and len(shape):
        axes = range(len(shape)) if axis is None else \
            [a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))]
        dout = dev.reshape(dout, tuple(1 if d in axes else n for d, n in enumerate(shape)))
    return dev.broadcast_to(dout, shape)


expand_reduced.cuda_kernel = _cuda_expand_reduced


def _bprop_sum(x, axis, keepdims, out, dout):
    return (expand_reduced(dout, np.shape(x), axis, keepdims), ZERO, ZERO)


def _bprop_mean(x, axis, keepdims, out, dout):
    count = np.size(x) // np.size(out)
    return (expand_reduced(dout, np.shape(x), axis, keepdims) / count, ZERO, ZERO)


def _bprop_extremum(x, axis, keepdims, out, dout):
    # The gradient goes to the arg-max (arg-min), shared equally among ties.
    hit = x == expand_reduced(out, np.shape(x), axis, keepdims)
    count = expand_reduced(np.sum(hit, axis=axis, keepdims=keepdims), np.shape(x),
                           axis, keepdims)
    return (expand_reduced(dout, np.shape(x), axis, keepdims) * hit / count, ZERO, ZERO)


reduce_sum = Primitive("sum", _reduce_sum, infer=sampled, static=("axis", "keepdims"), bprop=_bprop_sum)
mean = Primitive("mean", _mean, infer=sampled, static=("axis", "keepdims"), bprop=_bprop_mean)
amax = Primitive("max", _amax, infer=sampled, static=("axis", "keepdims"), bprop=_bprop_extremum)
amin = Primitive("min", _amin, infer=sampled, static=("axis", "keepdims"), bprop=_bprop_extremum)


def _cuda_reduction(op, impl):
    def cuda_kernel(dev, a, axis=None, keepdims=False):
        if dev.host(a):
            return impl(a, axis, keepdims)
        return dev.reduce(a, op, axis, keepdims, impl)

    return cuda_kernel


reduce_sum.cuda_kernel = _cuda_reduction("sum", _reduce_sum)
mean.cuda_kernel = _cuda_reduction("mean", _mean)
amax.cuda_kernel = _cuda_reduction("max", _amax)
amin.cuda_kernel = _cuda_reduction("min", _amin)


def _dot(a, b):
    return np.dot(a, b)


def _matmul(x, y):
    return np.matmul(x, y)


def _bprop_matmul(x, y, out, dout):
    # 1-D operands are promoted to matrices (x to a row, y to a column) as numpy
    # does, the batch dimensions of each operand are summed where they broadcast.
    x2 = np.reshape(x, (1,) + np.shape(x)) if len(np.shape(x)) == 1 else x
    y2 = np.reshape(y, np.shape(y) + (1,)) if len(np.shape(y)) == 1 else y
    d = dout
    if len(np.shape(y)) == 1:
        d = np.reshape(d, np.shape(d) + (1,))
    if len(np.shape(x)) == 1:
        d = np.reshape(d, np.shape(d)[:-1] + (1,) + np.shape(d)[-1:])
    dx = sum_to(d @ swapaxes(y2, -1, -2), np.shape(x2))
    dy = sum_to(swapaxes(x2, -1, -2) @ d, np.shape(y2))
    return (np.reshape(dx, np.shape(x)), np.reshape(dy, np.shape(y)))


def _bprop_dot(x, y, out, dout):
    # A scalar operand makes `dot` a product; otherwise, for y of at most 2
    # dimensions, np.dot is np.matmul (dot of a y with more is not supported).
    if len(np.shape(x)) == 0 or len(np.shape(y)) == 0:
        return (sum_to(dout * y, np.shape(x)), sum_to(dout * x, np.shape(y)))
    return _bprop_matmul(x, y, out, dout)


dot = Primitive("dot", _dot, infer=sampled, bprop=_bprop_dot)
matmul = Primitive("matmul", _matmul, infer=sampled, bprop=_bprop_matmul, dunder="__matmul__",
                   rdunder="__rmatmul__")


def _times(x, y):
    return x * y


def _cuda_dot(dev, a, b):
    if dev.host(a, b):
        return _dot(a, b)
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return dev.elementwise(dot, (a, b), _times)
    if np.ndim(b) > 2:
        raise NotImplementedError("dot of an array of more than 2 dimensions is not "
                                  "supported with device='cuda' (use matmul)")
    return dev.matmul(a, b)


def _cuda_matmul(dev, x, y):
    return _matmul(x, y) if dev.host(x, y) else dev.matmul(x, y)


dot.cuda_kernel, matmul.cuda_kernel = _cuda_dot, _cuda_matmul


def _swapaxes(x, axis1, axis2):
    return np.swapaxes(x, axis1, axis2)


def _bprop_swapaxes(x, axis1, axis2, out, dout):
    return (swapaxes(dout, axis1, axis2), ZERO, ZERO)


swapaxes = Primitive("swapaxes", _swapaxes, infer=sampled, static=("axis1", "axis2"), bprop=_bprop_swapaxes)


def _cuda_swapaxes(dev, x, axis1, axis2):
    if dev.host(x):
        return _swapaxes(x, axis1, axis2)
    axes = list(range(np.ndim(x)))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return dev.transpose(x, axes)


swapaxes.cuda_kernel = _cuda_swapaxes


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


def _bprop_transpose(x, axes, out, dout):
    return (np.transpose(dout, inverse_permutation(axes)), ZERO)


def _bprop_reshape(x, shape, out, dout):
    return (np.reshape(dout, np.shape(x)), ZERO)


def _bprop_concatenate(xs, axis, out, dout):
    return (split(dout, split_points(xs, axis), axis), ZERO)


def _bprop_split(x, indices_or_sections, axis, out, dout):
    return (np.concatenate(fill_like(dout, out), axis), ZERO, ZERO)


def _bprop_where(c, x, y, out, dout):
    return (ZERO, sum_to(dout * c, np.shape(x)), sum_to(dout * (c == False), np.shape(y)))  # noqa: E712


transpose = Primitive("transpose", _transpose, infer=sampled, static=("axes",), bprop=_bprop_transpose)
reshape = Primitive("reshape", _reshape, infer=sampled, static=("shape",), bprop=_bprop_reshape)
concatenate = Primitive("concatenate", _concatenate, infer=sampled, static=("axis",), bprop=_bprop_concatenate)
split = Primitive("split", _split, infer=sampled, static=("indices_or_sections", "axis"), bprop=_bprop_split)
where = Primitive("where", _where, infer=elementwise, bprop=_bprop_where)


def _cuda_transpose(dev, a, axes=None):
    return _transpose(a, axes) if dev.host(a) else dev.transpose(a, axes)


def _cuda_reshape(dev, x, shape):
    return _reshape(x, shape) if dev.host(x) else dev.reshape(x, shape)


def _cuda_concatenate(dev, xs, axis=0):
    return _concatenate(xs, axis) if dev.host(xs) else dev.concatenate(xs, axis)


def _cuda_split(dev, ary, indices_or_sections, axis=0):
    if dev.host(ary):
        return _split(ary, indices_or_sections, axis)
    return dev.split(ary, indices_or_sections, axis)


def _pick(c, x, y):
    return x if c else y


transpose.cuda_kernel, reshape.cuda_kernel = _cuda_transpose, _cuda_reshape
concatenate.cuda_kernel, split.cuda_kernel = _cuda_concatenate, _cuda_split
where.cuda_kernel = elementwise_cuda(where, _pick)


def _inverse_permutation(axes):
    return None if axes is None else tuple(int(i) for i in np.argsort(axes))


def _split_points(xs, axis):
    """Where to split the concatenation of `xs` along `axis` to get them back."""
    return tuple(int(i) for i in np.cumsum([np.shape(x)[axis] for x in xs])[:-1])


def _fill_like(douts, outs):
    """The sensitivities of split pieces, with symbolic zeros made real."""
    return tuple(np.zeros_like(o) if d is ZERO else d for d, o in zip(douts, outs))


def _bprop_fill_like(douts, outs, out, dout):
    return (dout, ZERO)


def _infer_split_points(xs, axis):
    # Only the shapes matter: the points are static when they are known.
    if not isinstance(xs, T.Tuple) or not T.is_static(axis):
        return T.Tuple([T.Int])
    dims = [x.shape[T.static_value(axis)] if isinstance(x, T.Array) else None
            for x in xs.items]
    if None in dims:
        return T.Tuple([T.Int] * (len(dims) - 1))
    return const_of(_split_points([np.empty(d) for d in dims], 0))


inverse_permutation = Primitive("inverse_permutation", _inverse_permutation, infer=sampled,
                                differentiable=False)
split_points = Primitive("split_points", _split_points, infer=_infer_split_points,
                           differentiable=False)
fill_like = Primitive("fill_like", _fill_like, infer=sampled, bprop=_bprop_fill_like)


def _cuda_fill_like(dev, douts, outs):
    return tuple((dev.full(np.shape(o), 0, o.dtype) if dev.is_array(o) else
                  np.zeros_like(o)) if d is ZERO else d for d, o in zip(douts, outs))


fill_like.cuda_kernel = _cuda_fill_like


_SCALARS = frozenset((float, int, bool))  # np.shape of these is (), asked at once


def _shape(x):
    return () if x.__class__ in _SCALARS else np.shape(x)


def _size(x):
    return np.size(x)


def _shape_of(x):
    if isinstance(x, T.Array):
        return x.shape
    if isinstance(x, (T.Scalar, T.Const)) or x in (T.Int, T.Float, T.Bool):
        return ()
    raise MyiaTypeError(f"{x} has no shape")


def _infer_shape(x):
    return T.Tuple(T.Int if d is None else T.Const(d) for d in _shape_of(x))


def _infer_size(x):
    dims = _shape_of(x)
    return T.Int if None in dims else T.Const(int(np.prod(dims, dtype=int)))


shape = Primitive("shape", _shape, infer=_infer_shape, differentiable=False)
size = Primitive("size", _size, infer=_infer_size, differentiable=False)


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


def _infer_arange(start, stop, step, dtype):
    bounds = (start, stop, step)
    if all(T.is_static(a) for a in bounds):
        return T.typeof(_arange(*map(T.static_value, bounds), T.static_value(dtype)))
    # A runtime bound: the length is unknown, the dtype is numpy's for the types.
    return T.Array(_arange(*map(sample, bounds), T.static_value(dtype)).dtype, (None,))


zeros = Primitive("zeros", _zeros, infer=sampled, static=("shape", "dtype"), differentiable=False)
ones = Primitive("ones", _ones, infer=sampled, static=("shape", "dtype"), differentiable=False)
def _bprop_full(shape, fill_value, dtype, out, dout):
    return (ZERO, np.sum(dout), ZERO)


full = Primitive("full", _full, infer=sampled, static=("shape", "dtype"), bprop=_bprop_full)
zeros_like = Primitive("zeros_like", _zeros_like, infer=sampled, static=("dtype",), differentiable=False)
ones_like = Primitive("ones_like", _ones_like, infer=sampled, static=("dtype",), differentiable=False)
arange = Primitive("arange", _arange, infer=_infer_arange, static=("dtype",), differentiable=False)


def _cuda_zeros(dev, shape, dtype=float):
    return dev.full(shape, 0, dtype)


def _cuda_ones(dev, shape, dtype=float):
    return dev.full(shape, 1, dtype)


def _cuda_full(dev, shape, fill_value, dtype=None):
    return dev.full(shape, fill_value, dtype)


def _cuda_like(value, impl):
    def cuda_kernel(dev, a, dtype=None):
        if dev.host(a):
            return impl(a, dtype)
        return dev.full(np.shape(a), value, a.dtype if dtype is None else dtype)

    return cuda_kernel


zeros.cuda_kernel, ones.cuda_kernel, full.cuda_kernel = _cuda_zeros, _cuda_ones, _cuda_full
zeros_like.cuda_kernel = _cuda_like(0, _zeros_like)
ones_like.cuda_kernel = _cuda_like(1, _ones_like)


def _sum_to(x, shape):
    """Sum `x` down to `shape`: undoes numpy broadcasting of a `shape` operand."""
    have, shape = _shape(x), tuple(shape)
    if have == shape:
        return x
    lead = len(have) - len(shape)
    ones = tuple(lead + i for i, n in enumerate(shape) if n == 1 and have[lead + i] != 1)
    if not ones and lead > 0 and shape:  # leading axes only: the sum has the shape
        return np.sum(x, axis=tuple(range(lead)))
    return np.reshape(np.sum(x, axis=tuple(range(lead)) + ones, keepdims=True), shape)


def _broadcast_to(x, shape):
    if _shape(x) == tuple(shape):
        return x
    return np.broadcast_to(x, shape).copy()


def _bprop_sum_to(x, shape, out, dout):
    return (broadcast_to(dout, np.shape(x)), ZERO)


def _bprop_broadcast_to(x, shape, out, dout):
    return (sum_to(dout, np.shape(x)), ZERO)


sum_to = Primitive("sum_to", _sum_to, infer=sampled, static=("shape",), bprop=_bprop_sum_to)
broadcast_to = Primitive("broadcast_to", _broadcast_to, infer=sampled, static=("shape",), bprop=_bprop_broadcast_to)


def _cuda_sum_to(dev, x, shape):
    if np.shape(x) == tuple(shape) or dev.host(x):
        return x if np.shape(x) == tuple(shape) else _sum_to(x, shape)
    lead = len(np.shape(x)) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and np.shape(x)[lead + i] != 1)
    return dev.reshape(dev.reduce(x, "sum", axes, True, _reduce_sum), shape)


def _cuda_broadcast_to(dev, x, shape):
    return x if np.shape(x) == tuple(shape) else dev.broadcast_to(x, shape)


sum_to.cuda_kernel, broadcast_to.cuda_kernel = _cuda_sum_to, _cuda_broadcast_to
