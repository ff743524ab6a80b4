"""GraphManager: users, ownership, free variables and nesting kept current.

The reference is a manager built from scratch on the edited graph: after
any sequence of edits, the incremental one must hold exactly the same facts.
"""

import random
from collections import Counter

from myia import prims as P
from myia.ir import Constant, Graph, GraphManager, Manager, clone
from myia.parse import parse


def closures(x, n):
    y = x * 2
    z = x + 1

    def outer(a):
        def inner(b):
            return b + a + z
        return inner(y)

    return outer(n)


def facts(mng):
    """Everything a manager tracks, comparable across managers."""
    return (
        set(mng.graphs),
        {g: set(ns) for g, ns in mng.nodes.items()},
        {n: set(u) for n, u in mng.uses.items()},
        {g: Counter(+c) for g, c in mng.free_variables_direct.items()},
        {g: Counter(+c) for g, c in mng.graphs_used.items()},
        {g: set(c) for g, c in mng.graph_constants.items()},
    )


def agrees_with_fresh(mng):
    mng.collect()
    assert facts(mng) == facts(GraphManager(mng.root))


def named(mng, name):
    (g,) = [g for g in mng.graphs if g.name == name]
    return g


def test_facts_of_a_parsed_closure_tree():
    mng = GraphManager(clone(parse(closures), total=True))
    root, outer, inner = (named(mng, n) for n in ("closures", "outer", "inner"))
    assert {n.debug.name for n in mng.free_variables_direct[inner]} == {"a", "z"}
    assert {n.debug.name for n in mng.free_variables_direct[outer]} == {"y"}
    assert mng.graphs_used[root] == Counter({outer: 1})
    assert mng.nested(root) and set(mng.nested(root)) == {outer, inner}
    assert mng.nested(outer) == [inner]
    assert mng.nested(inner) == []
    total = mng.free_variables_total()
    assert {n.debug.name for n in total[outer]} == {"y", "z"}
    # Same answers as the snapshot Manager the VMs use.
    snap = Manager(mng.root)
    assert all(total[g] == snap.free_variables[g] for g in snap.graphs)
    assert {g: set(snap.nodes[g]) for g in snap.graphs} == \
        {g: mng.nodes[g] for g in mng.graphs}


def test_replace_moves_uses_and_drops_what_is_dead():
    g = Graph()
    x = g.add_parameter("x")
    a = g.apply(P.mul, x, x)
    b = g.apply(P.sin, a)
    g.output = g.apply(P.add, b, 1.0)
    mng = GraphManager(g)
    assert mng.users(a) == {b}
    mng.replace(b, x)  # add(x, 1.0): sin and mul are dead
    assert g.output.inputs[1] is x
    assert a not in mng.uses and b not in mng.uses
    assert mng.nodes[g] == {g.output}
    assert mng.users(x) == {g.output}
    agrees_with_fresh(mng)


def test_graph_lives_while_a_constant_of_it_does():
    sq = Graph()
    y = sq.add_parameter("y")
    sq.output = sq.apply(P.mul, y, y)
    g = Graph()
    x = g.add_parameter("x")
    call = g.apply(sq, x)
    g.output = g.apply(P.add, call, call)
    mng = GraphManager(g)
    assert sq in mng.graphs and mng.graph_users(sq) == Counter({g: 1})
    assert mng.calls(sq) == [(call, True)]
    mng.replace(call, x)
    assert sq not in mng.graphs and sq not in mng.graph_constants
    agrees_with_fresh(mng)


def test_dead_cycle_is_collected():
    loop = Graph()
    i = loop.add_parameter("i")
    loop.output = loop.apply(loop, loop.apply(P.add, i, 1))  # calls itself
    g = Graph()
    g.output = g.apply(loop, 0)
    mng = GraphManager(g)
    mng.set_edge(g, "output", Constant(3))
    assert loop in mng.graphs  # reference counts see the self-call
    assert mng.collect() == 1
    assert set(mng.graphs) == {g}
    agrees_with_fresh(mng)


def test_random_edits_keep_every_fact_current():
    """Random replacements in a gradient program, checked after each one."""
    from myia.grad import grad_graph
    rng = random.Random(0)
    for _ in range(3):
        mng = GraphManager(clone(grad_graph(parse(closures)), total=True))
        for _ in range(40):
            live = [g for g in mng.graphs if mng.nodes[g]]
            if not live:
                break
            g = rng.choice(live)
            node = rng.choice(sorted(mng.nodes[g], key=lambda n: n.id))
            # Replace by one of its inputs from the same or an enclosing graph.
            choices = [i for i in node.inputs[1:]
                       if isinstance(i, Constant) or i.graph is g]
            if choices:
                mng.replace(node, rng.choice(choices))
                agrees_with_fresh(mng)


def chain(n):
    """A graph of `n` additions, each using the previous one."""
    g = Graph()
    x = g.add_parameter("x")
    v = x
    for _ in range(n):
        v = g.apply(P.add, v, x)
    g.output = v
    return g


def test_work_is_linear_in_size_and_a_rewrite_costs_what_it_changes():
    small, big = GraphManager(chain(1000)), GraphManager(chain(10000))
    assert big.work <= 11 * small.work  # building: linear, not quadratic
    before = big.work
    node = big.root.output.inputs[1]  # the 9,999th addition: replace it by x
    big.replace(node, big.root.parameters[0])
    # Dropping 9,999 nodes costs about their edges; one more edit costs O(1).
    assert big.work - before < 4 * 10000
    before = big.work
    out = big.root.output
    big.set_edge(out, 2, Constant(2.0))
    assert big.work - before < 10
