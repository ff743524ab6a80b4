"""Inference rules shared by many primitives: how an `infer` facet is built.

A primitive's `infer(*args)` takes the abstract values of its arguments
(`myia.types`) and returns the abstract value of its result, or raises
`MyiaTypeError`/`MyiaShapeError`.  Most numeric primitives need no rule of
their own: their dtype behaviour is numpy's, so the rule asks numpy by
running the implementation on *samples* (ones of the argument types)::

    elementwise(add)(f32[2, 3], float)   # samples f32[1, 1] + 1.0 -> f32
                                         # shape: broadcast((2, 3), ()) -> f32[2, 3]
    sampled(reduce_sum)(f64[2, 3], int=0, bool=False)   # np.sum(ones((2, 3)), 0) -> f64[3]

`elementwise` computes the shape by broadcasting (unknown dimensions stay
unknown, a mismatch is a `MyiaShapeError`) and samples tiny arrays, so it
costs nothing whatever the size; `sampled` runs the implementation on
arrays of the real shapes, for the few rules where the shape logic is the
operation itself (reductions with an `axis`, `reshape`, `conv2d`).  The
parameters a primitive lists in `static` (axis, keepdims, shapes, dtypes)
must be compile-time constants; when every argument is one, the result is
too (`shape(x)[0] * 2` of a known shape is folded).
"""

import numpy as np

from .. import types as T
from ..errors import MyiaShapeError, MyiaTypeError
from .values import ZERO

_PLAIN = (bool, int, float, str, type(None), np.generic)


def _unknown(a):
    if isinstance(a, T.Tuple):  # `concatenate((x, y))`
        return any(_unknown(x) for x in a.items)
    return isinstance(a, T.Array) and None in a.shape


def sample(a, small=False):
    """A runtime value of abstract type `a` (ones), for asking numpy."""
    if isinstance(a, T.Const):
        return a.value
    if a is T.Int:
        return 1
    if a is T.Float:
        return 1.0
    if a is T.Bool:
        return True
    if a is T.NoneType:
        return None
    if a is T.ZeroType:
        return ZERO
    if isinstance(a, T.OrZero):
        return sample(a.item, small)
    if isinstance(a, T.Scalar):
        return a.dtype.type(1)
    if isinstance(a, T.Array):
        shape = (1,) * len(a.shape) if small else tuple(1 if d is None else d for d in a.shape)
        return np.ones(shape, a.dtype)
    if isinstance(a, T.Tuple):
        return tuple(sample(x, small) for x in a.items)
    if isinstance(a, T.Record):
        return a.cls(*(sample(v, small) for _, v in a.fields))
    if isinstance(a, T.SliceT):
        return slice(*(sample(x, small) for x in a.items))
    raise MyiaTypeError(f"a value of type {a} cannot be used here")


def const_of(value):
    """The static abstract value of a plain Python `value` (a folded result)."""
    if isinstance(value, tuple):
        return T.Tuple(const_of(v) for v in value)
    if value is None:
        return T.NoneType
    if value is ZERO:
        return T.ZeroType
    return T.Const(value, T.typeof(value) if not isinstance(value, (str, type)) else None)


def _is_plain(value):
    if isinstance(value, tuple):
        return all(_is_plain(v) for v in value)
    return isinstance(value, _PLAIN) or value is ZERO


def check_static(prim, args):
    """Raise if an argument `prim.static` names is not a compile-time constant."""
    for name, a in zip(prim.params or (), args):
        if name == "shape" and _int_or_ints(a):
            continue  # a runtime shape: the result's dimensions are unknown
        if name in prim.static and not T.is_static(a):
            raise MyiaTypeError(f"argument {name!r} of {prim.name} must be known at "
                                f"compile time, but it is a runtime {a}")


def _int_or_ints(a):
    a = T.widen(a)
    return a is T.Int or (isinstance(a, T.Tuple) and all(T.widen(x) is T.Int for x in a.items))


def run_impl(prim, samples):
    """`prim.impl(*samples)`, with numpy's complaints turned into Myia errors."""
    try:
        return prim.impl(*samples)
    except (ValueError, IndexError) as e:
        raise MyiaShapeError(f"{prim.name}: {e}") from None
    except (TypeError, AttributeError, ZeroDivisionError, OverflowError) as e:
        raise MyiaTypeError(f"{prim.name}: {e}") from None


def fold(prim, args):
    """The static result of `prim` on static `args`, or None if it cannot fold."""
    if not all(T.is_static(a) for a in args):
        return None
    values = [T.static_value(a) if a is not T.ZeroType else ZERO for a in args]
    if not all(_is_plain(v) for v in values):
        return None
    out = run_impl(prim, values)
    return const_of(out) if _is_plain(out) else None


def broadcast(shapes):
    """numpy's broadcast of `shapes` (with None for unknown dimensions)."""
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(ndim):
        dims = {s[len(s) - ndim + i] for s in shapes if len(s) - ndim + i >= 0}
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise MyiaShapeError("operands could not be broadcast together with shapes "
                                 + " ".join(str(tuple(s)).replace("None", "?")
                                            for s in shapes))
        out.append(known.pop() if known else (None if None in dims else 1))
    return tuple(out)


def _maker(fn):
    fn.makes_rule = True
    return fn


@_maker
def elementwise(prim):
    """The rule of an elementwise primitive (numpy broadcasting and promotion)."""
    def infer(*args):
        folded = fold(prim, args)
        if folded is not None:
            return folded
        out = T.typeof(run_impl(prim, [sample(a, small=True) for a in args]))
        if isinstance(out, T.Array):
            shapes = [a.shape for a in args if isinstance(a, T.Array)]
            return T.Array(out.dtype, broadcast(shapes))
        return out
    return infer


def _forget_dims(a):
    if isinstance(a, T.Array):
        return T.Array(a.dtype, (None,) * len(a.shape))
    if isinstance(a, T.Tuple):
        return T.Tuple(_forget_dims(x) for x in a.items)
    return a


@_maker
def sampled(prim):
    """The rule of a primitive whose shape logic is the operation itself.

    Unknown input dimensions make every output dimension unknown (the rank
    is still exact).
    """
    def infer(*args):
        check_static(prim, args)
        folded = fold(prim, args)
        if folded is not None:
            return folded
        out = T.typeof(run_impl(prim, [sample(a) for a in args]))
        unknown = any(_unknown(a) or (not T.is_static(a) and _int_or_ints(a)
                                      and name == "shape")
                      for name, a in zip(prim.params or (), args))
        return _forget_dims(out) if unknown else out
    return infer


def returns(abstract):
    """The rule of a primitive whose result type is always `abstract`."""
    def infer(*args):
        return abstract
    return infer

