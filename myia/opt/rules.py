"""Algebraic and structural rules, one per line, each with its algebra.

Most of what the J transform leaves behind is bookkeeping these rules
undo once inlining has put producers next to consumers::

    %1 = make_tuple(%a, @bp)            %1 = make_tuple(%a, @bp)
    %2 = getitem(%1, 0)         ==>     (%2's users now use %a)
    %3 = gadd(%2, ZERO)

`RULES` need no types: they hold whatever the values are.  `TYPED_RULES`
(in `typed.py`) read `node.abstract`, for rewrites exact only for some types
(`x * 1 -> x` holds for floats, not for a bool times an int).
"""

from .. import types as T
from ..ir import Apply, Constant, DebugInfo, Graph, walk
from ..prims import array, nn, scalar
from ..prims import (Primitive, depend, env_getitem, env_setitem, fill_zeros, gadd, getitem,
                     getitem_sens, identity, is_, is_not, is_zero, len_, make_record,
                     make_slice, make_tuple, partial, record_sens, regroup, seed, switch,
                     unpack_item)
from ..prims.adjoint import NEWENV, ZERO
from .rewrite import Rule, SeqVar, Var, derived, is_const

# Primitives that compute a value: never ZERO nor None (a number, an array, a
# tuple, an Env...), whatever their arguments.
VALUES = frozenset(
    [p for family in (scalar, array, nn) for p in vars(family).values()
     if isinstance(p, Primitive)]
    + [make_tuple, make_record, partial, make_slice, len_, is_, is_not, env_setitem,
       seed, fill_zeros, getitem_sens, record_sens, regroup])


def _int(node):
    return is_const(node, int)


def _data(node):  # a constant that is not a function
    return is_const(node) and not callable(node.value)


def _value(node):  # a node computing a value (not ZERO, not None)
    return isinstance(node, Apply) and is_const(node.inputs[0], Primitive) \
        and node.inputs[0].value in VALUES


X, Y, E, V, D, F, A, B, W = (Var(n) for n in "XYEVDFABW")
K, K2 = Var("K", is_const), Var("K2", is_const)
I, N = Var("I", _int), Var("N", _int)
C = Var("C", _data)
P = Var("P", _value)
Xs, Ys = SeqVar("Xs"), SeqVar("Ys")


def tuple_type(items):
    """The type of a tuple of `items` (None if one is untyped)."""
    types = [getattr(x, "abstract", None) for x in items]
    return None if None in types else T.Tuple(types)


def _item(xs, i):
    return xs[i.value] if -len(xs) <= i.value < len(xs) else None


def _checks(m):
    """`depend(x, checks...)` keeping what may still raise: the unpackings,
    and the calls of graphs that may run one, found through the primitives
    that feed the checks (as inlining leaves a checking call's body)."""
    kept, seen, todo = [], set(), list(m.Ys)
    while todo:
        c = todo.pop(0)
        if not isinstance(c, Apply) or c in seen:
            continue
        seen.add(c)
        if not is_const(c.inputs[0], Primitive):
            kept += [c] if _may_check(c.inputs[0]) else []
        elif c.inputs[0].value is unpack_item:
            kept.append(c)
        else:
            todo.extend(c.inputs[1:])
    return None if kept == list(m.Ys) else m.apply(depend, m.X, *kept) if kept else m.X


def _may_check(fn):
    """Whether calling `fn` may run an unpacking (a function known only at
    run time may)."""
    return not is_const(fn, Graph) or any(
        isinstance(n, Apply) and is_const(n.inputs[0], Primitive) and n.inputs[0].value is unpack_item
        for n in walk([fn.value.output]))


def _regroup(m):
    k = len(m.Xs) - m.N.value - 1
    if k < 0:
        return None
    if k == 0:
        return m.node.inputs[1]
    head = m.apply(make_tuple, *m.Xs[:k + 1], abstract=tuple_type(m.Xs[:k + 1]))
    return m.apply(make_tuple, head, *m.Xs[k + 1:])


def _gadd_tuples(m):
    if len(m.Xs) != len(m.Ys):
        return None
    return m.apply(make_tuple, *[m.apply(gadd, x, y, abstract=_gadd_type(x, y))
                                 for x, y in zip(m.Xs, m.Ys)])


