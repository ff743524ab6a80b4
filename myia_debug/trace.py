"""The recorded history of one run, and the source-level view of each step.

The debug VM reports machine steps over graphs; users think in functions and
lines.  `Trace` records, for every position `p` (the state after `p` steps),
the VM frame about to run and its program counter, and when each value was
born.  Programs are pure, so this is the whole history: any earlier state is
read back exactly, which is what makes time travel (`rs`, `goto N`) exact.

Folding.  The parser turns `if`/`while`/`for` and conditional expressions into
graphs whose `debug.role` is set and whose `debug.origin` leads to the user
function; AD's fprop/bprop graphs point the same way.  An `Invocation` is one
call of a user function: the VM frames of its branches and loop iterations
(reached by tail calls, or by non-tail calls from the same invocation) all
belong to it.  A call to a function's *entry* graph always starts a new
invocation, so recursion gives one source frame per level.
"""

import os

import numpy as np

import myia

LIBRARY = os.path.dirname(os.path.abspath(myia.__file__)) + os.sep
LOOP_ROLES = ("while", "for")


def is_library(loc):
    """Locations inside the `myia` package (stdlib helpers, prim bprops)."""
    return loc is None or os.path.abspath(loc.file).startswith(LIBRARY)


def user_loc(x):
    """The first location on `x`'s origin chain that is in the user's code."""
    info = getattr(x, "debug", None)
    while info is not None:
        if info.loc is not None and not is_library(info.loc):
            return info.loc
        info = info.origin.debug if info.origin is not None else None
    return None


def user_graph(g):
    """The user function a graph belongs to (itself for an entry graph).

    The wrapper made by `grad_graph` (role "grad") is a frame of its own.
    """
    while g.debug.role not in (None, "grad") and g.debug.origin is not None:
        g = g.debug.origin
    return g


def is_entry(g):
    """Whether calling `g` starts a new invocation (a function, its fprop or bprop)."""
    role, origin = g.debug.role, g.debug.origin
    if role in (None, "grad") or origin is None:
        return True
    return role in ("fprop", "bprop") and origin.debug.role is None


def phase_of(g):
    """"bwd" for graphs made by AD's backward half, else "fwd"."""
    while g is not None:
        if g.debug.role == "bprop":
            return "bwd"
        g = g.debug.origin if g.debug.role is not None else None
    return "fwd"


class Invocation:
    """One call of a user function: the VM frames it ran in, in order."""

    def __init__(self, ident, graph, start, caller_pos):
        self.id = ident
        self.graph = graph
        self.start = start          # the step that created it
        self.caller_pos = caller_pos  # position just before that step
        self.frames = []
        self.last_line = None
        self.last_frame = None
        self.first_stop = None  # position of its first line stop

    @property
    def name(self):
        return self.graph.name


