"""Return-value flattening: a graph returns only the leaves its callers read.

The backward pass returns nested tuples (a closure's sensitivity is its
environment, then one per argument) that the caller takes apart again, and
some of whose items nobody reads::

    graph bp(d)                              graph bp(d)
      return ((a, ZERO, ZERO), x, ZERO)  ==>   return (a, x)
    ... %r = %f(d)   # %f: bp, or another    ... %r = %f(d)
        %e = %r[0]; %e[0] ... %r[1]              %r[0] ... %r[1]

A graph is changed only when every place that may call it is known: a
small flow analysis (`calls`) follows graphs as values through tuples,
`switch`, calls and returns; one that reaches anything else (a primitive,
the program's result, a join of a function with a tuple) escapes and is
left alone.  Graphs that may be called from the same place form a class
and get the same new layout: the paths `(0, 1)` that some caller reads
with constant `getitem`s and uses otherwise.  A caller that uses a whole
result (or a tail call) keeps the class as it is.  A graph that passes on
another call's items keeps that call's order (then it is that call, and
`eta_reduce` removes it), and an item whose reads only flow back into the
same item of the class's results (a sensitivity a backward loop carries to
the end, which the caller never reads) is dropped, with what computes it.
"""

from .. import types as T
from ..ir import Apply, Constant, Graph
from ..prims import Primitive, getitem, make_tuple, switch
from .rewrite import derived

TOP = "top"  # any value: the flow of functions through it is not followed
DATA = frozenset()  # a value holding no function
DEPTH = 4  # tuple nesting followed (deeper: TOP)
ROUNDS = 50  # of the flow analysis before giving up


class _Flow:
    """For each node, the graphs it may be (as a set), or a tuple of such."""

    def __init__(self, mng):
        self.mng = mng
        self.value = {}
        self.escaped = set()
        self.changed = False

    def escape(self, v):
        if isinstance(v, frozenset):
            for g in v - self.escaped:
                self.escaped.add(g)
                self.changed = True
        elif isinstance(v, tuple):
            for x in v:
                self.escape(x)

    def join(self, a, b):
        if a is None:
            return b
        if b is None or a == b:
            return a
        if isinstance(a, frozenset) and isinstance(b, frozenset):
            return a | b
        if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
            return tuple(self.join(x, y) for x, y in zip(a, b))
        self.escape(a)
        self.escape(b)
        return TOP

    def flow(self, node, v):
        old = self.value.get(node)
        new = self.join(old, v)
        if new != old:
            self.value[node] = new
            self.changed = True

    def of(self, node):
        if isinstance(node, Constant):
            v = node.value
            if isinstance(v, Graph):
                return frozenset([v])
            return TOP if callable(v) else DATA
        return self.value.get(node)

    def step(self, node):
        fn, *args = node.inputs
        vals = [self.of(a) for a in args]
        prim = fn.value if isinstance(fn, Constant) and isinstance(fn.value, Primitive) \
            else None
        if prim is make_tuple:
            out = tuple(vals)
            if _depth(out) > DEPTH:
                self.escape(out)
                out = TOP
        elif prim is getitem and isinstance(args[1], Constant) and type(args[1].value) is int:
            t, i = vals[0], args[1].value
            if isinstance(t, tuple) and -len(t) <= i < len(t):
                out = t[i]
            else:
                out = t if t in (None, DATA, TOP) else self.join(t, TOP)
        elif prim is switch:
            out = self.join(vals[1], vals[2])
        elif prim is not None:  # data from data; what it does with a function is not followed
            out = DATA
            for v in vals:
                if v not in (None, DATA):
                    self.escape(v)
                    out = TOP
        else:
            out = self.call(self.of(fn), args, vals)
        self.flow(node, out)

    def call(self, f, args, vals):
        if f is None:
            return None
        if not isinstance(f, frozenset) or not f:  # a function made at run time
            for v in vals:
                self.escape(v)
            return TOP
        out = None
        for g in f:
            if len(g.parameters) != len(args):
                for v in vals:
                    self.escape(v)
                return TOP
            for p, v in zip(g.parameters, vals):
                self.flow(p, v)
            out = self.join(out, self.of(g.output))
        return out

    def run(self):
        mng = self.mng
        nodes = sorted((n for g in mng.graphs for n in mng.nodes[g]), key=lambda n: n.id)
        self.escaped.add(mng.root)
        for g in mng.graphs:  # keyword defaults: not followed
            for d in g.defaults.values():
                self.escape(self.of(d))
        for _ in range(ROUNDS):
            self.changed = False
            for g in self.escaped.copy():
                for p in g.parameters:
                    self.flow(p, TOP)
            for node in nodes:
                mng.work += 1
                self.step(node)
            for g in self.escaped.copy():
                self.escape(self.of(g.output))
            if not self.changed:
                return True
        return False


