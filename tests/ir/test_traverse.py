"""Manager: graphs reachable, free variables, nesting and evaluation order."""

import pytest

from myia import prims as P
from myia.ir import Apply, Constant, DebugInfo, Graph, Manager, owned_nodes, reachable_graphs, walk
from myia.parse import parse


def closures(x, n):
    y = x * 2
    z = x + 1  # only used by `inner`, never by `closures` itself

    def outer(a):
        def inner(b):
            return b + a + z
        return inner(y)

    return outer(n)


def graph_named(mng, name):
    (g,) = [g for g in mng.graphs if g.name == name]
    return g


def test_graphs_reachable_root_first():
    root = parse(closures)
    mng = Manager(root)
    assert mng.graphs[0] is root
    assert {g.name for g in mng.graphs} == {"closures", "outer", "inner"}
    assert reachable_graphs(root) == mng.graphs


def test_walk_enters_closures_once_each():
    root = parse(closures)
    nodes = list(walk([root.output]))
    assert len(nodes) == len(set(nodes))
    graphs = {n.graph for n in nodes if isinstance(n, Apply)}
    assert {g.name for g in graphs} == {"closures", "outer", "inner"}
    assert {n.debug.name for n in nodes if isinstance(n, Apply) and n.debug.name} >= {"y", "z"}


def test_free_variables_are_transitive():
    mng = Manager(parse(closures))
    root, outer, inner = (graph_named(mng, n) for n in ("closures", "outer", "inner"))
    assert mng.free_variables[root] == set()
    names = lambda nodes: {n.debug.name for n in nodes}  # noqa: E731
    assert names(mng.free_variables[inner]) == {"a", "z"}
    # outer needs y itself, and z through inner.
    assert names(mng.free_variables[outer]) == {"y", "z"}
    assert all(n.graph is root for n in mng.free_variables[outer])


def test_parent_and_scope():
    mng = Manager(parse(closures))
    root, outer, inner = (graph_named(mng, n) for n in ("closures", "outer", "inner"))
    assert mng.parent[root] is None
    assert mng.parent[outer] is root
    assert mng.parent[inner] is outer
    assert mng.scope(inner) == [outer, root]
    assert mng.scope(root) == []


def test_nodes_used_only_by_nested_graphs_are_evaluated_first():
    mng = Manager(parse(closures))
    root = mng.graphs[0]
    order = mng.nodes[root]
    names = [n.debug.name for n in order]
    assert "z" in names  # needed by inner only, still evaluated by its owner
    call = order[-1]
    assert call is root.output
    assert names.index("z") < order.index(call)
    assert names.index("y") < order.index(call)
    assert owned_nodes(root) == order


def test_nodes_are_in_source_order():
    def straight(x):
        a = x + 1
        b = x * 2
        c = a - b
        return c

    g = parse(straight)
    order = Manager(g).nodes[g]
    assert [n.debug.name for n in order] == ["a", "b", "c"]
    assert [n.id for n in order] == sorted(n.id for n in order)


def test_unused_nodes_are_not_evaluated():
    g = Graph(DebugInfo("g"))
    x = g.add_parameter("x")
    g.apply(P.neg, x)  # dead
    g.output = g.apply(P.exp, x)
    assert Manager(g).nodes[g] == [g.output]


def test_hand_built_closure():
    f = Graph(DebugInfo("f"))
    x = f.add_parameter("x")
    sq = f.apply(P.mul, x, x)
    inner = Graph(DebugInfo("inner"))
    inner.output = inner.apply(P.add, sq, 1)
    f.output = f.apply(inner)
    mng = Manager(f)
    assert mng.graphs == [f, inner]
    assert mng.free_variables[inner] == {sq}
    assert mng.parent[inner] is f
    assert mng.nodes[f] == [sq, f.output]


def test_graph_returned_as_value_is_reached():
    f = Graph(DebugInfo("f"))
    x = f.add_parameter("x")
    k = Graph(DebugInfo("k"))
    k.output = x
    f.output = Constant(k)
    mng = Manager(f)
    assert mng.graphs == [f, k]
    assert mng.free_variables[k] == {x}
    assert mng.parent[k] is f


def test_loop_graphs_nest_in_the_header():
    def loop(n):
        s = 0
        while n > 0:
            s = s + n
            n = n - 1
        return s

    mng = Manager(parse(loop))
    by_role = {g.debug.role: g for g in mng.graphs}
    header, body = by_role["while"], by_role["while_body"]
    # The header takes the loop's variables as parameters: it needs nothing
    # from the function; the body reads them from the header.
    assert mng.free_variables[header] == set()
    assert {n.debug.name for n in mng.free_variables[body]} == {"n", "s"}
    assert mng.parent[body] is header
    assert mng.parent[by_role["loop_exit"]] is header


def test_cycle_is_reported():
    g = Graph()
    x = g.add_parameter("x")
    a = g.apply(P.neg, x)
    b = g.apply(P.neg, a)
    a.inputs[1] = b
    g.output = b
    with pytest.raises(ValueError, match="cycle"):
        Manager(g)
