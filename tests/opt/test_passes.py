"""The passes that are not patterns, each on a small graph, and their cost.

Costs are counted (`GraphManager.work`: edge updates and rule tries), never
timed: a pass is linear when doubling the program doubles its work.
"""

import math

import pytest

import myia
from myia import prims as P
from myia.grad import grad_graph
from myia.ir import Graph, GraphManager, IRError, Manager, check, clone
from myia.opt import convert_closures, optimize
from myia.opt.cse import cse
from myia.opt.dce import dce
from myia.opt.fold import fold_constant
from myia.opt.inline import inline_call
from myia.opt.returns import flatten_returns
from myia.opt.rewrite import rewrite
from myia.opt.rules import RULES
from myia.parse import parse
from myia.pipeline import infer_stage, typed_optimize
from myia.vm.debug import DebugVM

from .util import apply_pass, apply_rules, listing, make


def sq_caller():
    sq = Graph()
    sq.debug.name = "sq"
    y = sq.add_parameter("y")
    sq.output = sq.apply(P.mul, y, y)
    return make(lambda g, x: g.apply(P.add, g.apply(sq, x), g.apply(sq, 2.0)))


def test_inline_small_graph_at_every_call():
    g = sq_caller()
    assert listing(g) == ("graph f(x)\n  %1 = @sq(x)\n  %2 = @sq(2.0)\n  %3 = add(%1, %2)\n"
                          "  return %3\n\ngraph sq(y)\n  %4 = mul(y, y)\n  return %4\n")
    opt = apply_rules(g, [inline_call])
    check(opt)
    assert listing(opt) == ("graph f(x)\n  %1 = mul(x, x)\n  %2 = mul(2.0, 2.0)\n"
                            "  %3 = add(%1, %2)\n  return %3\n")
    assert DebugVM().run(opt, (3.0,)) == DebugVM().run(g, (3.0,)) == 13.0


def closure_program(x, n):
    scale = x * 2.0

    def bump(v):
        return v + scale

    return bump(n) * bump(x)


def test_inlined_closure_still_sees_its_values():
    g = parse(closure_program)
    opt = apply_rules(g, [inline_call])
    check(opt)
    assert len(Manager(opt).graphs) == 1
    assert DebugVM().run(opt, (1.5, 3.0)) == closure_program(1.5, 3.0)


def loop_program(n):
    i = 0
    while i < n:
        i = i + 1
    return i


def test_loops_stay_calls():
    g = parse(loop_program)
    opt = optimize(g)
    names = [k.name for k in Manager(opt).graphs]
    assert any("while" in n for n in names)  # the recursive header survives
    assert DebugVM().run(opt, (50_000,)) == 50_000  # in constant stack


def test_constant_folding():
    g = make(lambda g, x: g.apply(P.mul, x, g.apply(P.add, 2.0, g.apply(P.neg, 1.0))))
    opt = apply_rules(g, [fold_constant])
    assert listing(opt) == "graph f(x)\n  %1 = mul(x, 1.0)\n  return %1\n"


def test_folding_leaves_errors_to_run_time():
    g = make(lambda g: g.apply(P.truediv, 1.0, 0.0), "")
    assert listing(apply_rules(g, [fold_constant])) == listing(g)


def test_cse_merges_equal_nodes_and_keeps_distinct_constants():
    def build(g, x):
        a, b = g.apply(P.cos, x), g.apply(P.cos, x)
        z, nz = g.apply(P.add, x, 0.0), g.apply(P.add, x, -0.0)
        return g.apply(P.make_tuple, g.apply(P.mul, a, b), z, nz)
    g = make(build)
    opt, merged = apply_pass(g, cse)
    assert merged == 1
    assert listing(opt) == ("graph f(x)\n  %1 = cos(x)\n  %2 = add(x, 0.0)\n"
                            "  %3 = add(x, -0.0)\n  %4 = mul(%1, %1)\n"
                            "  %5 = make_tuple(%4, %2, %3)\n  return %5\n")


def test_dce_drops_parameters_a_loop_only_passes_around():
    def carry(x, n):
        i = 0
        while i < n:  # the header carries x, i (and reads n)
            x = x * 2.0  # computed, but only for the next iteration
            i = i + 1
        return i
    g = apply_rules(parse(carry), [inline_call, *RULES])
    header = [k for k in Manager(g).graphs if ":while:" in k.name][0]
    assert [p.debug.name for p in header.parameters] == ["x", "i"]
    assert DebugVM().run(g, (1.0, 7)) == 7
    opt, removed = apply_pass(g, dce)
    header = [k for k in Manager(opt).graphs if ":while:" in k.name][0]
    assert removed >= 1 and [p.debug.name for p in header.parameters] == ["i"]
    assert DebugVM().run(opt, (1.0, 7)) == 7


