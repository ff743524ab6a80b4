"""Stage: monomorphization, one typed clone per inference context.

`monomorphize(graph, argtypes)` infers `graph` (`myia.infer`) and returns a
fresh graph tree in which every graph is specialised to one signature and
every node carries `.abstract`.  What inference decided statically is
written into the graph, so nothing is looked up at run time::

    graph f(p, q)                        graph f(p, q)     # p, q: Point
      %1 = add(p, q)              ->       %1 = @Point.__add__(p, q) : Point
      %2 = getattr(p, 'norm')              %3 = @Point.norm(p) : float
      %3 = %2()
      %4 = helper(x, by=2)        ->       %4 = @helper(x, 2, 10) : float   # keywords and
                                                                             # defaults bound
    switch(is_zero(ZERO), a, b)   ->    a                 # static values are constants

Calls through a `J(method)` call the method's forward graph directly.  A
function value that is only known at run time (a closure passed around, a
`switch` between two branches) keeps its call, its possible graphs each
replaced by their clone.  The input graph is never mutated.
"""

import functools

from . import types as T
from .arguments import match_arguments
from .errors import MyiaTypeError
from .contexts import (Context, checking, constant_type, global_call, graph_nodes, node_type,
                       parent_of, reachable, value_targets)
from .infer import Inferrer
from .ir import Apply, Constant, DebugInfo, Graph, Parameter
from .prims import (Primitive, J, bind_keywords, depend, find_dunder, getattr_, getitem,
                    partial, switch, unpack_item)
from .prims.structure import dunder_types
from .prims.values import ZERO
from .grad import KEYWORD_ADAPTERS
from .calls import keyword_call

CHECKS = (unpack_item, depend)  # never folded: they may raise (opt/typed.py drops them)

MAX_ROUNDS = 8  # of inference, joining the signatures of function values


def _copy_debug(debug, origin):
    return DebugInfo(debug.name, debug.loc, debug.origin or origin, debug.role)


def static_value(a):
    """`T.static_value`, knowing the value of ZERO (which `myia.types` cannot see)."""
    if a is T.ZeroType:
        return ZERO
    if isinstance(a, T.Tuple):
        return tuple(static_value(x) for x in a.items)
    return T.static_value(a)


class _Alias:
    """A node standing for another (the branch a static `switch` takes)."""

    __slots__ = ("ctx", "node")

    def __init__(self, ctx, node):
        self.ctx, self.node = ctx, node


