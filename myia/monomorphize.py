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
from .infer import (Context, Inferrer, _widen_against, constant_type, graph_nodes,
                    parent_of)
from .ir import Apply, Constant, DebugInfo, Graph, Parameter
from .prims import Primitive, J, bind_keywords, find_dunder, getattr_, getitem, partial, switch
from .prims.structure import dunder_types
from .prims.values import ZERO


def _copy_debug(debug, origin):
    return DebugInfo(debug.name, debug.loc, debug.origin or origin, debug.role)


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
    """(graph, parent context) -> contexts a *value* of that function is called in.

    A call whose callee is the graph itself (`@f(x)`) gets its own clone; a
    function value (a closure passed around) has one clone for all its calls.
    """
    out = {}
    for ctx in contexts:
        for node, records in ctx.calls.items():
            callee = node.inputs[0]
            if isinstance(callee, Constant) and isinstance(callee.value, Graph):
                continue
            for _, _, target in records:
                if isinstance(target, Context):
                    out.setdefault((target.graph, target.parent), set()).add(target)
    return out


class _Cloner:
    def __init__(self, root):
        self.root = root
        self.contexts = reachable(root)
        self.targets = value_targets(self.contexts)
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
        for ctx in self.contexts:
            for n in graph_nodes(ctx.graph)[0]:
                self.rewrite(ctx, n)
            ng, g = self.graphs[ctx], ctx.graph
            ng.output = self.map(ctx, g.output)
            # Kept for calls through a function value with keywords (bind_keywords).
            ng.kwonly = set(g.kwonly)
            ng.defaults = {k: d if isinstance(d, Constant) else self.map(ctx.parent, d)
                           for k, d in g.defaults.items()}
        return self.graphs[self.root]

    # ----- values ---------------------------------------------------------------

    def map(self, ctx, node):
        """The node standing for `node` (of `ctx`'s graph or an enclosing one)."""
        if isinstance(node, Constant):
            return self.constant(ctx, node)
        c = ctx
        while c.graph is not node.graph:
            c = c.parent
        return self.nodes[c][node]

    def constant(self, ctx, node):
        v = node.value
        if isinstance(v, Graph):
            parent = parent_of(v, ctx)
            targets = self.targets.get((v, parent), ())
            if len(targets) > 1:
                sigs = " and ".join(f"({', '.join(map(str, t.args))})"
                                    for t in sorted(targets, key=str))
                raise MyiaTypeError(f"the function {v.name} is called with different "
                                    f"argument types {sigs}; Myia compiles one "
                                    "signature per function value", node.loc)
            if targets:
                return self.graph_constant(next(iter(targets)), node)
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
        value = ZERO if abstract is T.ZeroType else T.static_value(abstract)
        c = Constant(value, _copy_debug(origin.debug, origin))
        c.abstract = abstract
        return c

    # ----- nodes ----------------------------------------------------------------

    def rewrite(self, ctx, n):
        new = self.nodes[ctx][n]
        abstract = ctx.values.get(n)
        fn = n.inputs[0]
        records = ctx.calls.get(n, [])
        if abstract is not None and T.is_static(abstract) and not isinstance(
                abstract, T.PrimFn):
            # A constant result: every use reads the constant (the call is dropped).
            self.nodes[ctx][n] = self.static(abstract, n)
            return
        if isinstance(fn, Constant) and fn.value is switch:
            cond = ctx.values.get(n.inputs[1]) if not isinstance(n.inputs[1], Constant) \
                else T.Const(n.inputs[1].value)
            if T.is_static(cond):  # the branch taken, alone
                self.nodes[ctx][n] = self.map(ctx, n.inputs[2 if T.static_value(cond) else 3])
                return
        if len(records) == 1 and isinstance(records[0][2], Context):
            direct = self.direct_call(ctx, n, records[0])
            if direct is not None:
                new.inputs = direct
                return
        new.inputs = [self.map(ctx, i) for i in n.inputs]

    def direct_call(self, ctx, n, record):
        """Inputs calling the clone of the resolved graph with positional arguments."""
        fn_abs, _, target = record
        bound = self.bound_nodes(ctx, n.inputs[0])
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

    def type_of(self, ctx, node):
        if isinstance(node, Constant):
            return constant_type(node.value)
        c = ctx
        while c.graph is not node.graph:
            c = c.parent
        return c.values.get(node)


def monomorphize(graph, argtypes, fprop=None):
    """A typed clone of `graph` specialised to `argtypes` (see the module docstring).

    `fprop` (`myia.grad.fprop`) gives the forward graphs of methods met under
    `J`; the pipeline passes it.
    """
    forced = {}
    for _ in range(4):  # a function value called with several signatures: join them
        root = Inferrer(fprop, forced).infer(graph, argtypes)
        clashes = {g: ts for (g, _), ts in value_targets(reachable(root)).items()
                   if len(ts) > 1}
        if not clashes:
            break
        for g, ts in clashes.items():
            sigs = [t.args for t in ts]
            if g in forced:
                sigs.append(forced[g])
            forced[g] = functools.reduce(
                lambda a, b: tuple(_widen_against(x, y) for x, y in zip(a, b)), sigs)
    return _Cloner(root).run()
