"""Copying graphs: the one sanctioned way to rebuild them.

`clone(g)` copies `g` and every graph nested in it (the graphs whose free
variables lead back to `g`), so the copy is a self-contained closure tree.
Every copied node's `debug.origin` points at the node it was copied from.
"""

from .nodes import Apply, Constant, DebugInfo, Graph, Parameter
from .traverse import Manager


def _copy_debug(debug, origin, role):
    return DebugInfo(debug.name, debug.loc, origin, role or debug.role)


def clone(graph, role=None, manager=None):
    """Copy `graph` and the graphs nested in it; returns the new graph."""
    mng = manager or Manager(graph)
    inner = [g for g in mng.graphs if g is graph or graph in mng.scope(g)]
    gmap = {}
    nmap = {}
    for g in inner:
        ng = Graph(_copy_debug(g.debug, g, role))
        ng.flags = set(g.flags)
        gmap[g] = ng
        for p in g.parameters:
            np_ = Parameter(ng, _copy_debug(p.debug, p, role))
            ng.parameters.append(np_)
            nmap[p] = np_

    def remap(n):
        if n in nmap:
            return nmap[n]
        if isinstance(n, Constant) and isinstance(n.value, Graph) and n.value in gmap:
            c = Constant(gmap[n.value], _copy_debug(n.debug, n, role))
            nmap[n] = c
            return c
        return n

    # Create nodes graph by graph, each in evaluation order, so ids stay in
    # source order; inputs from not-yet-copied graphs are patched afterwards.
    pending = []
    for g in inner:
        for n in mng.nodes[g]:
            a = Apply(gmap[g], list(n.inputs), _copy_debug(n.debug, n, role))
            nmap[n] = a
            pending.append(a)
    for a in pending:
        a.inputs = [remap(i) for i in a.inputs]
    for g in inner:
        gmap[g].output = remap(g.output)
        gmap[g].defaults = {k: remap(v) for k, v in g.defaults.items()}
    return gmap[graph]
