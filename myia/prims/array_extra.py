"""More array primitives: `np.prod`, arg-reductions, `any`/`all`, `np.stack`, `np.einsum`,
`np.array` of a tuple, `astype`, and the array methods.

As in `array`, each implementation is numpy's function with numpy's
parameters.  Array methods are these primitives with the array bound first:
`x.sum(axis=0)` is `partial(sum, x)(axis=0)`, built by `getattr` (see
`METHODS`), so a method differentiates like the function.

`np.einsum` differentiates by contracting the output's sensitivity with the
other operand::

    "ij,jk->ik":  da = einsum("ik,jk->ij", dout, b),  db = einsum("ik,ij->jk", dout, a)

an index of `a` found in neither the output nor `b` (summed over `a` alone)
comes back by broadcasting.  A repeated index within one operand (a
diagonal) or an ellipsis has no such adjoint: `grad` of it is a
`MyiaTypeError`, never a wrong number.
"""

import numpy as np

from .. import types as T
from .adjoint import fill_zeros
from .array import (amax, amin, broadcast_to, dot, expand_reduced, mean, reduce_sum,
                    reshape, swapaxes, transpose)
from .primitive import Primitive
from .rules import const_of, sampled
from .values import ZERO

_REDUCE = ("axis", "keepdims")


def _argmax(a, axis=None, keepdims=False):
    return np.argmax(a, axis=axis, keepdims=keepdims)


def _argmin(a, axis=None, keepdims=False):
    return np.argmin(a, axis=axis, keepdims=keepdims)


def _any(a, axis=None, keepdims=False):
    return np.any(a, axis=axis, keepdims=keepdims)


def _all(a, axis=None, keepdims=False):
    return np.all(a, axis=axis, keepdims=keepdims)


argmax = Primitive("argmax", _argmax, infer=sampled, static=_REDUCE, differentiable=False)
argmin = Primitive("argmin", _argmin, infer=sampled, static=_REDUCE, differentiable=False)
any_ = Primitive("any", _any, infer=sampled, static=_REDUCE, differentiable=False)
all_ = Primitive("all", _all, infer=sampled, static=_REDUCE, differentiable=False)


def _prod(a, axis=None, keepdims=False):
    return np.prod(a, axis=axis, keepdims=keepdims)


def _bprop_prod(a, axis, keepdims, out, dout):
    return (expand_reduced(dout, np.shape(a), axis, keepdims) * prod_others(a, axis),
            ZERO, ZERO)


def prod_others(a, axis):
    """For each element of `a`, the product of the others along `axis` (all of
    them for None), computed by `prod` itself rather than as `out / a`: exact
    where `a` has zeros, and differentiable again.  Costs n**2 for a reduced
    length n."""
    if axis is None:
        return np.reshape(_others_last(np.reshape(a, -1)), np.shape(a))
    return swapaxes(_others_last(swapaxes(a, axis, -1)), axis, -1)


def _others_last(x):
    n = np.shape(x)[-1]
    index = np.arange(n)
    spread = np.reshape(x, np.shape(x)[:-1] + (1, n))
    return prod(np.where(index == np.reshape(index, (-1, 1)), 1.0, spread), -1, False)


prod = Primitive("prod", _prod, infer=sampled, static=_REDUCE, bprop=_bprop_prod)


def _stack(arrays, axis=0):
    return np.stack(arrays, axis=axis)


def _bprop_stack(arrays, axis, out, dout):
    return (unstack(dout, axis), ZERO)


def _unstack(x, axis):
    """The pieces `np.stack(pieces, axis)` was made of."""
    return tuple(np.moveaxis(x, axis, 0))


def _bprop_unstack(x, axis, out, dout):
    return (stack(fill_zeros(dout, out), axis), ZERO)


stack = Primitive("stack", _stack, infer=sampled, static=("axis",), bprop=_bprop_stack)
unstack = Primitive("unstack", _unstack, infer=sampled, static=("axis",),
                    bprop=_bprop_unstack)


