"""Stage: type and shape inference, by abstract interpretation.

The graph is run on abstract values (`myia.types`) instead of values: one
`Context` per (graph, context of the enclosing graph, argument types), each
node's type computed once per context by its primitive's `infer` rule or by
inferring the graph it calls.  For `def f(x): return x * 2.0` on a float::

    Context(f, (float,)):  %1 = mul(x, 2.0) : float      # mul.infer(float, float=2.0)
                           return %1         -> float

Recursion (loops are recursive graphs) is a fixpoint: a call to a context
being inferred answers its current approximation (first `bottom`), and the
context is inferred again until its output stops changing.  A recursive
call with other argument types (a counter that starts as the constant 0 and
is 1 next time) joins them with the types it started with (`int`), so the
number of contexts does not depend on trip counts or recursion depth.

Static values propagate: a `switch` on a constant condition infers only the
branch taken, `is_zero(ZERO)` is the constant True, a method or operator on
a dataclass is found from its type.  What each call resolved to is kept in
`ctx.calls` for `monomorphize`.
"""

import sys
import types

from . import types as T
from .arguments import match_arguments
from .errors import MyiaError, MyiaTypeError
from .ir import Constant, Graph, Manager
from .parse import parse
from .prims import switch
from .prims.rules import const_of
from .prims.structure import dunder_types
from .prims.values import ZERO, Env

# Primitives that see `T|ZERO` as it is; the others reject a ZERO at run
# time, so they may assume the value is a T.
ZERO_AWARE = {"gadd", "is_zero", "fill_zeros", "env_getitem", "env_setitem",
              "make_tuple", "switch", "partial", "identity", "J", "make_record",
              "fill_like", "regroup", "ungroup", "field_sens", "getattr_sens",
              "getitem_sens", "stop_gradient", "is", "is_not", "bind_keywords"}
MAX_CONTEXTS = 64  # per graph: beyond, a loop's types keep changing


class Context:
    """One graph inferred for one signature.

    Attributes:
        graph, parent (context of the enclosing graph, or None), args.
        values: node -> abstract value, for this graph's nodes.
        calls: call node -> list of (callee abstract, argument types, target
            context or primitive) describing what the call does.
        out: the output type (an approximation while `state` is "running").
    """

    __slots__ = ("graph", "parent", "args", "values", "calls", "out", "state",
                 "deps", "self_used", "children")

    def __init__(self, graph, parent, args):
        self.graph, self.parent, self.args = graph, parent, args
        self.values, self.calls = {}, {}
        self.out = T.Bottom
        self.state = "new"
        self.deps, self.self_used = set(), False
        self.children = []  # contexts of closures made here: they read our values

    def invalidate(self):
        """Our values are about to change: the closures' contexts must be redone."""
        for c in self.children:
            if c.state != "running":
                c.state = "new"
                c.invalidate()

    def lookup(self, node):
        c = self
        while c.graph is not node.graph:
            c = c.parent
        return c.values[node]

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
    if isinstance(value, (bool, int, float, str, type, slice)) or value is None:
        return const_of(value) if not isinstance(value, slice) else T.typeof(value)
    if isinstance(value, tuple):
        return T.Tuple(constant_type(v) for v in value)
    if value is ZERO:
        return T.ZeroType
    if isinstance(value, Env):
        return T.EnvT({k: constant_type(v) for k, v in value.items.items()})
    if isinstance(value, (types.FunctionType, types.ModuleType)) or hasattr(value, "debug"):
        return T.Const(value, T.Opaque)  # a function, a node (an Env key)
    return T.typeof(value)


