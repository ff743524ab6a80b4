"""The primitives of native_grad.py, and which registers each state reads.

Each primitive is written on the registers of its operands.

Scalars go through emit.py (so every operation is exact or declines); the
backward pass's own primitives work on the registers defun.py gives each
type (`gadd` of `float|ZERO` values selects on their flags).

`_uses` reads a state's generated lines back: the registers it reads before
setting them, and where it may jump with what set, from which native_grad.py
computes the registers a call must save.
"""

import re

from .. import prims as P, types as T
from .defun import _VAR, _ZEROS, Decline, Machine, Val, _keys, kinds
from .emit import DECLINE, op_lines, result_type, scalar_kernel, where

_ABS = {float: T.Float, int: T.Int, bool: T.Bool}
_READ = {"f": "as_float(heap[{}])", "i": "heap[{}]", "b": "heap[{}] != 0"}  # bits.py
_WRITE = {"f": "{0}[{1}] = as_int({2})", "i": "{0}[{1}] = {2}", "b": "{0}[{1}] = 1 if {2} else 0"}
_FULL = "raise MemoryError('more room')"  # the caller reruns with twice the room


class Prims(Machine):
    """Code for each primitive call (see the module doc)."""

    def scalar(self, v, out, ind):
        """(expression, Python type) of a scalar value."""
        a = T.strip_zero(v.a)
        if isinstance(a, T.Const) and type(a.value) in _ABS:
            return repr(a.value), type(a.value)
        if a not in _ABS.values():
            raise Decline(f"{a} is not a scalar")
        return self.coerce(v, a, out, ind)[0], {t: p for p, t in _ABS.items()}[a]

    def prim(self, n, env, out, ind):
        p, ins = n.inputs[0].value, n.inputs[1:]
        vals = [self.value(a, env) for a in ins]
        to = n.abstract
        if scalar_kernel(p):
            ops = [self.scalar(v, out, ind) for v in vals]
            t = result_type(p, [x[1] for x in ops])
            if t is None:
                raise Decline(f"{p} on {[x[1] for x in ops]}")
            dest = self.fresh([_ABS[t].name[0]])[0]
            out += [ind + x for x in op_lines(p, dest, [x[0] for x in ops],
                                               [x[1] for x in ops], where(n))]
            return Val(_ABS[t], [dest])
        if p is P.make_tuple:
            return Val(T.Tuple([v.a for v in vals]), [e for v in vals for e in v.e])
        if p is P.getitem and isinstance(vals[0].a, T.Tuple):
            i = ins[1].value
            return Val(vals[0].a.items[i], self.split(vals[0])[i])
        if p is P.partial:
            return self.partial(ins[0].value, vals[1:], to, out, ind)
        if p is P.is_zero:
            a = vals[0].a
            return Val(T.Bool, [vals[0].e[0] if isinstance(a, T.OrZero) else
                                repr(a is T.ZeroType)])
        if p is P.sum_to and T.strip_zero(vals[0].a) in (T.Float, T.Int) and ins[1].value == ():
            return vals[0]
        if p is P.switch:
            c = self.scalar(vals[0], out, ind)[0]
            e = [f"({x} if {c} else {y})" for x, y in zip(
                self.coerce(vals[1], to, out, ind), self.coerce(vals[2], to, out, ind))]
        elif p is P.gadd:
            e = self.gadd(vals[0], vals[1], to, out, ind)
        elif p is P.env_getitem:
            e = self.env_getitem(vals[0], ins[1].value, vals[2], to, out, ind)
        elif p is P.env_setitem:
            e = self.env_setitem(vals[0], ins[1].value, vals[2], to, out, ind)
        elif p is P.fill_zeros:
            e = self.fill_zeros(vals[0], to, out, ind)
        else:
            raise Decline(f"primitive {p}")
        return self.bind(Val(to, e), out, ind)

    def partial(self, g, vals, to, out, ind):
        exprs, ks = [], []
        for prm, v in zip(g.parameters, vals):
            exprs += self.coerce(v, prm.abstract, out, ind)
            ks += kinds(prm.abstract, self.sens)
        if not exprs:
            return Val(to, [str(self.tags[g]), "0"])
        ptr = self.fresh(["i"])[0]
        m = len(exprs)
        out += [f"{ind}if hn + {m} > heapcap: {_FULL}",
                f"{ind}{ptr} = hn", f"{ind}hn += {m}"]
        out += [ind + _WRITE[x].format("heap", f"{ptr} + {i}", e)
                for i, (x, e) in enumerate(zip(ks, exprs))]
        return Val(to, [str(self.tags[g]), ptr])

    def gadd(self, x, y, to, out, ind):
        if x.a is T.ZeroType:
            return self.coerce(y, to, out, ind)
        if y.a is T.ZeroType:
            return self.coerce(x, to, out, ind)
        if isinstance(x.a, T.OrZero) or isinstance(y.a, T.OrZero):
            (fx, xs), (fy, ys) = _unzero(x), _unzero(y)
            inner = T.strip_zero(to)
            s = self.gadd(xs, ys, inner, out, ind)
            ex, ey = self.coerce(xs, inner, out, ind), self.coerce(ys, inner, out, ind)
            vals = [f"({b} if {fx} else ({a} if {fy} else {c}))" for a, b, c in zip(ex, ey, s)]
            return ([f"({fx} and {fy})"] if isinstance(to, T.OrZero) else []) + vals
        if isinstance(to, T.Tuple):
            return self._gadd_items(x, y, to, out, ind)
        if isinstance(to, T.EnvT):
            px, py = self._env_parts(x), self._env_parts(y)
            res = []
            for k in _keys(to):
                s = self.sens.get(k, T.ZeroType)
                zero = ["False"] + [_ZEROS[q] for q in kinds(s, self.sens)]
                (pa, *va), (pb, *vb) = px.get(k, zero), py.get(k, zero)
                c = self.gadd(Val(s, va), Val(s, vb), s, out, ind)
                res += [f"({pa} or {pb})"] + [f"({b} if not {pa} else ({a} if not {pb} else {z}))"
                                              for a, b, z in zip(va, vb, c)]
            return res
        (ea, ta), (eb, tb) = self.scalar(x, out, ind), self.scalar(y, out, ind)
        dest = self.fresh([_ABS[result_type(P.add, [ta, tb])].name[0]])[0]
        out += [ind + line for line in op_lines(P.add, dest, [ea, eb], [ta, tb])]
        return self.coerce(Val(_ABS[result_type(P.add, [ta, tb])], [dest]), to, out, ind)

    def _gadd_items(self, x, y, to, out, ind):
        if not (isinstance(x.a, T.Tuple) and isinstance(y.a, T.Tuple)):
            raise Decline("gadd of a tuple and something else")
        return [e for xa, ya, a, b, t in zip(x.a.items, y.a.items, self.split(x), self.split(y),
                                             to.items)
                for e in self.gadd(Val(xa, a), Val(ya, b), t, out, ind)]

    def _env_parts(self, v):
        if not isinstance(v.a, T.EnvT):
            raise Decline(f"an Env that is {v.a}")
        return dict(zip(_keys(v.a), self.split(v)))

    def env_getitem(self, e, key, default, to, out, ind):
        z, e = _unzero(e)
        if e.a is T.ZeroType or key not in e.a.keys:
            return self.coerce(default, to, out, ind)
        p, *vals = self._env_parts(e)[key]
        if default.a is T.ZeroType and not isinstance(to, T.OrZero) and to is not T.ZeroType:
            out += [f"{ind}if not ({p} and not {z}):", f"{ind}    {DECLINE}"]  # typed present
            default = Val(to, [_ZEROS[k] for k in kinds(to, self.sens)])
        dflt = self.coerce(default, to, out, ind)
        got = self.coerce(Val(self.sens.get(key, T.ZeroType), vals), to, out, ind)
        return [f"({a} if ({p} and not {z}) else {b})" for a, b in zip(got, dflt)]

    def env_setitem(self, e, key, v, to, out, ind):
        have = {} if e.a is T.ZeroType else self._env_parts(e)
        res = []
        for k in _keys(to):
            s = self.sens.get(k, T.ZeroType)
            if k is key:
                res += ["True"] + self.coerce(v, s, out, ind)
            else:
                res += have.get(k, ["False"] + [_ZEROS[q] for q in kinds(s, self.sens)])
        return res

    def fill_zeros(self, v, to, out, ind):
        if to in (T.Int, T.Bool) or v.a is T.ZeroType and to in _ABS.values():
            return [_ZEROS[to.name[0]]]
        if to is T.Float:
            f, x = _unzero(v)
            return [f"(0.0 if {f} else {self.coerce(x, T.Float, out, ind)[0]})"]
        raise Decline(f"fill_zeros to {to}")