def _depth(v):
    return 1 + max((_depth(x) for x in v), default=0) if isinstance(v, tuple) else 0


def flatten_returns(mng):
    """Give each class of graphs the flat layout its callers read; returns how
    many classes changed."""
    flow = _Flow(mng)
    if not flow.run():
        return 0
    parent, called_at = {}, []

    def find(g):
        while parent.setdefault(g, g) is not g:
            g = parent[g]
        return g

    for g in mng.graphs:
        for node in mng.nodes[g]:
            f = node.inputs[0]
            if isinstance(f, Constant) and isinstance(f.value, Primitive):
                continue
            called = flow.of(f)
            if isinstance(called, frozenset) and called:
                first, *rest = called
                find(first)
                for h in rest:
                    parent[find(h)] = find(first)
                called_at.append((node, first))
    classes, sites = {}, {}
    for g in parent:
        classes.setdefault(find(g), set()).add(g)
    for node, g in called_at:
        sites.setdefault(find(g), []).append(node)
    done = 0
    for root, members in classes.items():
        calls = sites.get(root, [])
        if members & flow.escaped or any(m not in mng.graphs for m in members):
            continue
        done += _flatten(mng, members, [c for c in calls if c in mng.uses])
    return done


def _read_paths(mng, call):
    """path -> the node reading it, for the constant getitems taking `call`
    apart; None when the whole result is used (or returned)."""
    out, todo = {}, [(call, ())]
    while todo:
        node, path = todo.pop()
        uses = mng.uses.get(node, ())
        if uses and all(isinstance(u, Apply) and k == 1 and _is_getitem(u) for u, k in uses):
            todo.extend((u, path + (u.inputs[2].value,)) for u, _ in uses)
        elif not path:
            return None
        elif uses:
            out.setdefault(path, []).append(node)
    return out


def _is_getitem(u):
    f, i = u.inputs[0], u.inputs[2] if len(u.inputs) == 3 else None
    return isinstance(f, Constant) and f.value is getitem and isinstance(i, Constant) \
        and type(i.value) is int and i.value >= 0


def _flatten(mng, members, calls):
    reads = [_read_paths(mng, c) for c in calls]
    if not calls or any(r is None for r in reads):
        return 0
    paths = sorted({p for r in reads for p in r})
    if not paths or any(a == b[:len(a)] for a in paths for b in paths if a != b):
        return 0
    leaves = {}
    for g in members:
        got = [_walk(g.output, p) for p in paths]
        if None in got:
            return 0
        leaves[g] = got
    order = _forwarded(list(leaves.values()))
    if order is not None:  # pass on another call's items in its order: they are its result
        paths = [p for _, p in sorted(zip(order, paths))]
    if all(len(p) == 1 for p in paths) and [p[0] for p in paths] == list(range(_width(calls, members))):
        return _drop_dead_items(mng, members, calls, len(paths))  # flat, in order
    for g, got in leaves.items():
        nodes = [_materialise(g.output, p, g) for p in paths]
        mng.set_edge(g, "output", nodes[0] if len(nodes) == 1 else derived(
            g.output, make_tuple, *nodes, abstract=_tuple_of(nodes), graph=g))
    for call, read in zip(calls, reads):
        types = [getattr(read[p][0], "abstract", None) if p in read else None for p in paths]
        call.abstract = types[0] if len(paths) == 1 else (
            None if None in types else T.Tuple(types))
        for k, p in enumerate(paths):
            for node in read.get(p, ()):
                new = call if len(paths) == 1 else derived(node, getitem, call, k)
                mng.replace(node, new)
    _drop_dead_items(mng, members, calls, len(paths))
    return 1


def _drop_dead_items(mng, members, calls, n):
    """Drop item `k` of the (flat) results where what callers read of it
    only goes back into item `k` of the members' results (a sensitivity a
    backward loop carries but nothing outside it reads)."""
    outs = [g.output for g in members]
    if n < 2 or not all(_is_make_tuple(o) and len(o.inputs) == n + 1 for o in outs):
        return 0
    reads = {(c, k): [u for u, key in mng.uses.get(c, ()) if key == 1 and _is_getitem(u)
                      and u.inputs[2].value == k] for c in calls for k in range(n)}
    dead = [k for k in range(n) if not any(_flows_out(mng, r, {(o, k + 1) for o in outs})
                                           for c in calls for r in reads[c, k])]
    if not dead or len(dead) == n:
        return 0
    live = [k for k in range(n) if k not in dead]
    for g, o in zip(members, outs):
        items = [o.inputs[k + 1] for k in live]
        mng.set_edge(g, "output", items[0] if len(items) == 1 else derived(
            o, make_tuple, *items, abstract=_tuple_of(items), graph=g))
    for c in calls:
        a = getattr(c, "abstract", None)
        c.abstract = None if not isinstance(a, T.Tuple) else (
            a.items[live[0]] if len(live) == 1 else T.Tuple([a.items[k] for k in live]))
        for new_k, k in enumerate(live):
            for r in reads[c, k]:
                mng.replace(r, c if len(live) == 1 else derived(r, getitem, c, new_k))
    return 1