class Inferrer:
    """Infers contexts; `fprop` (from `myia.grad`) gives forward graphs for `J`."""

    def __init__(self, fprop=None, forced=None):
        self.fprop = fprop
        self.forced = forced or {}  # graph -> argument types its values are called with
        self.contexts = {}
        self.stack = []
        self.counts = {}

    # ----- contexts ------------------------------------------------------------

    def infer(self, graph, argtypes):
        """The root context of `graph` called with `argtypes` (fully inferred)."""
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 20000))
        try:
            ctx = self.context(graph, None, tuple(argtypes))
            self.evaluate(ctx)
            return ctx
        finally:
            sys.setrecursionlimit(old)

    def context(self, graph, parent, args):
        if _loop_header(graph):  # loop-carried values: `i = 0` is an int, not 0
            args = tuple(T.widen(a) for a in args)
        if graph in self.forced:
            args = tuple(_widen_against(a, b) for a, b in zip(self.forced[graph], args))
        for c in reversed(self.stack):  # recursion with other types: widen
            if c.graph is graph and c.parent is parent and c.args != args:
                args = tuple(_widen_against(a, b) for a, b in zip(c.args, args))
                break
        key = (graph, parent, args)
        ctx = self.contexts.get(key)
        if ctx is None:
            n = self.counts[graph] = self.counts.get(graph, 0) + 1
            if n > MAX_CONTEXTS:
                raise MyiaTypeError(f"the types of the values carried by {graph.name} "
                                    "keep changing (a tuple that grows in a loop?)")
            ctx = self.contexts[key] = Context(graph, parent, args)
            if parent is not None:
                parent.children.append(ctx)
        return ctx

    def call_context(self, ctx):
        """The output type of `ctx`, inferring it if needed (see the fixpoint)."""
        if ctx.state == "done":
            return ctx.out
        if ctx.state == "running":
            top = self.stack[-1]
            if top is ctx:
                ctx.self_used = True
            else:
                top.deps.add(ctx)
            return ctx.out
        self.evaluate(ctx)
        if ctx.deps and self.stack:
            caller = self.stack[-1]
            caller.self_used |= caller in ctx.deps
            caller.deps |= ctx.deps - {caller}
        return ctx.out

    def evaluate(self, ctx):
        g = ctx.graph
        nodes, _ = graph_nodes(g)
        ctx.state = "running"
        self.stack.append(ctx)
        try:
            while True:
                ctx.invalidate()
                ctx.deps, ctx.self_used = set(), False
                ctx.values = dict(zip(g.parameters, ctx.args))
                ctx.calls = {}
                for node in nodes:
                    ctx.values[node] = self.apply(ctx, node)
                out = self.value(ctx, g.output)
                if not ctx.self_used or out == ctx.out:
                    ctx.out = out
                    break
                ctx.out = T.join(ctx.out, out)
        finally:
            self.stack.pop()
        ctx.deps.discard(ctx)
        ctx.state = "stale" if ctx.deps else "done"

    # ----- nodes ------------------------------------------------------------------

    def value(self, ctx, node):
        if isinstance(node, Constant):
            v = node.value
            if isinstance(v, Graph):
                return T.GraphFn(v, parent_of(v, ctx))
            return constant_type(v)
        return ctx.lookup(node)

    def apply(self, ctx, node):
        fn = self.value(ctx, node.inputs[0])
        args = [self.value(ctx, i) for i in node.inputs[1:]]
        ctx.calls[node] = []
        try:
            return self.call(ctx, node, fn, args, {})
        except MyiaError as err:
            if err.location is not None:  # found in a callee: say how it was reached
                callee = next((t.graph for _, _, t in ctx.calls[node]
                               if isinstance(t, Context)), None)
                if callee is not None and node.loc is not None and \
                        not getattr(err, "_noted", set()) & {callee}:
                    err.notes.append(f"in {_user_name(callee)}, called from "
                                     f"{_user_name(ctx.graph)} line {node.loc.line}")
                    err._noted = getattr(err, "_noted", set()) | {callee}
            raise err.with_location(node.loc)

    def call(self, ctx, node, fn, args, kw):
        """The type of `fn(*args, **kw)`; records the resolution in ctx.calls."""
        if fn is T.Bottom or any(a is T.Bottom for a in args):
            return T.Bottom
        if isinstance(fn, T.FnSet):
            out = T.Bottom
            for f in sorted(fn.fns, key=str):
                out = T.join(out, self.call(ctx, node, f, args, kw))
            return out
        if isinstance(fn, T.PartialFn):
            return self.call(ctx, node, fn.fn, [*fn.args, *args], {**dict(fn.kwargs), **kw})
        if isinstance(fn, T.Const) and isinstance(fn.value, types.FunctionType):
            fn = T.GraphFn(parse(fn.value))
        if isinstance(fn, T.JFn):
            return self.call(ctx, node, self.forward(fn.fn), args, kw)
        if isinstance(fn, T.PrimFn):
            return self.call_prim(ctx, node, fn, args, kw)
        if isinstance(fn, T.GraphFn):
            g = fn.graph
            if kw or len(args) != len(g.parameters):
                args = self.bind(fn, args, kw)
            target = self.context(g, fn.ctx, tuple(args))
            ctx.calls[node].append((fn, tuple(args), target))
            return self.call_context(target)
        raise MyiaTypeError(f"a value of type {fn} is not callable")

    def forward(self, fn):
        """The forward version of function type `fn` (the graph `J` calls)."""
        if isinstance(fn, T.JFn):
            fn = self.forward(fn.fn)
        if isinstance(fn, T.Const) and isinstance(fn.value, types.FunctionType):
            fn = T.GraphFn(parse(fn.value))
        if not isinstance(fn, T.GraphFn) or self.fprop is None:
            raise MyiaTypeError(f"cannot take the forward version of {fn}")
        return T.GraphFn(self.fprop(fn.graph))

    def bind(self, fn, args, kw):
        """Keyword arguments and defaults of a call known only now, made positional."""
        g = fn.graph
        defaults = {}
        for name, d in g.defaults.items():
            if isinstance(d, Constant):
                defaults[name] = constant_type(d.value)
            elif fn.ctx is not None:
                defaults[name] = fn.ctx.lookup(d)
        return match_arguments(g.name, [p.debug.name for p in g.parameters], defaults,
                               g.kwonly, list(args), kw)

    def call_prim(self, ctx, node, fn, args, kw):
        prim = fn.prim
        if kw:
            args = match_arguments(prim.name, prim.params or (), {
                k: constant_type(v) for k, v in prim.defaults.items()}, set(), args, kw)
        if prim is not switch and prim.dunder is not None:
            found = dunder_types(prim.dunder, prim.rdunder, args)
            if found is not None:  # a dataclass operand overrides the operator
                method, margs, perm = found
                return self.call(ctx, node, T.Const(method, T.Opaque), margs, {})
        if prim.params is not None and len(args) != len(prim.params):
            if len(args) < len(prim.params) and all(
                    p in prim.defaults for p in prim.params[len(args):]):
                args = [*args, *(constant_type(prim.defaults[p])
                                 for p in prim.params[len(args):])]
            else:
                raise MyiaTypeError(f"{prim.name} takes {len(prim.params)} arguments "
                                    f"but {len(args)} were given")
        if prim.name not in ZERO_AWARE:
            if any(a is T.ZeroType for a in args):
                raise MyiaTypeError(f"{prim.name} got a symbolic ZERO")
            args = [T.strip_zero(a) for a in args]
        ctx.calls[node].append((fn, tuple(args), prim))
        return prim.infer(*args)


def _loop_header(graph):
    """Whether `graph` is a loop's header (its parameters are loop-carried)."""
    while graph.debug.role in ("fprop", "bprop") and isinstance(graph.debug.origin, Graph):
        graph = graph.debug.origin
    return graph.debug.role in ("while", "for")


def _user_name(graph):
    """The user's function a graph comes from (branches and loops are part of it)."""
    parts = graph.name.split(":")
    return parts[1] if parts[0] in ("fprop", "bprop") and len(parts) > 1 else parts[0]


def _widen_against(old, new):
    """A recursive call's argument type, given the one its recursion started with."""
    if old == new:
        return new
    try:
        return T.join(old, new)
    except MyiaTypeError:  # an int that becomes a float: a context of its own
        return T.widen(new)


def infer(graph, argtypes, fprop=None):
    """Infer `graph` on `argtypes`: the root `Context` (its `.out` is the result type)."""
    return Inferrer(fprop).infer(graph, argtypes)

