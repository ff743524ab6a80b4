"""Gradients in native code: a typed program's graphs as one njit state machine.

A loop's or recursion's backward pass is a chain of backpropagator closures,
one per iteration.  `compile(graph)` takes the typed,
optimized, closure-converted program (`optimize(..., closures=True)`) and
writes all of it as ONE generated function compiled by `numba.njit`.  Values
are scalar registers and function values are (graph tag, heap record) pairs
(defun.py); graphs are inlined into their callers except the targets of back
edges of the call graph (loop headers, recursive graphs), which are states of
a `while True` machine.  A call of one pushes the caller's live registers and
a return state on an explicit stack and jumps; its return pops them.  So the
forward loop pushes each iteration's residuals, and the backward pass (the
chain of closures, now tags and records) pops them: two native loops.

    while True:  # if state == 0: ... elif state == 1: ... (entries, returns)

Ops are emit.py's, so it is exact or declines (the VM runs it): int64
limits, libm domain errors, zero division, nesting past
`recursion_limit()`, 2**24 tail calls.  A full stack or heap reruns with
twice the room.  What it cannot express makes `compile` return None.
"""

import re
import time

import numba
import numpy as np

from .. import prims as P, types as T
from ..grad import fprop
from ..monomorphize import monomorphize
from ..opt import optimize
from .debug import _limit
from .defun import _REG, _ZEROS, Decline, Val, _graph_const, _is, _is_call, kinds
from .emit import DECLINE
from .native_prims import _ABS, _FULL, _READ, _WRITE, Prims, _uses
from . import budget, kernels
from .kernels import HOT, compile_source

_STEPS = 1 << 24  # tail calls before declining: the VM's loops stop on Ctrl-C
_HEAD = '''import math

import numba
import numpy as np

from myia.vm.bits import as_float, as_int
from myia.vm.libm import libm_pow


@numba.njit(cache=True, error_model="python")
def kernel({args}):
    stk = room[:len(room) // 2]
    heap = room[len(room) // 2:]
    lim = min(limit, 1 << 40) * {frame}
    stkcap = min(len(stk), lim)
    heapcap = len(heap)
    sp = 0
    hn = 0
    steps = 0
'''