def _einsum(subscripts, a, b=None):
    return np.einsum(subscripts, a) if b is None else np.einsum(subscripts, a, b)


def _bprop_einsum(subscripts, a, b, out, dout):
    spec, kept = einsum_adjoint(subscripts, 0, np.shape(a))
    if b is None:
        da = np.reshape(einsum(spec, dout, None), kept)
        return (ZERO, broadcast_to(da, np.shape(a)), ZERO)
    spec_b, kept_b = einsum_adjoint(subscripts, 1, np.shape(b))
    da = np.reshape(einsum(spec, dout, b), kept)
    db = np.reshape(einsum(spec_b, dout, a), kept_b)
    return (ZERO, broadcast_to(da, np.shape(a)), broadcast_to(db, np.shape(b)))


def _einsum_adjoint(subscripts, which, shape):
    """`(spec, kept)`: the einsum giving operand `which`'s sensitivity from
    `(dout, other operand)`, and the shape to broadcast it from (`shape`
    with 1 for the axes summed over that operand alone)."""
    spec = subscripts.replace(" ", "")
    if "." in spec:
        raise TypeError(f"the gradient of np.einsum({subscripts!r}) is not supported: "
                        "it has an ellipsis")
    ins, out = spec.split("->") if "->" in spec else (spec, None)
    ops = ins.split(",")
    if out is None:  # implicit form: the indices used once, in order
        out = "".join(sorted(c for c in ins if c.isalpha() and ins.count(c) == 1))
    mine = ops[which]
    others = ops[1 - which] if len(ops) == 2 else ""
    if len(set(mine)) != len(mine):
        raise TypeError(f"the gradient of np.einsum({subscripts!r}) is not supported: "
                        "an index repeats within one operand (a diagonal)")
    kept = "".join(c for c in mine if c in out or c in others)
    new = f"{out},{others}->{kept}" if len(ops) == 2 else f"{out}->{kept}"
    return new, tuple(n if c in kept else 1 for c, n in zip(mine, shape))


def _infer_einsum_adjoint(subscripts, which, shape):
    # The spec is static; `kept` takes each dimension from `shape` (known or
    # not) or is 1: ask the impl with distinct markers for the dimensions.
    items = shape.items if isinstance(shape, T.Tuple) else ()
    spec, kept = _einsum_adjoint(T.static_value(subscripts), T.static_value(which),
                                 tuple(range(2, len(items) + 2)))
    return T.Tuple((const_of(spec), T.Tuple(
        T.Const(1) if k == 1 else items[k - 2] for k in kept)))


einsum = Primitive("einsum", _einsum, infer=sampled, static=("subscripts",),
                   bprop=_bprop_einsum)
einsum_adjoint = Primitive("einsum_adjoint", _einsum_adjoint, infer=_infer_einsum_adjoint,
                           static=("subscripts", "which"), differentiable=False)


def _array(object, dtype=None):  # noqa: A002  (numpy's parameter name)
    return np.array(object, dtype=dtype)


def _bprop_array(object, dtype, out, dout):  # noqa: A002
    return (array_to_tuple(dout, object), ZERO)


def _array_to_tuple(x, like):
    """`x` (an array) cut into the nested-tuple structure of `like`."""
    if isinstance(like, tuple):
        return tuple(_array_to_tuple(x[i], v) for i, v in enumerate(like))
    return x


def _bprop_array_to_tuple(x, like, out, dout):
    return (array(fill_zeros(dout, like), None), ZERO)


array = Primitive("array", _array, infer=sampled, static=("dtype",), bprop=_bprop_array)
array_to_tuple = Primitive("array_to_tuple", _array_to_tuple, infer=sampled,
                           bprop=_bprop_array_to_tuple)


def _astype(x, dtype):
    return np.asarray(x).astype(dtype)[()] if np.ndim(x) == 0 else x.astype(dtype)


