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

import itertools
import sys
import types

from . import types as T
from .arguments import match_arguments
from .calls import keyword_call, not_callable, signature
from .contexts import SENS, Context, SensView, constant_type, graph_nodes, parent_of
from .errors import MyiaError, MyiaShapeError, MyiaTypeError
from .ir import Constant, Graph
from .parse import parse
from .prims import env_getitem, env_setitem, switch
from .prims.structure import dunder_types
from .prims.values import Env

# Primitives that see `T|ZERO` as it is; the others reject a ZERO at run
# time, so they may assume the value is a T.
ZERO_AWARE = {"gadd", "is_zero", "fill_zeros", "env_getitem", "env_setitem",
              "make_tuple", "switch", "partial", "identity", "J", "make_record",
              "fill_like", "regroup", "ungroup", "field_sens", "getattr_sens",
              "getitem_sens", "stop_gradient", "is", "is_not", "bind_keywords"}
MAX_CONTEXTS = 64  # per recursive graph: beyond, a loop's types keep changing
MAX_ITERATIONS = 12  # per fixpoint: beyond, a recursion's type keeps growing
MAX_SPLIT = 64  # combinations of Union members one primitive call is inferred for
# Primitives that take a `Union` as it is (they move values, or join them).
UNION_AWARE = {"make_tuple", "switch", "partial", "identity", "env_setitem",
               "env_getitem", "make_record", "bind_keywords", "J", "stop_gradient"}


