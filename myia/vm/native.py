"""Whole loops in native code: a loop's graphs compiled to one njit `while`.

A loop is a tail-recursive header graph; its body and exit are graphs the
header reaches by tail calls (through `switch(...)()` branches).  When every
graph reachable that way from a header is *closure-free scalar code* (only
fusible primitives, branches and tail calls; no closure, no non-tail call),
the whole group is one state machine:

    for i in range(n): s = s + x * i          # header, body, exit, after

    def kernel(i, s, n, x, budget):           # header params, then its free vars
        state = 0
        while True:
            if state == 0:                    # header: i < n ? body : exit
                v15 = i < n
                state = 1 if v15 else 2
            elif state == 1:                  # body: jump back with new i, s
                v26 = x * i
                ...
                i, s = v30, v28
                state = 0
                budget -= 1
                if budget == 0:
                    return (False, 0.0, i, s)
            ...
            elif state == 3:                  # after: the loop's value
                return (True, s, i, s)

The header's first instruction is an `inst_native`: for the Python types of
the header's registers it runs the compiled loop and returns its value from
the frame; or it declines, and the header's own instructions run.  The loop
returns to the VM every `BUDGET` iterations (so Ctrl-C still interrupts an
endless loop, and a decline later on resumes from there).  Every operation
is written as emit.py says, so the loop is exact or declines; types come
from Python's rules from the entry types (emit.result_type), and a variable
whose type would change between iterations (`s = 0` then `s = s + 0.5`)
declines the loop.
"""

import re

from ..ir import Apply, Constant, Graph
from .emit import HEADER, SCALARS, ZEROS, literal, op_lines, result_type, scalar_kernel, where
from .kernels import HOT, compile_source

BUDGET = 1 << 20  # iterations of the header between returns to the VM
_DECLINES = 8  # declines with one signature before it is left to the VM


class Loop:
    """The graphs of one loop, compiled per entry signature (see the module doc)."""

    def __init__(self, entry, members):
        from .lower import gather
        self.entry = entry  # the header's Code
        self.members = members  # graph -> its Apply nodes, entry first
        self.inputs = list(entry.graph.parameters) + list(entry.fvs)
        self.gather = gather(list(range(len(self.inputs))))
        self.nparams = entry.nparams
        self.compiled = {}
        self.seen = {}
        self.declines = {}
        self.sources = {}

    def on_miss(self, key):
        n = self.seen.get(key, 0) + 1
        self.seen[key] = n
        if n >= HOT:
            self.compiled[key] = self.build(key)

    def declined(self, key):
        n = self.declines.get(key, 0) + 1
        self.declines[key] = n
        if n >= _DECLINES:
            self.compiled[key] = None

    def build(self, key):
        if any(t not in SCALARS for t in key):
            return None
        types = infer(self, key)
        if types is None:
            return None
        return compile_source(self, key, generate(self, types))


def find_loop(code, code_of):
    """The `Loop` headed by `code`, or None if it is not a closure-free loop."""
    members, todo = {}, [code.graph]
    if not code.nparams:
        return None  # a loop header carries its variables as parameters
    while todo:
        g = todo.pop()
        if g in members:
            continue
        c = code_of(g)
        edges = _edges(g, c.nodes, c.branches)
        if edges is None:
            return None
        members[g] = c.nodes
        todo.extend(edges)
    if code.graph not in {h for g in members for h in _edges(g, members[g], code_of(g).branches)}:
        return None  # not a loop: nothing jumps back to the header
    return Loop(code, members)


def _edges(g, nodes, branches):
    """The graphs `g` tail-calls, if `g` is closure-free scalar code; else None."""
    out = g.output
    for n in nodes:
        fn = n.inputs[0]
        if n in branches or (isinstance(fn, Constant) and scalar_kernel(fn.value)
                             and all(_scalar(a) for a in n.inputs[1:])):
            continue
        if n is out and n is nodes[-1]:
            targets = _targets(n, branches)
            if targets is None or not all(_scalar(a) for a in n.inputs[1:]):
                return None
            return targets
        return None
    return [] if _scalar(out) else None


def _targets(call, branches):
    fn = call.inputs[0]
    if isinstance(fn, Constant) and isinstance(fn.value, Graph):
        return [fn.value]
    if fn in branches:
        return [x.value for x in fn.inputs[2:]]
    return None


def _scalar(node):
    if isinstance(node, Constant):
        return type(node.value) in SCALARS
    return True


