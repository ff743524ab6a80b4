"""`myia.opt.envs`: Envs become tuples with one slot per key, on minimal
typed graphs, and the cases where that would not be exact."""

from myia import prims as P
from myia import types as T
from myia.ir import Constant, check
from myia.opt.envs import env_slots
from myia.prims.values import NEWENV, ZERO
from myia.vm.debug import DebugVM

from .util import apply_pass, listing, make

F = T.Float


def typed(node, a):
    node.abstract = a
    return node


def set_then_get(default=ZERO, out_env=False):
    """f(x) = env_getitem(env_setitem(env_setitem(Env(), a, x), b, x), b, default)."""
    def build(g, x):
        typed(x, F)
        a, b = g.add_parameter("a"), g.add_parameter("b")  # the keys (never called)
        g.parameters[:] = [x]
        e1 = typed(g.apply(P.env_setitem, Constant(NEWENV), Constant(a), x), T.EnvT({a}))
        e2 = typed(g.apply(P.env_setitem, e1, Constant(b), x), T.EnvT({a, b}))
        if out_env:
            return e2
        return typed(g.apply(P.env_getitem, e2, Constant(b), Constant(default)), F)
    return make(build)


def test_env_operations_become_tuple_slots():
    g = set_then_get()
    assert listing(g) == (
        "graph f(x: float)\n"
        "  %1 = env_setitem(Env(), Parameter<a>, x) : Env{a}\n"
        "  %2 = env_setitem(%1, Parameter<b>, x) : Env{a, b}\n"
        "  %3 = env_getitem(%2, Parameter<b>, ZERO) : float\n"
        "  return %3\n")
    out, done = apply_pass(g, env_slots)
    assert done
    assert listing(out) == (
        "graph f(x: float)\n"
        "  %1 = getitem((ZERO, ZERO), 1)\n"
        "  %2 = make_tuple(x, %1) : Env{a}\n"
        "  %3 = getitem(%2, 0)\n"
        "  %4 = make_tuple(%3, x) : Env{a, b}\n"
        "  %5 = getitem(%4, 1) : float\n"
        "  return %5\n")
    check(out)
    assert DebugVM().run(out, (2.5,)) == DebugVM().run(g, (2.5,)) == 2.5


def test_envs_stay_where_slots_would_not_be_exact():
    for g in (set_then_get(default=1.0),  # an absent key reads 1.0, not ZERO
              set_then_get(out_env=True)):  # the caller sees the Env
        before = listing(g)
        out, done = apply_pass(g, env_slots)
        assert not done and listing(out) == before


def test_empty_envs_inside_constants_become_slots():
    # A backpropagator with nothing to send returns the constant `(Env(),)`.
    def build(g, x):
        typed(x, F)
        a = g.add_parameter("a")
        g.parameters[:] = [x]
        e = typed(g.apply(P.env_setitem, Constant(NEWENV), Constant(a), x), T.EnvT({a}))
        t = typed(g.apply(P.make_tuple, e, Constant((NEWENV,))),
                  T.Tuple([T.EnvT({a}), T.Tuple([T.EnvT(())])]))
        return typed(g.apply(P.getitem, t, 1), T.Tuple([T.EnvT(())]))
    g = make(build)
    g.output.abstract = None  # (the result may hold an Env: give it no type to check)
    out, done = apply_pass(g, env_slots)
    assert done and "Env()" not in listing(out)
    assert DebugVM().run(out, (2.5,)) == ((ZERO,),)
