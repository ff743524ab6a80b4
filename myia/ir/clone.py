"""Copying graphs: the one sanctioned way to rebuild them.

`clone(g)` copies `g` and every graph nested in it (the graphs whose free
variables lead back to `g`), so the copy is a self-contained closure tree;
`clone(g, total=True)` copies every graph `g` reaches.
Every copied node's `debug.origin` points at the node it was copied from, and
it keeps its inferred type.  Inlining uses the same copy with the callee
mapped onto the caller: `copy_graphs([g, *nested], nodes, {g: h}, {p: arg})`
creates `g`'s nodes in `h` with its parameters replaced by the arguments.
"""

from .manager import GraphManager
from .nodes import Apply, Constant, DebugInfo, Graph, Parameter
from .traverse import Manager


def _copy_debug(debug, origin, role):
    return DebugInfo(debug.name, debug.loc, origin, role or debug.role)


def _keep_type(new, old):
    abstract = getattr(old, "abstract", None)
    if abstract is not None:
        new.abstract = abstract


def clone(graph, role=None, manager=None, total=False):
    """Copy `graph` and the graphs nested in it; returns the new graph.

    With `total`, every graph it reaches is copied too (the functions it
    calls), so a stage may edit the copy without touching anything shared.
    """
    if total:  # no nesting needed: the incremental manager's linear walk will do
        live = GraphManager(graph)
        nodes = {g: sorted(live.nodes[g], key=lambda n: n.id) for g in live.graphs}
        gmap, _ = copy_graphs(list(live.graphs), nodes, {}, {}, role)
        return gmap[graph]
    mng = manager or Manager(graph)
    inner = [g for g in mng.graphs if g is graph or graph in mng.scope(g)]
    gmap, _ = copy_graphs(inner, mng.nodes, {}, {}, role)
    return gmap[graph]


def copy_graphs(inner, nodes_of, gmap, nmap, role=None):
    """Copy the graphs `inner` (their nodes `nodes_of[g]`, in evaluation order).

    `gmap` and `nmap` may map some graphs and nodes already: a graph mapped
    to an existing one has its nodes created there (its parameters must be
    mapped in `nmap`).  Returns `gmap` completed and the function mapping an
    old node to its copy (or to itself, when it is not copied).
    """
    preset = set(gmap)
    for g in inner:
        if g in preset:
            continue
        ng = Graph(_copy_debug(g.debug, g, role))
        ng.flags = set(g.flags)
        ng.kwonly = set(g.kwonly)
        gmap[g] = ng
        for p in g.parameters:
            np_ = Parameter(ng, _copy_debug(p.debug, p, role))
            _keep_type(np_, p)
            ng.parameters.append(np_)
            nmap[p] = np_

    def remap(n):
        if n in nmap:
            return nmap[n]
        if isinstance(n, Constant) and isinstance(n.value, Graph) and n.value in gmap \
                and n.value not in preset:
            c = Constant(gmap[n.value], _copy_debug(n.debug, n, role))
            _keep_type(c, n)
            nmap[n] = c
            return c
        return n

    # Create nodes graph by graph, each in evaluation order, so ids stay in
    # source order; inputs from not-yet-copied graphs are patched afterwards.
    pending = []
    for g in inner:
        for n in nodes_of[g]:
            a = Apply(gmap[g], list(n.inputs), _copy_debug(n.debug, n, role))
            _keep_type(a, n)
            nmap[n] = a
            pending.append(a)
    for a in pending:
        a.inputs = [remap(i) for i in a.inputs]
    for g in inner:
        if g not in preset:
            gmap[g].output = remap(g.output)
            gmap[g].defaults = {k: remap(v) for k, v in g.defaults.items()}
    return gmap, remap
