"""Each rule of `myia.opt.rules` on a minimal graph: listings before and after.

Every row also runs both graphs on the debug VM, so a rule that changed a
value would fail here even if its listing looked right.
"""

import pytest

from myia import prims as P
from myia.ir import Constant, Parameter, check
from myia.opt.rules import RULES
from myia.prims.adjoint import NEWENV, ZERO
from myia.vm.debug import DebugVM

from ..conftest import same
from .util import apply_rules, listing, make

KEY, KEY2 = Parameter(None), Parameter(None)  # Env keys: nodes of some primal graph
KEY.debug.name, KEY2.debug.name = "k", "k2"
KEY, KEY2 = Constant(KEY), Constant(KEY2)

# rule name, builder, parameters, arguments, listing before, listing after
ROWS = [
    ("getitem(make_tuple(a, b), 0) -> a",
     lambda g, x, y: g.apply(P.getitem, g.apply(P.make_tuple, x, y), 1), "x y", (1.0, 2.0),
     "graph f(x, y)\n  %1 = make_tuple(x, y)\n  %2 = getitem(%1, 1)\n  return %2\n",
     "graph f(x, y)\n  return y\n"),
    ("unpack_item(make_tuple(a, b), 0, 2) -> a",
     lambda g, x, y: g.apply(P.unpack_item, g.apply(P.make_tuple, x, y), 1, 2), "x y",
     (1.0, 2.0),
     "graph f(x, y)\n  %1 = make_tuple(x, y)\n  %2 = unpack_item(%1, 1, 2)\n  return %2\n",
     "graph f(x, y)\n  return y\n"),
    ("depend(x, c) -> x  (c: cannot raise an unpacking's error)",
     lambda g, x, t: g.apply(P.depend, x, g.apply(P.getitem, t, 0),
                             g.apply(P.unpack_item, t, 0, 2)), "x t", (1.0, (2.0, 3.0)),
     "graph f(x, t)\n  %1 = getitem(t, 0)\n  %2 = unpack_item(t, 0, 2)\n"
     "  %3 = depend(x, %1, %2)\n  return %3\n",
     "graph f(x, t)\n  %1 = unpack_item(t, 0, 2)\n  %2 = depend(x, %1)\n  return %2\n"),
    ("switch(True, a, b) -> a;  switch(False, a, b) -> b",
     lambda g, x, y: g.apply(P.switch, False, x, y), "x y", (1.0, 2.0),
     "graph f(x, y)\n  %1 = switch(False, x, y)\n  return %1\n",
     "graph f(x, y)\n  return y\n"),
    ("switch(c, a, a) -> a",
     lambda g, c, x: g.apply(P.switch, c, x, x), "c x", (True, 2.0),
     "graph f(c, x)\n  %1 = switch(c, x, x)\n  return %1\n",
     "graph f(c, x)\n  return x\n"),
    ("identity(x) -> x",
     lambda g, x: g.apply(P.sin, g.apply(P.identity, x)), "x", (0.5,),
     "graph f(x)\n  %1 = identity(x)\n  %2 = sin(%1)\n  return %2\n",
     "graph f(x)\n  %1 = sin(x)\n  return %1\n"),
    ("gadd(x, ZERO) -> x",
     lambda g, x: g.apply(P.gadd, x, ZERO), "x", (0.5,),
     "graph f(x)\n  %1 = gadd(x, ZERO)\n  return %1\n",
     "graph f(x)\n  return x\n"),
    ("gadd(ZERO, x) -> x",
     lambda g, x: g.apply(P.gadd, ZERO, x), "x", (0.5,),
     "graph f(x)\n  %1 = gadd(ZERO, x)\n  return %1\n",
     "graph f(x)\n  return x\n"),
    ("gadd((a, b), (c, d)) -> (gadd(a, c), gadd(b, d))",
     lambda g, x, y: g.apply(P.gadd, g.apply(P.make_tuple, x, y),
                             g.apply(P.make_tuple, y, x)), "x y", (1.0, 2.5),
     "graph f(x, y)\n  %1 = make_tuple(x, y)\n  %2 = make_tuple(y, x)\n"
     "  %3 = gadd(%1, %2)\n  return %3\n",
     "graph f(x, y)\n  %1 = gadd(x, y)\n  %2 = gadd(y, x)\n  %3 = make_tuple(%1, %2)\n"
     "  return %3\n"),
    ("is_zero(ZERO) -> True",
     lambda g: g.apply(P.is_zero, ZERO), "", (),
     "graph f()\n  %1 = is_zero(ZERO)\n  return %1\n",
     "graph f()\n  return True\n"),
    ("is_zero(v) -> False  (v computed by a primitive)",
     lambda g, x: g.apply(P.is_zero, g.apply(P.mul, x, x)), "x", (3.0,),
     "graph f(x)\n  %1 = mul(x, x)\n  %2 = is_zero(%1)\n  return %2\n",
     "graph f(x)\n  return False\n"),
    ("is_zero(c) -> c is ZERO",
     lambda g: g.apply(P.is_zero, 0.0), "", (),
     "graph f()\n  %1 = is_zero(0.0)\n  return %1\n",
     "graph f()\n  return False\n"),
    ("v is None -> False  (v computed by a primitive)",
     lambda g, x: g.apply(P.is_, g.apply(P.make_tuple, x), None), "x", (3.0,),
     "graph f(x)\n  %1 = make_tuple(x)\n  %2 = is(%1, None)\n  return %2\n",
     "graph f(x)\n  return False\n"),
    ("env_getitem(env_setitem(e, k, v), k, d) -> v",
     lambda g, x: g.apply(P.env_getitem, g.apply(P.env_setitem, NEWENV, KEY, x), KEY, ZERO),
     "x", (3.0,),
     "graph f(x)\n  %1 = env_setitem(Env(), Parameter<k>, x)\n"
     "  %2 = env_getitem(%1, Parameter<k>, ZERO)\n  return %2\n",
     "graph f(x)\n  return x\n"),
    ("env_getitem(env_setitem(e, k2, v), k, d) -> env_getitem(e, k, d)  (k2 != k)",
     lambda g, e, x: g.apply(P.env_getitem, g.apply(P.env_setitem, e, KEY2, x), KEY, ZERO),
     "e x", (P.env_setitem(NEWENV, KEY.value, 1.5), 3.0),
     "graph f(e, x)\n  %1 = env_setitem(e, Parameter<k2>, x)\n"
     "  %2 = env_getitem(%1, Parameter<k>, ZERO)\n  return %2\n",
     "graph f(e, x)\n  %1 = env_getitem(e, Parameter<k>, ZERO)\n  return %1\n"),
    ("env_getitem(newenv, k, d) -> d",
     lambda g, x: g.apply(P.env_getitem, NEWENV, KEY, x), "x", (3.0,),
     "graph f(x)\n  %1 = env_getitem(Env(), Parameter<k>, x)\n  return %1\n",
     "graph f(x)\n  return x\n"),
    ("regroup((f, a, x), 1) -> ((f, a), x): a Partial's sensitivities grouped",
     lambda g, x, y: g.apply(P.regroup, g.apply(P.make_tuple, ZERO, x, y), 1), "x y",
     (1.0, 2.0),
     "graph f(x, y)\n  %1 = make_tuple(ZERO, x, y)\n  %2 = regroup(%1, 1)\n  return %2\n",
     "graph f(x, y)\n  %1 = make_tuple(ZERO, x)\n  %2 = make_tuple(%1, y)\n  return %2\n"),
    ("partial(f, a)(b) -> f(a, b)",
     lambda g, x, y: g.apply(g.apply(P.partial, P.sub, x), y), "x y", (5.0, 2.0),
     "graph f(x, y)\n  %1 = partial(sub, x)\n  %2 = %1(y)\n  return %2\n",
     "graph f(x, y)\n  %1 = sub(x, y)\n  return %1\n"),
]


