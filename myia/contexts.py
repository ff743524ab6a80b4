"""Inference contexts: what inferring one graph for one signature holds.

`myia.infer` fills them and `myia.monomorphize` reads them: for each graph,
a `Context` per (graph, context of the enclosing graph, argument types,
call site), with the type of every node and what every call resolved to::

    Context(f, (float,)).values   {x: float, %1: float}     # %1 = mul(x, 2.0)
    Context(f, (float,)).calls    {%1: [(P.mul, (float, float=2.0), mul)]}

What an `Env` holds for a key is kept in one table for the whole inference
(`Inferrer.sens`), read and written through a `SensView`.
"""

import types

from . import types as T
from .ir import Manager
from .prims.rules import const_of
from .prims.values import ZERO, Env

SENS = "sens"  # the owner of reads from `Inferrer.sens` in `Context.reads`


class Context:
    """One graph inferred for one signature.

    Attributes:
        graph, parent (context of the enclosing graph, or None), args.
        values: node -> abstract value, for this graph's nodes.
        calls: call node -> list of (callee abstract, argument types, target
            context or primitive) describing what the call does.
        out: the output type (an approximation while `state` is "running").
    """

    __slots__ = ("graph", "parent", "args", "site", "values", "calls", "out", "state",
                 "reads", "seen", "self_used", "grown")

    def __init__(self, graph, parent, args, site=None):
        self.graph, self.parent, self.args, self.site = graph, parent, args, site
        self.values, self.calls = {}, {}
        self.out = T.Bottom
        self.state, self.grown = "new", False
        # What the last inference of this context assumed: the values it read
        # from enclosing contexts, and the approximations of running contexts.
        self.reads, self.seen, self.self_used = {}, {}, False

    def still_valid(self, sens):
        """Whether what this context assumed still holds (else: infer it again)."""
        return all((sens.get(n) if o is SENS else o.values.get(n)) == v
                   for (o, n), v in self.reads.items()) and \
            all(d.out == out for d, out in self.seen.items())

    def path(self):
        """What identifies this context across inference runs (which may infer
        it for other argument types): its graph and call site, and its parent's."""
        site = self.site and self.site[1]
        return (self.graph, site, self.parent and self.parent.path())

    def lookup(self, node):
        c = self
        while c.graph is not node.graph:
            c = c.parent
        v = c.values[node]
        if c is not self:
            self.reads[(c, node)] = v
        return v

    def __repr__(self):
        return f"Context({self.graph.name}, {self.args})"


_nodes, _owners = {}, {}


def graph_nodes(graph):
    """`(nodes, owners)` of `graph`: Apply nodes in order, graphs of its free variables."""
    if graph not in _nodes:
        m = Manager(graph)
        for g in m.graphs:
            _nodes.setdefault(g, m.nodes[g])
            _owners.setdefault(g, frozenset(n.graph for n in m.free_variables[g]))
    return _nodes[graph], _owners[graph]


def parent_of(graph, ctx):
    """The context a closure of `graph` made in `ctx` keeps (as the VM's env)."""
    owners = graph_nodes(graph)[1]
    c = ctx if owners else None
    while c is not None and c.graph not in owners:
        c = c.parent
    return c


def constant_type(value):
    """The abstract value of a constant in the IR (numbers stay static)."""
    if isinstance(value, slice):
        return T.SliceT(constant_type(v) for v in (value.start, value.stop, value.step))
    if isinstance(value, (bool, int, float, str, type)) or value is None:
        return const_of(value)
    if isinstance(value, tuple):
        return T.Tuple(constant_type(v) for v in value)
    if value is ZERO:
        return T.ZeroType
    if isinstance(value, Env):
        return T.EnvT(value.items)  # (its values: see `Inferrer.value`)
    if isinstance(value, (types.FunctionType, types.ModuleType)) or hasattr(value, "debug"):
        return T.Const(value, T.Opaque)  # a function, a node (an Env key)
    return T.typeof(value)


class SensView:
    """`Inferrer.sens` as an env rule sees it in `ctx`: reads are recorded in
    `ctx.reads`, and a key (a node of graph `g`) is qualified by the context
    of `g`'s forward graph that `ctx` is in (see `owner`), so each activation
    of `g` has its own: `J(add)` called on ints at one site and on tuples at
    another holds an int's sensitivity for its `x` at the first, a tuple's at
    the second.  Keys of Env constants are unqualified (None), read by all."""

    def __init__(self, table, ctx):
        self.table, self.ctx = table, ctx

    def get(self, key, default=None):
        out = None
        for k in {(key, None), (key, owner(self.ctx, key))}:
            v = self.ctx.reads[(SENS, k)] = self.table.get(k)
            out = v if out is None else out if v is None else T.join(out, v)
        return default if out is None else out

    def __setitem__(self, key, value):
        self.table[(key, owner(self.ctx, key))] = value


def owner(ctx, key):
    """The context, among `ctx` and those enclosing it, of the forward graph
    of the graph whose node `key` is: the activation whose free variable it
    is.  Both the closures that write the key into an Env (backpropagators of
    closures that activation made) and the one that reads it (that
    activation's backpropagator) are inside it.  None if there is none."""
    graph = getattr(key, "graph", None)
    while ctx is not None and not (ctx.graph.debug.role == "fprop" and
                                   ctx.graph.debug.origin is graph):
        ctx = ctx.parent
    return ctx
