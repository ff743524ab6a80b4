"""Defunctionalisation: a typed program's values as scalar registers (native_grad.py).

`Machine` gives every value of a typed, closure-converted program float64,
int64 and bool registers: a tuple its items', `T|ZERO` a flag and a T,
`Env{x, n}` a flag and value per key, a function (graph tag, heap record).
Back-edge targets of the call graph are the machine's states; other graphs
are inlined; `switch(c, f, partial(g, a))()` is a branch, making no value.
"""

import re

from .. import prims as P, types as T
from ..prims.primitive import Primitive
from ..prims.values import ZERO, Env
from ..ir import Apply, Constant, Graph, Manager, Parameter
from .emit import DECLINE

_PY = {T.Float: float, T.Int: int, T.Bool: bool}
_ZEROS = {"f": "0.0", "i": "0", "b": "False"}
_KIND = {T.Float: "f", T.Int: "i", T.Bool: "b"}
_START = 256  # initial stack and heap sizes (int64 words)


class Decline(Exception):
    """The program uses something this compiler does not express."""


def kinds(a, sens, seen=frozenset()):
    """The register kinds ('f', 'i', 'b') holding a value of type `a`."""
    if a in _KIND:
        return [_KIND[a]]
    if isinstance(a, T.Const) or a in (T.NoneType, T.ZeroType):
        return []
    if isinstance(a, T.OrZero):
        return ["b"] + kinds(a.item, sens, seen)
    if isinstance(a, T.Tuple):
        return [k for x in a.items for k in kinds(x, sens, seen)]
    if isinstance(a, T.EnvT):
        if seen & a.keys:  # what an Env holds holds that Env again (second order)
            raise Decline("an Env type nested in itself")
        return [k for key in _keys(a)
                for k in ["b"] + kinds(sens.get(key, T.ZeroType), sens, seen | {key})]
    if isinstance(a, T.FUNCTIONS):
        return ["i", "i"]  # graph tag, record
    raise Decline(f"no registers for {a}")


def _keys(env):
    return sorted(env.keys, key=lambda k: k.id)


class Val:
    """A value being compiled: its type and the expressions of its registers."""

    def __init__(self, a, exprs):
        self.a, self.e = a, list(exprs)


