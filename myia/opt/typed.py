"""Rules that read types (`node.abstract`): exact only for some of them.

On a monomorphized graph every node has a type, so more of the gradient's
bookkeeping goes: zeros known statically, sums over dimensions that are not
broadcast, the dispatch inference already decided::

    %1 = sum_to(%d, ())   : float      ==>   %d
    %2 = fill_zeros(%1, x) : float           %d
    %3 = find_dunder(..., a, b) : None       None

A rule here declines when a node has no type (an untyped graph), so the same
table serves both.
"""

import numpy as np

from .. import types as T
from ..ir import Constant, DebugInfo
from ..monomorphize import CHECKS, static_value
from ..prims import (add, check_differentiable, expand_reduced, fill_zeros, reshape, seed, gadd, getitem, is_zero, make_tuple, mul, regroup,
                     sub, sum_to, truediv, truth, unpack_item)
from ..prims.values import ZERO
from .fold import is_data
from .rewrite import Rule, SeqVar, Var

X, Y, S, L, N, A, K, I = (Var(n) for n in "XYSLNAKI")
Xs = SeqVar("Xs")


def typeof(node):
    return getattr(node, "abstract", None)


def _same_type(m, x):
    """`x` has the type of the matched node, with every dimension known."""
    a = typeof(m.node)
    if a is None or typeof(x) != a:
        return False
    return not isinstance(a, T.Array) or None not in a.shape


def _exact(a, floats):
    """Values of type `a` are numbers of a kind where the identity is exact:
    every numeric kind when `floats`, else integers only (`x + 0.0` turns
    `-0.0` into `0.0`)."""
    kind = {T.Float: "f", T.Int: "i", T.Bool: "b"}.get(a) or getattr(
        getattr(a, "dtype", None), "kind", None)
    return kind in (("f", "i", "u") if floats else ("i", "u"))


def _unit(node, one):
    return isinstance(node, Constant) and (
        type(node.value) in (int, float) or isinstance(node.value, np.number)
    ) and node.value == one and not isinstance(node.value, (bool, np.bool_))


def identity_when(c_pos, one, floats):
    """`op(x, one) -> x` (or `op(one, x)`) when exact for the node's type."""
    def build(m):
        x, c = (m.Y, m.X) if c_pos == 0 else (m.X, m.Y)
        if _unit(c, one) and _same_type(m, x) and _exact(typeof(x), floats):
            return x
        return None
    return build


def broadcast_one(c_pos):
    """`expand_reduced(1, shape, ...) * x -> x` (or `x * ...`): a gradient's seed
    broadcast to `x`'s shape; exact when the product has `x`'s type."""
    def build(m):
        one, x = (m.Y, m.X) if c_pos == 1 else (m.X, m.Y)
        if _unit(one, 1) and _same_type(m, x) and _exact(typeof(x), True):
            return x
        return None
    return build


def _static(node, mng):
    """A node whose value inference knows becomes that constant."""
    a = typeof(node)
    if a is None or isinstance(a, T.FUNCTIONS) or not T.is_static(a) or \
            getattr(node.inputs[0], "value", None) in CHECKS:
        return None
    value = static_value(a)
    if not is_data(value) or (a is not T.NoneType and value is None):
        return None
    c = Constant(value, DebugInfo(node.debug.name, None, node, node.debug.role))
    c.abstract = a
    return c


def _is_zero(m):
    a = typeof(m.X)
    if a is None or isinstance(a, T.OrZero):
        return None
    return _constant(m.node, a is T.ZeroType, T.Const(a is T.ZeroType))


def _gadd_zero(m):
    if typeof(m.Y) is T.ZeroType:
        return m.X
    if typeof(m.X) is T.ZeroType:
        return m.Y
    return None


def _fill_zeros(m):
    a = typeof(m.node)
    ok = a in (T.Float,) or (isinstance(a, (T.Scalar, T.Array)) and a.dtype.kind == "f")
    return m.X if ok and _same_type(m, m.X) else None


def _regroup(m):
    a = typeof(m.X)
    n = m.N.value if isinstance(m.N, Constant) else None
    return m.X if isinstance(a, T.Tuple) and n is not None and len(a.items) == n + 1 \
        else None