def _bprop_astype(x, dtype, out, dout):
    # Casting to an integer or boolean dtype is piecewise constant.
    return (ZERO if is_discrete(dtype) else astype(dout, x.dtype), ZERO)


def _is_discrete(dtype):
    return np.dtype(dtype).kind in "biu"


astype = Primitive("astype", _astype, infer=sampled, static=("dtype",), bprop=_bprop_astype)
is_discrete = Primitive("is_discrete", _is_discrete, infer=sampled, static=("dtype",),
                        differentiable=False)


def _reshape_method(x, *shape):
    """`x.reshape(2, 3)` or `x.reshape((2, 3))`, as numpy's method takes both."""
    return np.reshape(x, shape[0] if len(shape) == 1 else shape)


def _infer_reshape_method(x, *shape):
    dims = shape[0] if len(shape) == 1 else T.Tuple(shape)
    if T.is_static(dims):
        return reshape.infer(x, dims)
    # Runtime dimensions (`x.reshape(n, 2)`): the rank is known, not the sizes.
    rank = len(dims.items) if isinstance(dims, T.Tuple) else 1
    return T.Array(x.dtype, (None,) * rank)


# Variadic: its backpropagator is built per arity (`myia.grad._STRUCTURAL`).
reshape_method = Primitive("reshape", _reshape_method, infer=_infer_reshape_method,
                           variadic=True)

# The methods of arrays (and numpy scalars) Myia code can call.
METHODS = {"sum": reduce_sum, "prod": prod, "mean": mean, "max": amax, "min": amin,
           "any": any_,
           "all": all_, "argmax": argmax, "argmin": argmin, "reshape": reshape_method,
           "astype": astype, "transpose": transpose, "dot": dot}


# ----- CUDA facets (myia/vm/cuda.py): casts, reshapes and (un)stacking ------------
# prod, argmax, argmin, any, all and einsum have no device kernel yet: on
# device='cuda' they raise a MyiaError (a device array reaching host code).
# is_discrete and einsum_adjoint work on dtypes and shapes, np.array on host
# numbers: they run on the host.

def _cuda_astype(dev, x, dtype):
    if dev.host(x):
        return _astype(x, dtype)
    return dev.astype(x, np.dtype(dtype))


def _cuda_reshape_method(dev, x, *shape):
    if dev.host(x):
        return _reshape_method(x, *shape)
    return dev.reshape(x, shape[0] if len(shape) == 1 else shape)


def _cuda_stack(dev, arrays, axis=0):
    if dev.host(*arrays):
        return _stack(arrays, axis)
    shape = np.shape(dev.value(arrays[0]))
    if any(np.shape(dev.value(a)) != shape for a in arrays):
        raise ValueError("all input arrays must have the same shape")
    axis = np.lib.array_utils.normalize_axis_tuple(axis, len(shape) + 1)[0]
    return dev.concatenate([dev.reshape(a, shape[:axis] + (1,) + shape[axis:])
                            for a in arrays], axis)


def _cuda_unstack(dev, x, axis):
    if dev.host(x):
        return _unstack(x, axis)
    x = dev.value(x)
    axis = np.lib.array_utils.normalize_axis_tuple(axis, x.ndim)[0]
    return tuple(dev.getitem(x, (slice(None),) * axis + (i,)) for i in range(x.shape[axis]))


def _cuda_array_to_tuple(dev, x, like):
    if dev.host(x) or not isinstance(like, tuple):
        return _array_to_tuple(x, like)
    return tuple(_cuda_array_to_tuple(dev, dev.getitem(x, i), v) for i, v in enumerate(like))


astype.cuda_kernel, reshape_method.cuda_kernel = _cuda_astype, _cuda_reshape_method
stack.cuda_kernel, unstack.cuda_kernel = _cuda_stack, _cuda_unstack
array_to_tuple.cuda_kernel = _cuda_array_to_tuple