def _gadd_type(x, y):
    # The sum's own type, not `x`'s: `gadd(ZERO, y)` has `y`'s type, and
    # typing it ZERO would let the typed rules fold the sum away.
    a, b = getattr(x, "abstract", None), getattr(y, "abstract", None)
    return None if a is None or b is None else gadd.infer(a, b)


def _distinct(m):
    return None if m.K.value is m.K2.value else m.apply(env_getitem, m.E, m.K, m.D)


def _const(value):
    return lambda m: _constant_like(m.node, value)


def _constant_like(node, value):
    return Constant(value, DebugInfo(None, None, node, node.debug.role))


def _switch_zeros(m):
    # Each branch adds ZERO to something: the sum is that something.
    pairs = [(m.A, m.D), (m.B, m.E)]
    picked = [y if is_const(x) and x.value is ZERO else x if is_const(y) and y.value is ZERO
              else None for x, y in pairs]
    return None if None in picked else m.apply(switch, m.W, *picked)


def trivial_branches(node, mng):
    """`switch(c, @a, @b)()` -> `switch(c, va, vb)` when `a` and `b` compute
    nothing and just return `va` and `vb` (a constant, or a value they see)."""
    fn = node.inputs[0]
    if len(node.inputs) != 1 or not isinstance(fn, Apply) or len(fn.inputs) != 4 \
            or not is_const(fn.inputs[0]) or fn.inputs[0].value is not switch:
        return None
    outs = []
    for b in fn.inputs[2:]:
        g = b.value if is_const(b, Graph) else None
        if g is None or g.parameters or mng.nodes.get(g) or g.output.graph is g:
            return None
        outs.append(g.output)
    return derived(node, switch, fn.inputs[1], *outs)


RULES = [
    Rule((getitem, (make_tuple, Xs), I), lambda m: _item(m.Xs, m.I),
         "getitem(make_tuple(a, b), 0) -> a"),
    Rule((unpack_item, (make_tuple, Xs), I, N),
         lambda m: _item(m.Xs, m.I) if len(m.Xs) == m.N.value else None,
         "unpack_item(make_tuple(a, b), 0, 2) -> a"),
    Rule((depend, X, Ys), _checks, "depend(x, c) -> x  (c: cannot raise an unpacking's error)"),
    Rule((switch, C, X, Y), lambda m: m.X if m.C.value else m.Y,
         "switch(True, a, b) -> a;  switch(False, a, b) -> b"),
    Rule((switch, X, Y, Y), lambda m: m.Y, "switch(c, a, a) -> a"),
    Rule((identity, X), lambda m: m.X, "identity(x) -> x"),
    Rule((gadd, X, ZERO), lambda m: m.X, "gadd(x, ZERO) -> x"),
    Rule((gadd, ZERO, X), lambda m: m.X, "gadd(ZERO, x) -> x"),
    Rule((gadd, (make_tuple, Xs), (make_tuple, Ys)), _gadd_tuples,
         "gadd((a, b), (c, d)) -> (gadd(a, c), gadd(b, d))"),
    Rule((gadd, (switch, W, A, B), (switch, W, D, E)), _switch_zeros,
         "gadd(switch(c, ZERO, a), switch(c, b, ZERO)) -> switch(c, b, a)"),
    Rule((is_zero, ZERO), _const(True), "is_zero(ZERO) -> True"),
    Rule((is_zero, P), _const(False), "is_zero(v) -> False  (v computed by a primitive)"),
    Rule((is_zero, C), lambda m: _constant_like(m.node, m.C.value is ZERO),
         "is_zero(c) -> c is ZERO"),
    Rule((is_, P, None), _const(False), "v is None -> False  (v computed by a primitive)"),
    Rule((env_getitem, (env_setitem, E, K, V), K, D), lambda m: m.V,
         "env_getitem(env_setitem(e, k, v), k, d) -> v"),
    Rule((env_getitem, (env_setitem, E, K2, V), K, D), _distinct,
         "env_getitem(env_setitem(e, k2, v), k, d) -> env_getitem(e, k, d)  (k2 != k)"),
    Rule((env_getitem, NEWENV, K, D), lambda m: m.D, "env_getitem(newenv, k, d) -> d"),
    Rule((regroup, (make_tuple, Xs), N), _regroup,
         "regroup((f, a, x), 1) -> ((f, a), x): a Partial's sensitivities grouped"),
    Rule(((partial, F, Xs), Ys), lambda m: m.apply(m.F, *m.Xs, *m.Ys),
         "partial(f, a)(b) -> f(a, b)"),
    trivial_branches,
]