def _unzero(v):
    """(is-ZERO flag expression, the value as its non-ZERO type)."""
    if isinstance(v.a, T.OrZero):
        return v.e[0], Val(v.a.item, v.e[1:])
    return "False", v


_ASSIGN = re.compile(r"\(?((?:[vr][fib]\d+, *)*[vr][fib]\d+),?\)? = (.*)")


def _uses(lines):
    """(registers a state reads before setting them, [(state it may go to, registers set)])."""
    used, jumps = set(), []
    _walk(_tree(lines), set(), used, jumps)
    return used, jumps


def _tree(lines):
    """Lines as (line, [nested lines as trees]) by indentation."""
    out, i = [], 0
    while i < len(lines):
        line, j = lines[i], i + 1
        depth = len(line) - len(line.lstrip())
        while j < len(lines) and len(lines[j]) - len(lines[j].lstrip()) > depth:
            j += 1
        out.append((line.strip(), _tree(lines[i + 1:j])))
        i = j
    return out


def _walk(tree, defined, used, jumps):
    """Walk one block from `defined`; the registers set after it, or None if it jumps."""
    target, i = None, 0
    while i < len(tree):
        line, sub = tree[i]
        if line.startswith("if ") and line.endswith(":"):
            ends, has_else = [], False
            while True:
                used.update(x for x in _VAR.findall(line) if x not in defined)
                ends.append(_walk(sub, set(defined), used, jumps))
                if i + 1 < len(tree) and tree[i + 1][0].startswith(("elif ", "else:")):
                    i += 1
                    line, sub = tree[i]
                    has_else |= line == "else:"
                    continue
                break
            ends = [e for e in ends if e is not None] + ([] if has_else else [defined])
            if not ends:
                return None
            defined = set.intersection(*ends)
        elif line.startswith("#SAVE"):
            jumps.append((int(line.split()[1]), set(defined)))
        elif line.startswith(("raise", "return")):
            used.update(x for x in _VAR.findall(line) if x not in defined)
            return None
        elif line == "continue":
            jumps.append((target, set(defined)))
            return None
        elif line.startswith("state = "):
            target = line.split()[2]
            target = int(target) if target.isdigit() else None
        else:
            m = _ASSIGN.fullmatch(line)
            used.update(x for x in _VAR.findall(m.group(2) if m else line) if x not in defined)
            if m:
                defined |= set(_VAR.findall(m.group(1)))
        i += 1
    return defined
