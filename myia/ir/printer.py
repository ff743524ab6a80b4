"""Text and Graphviz forms of graphs, shared by tests, errors and the debugger.

A listing shows one node per line, in evaluation order, with the user's
variable name and source line when known::

    graph f(x, y)                              # poly.py:3
      %12 = mul(x, y)                          # a  line 4
      %13 = add(%12, 1)                        # line 5
      return %13

Graphs nested in the printed one (branches, loop bodies, closures) follow it.
"""

import itertools

import numpy as np

from .nodes import Constant, Graph, Parameter
from .traverse import Manager


def short_value(v, limit=40):
    """A one-line rendering of a constant's value."""
    if isinstance(v, Graph):
        return f"@{v.name}"
    if isinstance(v, np.ndarray):
        s = f"array{list(v.shape)}:{v.dtype}"
        return s if v.size > 6 else np.array2string(v, separator=",").replace("\n", "")
    if isinstance(v, type):
        return v.__name__
    name = getattr(v, "name", None)
    if isinstance(name, str) and not isinstance(v, (str, tuple)):
        return name
    r = repr(v)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def node_ref(n):
    """How a node is referred to in a listing."""
    if isinstance(n, Constant):
        return short_value(n.value)
    if isinstance(n, Parameter):
        return n.debug.name or f"%p{n.id}"
    return f"%{n.id}"


def node_text(n):
    """`op(args)` for an Apply."""
    fn, *args = n.inputs
    return f"{node_ref(fn)}({', '.join(node_ref(a) for a in args)})"


def _comment(n):
    loc = n.debug.loc
    parts = []
    if n.debug.name:
        parts.append(n.debug.name)
    if loc is not None:
        parts.append(f"line {loc.line}")
    elif n.debug.origin is not None and n.debug.find_loc() is not None:
        parts.append(f"from line {n.debug.find_loc().line}")
    if n.debug.role:
        parts.append(f"[{n.debug.role}]")
    return "  ".join(parts)


def _typed(n):
    return f"{node_ref(n)}: {n.abstract}" if n.abstract is not None else node_ref(n)


def graph_header(g):
    params = ", ".join(_typed(p) for p in g.parameters)
    loc = g.debug.loc
    where = f"{loc.file}:{loc.line}" if loc is not None else ""
    return f"graph {g.name}({params})", where


def print_graph(root, marker=None, values=None, manager=None):
    """The listing of `root` and the graphs nested in it.

    Args:
        marker: a node to mark with `->` (the debugger's current node).
        values: optional node -> value mapping shown beside each node.
    """
    mng = manager or Manager(root)
    lines = []
    for g in mng.graphs:
        head, where = graph_header(g)
        lines.append(f"{head:<42}  # {where}" if where else head)
        for n in mng.nodes[g]:
            mark = "->" if n is marker else "  "
            text = f"{mark}%{n.id} = {node_text(n)}"
            if n.abstract is not None:  # once inferred
                text += f" : {n.abstract}"
            comment = _comment(n)
            if values is not None and n in values:
                comment = f"{comment}  = {short_value(values[n])}".strip()
            lines.append(f"{text:<42}  # {comment}" if comment else text)
        lines.append(f"  return {node_ref(g.output)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def graph_to_dot(root):
    """A Graphviz description: one cluster per graph, edges from inputs."""
    mng = Manager(root)
    out = ["digraph myia {", "  node [shape=box, fontname=monospace];"]
    for g in mng.graphs:
        out.append(f'  subgraph cluster_{g.id} {{ label="{g.name}";')
        for p in g.parameters:
            out.append(f'    n{p.id} [label="{node_ref(p)}", shape=ellipse];')
        for n in mng.nodes[g]:
            out.append(f'    n{n.id} [label="%{n.id} {_escape(node_ref(n.fn))}"];')
        out.append(f'    out{g.id} [label="return", shape=plaintext];')
        out.append("  }")
    consts = itertools.count(1)

    def edge(src, dst, label=""):
        """An edge from `src` (a node, or a constant drawn as plain text) to `dst`."""
        attr = f' [label="{label}"]' if label != "" else ""
        if isinstance(src, Constant):
            c = f"c{next(consts)}"
            out.append(f'  {c} [label="{_escape(node_ref(src))}", shape=plaintext];')
            out.append(f"  {c} -> {dst}{attr};")
        else:
            out.append(f"  n{src.id} -> {dst}{attr};")

    for g in mng.graphs:
        for n in mng.nodes[g]:
            for k, i in enumerate(n.inputs[1:]):
                edge(i, f"n{n.id}", k)
        edge(g.output, f"out{g.id}")
    out.append("}")
    return "\n".join(out) + "\n"


def _escape(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')
