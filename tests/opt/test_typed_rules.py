"""Each rule of `myia.opt.typed` on a minimal typed graph, before and after,
and the cases where the same pattern is not exact for the type."""

import numpy as np
import pytest

from myia import prims as P
from myia import types as T
from myia.ir import Constant, check
from myia.opt.typed import TYPED_RULES
from myia.prims.values import ZERO
from myia.vm.debug import DebugVM

from ..conftest import same
from .util import apply_rules, listing, make

F, I = T.Float, T.Int
V3 = T.Array(np.float64, (3,))


def typed(*pairs):
    """Set `.abstract` on (node, type) pairs; returns the last node."""
    for node, a in pairs:
        node.abstract = a
    return pairs[-1][0]


def binary(op, a, b, xt, out):
    """`op(x, c)` (or `op(c, x)` when `a` is the constant) typed `xt -> out`."""
    def build(g, x):
        typed((x, xt))
        args = (x, Constant(b)) if a == "x" else (Constant(a), x)
        return typed((g.apply(op, *args), out))
    return build


def pair(g, x):
    typed((x, F))
    t = typed((g.apply(P.make_tuple, x, x), T.Tuple([F, F])))
    a = typed((g.apply(P.getitem, t, 0), F))
    b = typed((g.apply(P.getitem, t, 1), F))
    return typed((g.apply(P.mul, typed((g.apply(P.make_tuple, a, b), T.Tuple([F, F]))), 1),
                  T.Tuple([F, F])))


ROWS = [  # rule name, builder, argument, listing after (None: unchanged)
    ("x * 1 -> x  (same type: int, float, array)", binary(P.mul, "x", 1, F, F), 2.5,
     "graph f(x: float)\n  return x\n"),
    ("1 * x -> x  (same type)", binary(P.mul, 1.0, "x", V3, V3), np.arange(3.0),
     "graph f(x: f64[3])\n  return x\n"),
    ("expand_reduced(1, s) * x -> x  (same type: x has shape s)",
     lambda g, x: typed((x, V3), (g.apply(P.mul, typed((g.apply(
         P.expand_reduced, np.float64(1.0), (3,), None, False), V3)), x), V3)),
     np.arange(3.0) - 1.5, "graph f(x: f64[3])\n  return x\n"),
    ("x * expand_reduced(1, s) -> x  (same type)",
     lambda g, x: typed((x, V3), (g.apply(P.mul, x, typed((g.apply(
         P.expand_reduced, 1.0, (3,), None, False), V3))), V3)),
     np.array([-0.0, np.inf, np.nan]), "graph f(x: f64[3])\n  return x\n"),
    ("x / 1 -> x  (x a float: same type)", binary(P.truediv, "x", 1, F, F), 2.5,
     "graph f(x: float)\n  return x\n"),
    ("x - 0 -> x  (same type; -0.0 - 0 is -0.0)", binary(P.sub, "x", 0.0, F, F), -0.0,
     "graph f(x: float)\n  return x\n"),
    ("x + 0 -> x  (integers only: -0.0 + 0.0 is 0.0)", binary(P.add, "x", 0, I, I), 7,
     "graph f(x: int)\n  return x\n"),
    ("0 + x -> x  (integers only)", binary(P.add, 0, "x", I, I), 7,
     "graph f(x: int)\n  return x\n"),
    ("sum_to(x, shape) -> x  (x has that shape already)",
     lambda g, x: typed((x, V3), (g.apply(P.sum_to, x, (3,)), V3)), np.arange(3.0),
     "graph f(x: f64[3])\n  return x\n"),
    ("reshape(x, shape) -> x  (x has that shape already)",
     lambda g, x: typed((x, V3), (g.apply(P.reshape, x, (3,)), V3)), np.arange(3.0),
     "graph f(x: f64[3])\n  return x\n"),
    ("fill_zeros(d, like) -> d  (d a float like `like`)",
     lambda g, x: typed((x, F), (g.apply(P.fill_zeros, x, x), F)), 1.5,
     "graph f(x: float)\n  return x\n"),
    ("seed(y) -> 1.0  (y: float, so the check passed at compile time)",
     lambda g, x: typed((x, F), (g.apply(P.seed, x), F)), 1.5,
     "graph f(x: float)\n  return 1.0\n"),
    ("check_differentiable(x, name) -> x  (x: float, or floats)",
     lambda g, x: typed((x, F), (g.apply(P.check_differentiable, x, "x"), F)), 1.5,
     "graph f(x: float)\n  return x\n"),
    ("is_zero(x) -> False  (x: float, not float|ZERO)",
     lambda g, x: typed((x, F), (g.apply(P.is_zero, x), T.Bool)), 1.5,
     "graph f(x: float)\n  return False\n"),
    ("gadd(x, z) -> x  (z: ZERO)",
     lambda g, x: typed((x, F), (g.apply(P.gadd, x, typed((g.apply(P.identity, ZERO),
                                                             T.ZeroType))), F)), 1.5,
     "graph f(x: float)\n  return x\n"),
    ("truth(b) -> b  (b: bool)",
     lambda g, x: typed((x, F), (g.apply(P.truth, typed((g.apply(P.lt, x, 1.0), T.Bool))),
                                 T.Bool)), 1.5,
     "graph f(x: float)\n  %1 = lt(x, 1.0) : bool\n  return %1\n"),
    ("regroup(t, n) -> t  (t has n + 1 items: no Partial)",
     lambda g, x: typed((x, T.Tuple([T.ZeroType, F])), (g.apply(P.regroup, x, 1),
                                                         T.Tuple([T.ZeroType, F]))),
     (ZERO, 1.5), "graph f(x: (ZERO, float))\n  return x\n"),
    ("unpack_item(t, i, n) -> getitem(t, i)  (t: n items, as inference checked)",
     lambda g, x: typed((x, T.Tuple([F, I])), (g.apply(P.unpack_item, x, 1, 2), I)),
     (1.5, 2), "graph f(x: (float, int))\n  %1 = getitem(x, 1) : int\n  return %1\n"),
    ("make_tuple(t[0], t[1]) -> t  (t: a pair)", pair, 1.5,
     "graph f(x: float)\n  %1 = make_tuple(x, x) : (float, float)\n"
     "  %2 = mul(%1, 1) : (float, float)\n  return %2\n"),
]


