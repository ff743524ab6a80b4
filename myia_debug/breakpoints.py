"""Breakpoints, catchpoints and watches: records plus the test "does it fire here".

Each record only answers `matches(trace, pos)`; conditions, hit counts and
ignore counts are applied by the engine, the same way for every kind.
"""

import dataclasses
import os

import numpy as np

from .trace import user_graph, user_loc

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
        if not self.enabled or self.phase not in ("both", trace.phase(pos)):
            return False
        if self.kind == "node":
            node = trace.next_node(pos)
            return node is not None and node.id == self.node_id
        stop = trace.linestop[pos]
        if stop is None:
            return False
        if self.kind == "func":
            inv = trace.invocation(pos)
            return inv.graph is self.func and inv.first_stop == pos
        return stop[1] == self.line and same_file(stop[0], self.file)


def same_file(a, b):
    return os.path.abspath(a) == os.path.abspath(b) or os.path.basename(a) == b


def nonfinite(value, kind):
    """Whether `value` (number, array, nested tuple) holds NaN / Inf."""
    if isinstance(value, tuple):
        return any(nonfinite(v, kind) for v in value)
    if isinstance(value, (bool, np.bool_)) or value is None:
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
        ev = trace.events[pos]
        if ev is None or ev.kind != "node" or self.phase not in ("both", trace.phase(pos)):
            return None
        if not nonfinite(ev.value, self.kind):
            return None
        inputs = [ev.frame.lookup(i) if i.graph is not None else i.value
                  for i in ev.node.inputs[1:]]
        if any(nonfinite(v, self.kind) for v in inputs):
            return None
        return ev


@dataclasses.dataclass
class Watch:
    """`watch NAME`: a new SSA version of NAME in the function it was set in.

    With `adjoint`, the watched values are the contributions added to the
    adjoint of NAME in the backward pass (nodes named NAME with role "adjoint").
    """

    name: str
    func: object = None
    phase: str = "both"
    adjoint: bool = False

    def fires(self, trace, pos):
        """The (node, new value) NAME got at step `pos`, or None."""
        ev = trace.events[pos]
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
        is_adj = node.debug.role == "adjoint"
        if is_adj != self.adjoint or (not self.adjoint and user_loc(node) is None
                                      and ev.kind != "call"):
            return None
        return node, value