def _flows_out(mng, node, sinks, limit=2000):
    """Whether `node`'s value reaches anything but `sinks` (a call's argument
    or a graph's result counts: it is not followed there)."""
    seen, todo = {node}, [node]
    while todo:
        for user, key in mng.uses.get(todo.pop(), ()):
            mng.work += 1
            if (user, key) in sinks:
                continue
            if not isinstance(user, Apply) or len(seen) > limit or not (
                    isinstance(user.inputs[0], Constant)
                    and isinstance(user.inputs[0].value, Primitive)) or key == 0:
                return True
            if user not in seen:
                seen.add(user)
                todo.append(user)
    return False


def _forwarded(leaves):
    """The item numbers `j` when every member's leaves are `c[j]` of one call
    `c` (a backward loop passing on the next iteration's sensitivities)."""
    order = None
    for got in leaves:
        if not all(isinstance(n, Apply) and _is_getitem(n) for n in got):
            return None
        js = [n.inputs[2].value for n in got]
        base = {n.inputs[1] for n in got}
        if len(base) != 1 or len(set(js)) != len(js) or order not in (None, js):
            return None
        order = js
    return order


def _width(calls, members):
    """How many items the calls' results have (-1: not known)."""
    a = getattr(calls[0], "abstract", None)
    if isinstance(a, T.Tuple):
        return len(a.items)
    widths = {len(g.output.inputs) - 1 if _is_make_tuple(g.output) else -1 for g in members}
    return widths.pop() if len(widths) == 1 else -1


def _walk(node, path):
    """Whether item `path` of `node` can be had without a call (the node
    that holds it, or True where a getitem of a tuple-typed node will do)."""
    for i in path:
        if _is_make_tuple(node) or _const_tuple(node):
            items = _items(node)
            if i >= len(items):
                return None
            node = items[i]
            continue
        a = getattr(node, "abstract", None)
        if isinstance(node, Constant) or not isinstance(a, T.Tuple) or i >= len(a.items) or \
                not (isinstance(node.inputs[0], Constant) and
                     isinstance(node.inputs[0].value, Primitive)):
            return None  # a call (keep tail calls), a ZERO, an untyped node
        return True
    return node


def _materialise(node, path, graph):
    for i in path:
        if _is_make_tuple(node) or _const_tuple(node):
            node = _items(node)[i]
        else:
            node = derived(node, getitem, node, i, abstract=node.abstract.items[i], graph=graph)
    return node


def _const_tuple(node):
    return isinstance(node, Constant) and type(node.value) is tuple


def _items(node):
    if not isinstance(node, Constant):
        return node.inputs[1:]
    a = getattr(node, "abstract", None)
    items = [Constant(v) for v in node.value]
    if isinstance(a, T.Tuple) and len(a.items) == len(items):
        for c, t in zip(items, a.items):
            c.abstract = t
    return items


def eta_reduce(node, mng):
    """`... @g ...` -> `... f ...` when `g(xs) = f(xs)`: `g` only calls `f`
    (a node `node` sees, not one of `g`'s own) on its parameters, in order."""
    for k, x in enumerate(node.inputs[1:], 1):
        g = x.value if isinstance(x, Constant) and isinstance(x.value, Graph) else None
        if g is None or g not in mng.graphs or g.defaults or g.kwonly or \
                len(mng.nodes[g]) != 1 or not isinstance(g.output, Apply):
            continue
        f, *args = g.output.inputs
        if args == g.parameters and f not in g.parameters and (
                (isinstance(f, Constant) and isinstance(f.value, Graph))
                or (not isinstance(f, Constant) and f.graph is node.graph)):
            new = Apply(node.graph, list(node.inputs), node.debug)
            new.inputs[k] = f
            if getattr(node, "abstract", None) is not None:
                new.abstract = node.abstract
            return new
    return None


def _is_make_tuple(node):
    return isinstance(node, Apply) and isinstance(node.inputs[0], Constant) and \
        node.inputs[0].value is make_tuple


def _tuple_of(nodes):
    types = [getattr(n, "abstract", None) for n in nodes]
    return None if None in types else T.Tuple(types)
