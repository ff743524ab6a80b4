"""IR validator, run after every stage in tests.

It checks what every later stage assumes: each graph has an output, each
parameter belongs to its graph, every input is a node, and a node used by a
graph is either its own or belongs to a graph it is nested in (a free
variable of a closure), never to an unrelated graph: the graph owning a free
variable must refer to the closure that uses it.
"""

from .nodes import Apply, Constant, Graph, Node, Parameter
from .traverse import Manager, walk


class IRError(Exception):
    """The IR is malformed: an internal bug, never a user error."""


def _check_shape(root):
    """The local rules, checked by a plain walk: the Manager assumes them."""
    _check_output(root)
    for n in walk([root.output]):
        if isinstance(n, Constant) and isinstance(n.value, Graph):
            _check_output(n.value)
        elif isinstance(n, Apply) and not n.inputs:
            raise IRError(f"{n!r} in {n.graph!r} is not a proper Apply")
        for i in n.inputs:
            if not isinstance(i, Node):
                raise IRError(f"input {i!r} of {n!r} is not a node")


def _check_output(g):
    if not isinstance(g, Graph) or g.output is None:
        raise IRError(f"{g!r} has no output")
    if not isinstance(g.output, Node):
        raise IRError(f"{g!r} output is not a node")


def check(root):
    """Raise `IRError` if the graphs reachable from `root` are malformed."""
    _check_shape(root)
    mng = Manager(root)
    reach = _reachable(mng)
    for g in mng.graphs:
        for v in mng.free_variables[g]:
            # A closure is created inside the graph owning its free variables,
            # so that graph must refer to it (directly or through its own
            # nested graphs); anything else reads another graph's locals.
            if v.graph not in reach or g not in reach[v.graph]:
                raise IRError(f"{g!r} uses {v!r} of unrelated {v.graph!r}")
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


def _reachable(mng):
    """graph -> the graphs its body refers to, directly or transitively."""
    refs = {}
    for g in mng.graphs:
        nodes = [*mng.nodes[g], g.output]
        refs[g] = {i.value for n in nodes for i in (n, *n.inputs)
                   if isinstance(i, Constant) and isinstance(i.value, Graph)}
    out = {}
    for g in mng.graphs:
        seen, todo = set(), list(refs[g])
        while todo:
            h = todo.pop()
            if h not in seen:
                seen.add(h)
                todo.extend(refs.get(h, ()))
        out[g] = seen
    return out
