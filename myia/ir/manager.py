"""The incremental manager: what the optimizer asks of a graph, kept current.

`Manager` (traverse.py) is a snapshot: evaluation order and nesting of a graph
that no longer changes, for the VMs, the printer and the debugger.  A rewrite
engine needs the same facts *while* it edits, after every one of thousands of
small rewrites, so `GraphManager` keeps them up to date incrementally:

* `uses[node]`: the set of `(user, key)` edges into `node`; `user` is an
  `Apply` (`key` its input index) or a `Graph` (`key` "output", or
  `("default", name)` for a parameter's default value);
* `nodes[g]`: the live `Apply` nodes owned by `g`;
* `free_variables_direct[g]`: nodes of other graphs that `g`'s nodes use
  (a counter: how many edges);
* `graphs_used[g]`: graphs whose constants `g`'s nodes use (a counter);
* `graph_constants[k]`: the live `Constant(k)` nodes.

A node is live while some live node (or a live graph's output) uses it; a
graph while one of its constants is.  Every edit goes through `set_edge` /
`replace`, which acquire what became reachable and release what no longer
is, so a rewrite costs O(size of what changed).  `work` counts edge updates,
which is how tests check that passes scale linearly.  Reference counts cannot
see a dead cycle (a loop header that only calls itself); `collect` removes
those by one mark from the root, and a pass calls it once per round.

    mng = GraphManager(g)          # g: a clone, never a graph parse handed out
    mng.replace(old, new)          # every use of `old` now uses `new`
"""

from collections import Counter

from .nodes import Apply, Constant, Graph

OUTPUT = "output"


def _owner(user):
    return user if isinstance(user, Graph) else user.graph


def _graph_of(node):
    return node.value if isinstance(node, Constant) and isinstance(node.value, Graph) \
        else None