@pytest.mark.parametrize("name,build,params,args,before,after", ROWS,
                         ids=[r[0].split(" ->")[0] for r in ROWS])
def test_rule(name, build, params, args, before, after):
    (rule,) = [r for r in RULES if getattr(r, "name", None) == name]
    g = make(build, params)
    assert listing(g) == before
    opt = apply_rules(g, [rule])
    check(opt)
    assert listing(opt) == after
    assert same(DebugVM().run(opt, args), DebugVM().run(g, args))


def test_every_rule_has_a_row():
    named = {r.name for r in RULES if hasattr(r, "name")} - {
        "gadd(switch(c, ZERO, a), switch(c, b, ZERO)) -> switch(c, b, a)"}  # tested below
    assert named == {row[0] for row in ROWS}


def test_a_depend_keeps_the_calls_that_may_check_through_what_feeds_it():
    # (as inlining leaves a checking call's result: one item read, or an add)
    from myia.ir import DebugInfo, Graph
    unpacks, pure = Graph(DebugInfo("unpacks")), Graph(DebugInfo("pure"))
    t = unpacks.add_parameter("t")
    unpacks.output = unpacks.apply(P.unpack_item, t, 0, 2)
    pure.output = pure.apply(P.getitem, pure.add_parameter("t"), 0)
    g = make(lambda g, x, t: g.apply(P.depend, x, g.apply(P.add, g.apply(
        P.getitem, g.apply(P.make_tuple, g.apply(unpacks, t), g.apply(pure, t)), 0), 1.0),
        g.apply(pure, t)), "x t")
    out = apply_rules(g, RULES).output
    assert out.inputs[0].value is P.depend and \
        [n.inputs[0].value.name for n in out.inputs[2:]] == ["unpacks"]  # (a clone)
    for bad in ((1.0, 2.0, 3.0), (1.0,)):
        with pytest.raises(Exception, match="cannot unpack"):
            DebugVM().run(out.graph, (1.0, bad))