class Program(Prims):
    """Generates the kernel of one typed program (see the module doc)."""

    def generate(self):
        s0 = self.new_state()
        self.cur = s0
        self.args = [Val(p.abstract, self.fresh(kinds(p.abstract, self.sens)))
                     for p in self.top.parameters]
        machine = sorted(self.machine, key=self.tags.get)
        for g in machine:
            self.entry[g] = self.new_state()
            self.params[g] = [Val(p.abstract, self.fresh(kinds(p.abstract, self.sens)))
                              for p in g.parameters]
        self.body(self.top, self.args, ("final",), self.states[s0][0], "")
        for g in machine:
            self.in_state(self.entry[g], lambda o, ind, g=g: self.body(
                g, self.params[g], ("ret", g), o, ind))
        return self.source()

    def in_state(self, s, emit):
        cur, self.cur = self.cur, s
        emit(self.states[s][0], "")
        self.cur = cur

    # ----- graphs and calls ----------------------------------------------------------

    def body(self, g, args, k, out, ind):
        if len(args) != len(g.parameters):
            raise Decline("arity")
        env = {p: Val(p.abstract, self.coerce(a, p.abstract, out, ind))
               for p, a in zip(g.parameters, args)}
        self.seq(g, self.order[g], 0, env, k, out, ind)

    def seq(self, g, nodes, i, env, k, out, ind):
        for j in range(i, len(nodes)):
            n = nodes[j]
            if n in self.virtual:
                continue
            if not _is_call(n):
                env[n] = self.prim(n, env, out, ind)
                continue
            if n is g.output:
                return self.call(n, env, k, out, ind)
            names = self.fresh(kinds(n.abstract, self.sens))
            if self.call_suspends(n):  # the rest of `g` is a state of its own
                after = self.new_state()
                self.call(n, env, ("goto", after, n.abstract, names), out, ind)
                env2 = dict(env)
                env2[n] = Val(n.abstract, names)
                self.in_state(after, lambda o, ind2: self.seq(g, nodes, j + 1, env2, k, o, ind2))
                return
            self.call(n, env, ("assign", n.abstract, names), out, ind)
            env[n] = Val(n.abstract, names)
        self.finish(k, self.value(g.output, env), out, ind)

    def call(self, n, env, k, out, ind):
        fn = n.inputs[0]
        args = [self.value(a, env) for a in n.inputs[1:]]
        if _graph_const(fn):
            return self.call_graph(fn.value, args, k, out, ind)
        if fn in self.virtual and _is(fn, P.partial):
            bound = [self.value(b, env) for b in fn.inputs[2:]]
            return self.call_graph(fn.inputs[1].value, bound + args, k, out, ind)
        if fn in self.virtual:  # switch(c, f, g)(args): a branch
            cond = self.scalar(self.value(fn.inputs[1], env), out, ind)[0]
            for word, b in (("if", fn.inputs[2]), ("else", fn.inputs[3])):
                out.append(f"{ind}{word} {cond}:" if word == "if" else f"{ind}else:")
                g, bound = self._branch(b)[0]
                bound = [self.value(x, env) for x in bound]
                self.call_graph(g, bound + args, k, out, ind + "    ")
            return None
        tag, ptr = self.value(fn, env).e
        for i, g in enumerate(self.candidates(fn.abstract, len(args))):
            out.append(f"{ind}{'if' if i == 0 else 'elif'} {tag} == {self.tags[g]}:")
            bound, off = [], 0
            for p in g.parameters[:self.bound.get(g, 0)]:
                names = self.fresh(kinds(p.abstract, self.sens))
                for name in names:
                    out.append(f"{ind}    {name} = " +
                               _READ[self.var_kinds[name]].format(f"{ptr} + {off}"))
                    off += 1
                bound.append(Val(p.abstract, names))
            self.call_graph(g, bound + args, k, out, ind + "    ")
        out += [f"{ind}else:", f"{ind}    {DECLINE}"]
        return None

    def call_graph(self, g, args, k, out, ind):
        if g not in self.machine:
            return self.body(g, args, k, out, ind)
        exprs = [e for p, a in zip(g.parameters, args) for e in self.coerce(a, p.abstract, out, ind)]
        params = [x for v in self.params[g] for x in v.e]
        if k[0] == "ret" and k[1].output.abstract == g.output.abstract:
            self.assign(params, exprs, out, ind)  # a tail call: the frame is reused
            out += [f"{ind}steps += 1", f"{ind}if steps > {_STEPS}: {DECLINE}",
                    f"{ind}state = {self.entry[g]}", f"{ind}continue"]
            return None
        after = self.new_state()
        self.states[self.cur][1].add(after)
        out.append(f"{ind}#SAVE {after}")
        self.assign(params, exprs, out, ind)
        out += [f"{ind}state = {self.entry[g]}", f"{ind}continue"]

        def resume(o, ind2):
            o.append(f"{ind2}#LOAD {after}")
            self.finish(k, Val(g.output.abstract, self.ret_regs(g)), o, ind2)
        self.in_state(after, resume)
        return None

    def ret_regs(self, g):
        names = [f"r{x}{i}" for i, x in enumerate(kinds(g.output.abstract, self.sens))]
        self.var_kinds.update((n, n[1]) for n in names)
        return names

    def finish(self, k, v, out, ind):
        if k[0] == "assign":
            self.assign(k[2], self.coerce(v, k[1], out, ind), out, ind)
        elif k[0] == "goto":
            self.assign(k[3], self.coerce(v, k[2], out, ind), out, ind)
            self.states[self.cur][1].add(k[1])
            out += [f"{ind}state = {k[1]}", f"{ind}continue"]
        elif k[0] == "ret":
            g = k[1]
            self.assign(self.ret_regs(g), self.coerce(v, g.output.abstract, out, ind), out, ind)
            out += [f"{ind}sp -= 1", f"{ind}state = stk[sp]", f"{ind}continue"]
        else:  # a scalar result is returned bare: no tuple to build and unpack
            exprs = self.coerce(v, self.top.output.abstract, out, ind)
            bare = self.top.output.abstract in _ABS.values()
            out.append(f"{ind}return {exprs[0]}" if bare else f"{ind}return ({', '.join(exprs)},)")

    # ----- the source ----------------------------------------------------------------

    def source(self):
        live_in, jumps = zip(*(_uses(lines) for lines, _ in self.states))
        live = [set(x) for x in live_in]
        changed = True
        while changed:
            changed = False
            for i in range(len(live)):
                new = live[i].union(*(live[t] - d for t, d in jumps[i] if t in self.states[i][1]))
                changed |= new != live[i]
                live[i] = new
        saves = {int(x.split()[1]) for lines, _ in self.states for x in lines
                 if x.lstrip().startswith("#SAVE")}
        frame = 1 + max((len(live[s]) for s in saves), default=0)
        args = [x for v in self.args for x in v.e]
        src = [_HEAD.format(args=", ".join(args + ["room", "limit"]), frame=frame)]
        src += [f"    {n} = {_ZEROS[k]}" for n, k in self.var_kinds.items() if n not in args]
        src += ["    state = 0", "    while True:"]
        for i, lines in _reached([x[0] for x in self.states], set(self.entry.values())):
            src.append(f"        {'if' if i == 0 else 'elif'} state == {i}:")
            for line in lines:
                body = line.lstrip()
                pad = "            " + line[:len(line) - len(body)]
                if body.startswith(("#SAVE", "#LOAD")):
                    regs = sorted(live[int(body.split()[1])])
                    src += [pad + x for x in _frame(body[1:5], regs, self.var_kinds,
                                                     body.split()[1], frame)]
                else:
                    src.append(pad + body)
        return "\n".join(_prune(src)) + "\n"