def _rebuilt_tuple(m):
    # make_tuple(t[0], ..., t[n-1]) is t itself when t has n items.
    t = None
    for i, x in enumerate(m.Xs):
        if not (x.inputs[0:1] and isinstance(x.inputs[0], Constant)
                and x.inputs[0].value is getitem and len(x.inputs) == 3
                and isinstance(x.inputs[2], Constant) and x.inputs[2].value == i
                and type(x.inputs[2].value) is int):
            return None
        if t is None:
            t = x.inputs[1]
        elif x.inputs[1] is not t:
            return None
    a = typeof(t)
    if t is None or not isinstance(a, T.Tuple) or len(a.items) != len(m.Xs):
        return None
    return t


def _unpacked(m):
    a = typeof(m.X)
    n = len(a.items) if isinstance(a, T.Tuple) else a.shape[0] if isinstance(
        a, T.Array) and a.shape else None
    return m.apply(getitem, m.X, m.I) if n is not None and n == getattr(m.N, "value", None) \
        else None


def _seed(m):
    a = typeof(m.X)
    if a is T.Float:
        return _constant(m.node, 1.0, a)
    if isinstance(a, T.Scalar) and a.dtype.kind == "f":
        return _constant(m.node, a.dtype.type(1), a)
    return None


def _checked(m):
    a = typeof(m.X)
    floats = a is T.Float or (isinstance(a, (T.Scalar, T.Array)) and a.dtype.kind == "f")
    return m.X if floats else None


def _constant(origin, value, abstract):
    c = Constant(value, DebugInfo(None, None, origin, origin.debug.role))
    c.abstract = abstract
    return c


TYPED_RULES = [
    _static,  # a node of static type (Const, None, ZERO) -> its value
    Rule((unpack_item, X, I, N), _unpacked,
         "unpack_item(t, i, n) -> getitem(t, i)  (t: n items, as inference checked)"),
    Rule((seed, X), _seed, "seed(y) -> 1.0  (y: float, so the check passed at compile time)"),
    Rule((check_differentiable, X, N), _checked,
         "check_differentiable(x, name) -> x  (x: float, or floats)"),
    Rule((sum_to, X, S), lambda m: m.X if _same_type(m, m.X) else None,
         "sum_to(x, shape) -> x  (x has that shape already)"),
    Rule((reshape, X, S), lambda m: m.X if _same_type(m, m.X) else None,
         "reshape(x, shape) -> x  (x has that shape already)"),
    Rule((fill_zeros, X, L), _fill_zeros, "fill_zeros(d, like) -> d  (d a float like `like`)"),
    Rule((mul, X, Y), identity_when(1, 1, True), "x * 1 -> x  (same type: int, float, array)"),
    Rule((mul, X, Y), identity_when(0, 1, True), "1 * x -> x  (same type)"),
    Rule((mul, (expand_reduced, X, S, A, K), Y), broadcast_one(0),
         "expand_reduced(1, s) * x -> x  (same type: x has shape s)"),
    Rule((mul, X, (expand_reduced, Y, S, A, K)), broadcast_one(1),
         "x * expand_reduced(1, s) -> x  (same type)"),
    Rule((truediv, X, Y), identity_when(1, 1, True), "x / 1 -> x  (x a float: same type)"),
    Rule((sub, X, Y), identity_when(1, 0, True), "x - 0 -> x  (same type; -0.0 - 0 is -0.0)"),
    Rule((add, X, Y), identity_when(1, 0, False), "x + 0 -> x  (integers only: -0.0 + 0.0 is 0.0)"),
    Rule((add, X, Y), identity_when(0, 0, False), "0 + x -> x  (integers only)"),
    Rule((is_zero, X), _is_zero, "is_zero(x) -> False  (x: float, not float|ZERO)"),
    Rule((gadd, X, Y), _gadd_zero, "gadd(x, z) -> x  (z: ZERO)"),
    Rule((truth, X), lambda m: m.X if typeof(m.X) is T.Bool else None,
         "truth(b) -> b  (b: bool)"),
    Rule((regroup, X, N), _regroup, "regroup(t, n) -> t  (t has n + 1 items: no Partial)"),
    Rule((make_tuple, Xs), _rebuilt_tuple, "make_tuple(t[0], t[1]) -> t  (t: a pair)"),
]

