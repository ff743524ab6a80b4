"""The IR's node classes: construction, ids, debug info."""

from myia import prims as P
from myia.ir import Apply, Constant, DebugInfo, Graph, Location, Parameter


def test_graph_parameters_and_apply():
    g = Graph(DebugInfo("f"))
    x = g.add_parameter("x", Location("f.py", 3, 6))
    y = g.add_parameter("y")
    a = g.apply(P.mul, x, 2)
    g.output = g.apply(P.add, a, y)
    assert g.parameters == [x, y]
    assert isinstance(x, Parameter) and x.graph is g and x.debug.name == "x"
    assert x.loc.line == 3 and x.inputs == []
    assert isinstance(a, Apply) and a.graph is g
    assert isinstance(a.fn, Constant) and a.fn.value is P.mul
    assert a.args[0] is x
    assert isinstance(a.args[1], Constant) and a.args[1].value == 2
    assert a.inputs == [a.fn, x, a.args[1]]
    assert g.output.args[0] is a


def test_constants_belong_to_no_graph():
    c = Constant(3.5)
    assert c.graph is None and c.inputs == [] and c.value == 3.5
    g = Graph()
    k = Constant(g)
    assert k.value is g and "Constant" in repr(k)


def test_ids_increase_in_creation_order():
    g = Graph()
    p = g.add_parameter("p")
    a = g.apply(P.neg, p)
    b = g.apply(P.neg, a)
    assert p.id < a.id < b.id
    assert g.id < p.id


def test_names_and_reprs():
    g = Graph()
    assert g.name == f"graph{g.id}"
    assert repr(Graph(DebugInfo("f"))) == "Graph<f>"
    p = g.add_parameter("x")
    assert repr(p) == "Parameter<x>"
    a = g.apply(P.neg, p)
    assert repr(a) == f"Apply<%{a.id}>"
    assert repr(Location("f.py", 4, 2)) == "f.py:4:2"


def test_debug_info_finds_location_through_origins():
    loc = Location("f.py", 10, 4, 9)
    g = Graph()
    user = g.apply(P.neg, 1, debug=DebugInfo("y", loc))
    derived = g.apply(P.neg, 1, debug=user.debug.derive(role="bprop", origin=user))
    again = g.apply(P.neg, 1, debug=derived.debug.derive(origin=derived))
    assert derived.debug.loc is None and derived.loc is loc
    assert again.loc is loc and again.debug.role == "bprop"
    assert derived.debug.name == "y" and derived.debug.origin is user
    assert g.apply(P.neg, 1).loc is None


def test_graph_text_forms():
    g = Graph(DebugInfo("f"))
    x = g.add_parameter("x")
    g.output = g.apply(P.neg, x)
    assert "graph f(x)" in str(g)
    assert g.to_dot().startswith("digraph")
