"""IR validator, run after every stage in tests.

It checks what every later stage assumes: each graph has an output, each
parameter belongs to its graph, every input is a node, and a node used by a
graph is either its own or belongs to a graph it is nested in (a free
variable of a closure), never to an unrelated graph.
"""

from .nodes import Apply, Constant, Graph, Node, Parameter
from .traverse import Manager


class IRError(Exception):
    """The IR is malformed: an internal bug, never a user error."""


def check(root):
    """Raise `IRError` if the graphs reachable from `root` are malformed."""
    mng = Manager(root)
    for g in mng.graphs:
        if not isinstance(g, Graph) or g.output is None:
            raise IRError(f"{g!r} has no output")
        if not isinstance(g.output, Node):
            raise IRError(f"{g!r} output is not a node")
        for p in g.parameters:
            if not isinstance(p, Parameter) or p.graph is not g:
                raise IRError(f"{p!r} does not belong to {g!r}")
        allowed = {g, *mng.scope(g)}
        for n in mng.nodes[g]:
            if not isinstance(n, Apply) or not n.inputs:
                raise IRError(f"{n!r} in {g!r} is not a proper Apply")
            for i in n.inputs:
                if not isinstance(i, Node):
                    raise IRError(f"input {i!r} of {n!r} is not a node")
                if not isinstance(i, Constant) and i.graph not in allowed:
                    raise IRError(
                        f"{n!r} in {g!r} uses {i!r} of unrelated {i.graph!r}"
                    )
        out = g.output
        if not isinstance(out, Constant) and out.graph not in allowed:
            raise IRError(f"{g!r} returns {out!r} of unrelated graph")
    return root
