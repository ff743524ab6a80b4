"""clone: a self-contained copy of a closure tree, every node tracing back."""

import numpy as np

from myia.ir import Apply, Constant, Graph, Manager, check, clone
from myia.parse import parse
from myia.vm.debug import DebugVM

from ..conftest import same


def closure_tree(x, n):
    scale = x * 2.0

    def step(acc, i):
        def bump(v):
            return v + scale * i
        return bump(acc)

    s = 0.0
    for i in range(n):
        s = step(s, i)
    if s > 10.0:
        s = s - 10.0
    return s, (lambda k: k * scale)(3.0)


def run(graph, *args):
    return DebugVM().run(graph, args)


def test_clone_runs_like_the_original():
    g = parse(closure_tree)
    c = clone(g)
    check(c)
    for args in [(1.0, 3), (4.0, 5), (0.5, 0)]:
        expected = closure_tree(*args)
        assert same(run(c, *args), expected)
        assert same(run(g, *args), expected)


def test_clone_copies_every_graph_and_node():
    g = parse(closure_tree)
    old, new = Manager(g), Manager(clone(g))
    assert len(old.graphs) == len(new.graphs)
    old_nodes = {n for gr in old.graphs for n in old.nodes[gr]}
    for gr in new.graphs:
        assert gr not in old.graphs
        for n in new.nodes[gr]:
            assert n not in old_nodes
            for i in n.inputs:
                if isinstance(i, Constant) and isinstance(i.value, Graph):
                    assert i.value in new.graphs  # no reference back to the original
                elif not isinstance(i, Constant):
                    assert i not in old_nodes and i.graph in new.graphs


def test_origins_point_at_the_original():
    g = parse(closure_tree)
    c = clone(g, role="copy")
    assert c.debug.origin is g
    old, new = Manager(g), Manager(c)
    for og, ng in zip(old.graphs, new.graphs):
        assert ng.debug.origin is og and ng.name == og.name
        for op, np_ in zip(og.parameters, ng.parameters):
            assert np_.debug.origin is op
        for n in new.nodes[ng]:
            assert isinstance(n, Apply)
            assert n.debug.origin in old.nodes[og]
            assert n.debug.role == "copy" or n.debug.origin.debug.role == n.debug.role
            if n.debug.origin.loc is not None:
                assert n.loc.line == n.debug.origin.loc.line


def test_clone_leaves_the_original_alone():
    g = parse(closure_tree)
    before = str(g)
    clone(g)
    assert str(g) == before


def test_clone_of_nested_graph_keeps_outer_free_variables():
    g = parse(closure_tree)
    mng = Manager(g)
    (step,) = [x for x in mng.graphs if x.name == "step"]
    c = clone(step)
    fv = Manager(c).free_variables[c]
    assert fv == mng.free_variables[step]  # still the outer function's nodes


def test_cloned_arrays_program():
    def f(a, b):
        h = np.tanh(a @ b)
        return np.sum(h * h, axis=0)

    a, b = np.ones((2, 3)), np.arange(6.0).reshape(3, 2) / 10
    assert same(run(clone(parse(f)), a, b), f(a, b))


def keywords(x, *, scale=2.0, shift=1.0):
    return x * scale + shift


def test_clone_keeps_keyword_only_parameters_and_defaults():
    g = parse(keywords)
    for c in (clone(g), clone(g, total=True)):
        assert c.kwonly == g.kwonly == {"scale", "shift"}
        assert {k: v.value for k, v in c.defaults.items()} == {"scale": 2.0, "shift": 1.0}
        assert [p.debug.name for p in c.parameters] == ["x", "scale", "shift"]


def test_total_clone_shares_no_graph():
    g = parse(closure_tree)
    c = clone(g, total=True)
    assert not set(Manager(g).graphs) & set(Manager(c).graphs)
    assert same(run(c, 1.0, 3), closure_tree(1.0, 3))
