"""Breakpoints, catchpoints and watches: records plus the test "does it fire here".

Each record only answers `matches(trace, pos)`; conditions, hit counts and
ignore counts are applied by the engine, the same way for every kind.
"""

import contextlib
import dataclasses
import math
import os

import numpy as np

from myia.vm.debug import DebugVM

from .graphs import user_graph, user_loc

PHASES = ("fwd", "bwd", "both")


@dataclasses.dataclass
class Breakpoint:
    """A place to stop: a source line, a function's entry, or an IR node."""

    number: int
    kind: str                 # "line", "func" or "node"
    file: str = None
    line: int = None
    func: object = None       # the user graph, for "func"
    node_id: int = None
    phase: str = "both"
    cond: str = None
    temporary: bool = False
    enabled: bool = True
    ignore: int = 0
    hits: int = 0
    commands: list = dataclasses.field(default_factory=list)

    def where(self):
        if self.kind == "node":
            return f"%{self.node_id}"
        if self.kind == "func":
            return f"{self.func.name} at {os.path.basename(self.file)}:{self.line}"
        return f"{os.path.basename(self.file)}:{self.line}"

    def matches(self, trace, pos):
        if not self.enabled:
            return False
        if self.kind == "node":
            node = trace.next_node(pos)
            return node is not None and node.id == self.node_id and self._in_phase(trace, pos)
        stop = trace.line_stop(pos)
        if stop is None and pos in trace.returns and self.kind == "line":
            stop = trace.return_line(pos)  # `return s`: its only stop
        if stop is None or not self._in_phase(trace, pos):
            return False
        if self.kind == "func":
            inv = trace.invocation(pos)
            return inv.graph is self.func and inv.first_stop == pos
        return stop[1] == self.line and same_file(stop[0], self.file)

    def _in_phase(self, trace, pos):
        return self.phase == "both" or self.phase == trace.phase(pos)


def same_file(a, b):
    return os.path.abspath(a) == os.path.abspath(b) or os.path.basename(a) == b


_INFS = (math.inf, -math.inf)


def nonfinite(value, kind):
    """Whether `value` (number, array, nested tuple) holds NaN / Inf."""
    if value.__class__ is float:  # the common case, asked at every step: no array
        return value != value if kind == "nan" else (
            value in _INFS if kind == "inf" else not math.isfinite(value))
    if isinstance(value, tuple):
        return any(nonfinite(v, kind) for v in value)
    if isinstance(value, (bool, int, np.bool_)) or value is None:
        return False
    try:
        arr = np.asarray(value)
    except Exception:  # closures, records: not numbers
        return False
    if arr.dtype.kind not in "fc":
        return False
    if kind == "nan":
        return bool(np.isnan(arr).any())
    if kind == "inf":
        return bool(np.isinf(arr).any())
    return not bool(np.isfinite(arr).all())


@dataclasses.dataclass
class Catch:
    """`catch nan|inf|nonfinite`: a node whose output is bad while its inputs were not."""

    kind: str
    phase: str = "both"

    def fires(self, trace, pos):
        value = trace.node_value(pos, none=self)
        if value is self or not nonfinite(value, self.kind) or \
                self.phase not in ("both", trace.phase(pos)):
            return None
        ev = trace.event(pos)
        inner = self.inside(trace.vm, ev)
        if inner is not None:  # a call of Myia's machinery, run as one step
            return dataclasses.replace(ev, value=inner[0], atomic=True) if inner else None
        return ev if self.new_at(ev) else None

    def new_at(self, ev):
        """Whether a node step's bad value came from inputs that were not."""
        inputs = [ev.frame.lookup(i) if i.graph is not None else i.value
                  for i in ev.node.inputs[1:]]
        return not any(nonfinite(v, self.kind) for v in inputs)

    def inside(self, vm, ev):
        """For a call the VM ran at once (vm/atomic.py): `(value,)` of the first
        node inside it that fires, rerun step by step (programs are pure), or
        () if none does; None for a primitive's step."""
        sub = DebugVM()
        sub.start(vm.value(ev.frame, ev.node.inputs[0]),
                  [vm.value(ev.frame, i) for i in ev.node.inputs[1:]])
        if sub.finished:  # a primitive (through a Partial): its own step
            return None
        while not sub.finished:
            step = sub.step()
            if step.kind == "node" and nonfinite(step.value, self.kind) and self.new_at(step):
                return (step.value,)
        return ()


