"""Inference contexts: what inferring one graph for one signature holds.

`myia.infer` fills them and `myia.monomorphize` reads them: for each graph,
a `Context` per (graph, context of the enclosing graph, argument types,
call site), with the type of every node and what every call resolved to::

    Context(f, (float,)).values   {x: float, %1: float}     # %1 = mul(x, 2.0)
    Context(f, (float,)).calls    {%1: [(P.mul, (float, float=2.0), mul)]}

What an `Env` holds for a key is kept in one table for the whole inference
(`Inferrer.sens`), read and written through a `SensView`.  Below them, what
`monomorphize` asks of the contexts a program reached: where each function
value is called (`value_targets`) and which contexts may raise an
unpacking's error (`checking`).
"""

import types

from . import types as T
from .grad import KEYWORD_ADAPTERS
from .ir import Constant, Graph, Manager, Parameter
from .prims import J, bind_keywords, getitem, make_tuple, partial, switch, unpack_item
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
    """`Inferrer.sens` (key -> {activation: type}) as an env rule sees it in
    `ctx`: reads are recorded in `ctx.reads`, and a key (a node of graph
    `g`) is qualified by the context of `g`'s forward graph that `ctx` is in
    (see `owner`), so each activation of `g` has its own: `J(add)` called
    on ints at one site and on tuples at another holds an int's sensitivity
    for its `x` at the first, a tuple's at the second.  Code outside any
    activation of `g` (a backpropagator closing over none of its values, an
    Env constant) reads what every activation holds, and writes for all."""

    def __init__(self, table, ctx):
        self.table, self.ctx = table, ctx

    def get(self, key, default=None):
        held = self.table.get(key)
        self.ctx.reads[(SENS, key)] = held = None if held is None else dict(held)
        held = held or {}
        mine = owner(self.ctx, key)
        found = [t for o, t in held.items() if mine is None or o is None or o is mine]
        out = found[0] if found else default
        for t in found[1:]:
            out = T.join(out, t)
        return out

    def __setitem__(self, key, value):
        self.table.setdefault(key, {})[owner(self.ctx, key)] = value


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


def reachable(root):
    """The contexts `root` calls, directly or not (root first)."""
    seen, todo = [root], [root]
    while todo:
        ctx = todo.pop()
        for records in ctx.calls.values():
            for _, _, target in records:
                if isinstance(target, Context) and target not in seen:
                    seen.append(target)
                    todo.append(target)
    return seen


def value_targets(contexts):
    """Where a function *value* is called: key -> the contexts it is called in.

    A call whose callee is the graph itself (`@f(x)`) gets its own clone.  A
    value traced back to the graph constants it may be (through `switch`,
    `partial`, `J`, tuples and the calls returning them) is keyed by each
    constant's site `(context, node)`, so the shared `zeros2`
    backpropagator gets one clone per place it is used; any other value (a
    closure passed around) by `(graph, parent context)`: one clone for all.
    A value that can only be one graph without free variables is called
    directly (see `global_call`): it needs no one signature.
    """
    tracer = _Tracer(contexts)
    out = {}  # key -> {target context: the call nodes reaching it}
    for ctx in contexts:
        for node, records in ctx.calls.items():
            callee = node.inputs[0]
            if isinstance(callee, Constant) and isinstance(callee.value, Graph) or \
                    global_call(ctx, node, records):
                continue
            sites = tracer.origins(ctx, callee)
            for _, _, target in records:
                if not isinstance(target, Context) or target.graph in KEYWORD_ADAPTERS:
                    continue  # a keyword adapter is called directly (_Cloner.keyword_call)
                keys = [(c, n) for c, n in sites or () if n.value is target.graph
                        and parent_of(n.value, c) is target.parent]
                for key in keys or [(target.graph, target.parent)]:
                    out.setdefault(key, {}).setdefault(target, set()).add(node)
    return out


def global_call(ctx, node, records):
    """Whether `node` calls a value that is surely one graph without free
    variables (whatever closure of it the value is, it is that function):
    the call then calls the clone for its own signature, the value unused."""
    if len(records) != 1 or not isinstance(records[0][2], Context):
        return False
    fn = records[0][0]
    return isinstance(fn, T.GraphFn) and fn.ctx is None and \
        node_type(ctx, node.inputs[0]) == fn


class _Tracer:
    """Which graph constants a node may evaluate to, following values through
    tuples, parameters (of contexts with one caller) and call results."""

    def __init__(self, contexts):
        self.callers = {}
        for ctx in contexts:
            for node, records in ctx.calls.items():
                for _, _, target in records:
                    if isinstance(target, Context):
                        self.callers.setdefault(target, []).append((ctx, node))

    def origins(self, ctx, node, path=(), depth=0):
        """The `(context, constant)` pairs `node` may be (or, with a `path` of
        tuple indices, its item `node[path[0]][path[1]]...` may be); None if
        they cannot be told."""
        if depth > 60:
            return None
        if isinstance(node, Constant):
            return [(ctx, node)] if isinstance(node.value, Graph) and not path else []
        while ctx.graph is not node.graph:
            ctx = ctx.parent
        if isinstance(node, Parameter):  # what the one caller passes
            callers = self.callers.get(ctx, [])
            if len(callers) != 1 or len(callers[0][1].inputs) != len(ctx.args) + 1 or \
                    not isinstance(callers[0][1].inputs[0], Constant):
                return None
            c, call = callers[0]
            return self.origins(c, call.inputs[1 + ctx.graph.parameters.index(node)],
                                path, depth + 1)
        fn, args = node.inputs[0], node.inputs[1:]
        prim = fn.value if isinstance(fn, Constant) else None
        if prim is make_tuple and path:
            return self.origins(ctx, args[path[0]], path[1:], depth + 1)
        if prim is getitem or prim is unpack_item:
            index = node_type(ctx, args[1])
            if not T.is_static(index) or not isinstance(T.static_value(index), int):
                return None
            return self.origins(ctx, args[0], (T.static_value(index),) + path, depth + 1)
        if prim is switch:
            a = self.origins(ctx, args[1], path, depth + 1)
            b = self.origins(ctx, args[2], path, depth + 1)
            return None if a is None or b is None else a + b
        if prim in (partial, J, bind_keywords) and not path:
            return self.origins(ctx, args[0], (), depth + 1)
        targets = [t for _, _, t in ctx.calls.get(node, ())]
        if not targets or not all(isinstance(t, Context) for t in targets):
            return None
        out = []  # a call of one of several graphs: what any of them returns
        for t in targets:
            found = self.origins(t, t.graph.output, path, depth + 1)
            if found is None:
                return None
            out += found
        return out


def node_type(ctx, node):
    if isinstance(node, Constant):
        return constant_type(node.value)
    while ctx.graph is not node.graph:
        ctx = ctx.parent
    return ctx.values.get(node)


def checking(contexts):
    """The contexts that may raise an unpacking's error inference did not
    rule out (of a `Seq`, of an array of unknown length), or call one that may."""
    out, callers = set(), {}
    for ctx in contexts:
        for node, records in ctx.calls.items():
            for _, args, t in records:
                if t is unpack_item and not (isinstance(args[0], T.Tuple) or isinstance(
                        args[0], T.Array) and args[0].shape and args[0].shape[0] is not None):
                    out.add(ctx)
                elif isinstance(t, Context):
                    callers.setdefault(t, set()).add(ctx)
    todo = list(out)
    while todo:
        for c in callers.get(todo.pop(), ()):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out