def test_a_rule_declines_what_it_does_not_prove():
    # getitem with an index out of range stays (the VM raises at run time).
    g = make(lambda g, x: g.apply(P.getitem, g.apply(P.make_tuple, x), 3))
    assert listing(apply_rules(g, RULES)) == listing(g)
    # So does the check of an unpacking of the wrong length, kept alive.
    g = make(lambda g, x: g.apply(P.depend, x, g.apply(
        P.unpack_item, g.apply(P.make_tuple, x, x, x), 0, 2)))
    assert listing(apply_rules(g, RULES)) == listing(g)
    # Keys that may be equal are not assumed distinct.
    g = make(lambda g, e, k, x: g.apply(P.env_getitem, g.apply(P.env_setitem, e, k, x),
                                        KEY, ZERO), "e k x")
    assert listing(apply_rules(g, RULES)) == listing(g)
    # 0 is not False: switch(0, a, b) is decided only by constant folding's truth.
    assert Constant(0).value is not False


def test_gadd_of_switches_each_adding_zero():
    (rule,) = [r for r in RULES if getattr(r, "name", "").startswith("gadd(switch")]
    g = make(lambda g, c, x, y: g.apply(P.gadd, g.apply(P.switch, c, ZERO, x),
                                        g.apply(P.switch, c, y, ZERO)), "c x y")
    opt = apply_rules(g, [rule])
    assert listing(opt) == "graph f(c, x, y)\n  %1 = switch(c, y, x)\n  return %1\n"
    for c in (True, False):
        assert DebugVM().run(opt, (c, 1.0, 2.0)) == DebugVM().run(g, (c, 1.0, 2.0))


def test_trivial_branches_become_a_switch_of_values():
    from myia.ir import Graph
    from myia.opt.rules import trivial_branches

    def build(g, c, x):
        a, b = Graph(), Graph()
        a.debug.name, b.debug.name = "then", "else"
        a.output, b.output = x, Constant(ZERO)
        return g.apply(g.apply(P.switch, c, a, b))
    g = make(build, "c x")
    assert listing(g) == ("graph f(c, x)\n  %1 = switch(c, @then, @else)\n  %2 = %1()\n"
                          "  return %2\n\ngraph then()\n  return x\n\ngraph else()\n"
                          "  return ZERO\n")
    opt = apply_rules(g, [trivial_branches])
    assert listing(opt) == "graph f(c, x)\n  %1 = switch(c, x, ZERO)\n  return %1\n"
    for c in (True, False):
        assert same(DebugVM().run(opt, (c, 1.5)), DebugVM().run(g, (c, 1.5)))