class Machine:
    """The generator for one program (see the module doc)."""

    def __init__(self, top):
        self.top = top
        self.mng = Manager(top)
        self.order = self.mng.nodes
        self.graphs = list(self.mng.graphs)
        self.tags = {g: i for i, g in enumerate(self.graphs)}
        self.users = {}
        self.bound = {}  # graph -> number of parameters partial binds
        for g in self.graphs:
            for n in self.order[g]:
                for i, x in enumerate(n.inputs):
                    self.users.setdefault(x, []).append((n, i))
                if _is(n, P.partial):
                    fn = n.inputs[1]
                    if not (isinstance(fn, Constant) and isinstance(fn.value, Graph)):
                        raise Decline("partial of a non-graph")
                    if self.bound.setdefault(fn.value, len(n.inputs) - 2) != len(n.inputs) - 2:
                        raise Decline("partials binding different counts")
        self.sens = self._sens()
        self.virtual = self._virtual()
        self.machine = self._back_edges()
        self.suspends = {}
        self.nvars = 0
        self.var_kinds = {}
        self.states = []  # [lines, successors]
        self.params = {}
        self.entry = {}
        self.saves = {}  # continuation state -> state whose live registers to save

    # ----- analysis ----------------------------------------------------------

    def _sens(self):
        """Env key -> the (non-ZERO part of the) type any Env holds for it."""
        sens = {}
        for g in self.graphs:
            for n in self.order[g]:
                if _is(n, P.env_setitem):
                    k, v = n.inputs[2].value, n.inputs[3].abstract
                    if v is None and isinstance(n.inputs[3], Constant):
                        v = _const_type(n.inputs[3].value)
                    sens[k] = T.join(sens.get(k, T.Bottom), v)
        return {k: (T.ZeroType if v is T.Bottom else v) for k, v in sens.items()}

    def _virtual(self):
        """Switches and partials that are only called: compiled as branches, not values."""
        def only_called(n):
            return n is not n.graph.output and all(
                i == 0 for _, i in self.users.get(n, []))
        out = set()
        for g in self.graphs:
            for n in self.order[g]:
                if _is(n, P.switch) and only_called(n) and all(
                        _graph_const(b) or _is(b, P.partial) for b in n.inputs[2:]):
                    out.add(n)
        for g in self.graphs:
            for n in self.order[g]:
                if _is(n, P.partial) and n is not g.output and all(
                        i == 0 or (u in out and i >= 2) for u, i in self.users.get(n, [])):
                    out.add(n)
        return out

    def targets(self, n):
        """[(graph, bound Vals or None)] a call node may call (None: read its record)."""
        fn = n.inputs[0]
        if _graph_const(fn):
            return [(fn.value, [])]
        if fn in self.virtual:
            if _is(fn, P.partial):
                return [(fn.inputs[1].value, fn.inputs[2:])]
            return [x for b in fn.inputs[2:] for x in self._branch(b)]
        return [(g, None) for g in self.candidates(fn.abstract, len(n.inputs) - 1)]

    def _branch(self, b):
        return [(b.value, [])] if _graph_const(b) else [(b.inputs[1].value, b.inputs[2:])]

    def candidates(self, a, nargs):
        """The graphs a function value of type `a` may be, called with `nargs`."""
        if not isinstance(a, T.FUNCTIONS):
            raise Decline(f"calling a {a}")
        names = {f.graph.name for f in _fns(a) if isinstance(f, T.GraphFn)}
        if any(not isinstance(f, (T.GraphFn, T.PartialFn)) for f in _fns(a)):
            raise Decline("calling a primitive value")
        fit = [g for g in self.graphs
               if len(g.parameters) - self.bound.get(g, 0) == nargs and g is not self.top]
        return [g for g in fit if g.name in names] or fit

    def _back_edges(self):
        """Graphs that are targets of a back edge of the call graph (loop headers)."""
        out, done, path = set(), set(), []
        on_path = set()
        stack = [(self.top, iter(self._callees(self.top)))]
        on_path.add(self.top)
        while stack:
            g, it = stack[-1]
            h = next(it, None)
            if h is None:
                stack.pop()
                on_path.discard(g)
                done.add(g)
            elif h in on_path:
                out.add(h)
            elif h not in done:
                on_path.add(h)
                stack.append((h, iter(self._callees(h))))
        return out

    def _callees(self, g):
        return [h for n in self.order[g] if _is_call(n) for h, _ in self.targets(n)]

    def suspends_in(self, g):
        """Whether running `g` inline may reach a machine call (so needs states)."""
        if g not in self.suspends:
            self.suspends[g] = False
            self.suspends[g] = any(self.call_suspends(n) for n in self.order[g] if _is_call(n))
        return self.suspends[g]

    def call_suspends(self, n):
        return any(h in self.machine or self.suspends_in(h) for h, _ in self.targets(n))

    # ----- registers and states ------------------------------------------------

    def fresh(self, ks):
        out = []
        for k in ks:
            name = f"v{k}{self.nvars}"
            self.nvars += 1
            self.var_kinds[name] = k
            out.append(name)
        return out

    def new_state(self):
        self.states.append([[], set()])
        return len(self.states) - 1

    def assign(self, names, exprs, out, ind):
        """`names = exprs`, all at once (through temporaries where one reads another)."""
        pairs = [(n, e) for n, e in zip(names, exprs) if n != e]
        lhs = {n for n, _ in pairs}
        if len(pairs) > 1 and any(lhs.intersection(_REG.findall(e)) for _, e in pairs):
            temps = self.fresh([self.var_kinds[n] for n, _ in pairs])
            out += [f"{ind}{t} = {e}" for t, (_, e) in zip(temps, pairs)]
            pairs = [(n, t) for (n, _), t in zip(pairs, temps)]
        out += [f"{ind}{n} = {e}" for n, e in pairs]

    def bind(self, val, out, ind):
        """`val` in registers (fresh ones, unless it is already registers or literals)."""
        if all(_SIMPLE.fullmatch(e) for e in val.e):
            return val
        names = self.fresh(kinds(val.a, self.sens))
        self.assign(names, val.e, out, ind)
        return Val(val.a, names)

    # ----- values ---------------------------------------------------------------

    def coerce(self, v, to, out, ind):
        """The registers of `v` as a value of type `to` (a join of `v.a`)."""
        a, e = v.a, v.e
        if a == to or isinstance(to, T.FUNCTIONS) and isinstance(a, T.FUNCTIONS):
            return e
        if isinstance(to, T.Const) or to in (T.NoneType, T.ZeroType):
            return []
        if isinstance(to, T.OrZero):
            if a is T.ZeroType:
                return ["True"] + [_ZEROS[k] for k in kinds(to.item, self.sens)]
            if isinstance(a, T.OrZero):
                return [e[0]] + self.coerce(Val(a.item, e[1:]), to.item, out, ind)
            return ["False"] + self.coerce(v, to.item, out, ind)
        if isinstance(a, T.OrZero):  # inference says it is not ZERO here: check it
            out += [f"{ind}if {e[0]}:", f"{ind}    {DECLINE}"]
            return self.coerce(Val(a.item, e[1:]), to, out, ind)
        if to in _PY and isinstance(a, T.Const) and type(a.value) is _PY[to]:
            return [repr(a.value)]
        if isinstance(to, T.Tuple) and isinstance(a, T.Tuple) and len(a.items) == len(to.items):
            return [x for ai, ti, ei in zip(a.items, to.items, self.split(v))
                    for x in self.coerce(Val(ai, ei), ti, out, ind)]
        if isinstance(to, T.EnvT) and (isinstance(a, T.EnvT) or a is T.ZeroType):
            have = dict(zip(_keys(a), self.split(v))) if a is not T.ZeroType else {}
            res = []
            for k in _keys(to):
                res += have[k] if k in have else \
                    ["False"] + [_ZEROS[x] for x in kinds(self.sens.get(k, T.ZeroType), self.sens)]
            return res
        if isinstance(to, T.FUNCTIONS) and isinstance(a, T.Const) and isinstance(a.value, Graph):
            return [str(self.tags[a.value]), "0"]
        raise Decline(f"{a} as {to}")

    def split(self, v):
        """The registers of each item of a tuple, or of each key of an Env."""
        a, e, parts, i = v.a, v.e, [], 0
        items = a.items if isinstance(a, T.Tuple) else [
            T.OrZero(self.sens.get(k, T.ZeroType)) for k in _keys(a)]
        for x in items:
            n = len(kinds(x, self.sens))
            parts.append(e[i:i + n])
            i += n
        return parts

    def value(self, node, env):
        if isinstance(node, Constant):
            return self.constant(node.value)
        if node not in env:
            raise Decline(f"free variable {node}")
        return env[node]

    def constant(self, x):
        if isinstance(x, (Parameter, Apply)):  # an Env key: read by the Env primitives
            return Val(T.NoneType, [])
        if isinstance(x, Graph):
            return Val(T.GraphFn(x), [str(self.tags[x]), "0"])
        if type(x) in (float, int, bool):
            if type(x) is int and abs(x) > 9e18:
                raise Decline("an int constant beyond int64")
            return Val({float: T.Float, int: T.Int, bool: T.Bool}[type(x)], [f"({x!r})"])
        if isinstance(x, tuple):
            vs = [self.constant(y) for y in x]
            return Val(T.Tuple([v.a for v in vs]), [e for v in vs for e in v.e])
        t = _const_type(x)
        if t is None:
            raise Decline(f"constant {x!r}")
        return Val(t, [])


def _fns(a):
    return a.fns if isinstance(a, T.FnSet) else [a.fn if isinstance(a, T.PartialFn) else a]


def _const_type(x):
    if x is ZERO:
        return T.ZeroType
    if x is None:
        return T.NoneType
    if isinstance(x, Env) and not x.items:
        return T.EnvT(())
    return None


def _is(n, prim):
    return isinstance(n, Apply) and isinstance(n.inputs[0], Constant) and n.inputs[0].value is prim


def _graph_const(n):
    return isinstance(n, Constant) and isinstance(n.value, Graph)


def _is_call(n):
    fn = n.inputs[0]
    return not (isinstance(fn, Constant) and isinstance(fn.value, Primitive))


_VAR = re.compile(r"\bv[fib]\d+\b")
_REG = re.compile(r"\b[vr][fib]\d+\b")
_SIMPLE = re.compile(r"v[fib]\d+|True|False|\(?-?[\d.e+]+\)?")