_DEAD = re.compile(r"\s*(v[fib]\d+) = ([^/%*]*|[^/%]*\*[^*/%]*)")


def _prune(lines):
    """`lines` without assignments nothing reads (but `/ % **`, which may raise)."""
    while True:
        read = set()
        for line in lines:
            m = _DEAD.fullmatch(line)
            read.update(_REG.findall(m.group(2) if m else line))
        kept = [x for x in lines if not ((m := _DEAD.fullmatch(x)) and m.group(1) not in read
                                         and "math." not in x)]
        if len(kept) == len(lines):
            return kept
        lines = kept


def _reached(states, entries):
    """(state, its lines threaded) for each state a jump or a return can reach
    from state 0, in order: a state threaded into each of its jumps is not."""
    out, todo = {}, [0]
    while todo:
        i = todo.pop()
        if i not in out:
            out[i] = _thread(states[i], states, {i, *entries})
            todo += [t for b in map(str.lstrip, out[i]) if (t := int(b.split()[-1]) if b.startswith(
                "#SAVE") else _target(b)) is not None]  # a jump, or a call's return state
    return sorted(out.items())


def _target(body):
    """The state a line jumps to (`state = 3`), or None."""
    return int(body[8:]) if body.startswith("state = ") and body[8:].isdigit() else None


def _thread(lines, states, seen):
    """`lines` with each short jump to another state replaced by that state's lines."""
    out, skip = [], False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        body = line.lstrip()
        pad = line[:len(line) - len(body)]
        to = _target(body)
        if to is not None and to not in seen and len(states[to]) < 40 \
                and i + 1 < len(lines) and lines[i + 1].strip() == "continue":
            inner = _thread(states[to], states, seen | {to})
            out += [pad + x for x in inner]
            skip = True
            continue
        out.append(line)
    return out


def _frame(what, regs, var_kinds, state, size):
    """Lines pushing `regs` and the return `state` as a frame of `size` words, or
    popping them.  Every frame has the program's largest size (the return state
    in its last word), so `sp` is the nesting times `size`: the kernel's `stkcap`
    (at most `limit * size`) bounds both the room and the nesting, in one test."""
    if what == "LOAD":
        return [f"sp -= {size - 1}"] + [f"{r} = " + _READ[var_kinds[r]].replace(
            "heap", "stk").format(f"sp + {i}") for i, r in enumerate(regs)]
    return [f"if sp + {size} > stkcap:", f"    if stkcap == lim: {DECLINE}",  # the nesting limit
            f"    {_FULL}"] + \
        [_WRITE[var_kinds[r]].format("stk", f"sp + {i}", r) for i, r in enumerate(regs)] + \
        [f"stk[sp + {size - 1}] = {state}", f"sp += {size}"]