class Inferrer:
    """Infers contexts; `fprop` (from `myia.grad`) gives forward graphs for `J`."""

    def __init__(self, fprop=None, forced=None):
        self.fprop = fprop
        self.sens = {}  # Env key -> {owner: what an Env holds for it} (`SensView`)
        # (graph, parent's path) -> the argument types its values are called with
        self.forced = forced or {}
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
            for _ in range(MAX_ITERATIONS):  # until no Env key's type changed
                callers = _callers(ctx)
                todo = [c for c in callers if not c.still_valid(self.sens)]
                if not todo:
                    return ctx
                while todo:  # they, and what called them, are inferred again
                    c = todo.pop()
                    if c.state != "new":
                        c.state = "new"
                        todo.extend(callers[c])
                ctx.state = "new"
                self.evaluate(ctx)
            raise MyiaTypeError(f"the sensitivities in {graph.name} do not settle")
        finally:
            sys.setrecursionlimit(old)

    def context(self, graph, parent, args, site=None):
        args = tuple(T.may_keys(a) for a in args)
        if _loop_header(graph):  # loop-carried values: `i = 0` is an int, not 0
            args = tuple(T.widen(a) for a in args)
        forced = self.forced.get((graph, parent and parent.path()))
        if forced is not None and len(forced) == len(args) and all(
                _within(a, f) for a, f in zip(args, forced)):
            args = forced  # one signature for all the calls of this function value
        recursive = False
        for c in reversed(self.stack):  # recursion
            if c.graph is graph and c.parent is parent:
                if c.args == args:
                    return c  # whatever the call site: its fixpoint
                args = tuple(_widen_against(a, b) for a, b in zip(c.args, args))
                if args == c.args:  # `rec(sin(1.0), d - 1)` in `rec(z: float, d: int)`
                    return c
                if _loop_header(graph) and not c.grown and _seqs(args) > _seqs(c.args):
                    # A tuple that grows: the loop's entry too is typed for any
                    # length (`t[0]` after a loop from `t = ()` is no error).
                    c.args, c.grown = args, True
                    return c
                recursive = True
                break
        key = (graph, parent, args, site)
        ctx = self.contexts.get(key)
        if ctx is None:
            # Counted where a recursion calls itself with new types only: a
            # shared graph (a primitive's backpropagator) has one context per
            # signature it is used with, as many as the program needs.
            group = (graph, parent, site)
            n = self.counts[group] = self.counts.get(group, 0) + recursive
            if n > MAX_CONTEXTS:
                raise MyiaTypeError(f"the types of the values carried by {graph.name} "
                                    "keep changing (a tuple that grows in a loop?)")
            ctx = self.contexts[key] = Context(graph, parent, args, site)
        return ctx

    def call_context(self, ctx):
        """The output type of `ctx`, inferring it if needed (see the fixpoint)."""
        top = self.stack[-1] if self.stack else None
        if ctx.state == "running":
            if top is ctx:
                ctx.self_used = True
            else:
                top.seen[ctx] = ctx.out
            return ctx.out
        if ctx.state == "new" or not ctx.still_valid(self.sens):
            self.evaluate(ctx)
        if top is not None:  # the caller assumes what the callee assumed
            top.self_used |= top in ctx.seen
            top.seen.update((d, o) for d, o in ctx.seen.items() if d is not top)
            top.reads.update((k, v) for k, v in ctx.reads.items() if k[0] is not top)
        return ctx.out

    def evaluate(self, ctx):
        g = ctx.graph
        nodes, _ = graph_nodes(g)
        ctx.state = "running"
        self.stack.append(ctx)
        try:
            for _ in range(MAX_ITERATIONS):
                ctx.reads, ctx.seen, ctx.self_used = {}, {}, False
                ctx.values = dict(zip(g.parameters, ctx.args))
                ctx.calls, args = {}, ctx.args
                try:
                    for node in nodes:
                        ctx.values[node] = self.apply(ctx, node)
                    out = self.value(ctx, g.output)
                except MyiaError:
                    if ctx.args == args:
                        raise
                if ctx.args != args:
                    continue  # a loop's entry widened (see `context`): again, for those
                if not all(self.sens.get(n) == v for (o, n), v in ctx.reads.items()
                           if o is SENS):
                    continue  # an Env got a new kind of value after we read it
                if not ctx.self_used or out == ctx.out:
                    ctx.out = out
                    break
                ctx.out = T.join(ctx.out, out)
            else:
                raise MyiaTypeError(f"the type of what {_user_name(g)} returns does not "
                                    "settle: it grows with each recursive call (a recursive "
                                    "dataclass, or the backward pass of a recursion "
                                    "differentiated again?)")
        except MyiaError:
            ctx.state = "new"  # a caller may leave out what failed (`split`)
            raise
        finally:
            self.stack.pop()
        ctx.state = "done"

    # ----- nodes ------------------------------------------------------------------

    def value(self, ctx, node):
        if isinstance(node, Constant):
            v = node.value
            if isinstance(v, Graph):
                return T.GraphFn(v, parent_of(v, ctx))
            if isinstance(v, Env):
                for k, x in v.items.items():
                    held = self.sens.setdefault(k, {})
                    held[None] = T.join(held.get(None, T.Bottom), constant_type(x))
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
                caller = _user_name(ctx.graph)
                if callee is not None and node.loc is not None and \
                        _user_graph(ctx.graph).debug.role != "grad" and \
                        _user_name(callee) != caller and \
                        not getattr(err, "_noted", set()) & {callee}:
                    err.notes.append(f"in {_user_name(callee)}, called from "
                                     f"{caller} line {node.loc.line}")
                    err._noted = getattr(err, "_noted", set()) | {callee}
            raise err.with_location(node.loc)

    def call(self, ctx, node, fn, args, kw, ncall=None):
        """The type of `fn(*args, **kw)`; records the resolution in ctx.calls.

        `ncall` is the number of arguments the call node itself passes (the
        others come from partial applications)."""
        ncall = len(args) if ncall is None else ncall
        if fn is T.Bottom or any(a is T.Bottom for a in args):
            return T.Bottom
        if isinstance(fn, T.FnSet):
            out, error = T.Bottom, None
            for f in sorted(fn.fns, key=str):  # each (one may widen a loop's entry)
                try:
                    out = T.join(out, self.call(ctx, node, f, args, kw, ncall))
                except MyiaError as err:
                    error = error or err
            if error is not None:
                raise error
            return out
        if isinstance(fn, T.PartialFn):
            return self.call(ctx, node, fn.fn, [*fn.args, *args], {**dict(fn.kwargs), **kw},
                             ncall)
        if isinstance(fn, T.Const) and isinstance(fn.value, types.FunctionType):
            fn = T.GraphFn(parse(fn.value))
        if isinstance(fn, T.JFn):
            return self.call(ctx, node, self.forward(fn.fn), args, kw, ncall)
        if isinstance(fn, T.PrimFn):
            return self.call_prim(ctx, node, fn, args, kw)
        if isinstance(fn, T.GraphFn):
            g = fn.graph
            sig = signature(g, None) if g.debug.role == "fprop" else None
            if sig is not None and (kw or len(args) < len(sig[1])):
                # A forward function with keywords or defaults, as the VMs call it.
                adapter, flat = keyword_call(g, list(args), kw, len(args) - ncall, node,
                                             constant_type)
                return self.call(ctx, node, T.GraphFn(adapter), [fn, *flat], {})
            if kw or len(args) != len(g.parameters):
                args = self.bind(fn, args, kw)
            # A forward graph returns a backpropagator closure, which each
            # call site calls with its own sensitivity: one context per site
            # (of a direct call; a function value has one clone for all).
            direct = isinstance(node.inputs[0], Constant)
            site = (ctx, node) if g.debug.role == "fprop" and direct else None
            target = self.context(g, fn.ctx, tuple(args), site)
            ctx.calls[node].append((fn, tuple(args), target))
            return self.call_context(target)
        raise MyiaTypeError(not_callable(fn.cls) if isinstance(fn, T.Record)
                            else f"a value of type {fn} is not callable")

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
        if prim is not switch and prim.dunder is not None and not any(
                len(T.members(a)) > 1 for a in args):
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
        if prim.name not in UNION_AWARE and any(len(T.members(a)) > 1 for a in args):
            return self.split(ctx, node, fn, args)
        ctx.calls[node].append((fn, tuple(args), prim))
        if prim is env_getitem or prim is env_setitem:
            return prim.infer(*args, SensView(self.sens, ctx))
        return prim.infer(*args)

    def split(self, ctx, node, fn, args):
        """`fn(*args)` with a `Union` among `args`: the join of its result on
        each combination of their members (`mul(float|int, 2)` is `mul(float,
        2) | mul(int, 2)`), leaving out those that fail when others do not: a
        value of that combination raises that error at run time, where the
        program itself would (`x + 1` where `x: None|int` is guarded by `if x
        is not None`)."""
        combos = list(itertools.product(*map(T.members, args)))
        if len(combos) > MAX_SPLIT:
            raise MyiaTypeError(f"{fn.prim.name} of {', '.join(map(str, args))}: "
                                f"{len(combos)} combinations of types, more than {MAX_SPLIT}")
        out, error, records = T.Bottom, None, ctx.calls[node]
        for combo in combos:
            done = len(records)
            try:
                out = T.join(out, self.call_prim(ctx, node, fn, list(combo), {}))
            except (MyiaTypeError, MyiaShapeError) as err:
                del records[done:]
                error = error or err
        if out is T.Bottom and error is not None:
            raise error
        return out