def infer(loop, key):
    """node -> Python type in every member graph, or None if one would change."""
    types = dict(zip(loop.inputs, key))
    result = []
    todo = [loop.entry.graph]
    done = set()

    def type_of(node):
        return type(node.value) if isinstance(node, Constant) else types.get(node)

    def bind(params, args):
        for p, a in zip(params, args):
            t = type_of(a)
            if types.setdefault(p, t) is not t:
                return False
        return True

    while todo:
        g = todo.pop()
        if g in done:
            continue
        done.add(g)
        for n in loop.members[g]:
            fn = n.inputs[0]
            if isinstance(fn, Constant) and scalar_kernel(fn.value):
                t = result_type(fn.value, [type_of(a) for a in n.inputs[1:]])
                if t is None:
                    return None
                types[n] = t
        out = _tail_call(g)
        if out is not None:
            for h in _call_targets(out):
                if not bind(h.parameters, out.inputs[1:]):
                    return None
                todo.append(h)
        else:
            result.append(type_of(g.output))
    if len(set(result)) != 1 or result[0] not in SCALARS:
        return None
    types[None] = result[0]
    return types


def _tail_call(g):
    """The call `g` ends with (None if it returns a value)."""
    out = g.output
    if isinstance(out, Apply) and out.graph is g:
        fn = out.inputs[0]
        if not (isinstance(fn, Constant) and scalar_kernel(fn.value)):
            return out
    return None


def _call_targets(call):
    fn = call.inputs[0]
    if isinstance(fn, Constant):
        return [fn.value]
    return [x.value for x in fn.inputs[2:]]


def generate(loop, types):
    """The source of the loop's njit function, every variable's type known."""
    states = {g: i for i, g in enumerate(loop.members)}
    params = [_var(n) for n in loop.inputs[:loop.nparams]]
    head = [_var(n) for n in loop.inputs]
    res = SCALARS[types[None]]
    sig_out = f"Tuple((boolean, {res}, {', '.join(SCALARS[types[n]] for n in loop.inputs[:loop.nparams])}))"
    sig_in = ", ".join([SCALARS[types[n]] for n in loop.inputs] + ["int64"])
    lines = [*HEADER,
             f'@numba.njit("{sig_out}({sig_in})", cache=True, error_model="python")',
             f"def kernel({', '.join(head + ['budget'])}):"]
    assigned = [n for g in loop.members for n in (*g.parameters, *loop.members[g])
                if n in types and n not in loop.inputs]
    lines += [f"    {_var(n)} = {ZEROS[types[n]]}" for n in assigned]
    lines += ["    state = 0", "    while True:"]
    for g, nodes in loop.members.items():
        body = []
        for n in nodes:
            fn = n.inputs[0]
            if isinstance(fn, Constant) and scalar_kernel(fn.value):
                ops = n.inputs[1:]
                body += op_lines(fn.value, _var(n), [_name(a) for a in ops],
                                 [_type(a, types) for a in ops], where(n))
        out = _tail_call(g)
        zero = ZEROS[types[None]]
        if out is None:
            body.append(f"return (True, {_name(g.output)}, {', '.join(params)},)")
        elif isinstance(out.inputs[0], Constant):
            body += _jump(out.inputs[0].value, out.inputs[1:], states, loop, params, zero)
        else:
            sw, args = out.inputs[0], out.inputs[1:]
            body += [f"if {_name(sw.inputs[1])}:"]
            body += ["    " + x for x in _jump(sw.inputs[2].value, args, states, loop,
                                               params, zero)]
            body += ["else:"]
            body += ["    " + x for x in _jump(sw.inputs[3].value, args, states, loop,
                                               params, zero)]
        lines.append(f"        {'if' if states[g] == 0 else 'elif'} state == {states[g]}:"
                     f"  # {g.name}")
        lines += ["            " + x for x in body]
    return _renumber("\n".join(lines) + "\n")


def _renumber(source):
    """`source` with its variables `v<node id>` numbered in order of appearance.

    Node ids depend on what the process built before, and the source is the
    disk cache's key (kernels.py): `v3062, v3063` and `v7, v8` alike become
    `v0, v1`, so a new process finds the loop compiled.
    """
    names = {}
    return re.sub(r"\bv\d+\b", lambda m: names.setdefault(m[0], f"v{len(names)}"), source)


def _jump(target, args, states, loop, params, zero):
    """Lines entering `target` with `args`; at the header, maybe yield to the VM."""
    out = []
    if target.parameters:
        out.append(f"{', '.join(_var(p) for p in target.parameters)} = "
                   f"{', '.join(_name(a) for a in args)}")
    out.append(f"state = {states[target]}")
    if target is loop.entry.graph:
        out += ["budget -= 1", "if budget == 0:",
                f"    return (False, {zero}, {', '.join(params)},)"]
    return out


def _var(node):
    return f"v{node.id}"


def _name(node):
    if isinstance(node, Constant):
        return literal(node.value)
    return _var(node)


def _type(node, types):
    return type(node.value) if isinstance(node, Constant) else types[node]