def test_optimize_does_not_mutate_its_input():
    g = parse(closure_program)
    before = listing(g)
    optimize(g)
    assert listing(g) == before


def wide(n):
    """`n` lines of `x = sin(x) * c + x` in one graph, c a few constants."""
    g = Graph()
    x = g.add_parameter("x")
    v = x
    for i in range(n):
        v = g.apply(P.add, g.apply(P.mul, g.apply(P.sin, v), float(i % 3)), v)
    g.output = g.apply(P.getitem, g.apply(P.make_tuple, v, v), 0)
    return g


def deep(n):
    """`n` small graphs, each calling the next (the calls to inline)."""
    last = None
    for i in range(n):
        g = Graph()
        x = g.add_parameter("x")
        y = g.apply(P.add, x, 1.0)
        g.output = g.apply(last, y) if last is not None else y
        last = g
    return last


def work(graph):
    """The work of each pass, run in order on a copy of `graph`."""
    mng = GraphManager(clone(graph, total=True))
    out = []
    for p in (lambda m: rewrite(m, [*RULES, fold_constant, inline_call]), cse, dce,
              flatten_returns):
        start = mng.work
        p(mng)
        out.append(mng.work - start)
    return out


def test_passes_are_linear_on_10000_nodes():
    # wide(n): 3n nodes in one graph; deep(n): n graphs of 2 nodes.
    for make_graph, n in ((wide, 3334), (deep, 5000)):
        small, big = work(make_graph(n // 10)), work(make_graph(n))
        for s, b in zip(small, big):
            assert b <= 12 * s + 100, (make_graph.__name__, small, big)


def scalar_loop(a, x, n):
    i = 0
    while i < n:
        x = a * math.sin(x) + 0.5 * x + 0.1
        i = i + 1
    return x


def first_origin(node):
    while node.debug.origin is not None:
        node = node.debug.origin
    return node


def test_optimized_gradient_names_the_users_lines():
    opt = myia.ir(myia.grad(scalar_loop), stage="opt")
    mng = Manager(opt)
    nodes = [n for g in mng.graphs for n in mng.nodes[g]]
    located = [n.debug.find_loc() for n in nodes if n.debug.find_loc() is not None]
    # A node without a line comes from a parser node without one (a jump).
    assert all(first_origin(n).debug.loc is None for n in nodes
               if n.debug.find_loc() is None)
    # Inlined library code (backpropagators, wrappers) names the user's line.
    first = scalar_loop.__code__.co_firstlineno
    assert {loc.file for loc in located} == {__file__}
    assert {loc.line for loc in located} <= set(range(first, first + 6))
    assert len(located) > len(nodes) // 2
    assert DebugVM().run(opt, (1.3, 0.7, 5)) == myia.grad(scalar_loop)(1.3, 0.7, 5)


def typed_loop_gradient():
    g = grad_graph(myia.ir(scalar_loop))
    return g, optimize(infer_stage(g, (1.3, 0.7, 5)))


def test_typed_gradient_is_inferred_again_after_the_rules():
    # The first inference cannot tell that the loop's x sensitivity is never
    # ZERO (two branches' Envs are added); after the rules it can, and every
    # `is_zero` switch on it folds, the backpropagators of `add`, `mul`,
    # `sin` inlined.
    g, opt = typed_loop_gradient()
    text = listing(opt)
    assert "is_zero" not in text and "@zeros" not in text and "bprop(" not in text
    assert "f64|ZERO" in text  # the sensitivity of `a` is ZERO at the loop exit
    assert DebugVM().run(opt, (1.3, 0.7, 5)) == DebugVM().run(g, (1.3, 0.7, 5))
    mng = Manager(opt)
    nodes = [n for k in mng.graphs for n in mng.nodes[k]]
    assert all(getattr(n, "abstract", None) is not None for n in nodes)
    first = scalar_loop.__code__.co_firstlineno
    lines = {n.debug.find_loc().line for n in nodes if n.debug.find_loc() is not None}
    assert lines and lines <= set(range(first, first + 6))


def loop9(x, n):
    i = 0
    s = 0.0
    while i < n:
        a = x * s + 1.0
        b = math.sin(a) * x
        c = b * b + a
        s = s + c * 0.01
        i = i + 1
    return s


def test_typed_second_order_gradient_of_a_loop():
    # Second order: Envs reach `is_zero` (no slots), but returns are flattened.
    g = grad_graph(grad_graph(myia.ir(loop9)))
    mono = infer_stage(g, (0.3, 4))
    opt = optimize(mono)
    assert count_nodes(opt) < count_nodes(mono) // 2
    assert DebugVM().run(opt, (0.3, 4)) == DebugVM().run(g, (0.3, 4))


def count_nodes(g):
    mng = Manager(g)
    return sum(len(v) for v in mng.nodes.values())


def hand_written(a, x, i, n):
    if i < n:
        s = math.sin(x)
        y, ga, gx = hand_written(a, a * s + 0.5 * x + 0.1, i + 1, n)
        return y, ga + gx * s, gx * (a * math.cos(x) + 0.5)
    return x, 0.0, 1.0


def test_the_loop_gradient_the_production_vm_runs_is_near_hand_written():
    g = grad_graph(myia.ir(scalar_loop))
    opt = typed_optimize(infer_stage(g, (1.3, 0.7, 5)))
    assert count_nodes(opt) <= 1.5 * count_nodes(myia.ir(hand_written))
    assert "Env" not in listing(opt)
    assert DebugVM().run(opt, (1.3, 0.7, 5)) == DebugVM().run(g, (1.3, 0.7, 5))


def closure_capture(x, y):
    def f(z):
        return z * x + y * y

    def g(z):
        return f(z) * x

    return g(y) + f(3.0)


def test_typed_gradient_of_closures_is_exact():
    g = grad_graph(myia.ir(closure_capture))
    opt = optimize(infer_stage(g, (1.3, 0.7)))
    assert DebugVM().run(opt, (1.3, 0.7)) == DebugVM().run(g, (1.3, 0.7))


def test_an_unfilled_node_is_an_ir_error():
    g = make(lambda g, x: g.apply(P.add, x, 1.0))
    g.output.inputs.clear()  # what a pass that made the graph forgot to fill in
    with pytest.raises(IRError, match="not a proper Apply"):
        optimize(g)


def test_closure_conversion_lifts_and_makes_escaping_closures_explicit():
    g = Graph()
    g.debug.name = "f"
    x = g.add_parameter("x")
    inner = Graph()
    inner.debug.name = "g"
    y = inner.add_parameter("y")
    inner.output = inner.apply(P.mul, x, y)
    g.output = g.apply(P.make_tuple, g.apply(inner, 2.0), inner)
    lifted, count = apply_pass(g, convert_closures)
    assert count == 1
    call = [r for r in RULES if getattr(r, "name", "").startswith("partial(f, a)(b)")]
    opt = apply_rules(lifted, call)
    check(opt)
    assert listing(opt) == (
        "graph f(x)\n  %1 = partial(@g, x)  # [closure]\n"
        "  %2 = @g(x, 2.0)\n  %3 = make_tuple(%2, %1)\n  return %3\n\n"
        "graph g(x, y)\n  %4 = mul(x, y)\n  return %4\n")
    mng = Manager(opt)
    assert all(not mng.free_variables[k] for k in mng.graphs)
    value, fn = DebugVM().run(opt, (3.0,))
    assert value == 6.0 and DebugVM().run(fn.fn, (*fn.args, 5.0)) == 15.0



def unpacked(t, x):
    a, b = t
    c, d = (x * a, b)  # d unread
    return a * b + c * x


def indexed(t, x):
    return t[0] * t[1] + (x * t[0]) * x


def test_an_unpacking_costs_nothing_once_typed_and_optimized():
    # Inference proves the lengths, so each `unpack_item` becomes a getitem
    # and the `depend` goes: the forward program is as small as with
    # indexing, the gradients no larger than when the parser emitted getitems
    # (8, 13 and 111 nodes; the (x * a, b) pair costs the gradients more than
    # indexing does, with getitem as with unpack_item).
    args = ((1.0, 2.0), 3.0)
    sizes = []
    for transform in (lambda g: g, lambda g: grad_graph(g, 1), lambda g: grad_graph(g, 0),
                      lambda g: grad_graph(grad_graph(g, 1), 1)):
        u, i = (optimize(infer_stage(transform(myia.ir(f)), args)) for f in (unpacked, indexed))
        assert "= unpack_item(" not in listing(u) and "= depend(" not in listing(u)
        assert DebugVM().run(u, args) == DebugVM().run(i, args)
        sizes.append(count_nodes(u))
    assert sizes[0] == count_nodes(optimize(infer_stage(myia.ir(indexed), args)))
    assert sizes[1:] <= [8, 13, 111] and all(a <= b for a, b in zip(sizes[1:], [8, 13, 111]))