class Trace:
    """Everything recorded about one run; positions are 0..len(self)."""

    def __init__(self, vm):
        self.vm = vm
        self.states = []   # position -> (vm frame, pc); frame None when finished
        self.events = [None]  # position -> the event of the step that led there
        self.born = {}     # frame id -> {node: step}
        self.inv_of = {}   # frame id -> Invocation
        self.frames = {}   # frame id -> Frame
        self.linestop = []  # position -> (file, line) or None
        self.invocations = []
        self.bwd_start = None  # the first position in the backward pass
        if vm.frame is not None:
            self._enter(vm.frame, 0, 0, None)
        self._record(0)

    def __len__(self):
        return len(self.states) - 1

    # ----- recording --------------------------------------------------------

    def _enter(self, frame, step, caller_pos, prev):
        """Attach a new VM frame to its invocation (see module docstring)."""
        self.born[frame.id] = dict.fromkeys(frame.graph.parameters, step)
        self.frames[frame.id] = frame
        tail = prev is not None and frame.caller is not prev
        parent = prev if tail else frame.caller
        inv = self.inv_of.get(parent.id) if parent is not None else None
        if inv is None or is_entry(frame.graph) or user_graph(frame.graph) is not inv.graph:
            inv = Invocation(len(self.invocations), user_graph(frame.graph), step, caller_pos)
            self.invocations.append(inv)
        inv.frames.append(frame)
        self.inv_of[frame.id] = inv

    def advance(self):
        """Run one VM step and record it; errors propagate unrecorded."""
        prev = self.vm.frame
        pos = len(self)
        with np.errstate(all="ignore"):  # NaN/Inf are the user's to catch, not warnings
            ev = self.vm.step()
        if ev.kind == "call":
            self._enter(ev.frame, ev.step, pos, prev)
        elif ev.kind == "node":
            self.born[ev.frame.id][ev.node] = ev.step
        elif ev.frame.caller is not None:
            self.born[ev.frame.caller.id][ev.frame.call_node] = ev.step
        self.events.append(ev)
        self._record(ev.step)
        return ev

    def _record(self, pos):
        frame = self.vm.frame
        self.states.append((frame, frame.pc if frame is not None else 0))
        stop = None
        node = self.next_node(pos)
        loc = user_loc(node) if node is not None and self._stops_at(frame, node) else None
        if frame is not None and self.bwd_start is None and phase_of(frame.graph) == "bwd":
            self.bwd_start = pos
        if loc is not None:
            inv = self.inv_of[frame.id]
            here = (loc.file, loc.line)
            looped = inv.last_frame is not frame and frame.graph.debug.role in LOOP_ROLES
            if here != inv.last_line or looped:
                stop = here
                if inv.first_stop is None:
                    inv.first_stop = pos
            inv.last_line, inv.last_frame = here, frame
        self.linestop.append(stop)

    @staticmethod
    def _stops_at(frame, node):
        """Backward line stops are the backward ops of user lines that receive a
        sensitivity; the adjoint bookkeeping around them is for `si`."""
        if frame.graph.debug.role == "grad":
            return False
        if phase_of(frame.graph) != "bwd":
            return True
        if node.debug.role != "bprop_call":
            return False
        sens = node.inputs[1]
        return sens.graph is None or type(frame.lookup(sens)).__name__ not in ("Zero", "Env")

    # ----- reading a position ----------------------------------------------

    def frame_at(self, pos):
        return self.states[pos][0]

    def next_node(self, pos):
        """The node the next step evaluates (None if it is a return)."""
        frame, pc = self.states[pos]
        if frame is None or pc >= len(frame.nodes):
            return None
        return frame.nodes[pc]

    def invocation(self, pos):
        frame = self.frame_at(pos)
        return self.inv_of[frame.id] if frame is not None else None

    def stack(self, pos):
        """Source frames innermost first: (invocation, vm frame, current node)."""
        frame = self.frame_at(pos)
        node = self.next_node(pos)
        out = []
        while frame is not None:
            inv = self.inv_of[frame.id]
            if not out or out[-1][0] is not inv:
                out.append((inv, frame, node if node is not None else frame.graph.output))
            node = frame.call_node
            frame = frame.caller
        return out

    def depth(self, pos):
        return len(self.stack(pos))

    def phase(self, pos):
        if self.frame_at(pos) is None:
            return "done"
        return "bwd" if self.bwd_start is not None and pos >= self.bwd_start else "fwd"

    def variables(self, inv, pos):
        """Named values of an invocation at `pos`, latest SSA version last."""
        found = []
        for frame in inv.frames:
            born = self.born[frame.id]
            for node, step in born.items():
                name = node.debug.name
                if step <= pos and name and node.debug.role != "adjoint":
                    found.append((step, node.id, name, frame.values[node]))
        found.sort(key=lambda t: t[:2])
        return {name: value for _, _, name, value in found}

    def versions(self, inv, name, pos):
        """Every (step, value) `name` took in `inv` up to `pos`."""
        out = []
        for frame in inv.frames:
            for node, step in self.born[frame.id].items():
                if node.debug.name == name and step <= pos and \
                        node.debug.role != "adjoint":
                    out.append((step, frame.values[node]))
        return sorted(out, key=lambda t: t[0])

    def arguments(self, inv):
        first = inv.frames[0]
        return [(p.debug.name or f"%p{p.id}", first.values[p]) for p in first.graph.parameters]

    def vm_value(self, frame_id, node):
        return self.frames[frame_id].values[node]

    def enclosing(self, frame):
        """Invocations whose variables a closure running in `frame` can read."""
        out, env = [], frame.env
        while env is not None:
            inv = self.inv_of.get(env.id)
            if inv is not None and inv not in out:
                out.append(inv)
            env = env.env
        return out
