"""Property: on generated programs, optimizing changes no result.

Programs are drawn as IR: arithmetic on two float parameters, tuples taken
apart, branches (`switch(c, then, else)()` whose graphs close over earlier
values), calls of helper graphs and of partial applications, identity and
symbolic zeros.  Each one, and its gradient, runs on the debug VM before
and after `optimize` (untyped, closure-converted, and, when inference
takes the program, its monomorphized graph against the same optimized).
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from myia import prims as P
from myia.grad import grad_graph
from myia.ir import DebugInfo, Graph, IRError, check
from myia.errors import MyiaError
from myia.opt import optimize
from myia.pipeline import infer_stage
from myia.prims.adjoint import ZERO
from myia.vm.debug import DebugVM

from ..conftest import same

BINARY = [P.add, P.sub, P.mul, P.maximum]
UNARY = [P.sin, P.cos, P.tanh, P.neg]


def helper(op):
    h = Graph(DebugInfo(f"helper_{op.name}"))
    a, b = h.add_parameter("a"), h.add_parameter("b")
    h.output = h.apply(op, h.apply(P.mul, a, 0.5), b)
    return h


def program(draw):
    g = Graph(DebugInfo("generated"))
    values = [g.add_parameter("x"), g.add_parameter("y")]
    for _ in range(draw(st.integers(1, 12))):
        pick = lambda: values[draw(st.integers(0, len(values) - 1))]  # noqa: E731
        kind = draw(st.integers(0, 7))
        a, b = pick(), pick()
        if kind == 0:
            v = g.apply(draw(st.sampled_from(BINARY)), a, b)
        elif kind == 1:
            v = g.apply(draw(st.sampled_from(UNARY)), a)
        elif kind == 2:
            t = g.apply(P.make_tuple, a, b, draw(st.floats(-2, 2)))
            v = g.apply(P.getitem, t, draw(st.integers(0, 2)))
        elif kind == 3:  # if a < b: a * b  else: b - 1.5  (closures over a, b)
            then, other = Graph(DebugInfo("then")), Graph(DebugInfo("else"))
            then.output = then.apply(P.mul, a, b)
            other.output = other.apply(P.sub, b, 1.5)
            cond = g.apply(P.lt, a, b) if draw(st.booleans()) else draw(st.booleans())
            v = g.apply(g.apply(P.switch, cond, then, other))
        elif kind == 4:
            v = g.apply(helper(draw(st.sampled_from(BINARY))), a, b)
        elif kind == 5:
            v = g.apply(g.apply(P.partial, draw(st.sampled_from(BINARY)), a), b)
        elif kind == 6:
            v = g.apply(P.identity, g.apply(P.add, a, draw(st.floats(-2, 2))))
        else:
            v = g.apply(P.gadd, a, ZERO)
        values.append(v)
    g.output = g.apply(P.add, values[-1], g.apply(P.mul, values[-2], 0.25))
    return g


def outcome(graph, args):
    try:
        with np.errstate(all="ignore"):
            return DebugVM().run(graph, args)
    except Exception as e:  # noqa: BLE001
        return type(e)


def typed(graph, args):
    """`graph` monomorphized for `args`, or None where inference declines (or,
    still, makes a malformed graph: that is inference's own test to fail)."""
    try:
        return check(infer_stage(graph, args))
    except (MyiaError, IRError):
        return None


@settings(max_examples=60, deadline=None)
@given(st.data(), st.floats(-3, 3), st.floats(-3, 3))
def test_optimized_programs_and_gradients_agree(data, x, y):
    g = program(data.draw)
    for graph in (g, grad_graph(g, argnums=(0, 1))):
        expected = outcome(graph, (x, y))
        for opt in (optimize(graph), optimize(graph, closures=True)):
            agree(expected, outcome(check(opt), (x, y)))
        # The typed graph against itself: whether inference kept the meaning
        # is the inference oracle's question, not the optimizer's.
        mono = typed(graph, (x, y))
        if mono is not None:
            opt = check(optimize(mono, closures=True))
            agree(outcome(mono, (x, y)), outcome(opt, (x, y)))


def agree(expected, got):
    if isinstance(expected, type):
        assert got is expected
    else:
        assert same(got, expected), (expected, got)