class Native:
    """A compiled program: `run(args)` gives its value, or raises `Decline`.

    `fast(...)` is what a warm call of a `@myia` or `grad` function with
    arguments of `types` runs (api.py): as little Python as can be.  The
    kernel is compiled for `types` alone, so an int beyond int64 is an
    `OverflowError` from Numba, a decline like any other.
    """

    def __init__(self, graph, source, kernel):
        self.graph, self.source, self.kernel = graph, source, kernel
        types = {T.Float: float, T.Int: int, T.Bool: bool}
        self.types = tuple(types[p.abstract] for p in graph.parameters)
        self.out = graph.output.abstract
        self.scalar = self.out in types
        self.room = np.empty(2048, np.int64)  # the stack, then the heap
        if not kernel.signatures:  # a kernel loaded before is compiled already
            kernel.compile(tuple(map(numba.typeof, (*(t() for t in self.types), self.room, 0))))
            kernel.disable_compile()

    def run(self, args):
        if tuple(map(type, args)) != self.types:
            raise Decline("argument types")
        try:
            out = self.kernel(*args, self.room, _limit[0])
        except Exception as e:  # noqa: BLE001 (no room, an error or a decline)
            out = self._again(args, e)
        return out if self.scalar else _build(self.out, iter(out))

    def fast(self, stale, program):
        """`run` for arguments of `types`, while neither `stale()` nor
        `program.typed is None` (api.py); DECLINED when it declines."""
        kernel, scalar, again = self.kernel, self.scalar, self._again

        def call(args):
            if stale() or program.typed is None:
                return DECLINED
            try:
                out = kernel(*args, self.room, _limit[0])
            except Exception as e:  # noqa: BLE001 (no room, an error or a decline)
                try:
                    out = again(args, e)
                except Decline:
                    return DECLINED
            return out if scalar else _build(self.out, iter(out))

        return call

    def _again(self, args, e):
        while isinstance(e, MemoryError):  # the stack or heap is full: more room
            if self.room.shape[0] > 1 << 32:
                break
            self.room = np.empty(2 * self.room.shape[0], np.int64)
            try:
                return self.kernel(*args, self.room, _limit[0])
            except Exception as again:  # noqa: BLE001
                e = again
        raise Decline(str(e)) from None  # an error or a decline: the VM decides


def _build(a, it):
    if a in _ABS.values():
        return {T.Float: float, T.Int: int, T.Bool: bool}[a](next(it))
    if isinstance(a, T.Const):
        return a.value
    if a is T.NoneType:
        return None
    if isinstance(a, T.Tuple):
        return tuple(_build(x, it) for x in a.items)
    raise Decline(f"a result of type {a}")


def _checked(a):
    return a in _ABS.values() or isinstance(a, T.Const) and type(a.value) in _ABS or \
        a is T.NoneType or isinstance(a, T.Tuple) and all(_checked(x) for x in a.items)


DECLINED = object()  # what `Entry.run` returns when the VM must run the program


class Entry:
    """A program's native versions, one per signature of Python scalars.

    On a signature's first call the program is typed (`monomorphize`),
    optimized with closure conversion and generated; it runs natively at
    once if its kernel is in the disk cache, else from the second call on,
    like kernels (`HOT`).  Programs without a loop or a recursion are left
    to the VM: `Entry(grad_graph(parse(f))).run((1.5, 10))`.
    """

    def __init__(self, graph):
        self.graph, self.natives, self.pending = graph, {}, {}

    def run(self, args, now=False):
        """The program's value on `args`, or DECLINED; `now`: compile a pending one."""
        key = tuple(map(type, args))
        nat = self.natives.get(key, DECLINED)
        if nat is DECLINED:
            if key in self.pending:
                made, t = self.pending.pop(key), time.perf_counter()
                nat = self.natives[key] = _native(*made)
                budget.measured(made[1], time.perf_counter() - t)
            else:
                made = generate(self.graph, args)
                if made is not None and not kernels.on_disk(made[1]) and HOT > 1 and not now:
                    self.pending[key] = made
                    return DECLINED
                nat = self.natives[key] = made and _native(*made)
        if nat is None:
            return DECLINED
        try:
            return nat.run(args)
        except Decline:
            return DECLINED


def build(graph, args):
    """The `Native` of `graph` for the types of `args`, or None."""
    made = generate(graph, args)
    return made and _native(*made)


def generate(graph, args):
    """(typed graph, kernel source) of `graph` for the types of `args`, or None."""
    if not all(type(a) in _ABS for a in args):
        return None
    try:
        typed = optimize(monomorphize(graph, [T.typeof(a) for a in args], fprop),
                         closures=True)
    except Exception:  # noqa: BLE001 (what inference or opt refuses, the VM runs)
        return None
    source = _source(typed, loops_only=True)
    return source and (typed, source)


def compile(graph):
    """The `Native` of a typed, closure-converted program, or None if it declines."""
    source = _source(graph)
    return source and _native(graph, source)


def _source(graph, loops_only=False):
    if not _checked(graph.output.abstract) or not all(
            p.abstract in _ABS.values() for p in graph.parameters):
        return None
    try:
        prog = Program(graph)
        if loops_only and not prog.machine:
            return None
        return prog.generate()
    except Exception:  # noqa: BLE001 (Decline, or a case this compiler misses: the VM runs it)
        return None


def _native(graph, source):
    owner = type("Owner", (), {"sources": {}})()
    with kernels.compiling():  # Ctrl-C once compiled, no collections
        kernel = compile_source(owner, None, source)
        try:
            return kernel and Native(graph, source, kernel)
        except Exception:  # noqa: BLE001 (Numba refusing generated code: the VM runs it)
            return None
