"""Stops on statements that compute nothing (`r = 1.0`, `y = x`, `pass`).

Such a statement has no node, yet pdb stops on it: before the first node of a
later line of its block (or the block's end), the trace records one extra
position per quiet statement passed, the same VM state with that line as its
stop.  These positions are no VM step (`Trace.vm_step` maps them back)::

    r = 1.0            # position 3: quiet, same state as 4
    for i in range(n): # position 4: the first node of this line runs next
"""

import math

from myia.ir import Graph
from myia.vm.debug import graph_nodes

from .graphs import is_control, phase_of, user_loc

_quiet = {}
_versions = {}


def primal_block(g):
    """The parsed block a graph runs (itself, or the one AD made it from)."""
    while g.debug.role == "fprop" and isinstance(g.debug.origin, Graph):
        g = g.debug.origin
    return g


def quiet_locs(graph):
    """The locations of the statements of `graph`'s block that compute nothing."""
    if graph not in _quiet:
        block = primal_block(graph)
        lines = {loc.line for n in graph_nodes(block) for loc in [user_loc(n)] if loc}
        found = [loc for loc in block.statement_locs if loc.line not in lines]
        _quiet[graph] = found if phase_of(graph) == "fwd" else []
    return _quiet[graph]


def bindings(frame, line):
    """(name, node of `frame`'s graph holding its value) for the names the quiet
    statement on `line` binds (`r = 1.0`, `y = x`): a constant, or the node
    (under --grad, the forward graph's version of it) the name aliases."""
    out = []
    for name, node, loc in primal_block(frame.graph).bindings:
        if loc.line == line:
            out.append((name, _forward_version(frame.graph, node)))
    return out


def _forward_version(graph, node):
    """`node` itself, or what AD made of it in forward graph `graph` (or in a
    graph `graph` is nested in)."""
    if graph.debug.role != "fprop" or node.graph is None:
        return node
    key = (graph, node)
    if key not in _versions:
        g, found = graph, node
        while g is not None and found is node:
            for n in (*g.parameters, *graph_nodes(g)):
                if n.debug.origin is node and n.debug.role in ("fprop", None):
                    found = n
            g = g.debug.origin if g.debug.role == "fprop" and found is node else None
        _versions[key] = found
    return _versions[key]


def leaves(node):
    """Whether `node` (or the user node AD made it from) calls another block."""
    while node.debug.role in ("fprop_call", "fprop") and node.debug.origin is not None:
        node = node.debug.origin
    return node.debug.role == "jump" or is_control(node)


def pending(cursors, frame, pc, loc):
    """The quiet statements to stop on before the position (`frame`, `pc`), whose
    node has location `loc`; `cursors` holds each frame's last line."""
    quiet = quiet_locs(frame.graph)
    if not quiet:
        return []
    cur = cursors.get(frame.id, 0)
    if pc >= len(frame.nodes) - 1 or leaves(frame.nodes[pc]):
        end = math.inf  # leaving the block (its last node, a jump, or its return)
    elif loc is not None:
        end = loc.line
    else:
        return []
    out = [q for q in quiet if cur < q.line < end]
    cursors[frame.id] = max([cur] + [q.line for q in out] +
                            ([loc.line] if loc is not None else []))
    return out