def _callers(root):
    """The contexts `root` calls (directly or not) -> the contexts calling them."""
    out, todo = {root: []}, [root]
    while todo:
        c = todo.pop()
        for records in c.calls.values():
            for _, _, t in records:
                if isinstance(t, Context):
                    if t not in out:
                        out[t] = []
                        todo.append(t)
                    out[t].append(c)
    return out


def _loop_header(graph):
    """Whether `graph` is a loop's header (its parameters are loop-carried)."""
    while graph.debug.role in ("fprop", "bprop") and isinstance(graph.debug.origin, Graph):
        graph = graph.debug.origin
    return graph.debug.role in ("while", "for")


def _seqs(a):
    """How many tuples of unknown length (`T.Seq`) type `a` holds."""
    if isinstance(a, tuple):
        return sum(map(_seqs, a))
    if isinstance(a, (T.Tuple, T.Union)):
        return _seqs(tuple(a.items))
    if isinstance(a, (T.Seq, T.OrZero)):
        return isinstance(a, T.Seq) + _seqs(a.item)
    return _seqs(tuple(t for _, t in a.raw)) if isinstance(a, T.Record) else 0


def _user_graph(graph):
    """The graph `graph` is the forward or backward graph of, at any order."""
    while graph.debug.role in ("fprop", "bprop") and isinstance(graph.debug.origin, Graph):
        graph = graph.debug.origin
    return graph


def _user_name(graph):
    """The user's function a graph comes from (branches and loops are part of it)."""
    parts = _user_graph(graph).name.split(":")
    return parts[1] if parts[0] in ("fprop", "bprop") and len(parts) > 1 else parts[0]


def _within(a, b):
    """Whether every value of type `a` is one of type `b`."""
    try:
        return T.join(a, b) == b
    except MyiaTypeError:
        return False


def _widen_against(old, new):
    """A recursive call's argument type, given the one its recursion started with."""
    if old == new:
        return new
    try:
        return T.join(old, new, union=False)
    except MyiaTypeError:  # an int that becomes a float: a context of its own
        return T.widen(new)


def infer(graph, argtypes, fprop=None):
    """Infer `graph` on `argtypes`: the root `Context` (its `.out` is the result type)."""
    return Inferrer(fprop).infer(graph, argtypes)