@dataclasses.dataclass
class Watch:
    """`watch NAME`: a new SSA version of NAME in the function it was set in."""

    name: str
    func: object = None
    phase: str = "both"
    adjoint: bool = False

    def fires(self, trace, pos):
        """The (node, new value) NAME got at step `pos`, or None."""
        ev = trace.event(pos)
        if ev is None or self.phase not in ("both", trace.phase(pos)):
            return None
        if ev.kind == "call":
            hits = [(p, ev.frame.values[p]) for p in ev.frame.graph.parameters
                    if p.debug.name == self.name]
            owner = ev.frame.graph
        elif ev.kind == "node":
            hits = [(ev.node, ev.value)] if ev.node.debug.name == self.name else []
            owner = ev.frame.graph
        elif ev.frame.caller is not None and ev.node.debug.name == self.name:
            hits, owner = [(ev.node, ev.value)], ev.frame.caller.graph
        else:
            return None
        if not hits or (self.func is not None and user_graph(owner) is not self.func):
            return None
        node, value = hits[0]
        if self.adjoint:  # contributions only: `getitem(bprop_call, i)` nodes
            ok = (node.debug.role == "adjoint" and len(node.inputs) == 3
                  and node.inputs[1].debug.role == "bprop_call"
                  and type(value).__name__ != "Zero")
        else:
            ok = node.debug.role != "adjoint" and (user_loc(node) is not None
                                                   or ev.kind == "call")
        return (node, value) if ok else None


UNDEFINED = object()  # the "old value" of a variable's first version


class Points:
    """A session's breakpoints, catchpoints and watches, and what fires at a position."""

    def __init__(self):
        self.breakpoints = []
        self.catches = []
        self.watches = []
        self.catch_errors = True
        self._number = 0

    def add_breakpoint(self, kind, **fields):
        self._number += 1
        bp = Breakpoint(self._number, kind, **fields)
        self.breakpoints.append(bp)
        return bp

    def breakpoint(self, number):
        for bp in self.breakpoints:
            if bp.number == number:
                return bp
        raise LookupError(f"No breakpoint number {number}.")

    def add_catch(self, kind, phase="both"):
        if kind == "error":
            self.catch_errors = True
            return None
        self.catches = [c for c in self.catches if c.kind != kind]
        self.catches.append(Catch(kind, phase))
        return self.catches[-1]

    def add_watch(self, name, func, phase="both", adjoint=False):
        self.watches.append(Watch(name, None if adjoint else func, phase, adjoint))
        return self.watches[-1]

    def fire(self, stop, trace, evaluate):
        """Fill `stop` with what fires on arriving at `stop.pos`; whether anything did."""
        pos = stop.pos
        for c in self.catches:
            ev = c.fires(trace, pos)
            if ev is not None:
                stop.catch, stop.node = (c.kind, ev), ev.node
                break
        for w in self.watches:
            hit = w.fires(trace, pos)
            if hit is None:
                continue
            node, new = hit
            if w.adjoint:  # a contribution: the running sum is for `explain`
                stop.changes.append(("∂" + w.name, UNDEFINED, new))
                continue
            old = _previous(trace, w.name, pos)
            if old is UNDEFINED or old is not new:
                stop.changes.append((w.name, old, new))
        for bp in list(self.breakpoints):
            if not bp.matches(trace, pos):
                continue
            if bp.cond:
                try:
                    if not evaluate(bp.cond):
                        continue
                except Exception as e:  # a broken condition stops, as in pdb
                    stop.reasons.append(f"error in condition of breakpoint {bp.number}: {e}")
            bp.hits += 1
            if bp.ignore > 0:
                bp.ignore -= 1
                continue
            stop.hits.append(bp)
            if bp.temporary:
                self.breakpoints.remove(bp)
        return bool(stop.catch or stop.changes or stop.hits or stop.reasons)

    @contextlib.contextmanager
    def quiet(self):
        """Looking for hits (`rc`) without counting them or deleting tbreaks."""
        saved = [(bp, bp.hits, bp.ignore) for bp in self.breakpoints]
        bps = list(self.breakpoints)
        try:
            yield
        finally:
            self.breakpoints[:] = bps
            for bp, hits, ignore in saved:
                bp.hits, bp.ignore = hits, ignore


def _previous(trace, name, pos):
    inv = trace.invocation(pos - 1)
    if inv is None:
        return UNDEFINED
    versions = trace.versions(inv, name, pos - 1)
    return versions[-1][1] if versions else UNDEFINED
