"""The text listing and Graphviz forms of graphs."""

import inspect
import re

import myia
from myia import prims as P
from myia.ir import DebugInfo, Graph, Location, Manager, print_graph


def poly(x, y):
    a = x * y
    b = a + 1
    return b


def branchy(x):
    if x > 0:
        r = x * 2
    else:
        r = -x
    return r


FIRST = inspect.getsourcelines(poly)[1]


def test_listing_format():
    text = str(myia.ir(poly))
    lines = text.splitlines()
    assert re.fullmatch(r"graph poly\(x, y\) +# .*test_printer\.py:%d" % FIRST, lines[0])
    m = re.fullmatch(r"  %(\d+) = mul\(x, y\) +# a  line (\d+)", lines[1])
    assert m and int(m.group(2)) == FIRST + 1
    m2 = re.fullmatch(r"  %(\d+) = add\(%(\d+), 1\) +# b  line (\d+)", lines[2])
    assert m2 and m2.group(2) == m.group(1) and int(m2.group(3)) == FIRST + 2
    assert lines[3] == f"  return %{m2.group(1)}"
    assert len(lines) == 4


def test_one_node_per_line_for_every_graph():
    g = myia.ir(branchy)
    mng = Manager(g)
    text = str(g)
    heads = [ln for ln in text.splitlines() if ln.startswith("graph ")]
    assert len(heads) == len(mng.graphs)
    assert heads[0].startswith("graph branchy(x)")
    node_lines = re.findall(r"^  (?:->)?%(\d+) = ", text, re.M)
    # `->` marks appear only with a marker; otherwise lines are "  %N = ..."
    ids = sorted(int(i) for i in node_lines)
    assert ids == sorted(n.id for gr in mng.graphs for n in mng.nodes[gr])
    assert text.count("  return ") == len(mng.graphs)
    assert "switch(" in text and "@branchy:if_true" in text


def test_every_source_line_appears():
    lines, first = inspect.getsourcelines(branchy)
    text = str(myia.ir(branchy))
    for k, src in enumerate(lines[1:], start=first + 1):
        if src.strip() not in ("else:", "") and "return r" not in src:
            assert f"line {k}" in text, (k, src)


def test_marker_and_values():
    g = myia.ir(poly)
    node = Manager(g).nodes[g][0]
    text = print_graph(g, marker=node, values={node: 6})
    line = [ln for ln in text.splitlines() if f"%{node.id} =" in ln][0]
    assert line.startswith(f"->%{node.id} = mul(x, y)")
    assert line.endswith("= 6")


def test_derived_nodes_show_their_origin_line():
    g = Graph(DebugInfo("g"))
    x = g.add_parameter("x")
    user = g.apply(P.neg, x, debug=DebugInfo("y", Location("u.py", 7)))
    g.output = g.apply(P.exp, user, debug=user.debug.derive("bprop", origin=user))
    text = str(g)
    assert "# y  line 7" in text
    assert "# y  from line 7  [bprop]" in text


def test_constants_are_short():
    def consts(x):
        return x + 1.5, x * 2, (x, None)

    text = str(myia.ir(consts))
    assert "add(x, 1.5)" in text and "mul(x, 2)" in text
    assert "make_tuple(x, None)" in text


def test_to_dot_is_graphviz():
    g = myia.ir(branchy)
    dot = g.to_dot()
    assert dot.startswith("digraph myia {") and dot.rstrip().endswith("}")
    assert dot.count("{") == dot.count("}")
    mng = Manager(g)
    defined = set(re.findall(r"^\s*(\w+) \[label=", dot, re.M))
    for gr in mng.graphs:
        assert f"subgraph cluster_{gr.id} " in dot
        for n in mng.nodes[gr]:
            assert f"n{n.id}" in defined  # a box per Apply
    for src, dst in re.findall(r"^\s*(\w+) -> (\w+)", dot, re.M):
        assert src in defined and dst in defined
    for label in re.findall(r'label="((?:[^"\\]|\\.)*)"', dot):
        assert "\n" not in label