class _Cloner:
    def __init__(self, root):
        self.root = root
        self.contexts = reachable(root)
        self.targets = value_targets(self.contexts)
        self.globals = {}  # graph -> the contexts of its global calls
        for ctx in self.contexts:
            for node, records in ctx.calls.items():
                if global_call(ctx, node, records):
                    self.globals.setdefault(records[0][2].graph, []).append(records[0][2])
        self.graphs = {}
        self.nodes = {}  # context -> original node -> new node

    def run(self):
        for ctx in self.contexts:
            g = ctx.graph
            ng = Graph(_copy_debug(g.debug, g))
            ng.flags = set(g.flags)
            self.graphs[ctx] = ng
            nmap = self.nodes[ctx] = {}
            for p, a in zip(g.parameters, ctx.args):
                q = Parameter(ng, _copy_debug(p.debug, p))
                q.abstract = a
                ng.parameters.append(q)
                nmap[p] = q
            for n in graph_nodes(g)[0]:
                a = Apply(ng, [], _copy_debug(n.debug, n))
                a.abstract = ctx.values.get(n)
                nmap[n] = a
        self.checking = checking(self.contexts)
        for ctx in self.contexts:  # static results first: uses must see them
            for n in graph_nodes(ctx.graph)[0]:
                self.fold(ctx, n)
        for ctx in self.contexts:
            for n in graph_nodes(ctx.graph)[0]:
                if isinstance(self.nodes[ctx][n], Apply):  # not folded away
                    self.rewrite(ctx, n)
            ng, g = self.graphs[ctx], ctx.graph
            ng.output = self.map(ctx, g.output)
            # Kept for calls through a function value with keywords (bind_keywords).
            ng.kwonly = set(g.kwonly)
            ng.defaults = {k: d if isinstance(d, Constant) else self.map(ctx.parent, d)
                           for k, d in g.defaults.items()}
        for ctx in self.contexts:
            self.keep_checks(ctx)
        return self.graphs[self.root]

    def keep_checks(self, ctx):
        """The calls that may raise an unpacking's error (`checking`) stay
        needed by the result, as the parser keeps unread unpackings: folding
        a call's static result, or reading one item of the tuple it returns
        (the forward value of `grad(f)` under `grad(grad(f))`, whose
        `depend` holds `f`'s check), would drop it::

            %1 = @checks(t) : ZERO        %1 = @checks(t) : ZERO
            return ZERO           ->      return depend(ZERO, %1)
        """
        calls = [self.nodes[ctx][n] for n, records in ctx.calls.items()
                 if any(t in self.checking for _, _, t in records)]
        ng = self.graphs[ctx]
        needed, todo = set(), [ng.output]
        while todo and calls:
            n = todo.pop()
            if isinstance(n, Constant) and isinstance(n.value, Graph):
                n = n.value.output
            if isinstance(n, Apply) and n not in needed:
                needed.add(n)
                todo.extend(n.inputs)
        unread = [c for c in calls if isinstance(c, Apply) and c not in needed]
        if unread:
            out = ng.output
            fn = Constant(depend)
            fn.abstract = T.PrimFn(depend)
            ng.output = Apply(ng, [fn, out, *unread], DebugInfo(None, None, out, "check"))
            ng.output.abstract = out.abstract

    # ----- values ---------------------------------------------------------------

    def map(self, ctx, node):
        """The node standing for `node` (of `ctx`'s graph or an enclosing one)."""
        if isinstance(node, Constant):
            return self.constant(ctx, node)
        c = ctx
        while c.graph is not node.graph:
            c = c.parent
        new = self.nodes[c][node]
        if isinstance(new, _Alias):
            new = self.nodes[c][node] = self.map(new.ctx, new.node)
        return new

    def constant(self, ctx, node):
        v = node.value
        if isinstance(v, Graph):
            targets = self.targets.get((ctx, node)) or \
                self.targets.get((v, parent_of(v, ctx)), ())
            if len(targets) > 1:
                sigs = " and ".join(f"({', '.join(map(str, t.args))})"
                                    for t in sorted(targets, key=str))
                raise MyiaTypeError(f"the function {v.name} is called with different "
                                    f"argument types {sigs}; Myia compiles one "
                                    "signature per function value", node.loc)
            if targets:
                return self.graph_constant(next(iter(targets)), node)
            if v in self.globals:  # only called by global calls: any clone will do
                return self.graph_constant(self.globals[v][0], node)
            # Never called (a loop body over an empty tuple): there is no
            # signature to compile it for, and no call to make.
            c = Constant(None, _copy_debug(node.debug, node))
            c.abstract = T.NoneType
            return c
        c = Constant(v, node.debug)
        c.abstract = constant_type(v)
        return c

    def graph_constant(self, target, origin):
        c = Constant(self.graphs[target], _copy_debug(origin.debug, origin))
        c.abstract = T.GraphFn(self.graphs[target])
        return c

    def static(self, abstract, origin):
        c = Constant(static_value(abstract), _copy_debug(origin.debug, origin))
        c.abstract = abstract
        return c

    # ----- nodes ----------------------------------------------------------------

    def fold(self, ctx, n):
        abstract = ctx.values.get(n)
        fn = n.inputs[0]
        if abstract is not None and T.is_static(abstract) and not isinstance(
                abstract, T.PrimFn) and getattr(fn, "value", None) not in CHECKS and \
                not any(t in self.checking for _, _, t in ctx.calls.get(n, ())):
            # A constant result: every use reads the constant (the call is dropped).
            self.nodes[ctx][n] = self.static(abstract, n)
        elif isinstance(fn, Constant) and fn.value is switch:
            cond = node_type(ctx, n.inputs[1])
            if T.is_static(cond):  # the branch taken, alone
                self.nodes[ctx][n] = _Alias(ctx, n.inputs[2 if T.static_value(cond) else 3])

    def rewrite(self, ctx, n):
        new = self.nodes[ctx][n]
        records = ctx.calls.get(n, [])
        if len(records) == 1 and isinstance(records[0][2], Context):
            direct = self.direct_call(ctx, n, records[0])
            if direct is not None:
                new.inputs = direct
                return
        self.check_runtime_keywords(ctx, n, records)
        new.inputs = [self.map(ctx, i) for i in n.inputs]

    def check_runtime_keywords(self, ctx, n, records):
        """A keyword call left to the VM (`calls.keyword_call`) calls the
        one clone its function value maps to: refuse it where that function
        has clones for several signatures (the clone may not be this call's).
        A method under grad is a `JFunction` at run time, run untyped: exact."""
        if not any(isinstance(t, Context) and t.graph in KEYWORD_ADAPTERS
                   for _, _, t in records):
            return
        todo = [self.type_of(ctx, n.inputs[0])]
        while todo:
            fn = T.strip_zero(todo.pop())
            if isinstance(fn, T.PartialFn):
                todo.append(fn.fn)
            elif isinstance(fn, T.FnSet):
                todo.extend(fn.fns)
            elif isinstance(fn, T.JFn) and isinstance(fn.fn, (T.Const, T.JFn)):
                todo += [fn.fn] if isinstance(fn.fn, T.JFn) else []
            elif not isinstance(fn, T.GraphFn) or \
                    sum(c.graph is fn.graph for c in self.contexts) > 1:
                raise MyiaTypeError(f"a function value ({fn}) called with keywords has "
                                    "several signatures; Myia compiles one signature "
                                    "per function value", n.loc)

    def direct_call(self, ctx, n, record):
        """Inputs calling the clone of the resolved graph with positional arguments."""
        fn_abs, _, target = record
        if target.graph in KEYWORD_ADAPTERS:
            return self.keyword_call(ctx, n, target)
        bound = self.bound_nodes(ctx, n.inputs[0])
        if bound is None and global_call(ctx, n, [record]):
            bound = [], {}
        if bound is None:
            return None
        pos, kw = bound
        args = [*pos, *(self.map(ctx, i) for i in n.inputs[1:])]
        prim = n.inputs[0].value if isinstance(n.inputs[0], Constant) else None
        if isinstance(prim, Primitive):  # an operator a dataclass overrides
            found = dunder_types(prim.dunder, prim.rdunder,
                                 [self.type_of(ctx, i) for i in n.inputs[1:]])
            args = [args[i] for i in found[2]]
        g = target.graph
        if kw or len(args) != len(g.parameters):
            defaults = {}
            for name, d in g.defaults.items():
                defaults[name] = self.map(target.parent, d) if not isinstance(d, Constant) \
                    else self.constant(ctx, d)
            args = match_arguments(g.name, [p.debug.name for p in g.parameters], defaults,
                                   g.kwonly, args, kw)
        return [self.graph_constant(target, n.inputs[0]), *args]

    def keyword_call(self, ctx, n, target):
        """Inputs calling a keyword adapter (`calls.keyword_call`) on the
        forward function and its arguments bound by name, as inference did;
        None where the function cannot be told from here (the VM binds it)."""
        inner, fn = target.args[0], n.inputs[0]
        if isinstance(self.type_of(ctx, fn), T.GraphFn):  # the function itself
            pos, kw, fn_node = [], {}, self.map(ctx, fn)
        else:
            bound = self.bound_nodes(ctx, fn)
            if bound is None or not isinstance(inner, T.GraphFn) or inner.ctx is not None:
                return None
            (pos, kw), fn_node = bound, self.constant(ctx, Constant(inner.graph, fn.debug))
        args = [*pos, *(self.map(ctx, i) for i in n.inputs[1:])]
        adapter, flat = keyword_call(inner.graph, args, kw, len(pos), n,
                                     lambda v: self.constant(ctx, Constant(v)))
        return [self.graph_constant(target, fn), fn_node, *flat]

    def bound_nodes(self, ctx, fn):
        """`(positional, keywords)` nodes a function value binds, or None if unknown.

        The value is a graph (nothing bound), a partial application, a bound
        method (`getattr`), an operator's method (`find_dunder`), keyword
        arguments (`bind_keywords`) or the `J` of one of these.
        """
        if isinstance(fn, Constant):
            ok = isinstance(fn.value, Graph) or callable(fn.value)
            return ([], {}) if ok else None
        if not isinstance(fn, Apply) or not isinstance(fn.inputs[0], Constant):
            return None
        prim, args = fn.inputs[0].value, fn.inputs[1:]
        if prim is J:
            return self.bound_nodes(ctx, args[0])
        if prim is partial or prim is bind_keywords:
            inner = self.bound_nodes(ctx, args[0])
            if inner is None:
                return None
            pos, kw = inner
            if prim is partial:
                return [*pos, *(self.map(ctx, a) for a in args[1:])], kw
            names = T.static_value(self.type_of(ctx, args[1]))
            return pos, {**kw, **{k: self.map(ctx, a) for k, a in zip(names, args[2:])}}
        if prim is getattr_ and isinstance(self.type_of(ctx, fn), T.PartialFn):
            return [self.map(ctx, args[0])], {}
        if prim is getitem and isinstance(args[0], Apply) and \
                isinstance(args[0].inputs[0], Constant) and \
                args[0].inputs[0].value is find_dunder:
            found = self.type_of(ctx, args[0])
            operands = [self.map(ctx, a) for a in args[0].inputs[2:]]
            perm = T.static_value(found.items[1])
            return [operands[i - 1] for i in perm], {}
        return None

    type_of = staticmethod(node_type)