@pytest.mark.parametrize("name,build,arg,after", ROWS, ids=[r[0].split(" ->")[0] for r in ROWS])
def test_typed_rule(name, build, arg, after):
    (rule,) = [r for r in TYPED_RULES if getattr(r, "name", None) == name]
    g = make(build)
    opt = apply_rules(g, [rule])
    check(opt)
    assert listing(opt) == after, listing(g)
    assert same(DebugVM().run(opt, (arg,)), DebugVM().run(g, (arg,)))


def test_every_typed_rule_has_a_row():
    named = {r.name for r in TYPED_RULES if hasattr(r, "name")}
    assert named == {row[0] for row in ROWS}


def test_static_values_become_constants():
    static = make(lambda g, x: typed((x, F), (g.apply(P.add, typed((g.apply(P.mul, 2.0, 3.0),
                                                                    T.Const(6.0))), x), F)))
    assert listing(apply_rules(static, TYPED_RULES)) == \
        "graph f(x: float)\n  %1 = add(6.0, x) : float\n  return %1\n"


def test_static_tuples_of_zeros_hold_zero():
    z = T.ZeroType
    pair = make(lambda g, x: typed((x, F), (g.apply(P.make_tuple, typed((Constant(ZERO), z)),
                                                    typed((Constant(ZERO), z))),
                                            T.Tuple([z, z]))))
    out = apply_rules(pair, TYPED_RULES)
    assert listing(out) == "graph f(x: float)\n  return (ZERO, ZERO)\n"
    assert DebugVM().run(out, (1.0,)) == (ZERO, ZERO)


@pytest.mark.parametrize("build", [
    binary(P.add, "x", 0.0, F, F),        # -0.0 + 0.0 is 0.0: not exact for floats
    binary(P.mul, "x", 1, T.Bool, I),     # True * 1 is 1: the type changes
    binary(P.mul, "x", 2, F, F),          # not a unit
    lambda g, x: typed((x, T.Array(np.float64, (None,))),
                       (g.apply(P.sum_to, x, (3,)), T.Array(np.float64, (None,)))),
    lambda g, x: typed((x, I), (g.apply(P.fill_zeros, x, x), I)),  # int: zeros, not x
    lambda g, x: typed((x, T.OrZero(F)), (g.apply(P.is_zero, x), T.Bool)),
    lambda g, x: typed((x, T.Array(np.float32, (3,))), (g.apply(P.mul, typed((g.apply(
        P.expand_reduced, np.float64(1.0), (3,), None, False), V3)), x), V3)),
    lambda g, x: typed((x, V3), (g.apply(P.mul, typed((g.apply(
        P.expand_reduced, 2.0, (3,), None, False), V3)), x), V3)),
    lambda g, x: typed((x, T.Array(np.float64, (1,))), (g.apply(P.mul, typed((g.apply(
        P.expand_reduced, 1.0, (3,), None, False), V3)), x), V3)),
], ids=["x+0.0", "bool*1", "x*2", "unknown-shape", "fill-int", "maybe-zero",
        "f64-one-times-f32", "broadcast-two", "broadcasts-x"])
def test_typed_rules_decline_what_is_not_exact(build):
    g = make(build)
    assert listing(apply_rules(g, TYPED_RULES)) == listing(g)


def test_untyped_graphs_are_left_alone():
    g = make(lambda g, x: g.apply(P.mul, x, 1))
    assert listing(apply_rules(g, TYPED_RULES)) == listing(g)


def test_sums_of_tuples_keep_each_sum_type():
    # gadd((z, x), (x, x)) with z: ZERO is (x, x + x): the first sum has x's
    # type, not z's, else `_static` folds it to ZERO (a wrong gradient once).
    from myia.opt.rules import RULES
    z, pair = T.ZeroType, T.Tuple([F, F])

    def build(g, x, y):
        typed((x, F), (y, z))
        a = typed((g.apply(P.make_tuple, y, x), T.Tuple([z, F])))
        return typed((g.apply(P.gadd, a, typed((g.apply(P.make_tuple, x, x), pair))), pair))
    g = make(build, "x y")
    assert "%1 = gadd(y, x) : float\n" in listing(apply_rules(g, RULES))
    static = [r for r in TYPED_RULES if not hasattr(r, "name")]  # `_static` alone
    out = apply_rules(g, [*RULES, *static])
    check(out)
    assert DebugVM().run(out, (1.5, ZERO)) == (1.5, 3.0), listing(out)
