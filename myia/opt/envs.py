"""Environments as tuples: one slot per key, when every key is known.

An `Env` maps the free variables of closures to their sensitivities.  On a
typed program whose Env operations all name their key with a constant, the
whole program's keys are a fixed list, and an Env can be a tuple with one
slot per key, `ZERO` where it holds nothing::

    %1 = env_setitem(Env(), a, %d)          %1 = make_tuple(%d, ZERO)   # (a, x)
    %2 = env_getitem(%1, x, ZERO)    ==>    %2 = getitem(%1, 1)         # -> ZERO

`env_getitem(e, k, ZERO)` is slot `k` (ZERO when absent: the default),
`env_setitem(e, k, v)` the tuple rebuilt with `v` in slot `k`, `gadd` of two
Envs adds them slot by slot as it adds tuples.  The tuple rules then take
the bookkeeping apart, and inference, run again on the result, types each
slot by what reaches it (the key `x` of a loop's backward pass is never
ZERO) where an Env's type only lists the keys it may hold.

It is exact only where nothing else can see an Env, so the pass declines
(and the program keeps its Envs) when an Env may be `ZERO` where a key is
read or set, when a default is not `ZERO`, when an Env reaches a primitive
other than these, the program's arguments or its result, or when Envs may
be made at run time (`J` of a function value).
"""

from .. import types as T
from ..ir import Constant, Graph
from ..prims import (J, env_getitem, env_setitem, gadd, make_tuple, partial, switch,
                     getitem)
from ..prims.values import ZERO, Env
from .rewrite import derived

MAX_SLOTS = 32  # keys: beyond, each env_setitem would rebuild a long tuple

_CARRIERS = {make_tuple, partial, gadd, switch}  # may hold or add Envs as values


def has_env(a):
    """Whether values of type `a` may contain an Env."""
    if isinstance(a, T.EnvT):
        return True
    if isinstance(a, (T.OrZero, T.Seq)):
        return has_env(a.item)
    if isinstance(a, T.Tuple):
        return any(has_env(x) for x in a.items)
    if isinstance(a, T.Record):
        return any(has_env(t) for _, t in a.raw)
    if isinstance(a, T.PartialFn):
        return any(x is None or has_env(x) for x in a.args)
    return False


def env_slots(mng):
    """Turn every Env under `mng.root` into a tuple; False (nothing done) when
    that would not be exact."""
    keys = _keys(mng)
    if not keys or len(keys) > MAX_SLOTS:
        return False
    index = {id(k): i for i, k in enumerate(keys)}
    empty = (ZERO,) * len(keys)
    for g in list(mng.graphs):
        if isinstance(g.output, Constant) and _holds_env(g.output.value):
            mng.set_edge(g, "output", Constant(_slotted(g.output.value, empty)))
        for node in sorted(mng.nodes[g], key=_id):
            fn = node.inputs[0].value if isinstance(node.inputs[0], Constant) else None
            for k, x in enumerate(node.inputs):
                if isinstance(x, Constant) and _holds_env(x.value):
                    mng.set_edge(node, k, Constant(_slotted(x.value, empty)))
            if fn is env_getitem:
                e, key = node.inputs[1:3]
                mng.replace(node, derived(node, getitem, e, index[id(key.value)]))
            elif fn is env_setitem:
                e, key, v = node.inputs[1:]
                i = index[id(key.value)]
                slots = [v if j == i else derived(node, getitem, e, j, abstract=None)
                         for j in range(len(keys))]
                mng.replace(node, derived(node, make_tuple, *slots))
    return True


def _keys(mng):
    """The keys of every Env operation, in order, or None where `env_slots`
    would not be exact."""
    root = mng.root
    if any(has_env(_type(p)) for p in root.parameters) or has_env(_type(root.output)):
        return None
    keys, seen = [], set()
    if any(has_env(_type(d)) for g in mng.graphs for d in g.defaults.values()):
        return None
    if any(isinstance(g.output, Constant) and _holds_env(g.output.value, full=True)
           for g in mng.graphs):
        return None
    for node in sorted((n for g in mng.graphs for n in mng.nodes[g]), key=_id):
        f = node.inputs[0]
        fn = f.value if isinstance(f, Constant) else None
        if fn is J or isinstance(_type(f), T.JFn):
            return None
        if fn in (env_getitem, env_setitem):
            e, key = node.inputs[1:3]
            if not (isinstance(key, Constant) and (isinstance(_type(e), T.EnvT) or _empty(e))):
                return None
            if fn is env_getitem and not (isinstance(node.inputs[3], Constant)
                                          and node.inputs[3].value is ZERO):
                return None
            if id(key.value) not in seen:
                seen.add(id(key.value))
                keys.append(key.value)
        for k, x in enumerate(node.inputs[1:], 1):
            if isinstance(x, Constant) and _holds_env(x.value, full=True):
                return None  # an Env constant with items: not made by the program
            if not has_env(_type(x)) or fn is None or isinstance(fn, Graph):
                continue  # not an Env, or a call: the callee sees it as a value
            if fn in _CARRIERS or (fn is getitem and k == 1) or (
                    fn in (env_getitem, env_setitem) and k in (1, 3)):
                continue
            return None  # an Env given to another primitive
    return keys


def _holds_env(v, full=False):
    if isinstance(v, tuple):
        return any(_holds_env(x, full) for x in v)
    return isinstance(v, Env) and (bool(v.items) or not full)


def _slotted(v, empty):
    """Constant `v` with its (empty) Envs as tuples of ZERO."""
    if isinstance(v, tuple):
        return tuple(_slotted(x, empty) for x in v)
    return empty if isinstance(v, Env) else v


def _empty(node):
    return isinstance(node, Constant) and isinstance(node.value, Env) and not node.value.items


def _type(node):
    return getattr(node, "abstract", None)


def _id(n):
    return n.id