def monomorphize(graph, argtypes, fprop=None):
    """A typed clone of `graph` specialised to `argtypes` (see the module docstring).

    `fprop` (`myia.grad.fprop`) gives the forward graphs of methods met under
    `J`; the pipeline passes it.
    """
    forced = {}
    for _ in range(MAX_ROUNDS):  # a function value called with several signatures
        root = Inferrer(fprop, forced).infer(graph, argtypes)
        clashes = [{}, {}]
        for ts in value_targets(reachable(root)).values():
            # Called from one node only, a value may have several signatures
            # because its caller has: joining the caller's first may be enough.
            if len(ts) > 1:
                t = next(iter(ts))
                c = clashes[len(set().union(*ts.values())) > 1]
                c.setdefault((t.graph, t.parent and t.parent.path()), set()).update(ts)
        clashes = clashes[1] or clashes[0]
        if not clashes:
            break
        before = dict(forced)
        for key, ts in clashes.items():
            sigs = [t.args for t in ts] + ([forced[key]] if key in forced else [])
            try:
                forced[key] = functools.reduce(
                    lambda a, b: tuple(T.join(x, y) for x, y in zip(a, b)), sigs)
            except MyiaTypeError:  # no one signature: `_Cloner.constant` says so
                pass
        if forced == before:
            break
    if _returns_function(root.out):
        # Nothing calls it here, so there is no signature to clone it for.
        raise MyiaTypeError(f"{graph.name} returns a function ({root.out}), which it "
                            "never calls: inference types a function by its calls", graph.debug.loc)
    return _Cloner(root).run()


def _returns_function(a):
    if isinstance(a, T.FUNCTIONS) and not isinstance(a, T.PrimFn):
        return True
    if isinstance(a, T.Tuple):
        return any(map(_returns_function, a.items))
    if isinstance(a, T.Record):
        return any(_returns_function(v) for _, v in a.raw)
    return isinstance(a, (T.OrZero, T.Seq)) and _returns_function(a.item)
