"""Walking graphs: evaluation order, graphs used, free variables and nesting.

Closures are graphs that use nodes of enclosing graphs directly.  The
`Manager` computes, over every graph reachable from a root:

* `free_variables[g]`: the nodes of other graphs that `g` needs, directly or
  through the graphs it refers to (transitively, minus its own), including
  its parameters' default values computed by an enclosing graph;
* `nodes[g]`: the `Apply` nodes `g` must evaluate, in order.  These are the
  nodes its output depends on *and* the nodes of `g` that graphs nested in it
  use as free variables (a loop bound computed before the loop and only read
  inside it, say).  A node that refers to a nested graph comes after the
  nodes that graph reads, so a closure never sees a value not yet computed;
* `parent[g]`: the innermost graph owning one of its free variables (None for
  a top-level function).

Everything here depends only on a graph and the graphs it refers to, so the
results for every graph in a Manager are valid on their own and may be cached.
"""

import heapq

from .nodes import Apply, Constant, Graph


def _reach(graph, roots, into):
    """Add to `into` the Apply nodes of `graph` that `roots` depend on."""
    todo = list(roots)
    while todo:
        n = todo.pop()
        if isinstance(n, Apply) and n.graph is graph and n not in into:
            into.add(n)
            todo.extend(n.inputs)


def _graph_inputs(node):
    return [i.value for i in node.inputs
            if isinstance(i, Constant) and isinstance(i.value, Graph)]


def _toposort(nodes, extra_deps):
    """`nodes` in dependency order, by id among the ready ones (source order)."""
    deps = {n: {i for i in (*n.inputs, *extra_deps(n)) if i in nodes} for n in nodes}
    users = {n: [] for n in nodes}
    for n, ds in deps.items():
        for d in ds:
            users[d].append(n)
    count = {n: len(ds) for n, ds in deps.items()}
    ready = [(n.id, n) for n in nodes if count[n] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, n = heapq.heappop(ready)
        order.append(n)
        for u in users[n]:
            count[u] -= 1
            if count[u] == 0:
                heapq.heappush(ready, (u.id, u))
    if len(order) != len(nodes):
        raise ValueError("cycle in graph")
    return order


class Manager:
    """Nesting and evaluation order for all graphs reachable from `root`.

    Attributes:
        graphs: the graphs, root first.
        nodes: graph -> its `Apply` nodes in evaluation order.
        free_variables: graph -> set of nodes of enclosing graphs it needs.
        parent: graph -> the graph it is lexically nested in (or None).
    """

    def __init__(self, root):
        self.graphs = [root]
        node_sets = {}
        fv = {}
        changed = True
        while changed:  # graphs, nodes and free variables grow together
            changed = False
            for g in list(self.graphs):
                s = node_sets.setdefault(g, set())
                before = len(s)
                roots = [g.output]
                for n in list(s) + [g.output]:
                    for k in _graph_inputs(n) + self._out_graph(g, n):
                        roots.extend(v for v in fv.get(k, ()) if v.graph is g)
                        if k not in node_sets:
                            node_sets[k] = set()
                            self.graphs.append(k)
                            changed = True
                _reach(g, roots, s)
                if len(s) != before:
                    changed = True
            for g in self.graphs:
                new = set()
                for n in node_sets[g]:
                    for i in n.inputs:
                        if not isinstance(i, Constant) and i.graph is not g:
                            new.add(i)
                    for k in _graph_inputs(n):
                        new.update(v for v in fv.get(k, ()) if v.graph is not g)
                # A default computed when the `def` ran is captured like a
                # free variable, for calls binding it at run time.
                new.update(v for v in g.defaults.values()
                           if not isinstance(v, Constant) and v.graph is not g)
                out = g.output
                if isinstance(out, Constant) and isinstance(out.value, Graph):
                    new.update(v for v in fv.get(out.value, ()) if v.graph is not g)
                elif not isinstance(out, Constant) and out.graph is not g:
                    new.add(out)
                if new != fv.get(g):
                    fv[g] = new
                    changed = True
        self.free_variables = fv
        self.nodes = {}
        for g in self.graphs:
            def graph_deps(n, g=g):
                return {v for k in _graph_inputs(n) for v in fv[k] if v.graph is g}
            self.nodes[g] = _toposort(node_sets[g], graph_deps)
        self.graphs = self._in_use_order(root)
        self.parent = {g: self._parent(g) for g in self.graphs}

    def _in_use_order(self, root):
        """The graphs as the root's nodes, in order, first use them (then theirs).

        Not the order the fixpoint above met them in: that follows set
        iteration, which differs between processes, and code generated from
        these graphs (native_grad.py) must not.
        """
        out, seen = [root], {root}
        for g in out:
            for k in [h for n in self.nodes[g] for h in _graph_inputs(n)] + \
                    self._out_graph(g, g.output):
                if k not in seen:
                    seen.add(k)
                    out.append(k)
        return out + [g for g in self.graphs if g not in seen]

    @staticmethod
    def _out_graph(g, n):
        out = g.output
        if n is out and isinstance(out, Constant) and isinstance(out.value, Graph):
            return [out.value]
        return []

    def _parent(self, g):
        owners = {n.graph for n in self.free_variables[g]}
        if len(owners) <= 1:
            return owners.pop() if owners else None
        # The owners all enclose g and form a chain; each inner one needs the
        # outer ones, so the innermost is the one whose own free variables
        # cover all the other owners.
        for o in owners:
            if owners - {o} <= {n.graph for n in self.free_variables.get(o, ())}:
                return o
        return None

    def scope(self, g):
        """The chain of graphs enclosing `g`, innermost first."""
        chain = []
        p = self.parent[g]
        while p is not None:
            chain.append(p)
            p = self.parent.get(p)
        return chain


def owned_nodes(graph):
    """The `Apply` nodes `graph` evaluates, in order (see `Manager.nodes`)."""
    return Manager(graph).nodes[graph]


def walk(roots):
    """Every node `roots` depend on, once each, entering the output of each
    graph constant met (so a closure's body is walked where it is made).  A
    node is yielded before its inputs are looked at: a caller that raises on
    it stops the walk there."""
    seen, todo = set(), list(roots)
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        yield n
        if isinstance(n, Apply):
            todo.extend(n.inputs)
        elif isinstance(n, Constant) and isinstance(n.value, Graph):
            todo.append(n.value.output)


def reachable_graphs(root):
    """Every graph reachable from `root` through graph constants (root first)."""
    return Manager(root).graphs
