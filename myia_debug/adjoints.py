"""Reading the backward pass: adjoints recorded in the trace of the gradient program.

What AD (myia/grad.py) emits, and what this module relies on: for a primal
graph `g`, the forward graph `fprop:g` runs in a frame F; its
backpropagator `bprop:g` is a closure over F, so the frame B running it has
`B.env is F`.  For each primal node `p` that receives a sensitivity, B holds
a `bprop_call` node (origin `p`) whose input 1 is the complete ∂p, followed
by `getitem` nodes (role "adjoint", origin `p`, named after the inputs) that
hold what `p` sends to each of its inputs.  The sensitivities of the
parameters of `g` are the items of B's output tuple.

Adjoints are read from the recorded trace; when they are not recorded yet,
the trace is extended (`Session.lookahead`), which is exact because the
program is pure: it is the look-ahead on a fork that DEBUGGER.md asks for.
"""

import linecache

from myia.ir import Constant, Parameter

from .engine import DebugError


def is_zero(v):
    return type(v).__name__ == "Zero"


def label(node):
    """A variable's name, else the source text of the expression, else `%N`."""
    if node.debug.name:
        return node.debug.name
    loc = node.debug.loc
    if loc is not None and loc.end_column is not None:
        text = linecache.getline(loc.file, loc.line)[loc.column:loc.end_column]
        if text.strip():
            return f"({text.strip()})"
    return f"%{node.id}"


def bwd_frame(trace, pos):
    """The innermost frame of a user bprop graph at `pos`, or None."""
    frame = trace.frame_at(pos)
    while frame is not None:
        if frame.graph.debug.role == "bprop" and "core" not in frame.graph.flags:
            return frame
        frame = frame.caller
    return None


def fprop_frame(frame):
    """The forward frame a bprop frame differentiates (its closure environment)."""
    env = frame.env
    while env is not None and env.graph.debug.role != "fprop":
        env = env.env
    return env


def bprop_call(frame, start=0):
    for node in frame.nodes[start:]:
        if node.debug.role == "bprop_call":
            return node
    return None


def flow_at(session, pos):
    """((name, ∂name), [(input, contribution), ...]) of the line a bwd stop differentiates."""
    trace = session.trace
    frame = trace.frame_at(pos)
    if frame is None or bwd_frame(trace, pos) is not frame:
        return None
    call = bprop_call(frame, trace.states[pos][1])
    if call is None:
        return None
    parts = [n for n in frame.nodes if n.debug.role == "adjoint" and len(n.inputs) == 3
             and n.inputs[1] is call]
    session.lookahead(lambda: all(n in frame.values for n in parts)
                      or trace.inv_of[frame.id] is None)
    sens = _value(frame, call.inputs[1])
    primal = call.debug.origin
    outs = []
    for n in parts:
        if n in frame.values and not is_zero(frame.values[n]):
            inp = primal.inputs[n.inputs[2].value]
            outs.append((label(inp), frame.values[n]))
    return (label(primal), 0.0 if is_zero(sens) else sens), outs


def _value(frame, node):
    if isinstance(node, Constant):
        return node.value
    return frame.lookup(node)


def version(session, name, pos):
    """(fprop frame, primal node) of the version of `name` current at `pos`."""
    trace = session.trace
    if trace.phase(pos) == "bwd":
        bframe = bwd_frame(trace, pos)
        fframe = fprop_frame(bframe) if bframe is not None else None
        if fframe is None:
            raise DebugError("no forward frame for this backward step")
        frames, until = trace.inv_of[fframe.id].frames, session.forward_time(pos)
    else:
        inv = session.forward_invocation(pos)
        frames, until = inv.frames, pos
    best = None
    for frame in frames:
        for node, step in trace.born[frame.id].items():
            if node.debug.name == name and step <= until and node.debug.origin is not None \
                    and node.debug.role in ("fprop", None):
                if best is None or step > best[0]:
                    best = (step, frame, node.debug.origin)
    if best is None:
        raise DebugError(f"{name!r} has no value yet here")
    return best[1], best[2]


def recorded_adjoint(session, name, pos):
    """∂out/∂name for the version of `name` current at `pos`."""
    fframe, primal = version(session, name, pos)
    trace = session.trace
    session.lookahead(lambda: False)  # the whole run: every adjoint is then known
    bframes = [f for f in trace.frames.values()
               if f.graph.debug.role == "bprop" and f.env is fframe]
    if not bframes:
        raise DebugError(f"no backward pass reached {name!r}")
    bframe = bframes[0]
    if isinstance(primal, Parameter):
        out = bframe.values.get(bframe.graph.output)
        sens = out[1 + primal.graph.parameters.index(primal)] if out is not None else None
    else:
        call = next((n for n in bframe.nodes if n.debug.role == "bprop_call"
                     and n.debug.origin is primal), None)
        sens = _value(bframe, call.inputs[1]) if call is not None else None
    value = _value(fframe, _forward_node(fframe, primal))
    if sens is None or is_zero(sens):
        return value * 0.0
    return sens


def _forward_node(fframe, primal):
    for node in fframe.values:
        if node.debug.origin is primal and node.debug.role in ("fprop", None):
            return node
    raise DebugError(f"{label(primal)} was not computed in this frame")


def contributions(session, name):
    """Each use of the current version of `name`, with what it sent to ∂name; and the total."""
    pos = session.pos
    fframe, primal = version(session, name, pos)
    total = recorded_adjoint(session, name, pos)
    trace = session.trace
    rows = []
    for bframe in trace.frames.values():
        if bframe.graph.debug.role != "bprop" or bframe.env is not fframe:
            continue
        for n in bframe.nodes:
            if n.debug.role != "adjoint" or len(n.inputs) != 3 or n not in bframe.values:
                continue
            use = n.inputs[1].debug.origin if n.inputs[1].debug.role == "bprop_call" else None
            if use is None or use.inputs[n.inputs[2].value] is not primal:
                continue
            value = bframe.values[n]
            if is_zero(value):
                continue
            rows.append((session.describe_use(use), value))
    return rows, total