class GraphManager:
    """Users, ownership, free variables and graph uses of everything under `root`."""

    def __init__(self, root):
        self.root = root
        self.graphs = {}  # live graphs, in the order they were reached
        self.nodes = {}
        self.uses = {}
        self.free_variables_direct = {}
        self.graphs_used = {}
        self.graph_constants = {}
        self.work = 0
        self.watchers = []  # called with each Apply whose inputs changed or that appeared
        self._add_graph(root)

    # ----- edits --------------------------------------------------------------

    def set_edge(self, user, key, new):
        """Make input `key` of `user` (an Apply or a Graph, see above) be `new`."""
        if isinstance(user, Graph):
            if key == OUTPUT:
                old, user.output = user.output, new
            else:
                old = user.defaults[key[1]]
                user.defaults[key[1]] = new
        else:
            old = user.inputs[key]
            user.inputs[key] = new
        if old is new:
            return
        self._acquire(new, user, key)  # before releasing: they may share nodes
        self._release(old, user, key)
        if isinstance(user, Apply):
            self._notify(user)

    def replace(self, old, new):
        """Every use of `old` becomes a use of `new`."""
        if old is new:
            return
        for user, key in list(self.uses.get(old, ())):
            self.set_edge(user, key, new)

    def set_parameters(self, graph, params):
        """Give a live `graph` a new parameter list (the ones dropped are unused)."""
        for p in graph.parameters:
            if p not in params:
                assert not self.uses.get(p), "dropping a parameter still in use"
                self.uses.pop(p, None)
        graph.parameters = list(params)
        for p in graph.parameters:
            self.uses.setdefault(p, set())

    def users(self, node):
        """The Apply nodes and graphs using `node`."""
        return {u for u, _ in self.uses.get(node, ())}

    def graph_users(self, graph):
        """Counter: graph -> how many of its edges use a constant of `graph`."""
        out = Counter()
        for c in self.graph_constants.get(graph, ()):
            for u, _ in self.uses.get(c, ()):
                out[_owner(u)] += 1
        return out

    def calls(self, graph):
        """`(call, direct)` for each use of `graph`: direct when it is the called fn."""
        out = []
        for c in self.graph_constants.get(graph, ()):
            for u, k in self.uses.get(c, ()):
                out.append((u, isinstance(u, Apply) and k == 0))
        return out

    # ----- nesting, computed on demand from the counters ------------------------

    def nested(self, graph, limit=None):
        """The graphs nested in `graph` (closures over its nodes), transitively.

        A graph using a node of `graph` or of a graph nested in it is nested
        in it; so is one using (the constant of) a graph nested in it.  The
        cost is the size of what is nested, not of the whole program; with a
        `limit`, None once they hold more nodes than that.
        """
        inside = {graph}
        order = []
        todo = [graph]
        size = 0
        while todo:
            g = todo.pop()
            size += len(self.nodes.get(g, ()))
            if limit is not None and size > limit:
                return None
            found = [p for p in g.parameters] + list(self.nodes.get(g, ()))
            for n in found:
                for u, _ in self.uses.get(n, ()):
                    self._nest(_owner(u), inside, order, todo)
            if g is not graph:
                for c in self.graph_constants.get(g, ()):
                    for u, _ in self.uses.get(c, ()):
                        self._nest(_owner(u), inside, order, todo)
        return order

    def _nest(self, h, inside, order, todo):
        self.work += 1
        if h not in inside:
            inside.add(h)
            order.append(h)
            todo.append(h)

    def free_variables_total(self):
        """graph -> set of nodes of enclosing graphs it needs, directly or through
        the graphs it uses (a fixpoint over all graphs: call it once per pass)."""
        fv = {g: {n for n in self.free_variables_direct[g] if n.graph is not g}
              for g in self.graphs}
        for g in self.graphs:
            fv[g].update(v for v in g.defaults.values()
                         if not isinstance(v, Constant) and v.graph is not g)
        changed = True
        while changed:
            changed = False
            for g in self.graphs:
                before = len(fv[g])
                for k in self.graphs_used[g]:
                    if k in fv:
                        fv[g].update(v for v in fv[k] if v.graph is not g)
                changed |= len(fv[g]) != before
        return fv

    # ----- garbage ----------------------------------------------------------------

    def collect(self):
        """Drop the graphs no longer reachable from the root (dead cycles)."""
        seen, todo = {self.root}, [self.root]
        while todo:
            g = todo.pop()
            for k in self.graphs_used[g]:
                if k not in seen:
                    seen.add(k)
                    todo.append(k)
            for n in self.free_variables_direct[g]:
                if n.graph not in seen:  # a closure keeps its owner alive
                    seen.add(n.graph)
                    todo.append(n.graph)
        dead = [g for g in self.graphs if g not in seen]
        todo = []
        for g in dead:
            self._drop_graph(g, todo)
        for edge in todo:
            self._release(*edge)
        return len(dead)

    # ----- bookkeeping ----------------------------------------------------------------

    def _notify(self, node):
        for w in self.watchers:
            w(node)

    def _add_graph(self, g, todo=None):
        self.graphs[g] = None
        self.nodes[g] = set()
        self.free_variables_direct[g] = Counter()
        self.graphs_used[g] = Counter()
        for p in g.parameters:
            self.uses.setdefault(p, set())
        edges = [(g.output, g, OUTPUT)]
        edges += [(d, g, ("default", name)) for name, d in g.defaults.items()]
        if todo is None:
            for e in edges:
                self._acquire(*e)
        else:
            todo.extend(edges)

    def _drop_graph(self, g, todo):
        if g not in self.graphs or g is self.root:
            return
        del self.graphs[g]  # first: the releases below may lead back here
        todo.append((g.output, g, OUTPUT))
        todo.extend((d, g, ("default", name)) for name, d in g.defaults.items())
        for p in g.parameters:
            self.uses.pop(p, None)
        for store in (self.nodes, self.free_variables_direct, self.graphs_used):
            store.pop(g, None)

    def _acquire(self, node, user, key):
        todo = [(node, user, key)]
        while todo:
            node, user, key = todo.pop()
            self.work += 1
            owner = _owner(user)
            uses = self.uses.get(node)
            fresh = uses is None
            if fresh:
                uses = self.uses[node] = set()
            uses.add((user, key))
            k = _graph_of(node)
            if k is not None:
                self.graphs_used[owner][k] += 1
            elif not isinstance(node, Constant) and node.graph is not owner:
                self.free_variables_direct[owner][node] += 1
            if not fresh:
                continue
            if k is not None:
                self.graph_constants.setdefault(k, set()).add(node)
                if k not in self.graphs:
                    self._add_graph(k, todo)
            elif isinstance(node, Apply):
                if node.graph not in self.graphs:
                    self._add_graph(node.graph, todo)
                self.nodes[node.graph].add(node)
                todo.extend((i, node, j) for j, i in enumerate(node.inputs))
                self._notify(node)

    def _release(self, node, user, key):
        todo = [(node, user, key)]
        while todo:
            node, user, key = todo.pop()
            self.work += 1
            owner = _owner(user)
            uses = self.uses.get(node)
            if uses is None or (user, key) not in uses:
                continue  # part of a graph already dropped
            uses.discard((user, key))
            k = _graph_of(node)
            if k is not None:
                _decrement(self.graphs_used.get(owner), k)
            elif not isinstance(node, Constant) and node.graph is not owner:
                _decrement(self.free_variables_direct.get(owner), node)
            if uses or not isinstance(node, (Apply, Constant)):
                continue  # still used, or a parameter (it lives with its graph)
            del self.uses[node]
            if k is not None:
                consts = self.graph_constants[k]
                consts.discard(node)
                if not consts:
                    del self.graph_constants[k]
                    self._drop_graph(k, todo)
            elif isinstance(node, Apply):
                self.nodes.get(node.graph, set()).discard(node)
                todo.extend((i, node, j) for j, i in enumerate(node.inputs))


def _decrement(counter, key):
    if counter is None:
        return
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]
