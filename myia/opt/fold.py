"""Constant folding: a primitive applied to constants is computed now.

    %1 = mul(2.0, 3.0)        ==>   6.0
    %2 = getitem((ZERO, ZERO), 1)   ZERO

Only data is folded (numbers, strings, None, ZERO, small arrays and tuples
of them), never functions, and only by primitives whose result depends on
nothing but their arguments.  A call that raises is left alone: the error
belongs to run time, where it names the user's line.
"""

import numpy as np

from ..ir import Constant, DebugInfo
from ..prims import (Primitive, array, getitem, is_, is_not, is_zero, len_, make_slice,
                     make_tuple, regroup, scalar, unpack_item)
from ..prims.adjoint import Env, Zero
from ..prims.structure import find_dunder

FOLDABLE = frozenset(
    [p for family in (scalar, array) for p in vars(family).values()
     if isinstance(p, Primitive)]
    + [getitem, is_, is_not, is_zero, len_, make_slice, make_tuple, regroup, find_dunder,
       unpack_item])
SMALL_ARRAY = 64

_SCALARS = (bool, int, float, complex, str, type(None), np.generic, Zero, slice)


def is_data(v):
    """Whether `v` may be a folded constant."""
    if isinstance(v, tuple):
        return all(is_data(x) for x in v)
    if isinstance(v, np.ndarray):
        return v.size <= SMALL_ARRAY and v.dtype != object
    return isinstance(v, _SCALARS) or (isinstance(v, Env) and not v.items)


def fold_constant(node, mng):
    """The constant `node` computes, or None."""
    fn, *args = node.inputs
    if not isinstance(fn, Constant) or not isinstance(fn.value, Primitive) \
            or fn.value not in FOLDABLE:
        return None
    if not all(isinstance(a, Constant) and is_data(a.value) for a in args):
        return None
    try:
        with np.errstate(all="raise"):
            value = fn.value.impl(*[a.value for a in args])
    except Exception:  # noqa: BLE001  (an error for run time, at the user's line)
        return None
    if not is_data(value):
        return None
    c = Constant(value, DebugInfo(node.debug.name, None, node, node.debug.role))
    abstract = getattr(node, "abstract", None)
    if abstract is not None:
        c.abstract = abstract
    return c
