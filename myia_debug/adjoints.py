"""Reading the backward pass: adjoints recorded in the trace of the gradient program.

For a primal graph `g`, `fprop:g` runs in a frame F and its backpropagator in
a frame B with `B.env is F`; B holds, per primal node `p` receiving a
sensitivity, a `bprop_call` (origin `p`, input 1 the complete ∂p) and
`getitem` nodes (role "adjoint") with what `p` sends to each input.  What is
not recorded yet is recorded by look-ahead (`Session.lookahead`: exact).
"""

from myia.ir import Constant, Graph, Parameter
from myia.vm.debug import Frame, graph_nodes

from .engine import DebugError, integral
from .render import label, operation_text
from .graphs import is_control, is_machinery, is_second_order, user_graph, user_loc


def is_zero(v):
    return type(v).__name__ == "Zero"


def is_number(v):
    """Numbers, arrays and tuples of them: not ZERO, not a closure's Env."""
    if isinstance(v, tuple):
        return any(is_number(x) for x in v)
    return not is_zero(v) and type(v).__name__ != "Env"


def bwd_frame(trace, pos):
    """The innermost frame of a user bprop graph at `pos`, or None: not machinery's
    (a primitive's, the `grad` wrapper's, a second order's: graphs.is_second_order)."""
    frame = trace.frame_at(pos)
    while frame is not None:
        g = frame.graph
        if g.debug.role == "bprop" and "core" not in g.flags and \
                not is_machinery(user_graph(g)) and not is_second_order(g):
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


class Primal:
    """A frame of AD's forward graph `fprop:g` of an AD graph `g`, read as a frame of
    `g`: under `--grad`, a grad call in the program runs its backpropagator
    `bprop:f` as `fprop:bprop:f`, where each node X of `bprop:f` becomes
    `%c = J(fn)(..); %v = getitem(%c, 0)` (role "fprop", origin X), so X's value is %v's."""

    def __init__(self, frame):
        self.frame, self.id, self.graph = frame, frame.id, frame.graph.debug.origin
        self.nodes = graph_nodes(self.graph)
        self.env = Primal(frame.env) if frame.env is not None else None
        if frame.graph not in _primal_of:
            nodes = [n for n in graph_nodes(frame.graph) if n.debug.role == "fprop"]
            _primal_of[frame.graph] = {n.debug.origin: n for n in [
                *frame.graph.parameters, *reversed(nodes)] if n.debug.origin is not None}
        self.of = _primal_of[frame.graph]

    @property
    def values(self):
        vals = self.frame.values
        return {x: vals[n] for x, n in self.of.items() if n in vals}

    lookup = Frame.lookup


_primal_of = {}


def ad_of(g, role):
    """Whether `g` is AD's forward graph `fprop:h` of a graph `h` with `role`."""
    h = g.debug.origin
    return g.debug.role == "fprop" and isinstance(h, Graph) and h.debug.role == role


def _born(trace, frame):
    """{node: step} of a frame; of a Primal view, keyed by the nodes it reads as."""
    born = trace.born[frame.id]
    if isinstance(frame, Primal):
        return {x: born[n] for x, n in frame.of.items() if n in born}
    return born


def _flow_frame(trace, pos):
    """(frame, pc) of a bwd stop in a user bprop graph, or of AD's forward of one."""
    frame = trace.frame_at(pos)
    if frame is not None and ad_of(frame.graph, "bprop"):
        view, origin = Primal(frame), trace.next_node(pos)
        origin = origin.debug.origin if origin is not None else None
        return view, view.nodes.index(origin) if origin in view.nodes else len(view.nodes)
    if frame is None or bwd_frame(trace, pos) is not frame:  # inside a primitive's bprop
        return None, 0
    return frame, trace.pc_at(pos)


def flow_at(session, pos):
    """((name, ∂name), [(input, contribution), ...]) of the line a bwd stop differentiates."""
    trace = session.trace
    frame, pc = _flow_frame(trace, pos)
    if frame is None:
        return None
    call = bprop_call(frame, pc)
    if call is None:
        return None
    parts = [n for n in frame.nodes if n.debug.role == "adjoint" and len(n.inputs) == 3
             and n.inputs[1] is call]
    session.lookahead(lambda: all(n in frame.values for n in parts)
                      or trace.inv_of[frame.id] is None)
    sens = _value(frame, call.inputs[1])
    primal = call.debug.origin
    inputs = forward_inputs(frame, primal)
    outs = []
    for n in parts:
        i = n.inputs[2].value
        if n in frame.values and is_number(frame.values[n]) and \
                not integral(inputs.get(i, 0.0)):  # integers have no adjoint
            outs.append((label(primal.inputs[i]), frame.values[n]))
    return (label(primal), 0.0 if is_zero(sens) else sens), outs


def forward_inputs(bframe, primal):
    """Input index -> forward value of the user node `primal`, seen from its backward."""
    fframe = fprop_frame(bframe)
    call = next((n for n in fframe.values if n.debug.role == "fprop_call"
                 and n.debug.origin is primal), None) if fframe is not None else None
    if call is None:
        return {}
    return {i: _value(fframe, a) for i, a in enumerate(call.inputs) if i}


def _value(frame, node):
    if isinstance(node, Constant):
        return node.value
    return frame.lookup(node)


def forward_time(session, pos):
    """At a bwd stop: the step that computed the forward value being differentiated."""
    trace = session.trace
    bframe = bwd_frame(trace, pos)
    fframe = fprop_frame(bframe) if bframe is not None else None
    if fframe is None:
        return pos
    pc = trace.pc_at(pos) if bframe is trace.frame_at(pos) else 0
    call = bprop_call(bframe, pc)
    born = trace.born.get(fframe.id)
    if born is None:  # beyond the horizon of the recorded history
        return pos
    if call is not None:
        for node, step in born.items():
            if node.debug.origin is call.debug.origin and node.debug.role == "fprop":
                return step
    return max(born.values())


def forward_view(session, pos):
    """(invocation, frame, step) whose values a bwd stop shows, or None; for a grad
    call in the program under --grad, the VM frame behind the Primal view."""
    found = _primal_forward(session.trace, pos)
    if found is not None:
        fview, step = found
        return session.trace.inv_of[fview.id], fview.frame, step
    bframe = bwd_frame(session.trace, pos)
    fframe = fprop_frame(bframe) if bframe is not None else None
    if fframe is None or fframe.id not in session.trace.inv_of:  # beyond the horizon
        return None
    return session.trace.inv_of[fframe.id], fframe, forward_time(session, pos)


def namespace(session, pos):
    """(invocation, vm frame, step) whose variables a stop shows: at a bwd stop, the
    forward values being differentiated; at `done` under --grad, the user function's
    final forward values (`p s` after the loop, as pdb post-mortem), not the wrapper's."""
    inv, frame, _ = session.current_frame(pos)
    if session.frame_index == 0 and session.trace.phase(pos) == "bwd":
        return forward_view(session, pos) or (inv, frame, pos)
    if session.grad is not None and session.trace.frame_at(pos) is None:
        inv = forward_invocation(session, pos)
        return inv, inv.frames[-1], pos
    return inv, frame, pos


def forward_invocation(session, pos):
    """The invocation whose forward values `grad NAME` differentiates."""
    if session.trace.frame_at(pos) is not None:
        return session.current_frame(pos)[0]
    for inv in session.trace.invocations:
        if inv.graph is session.primal and inv.frames[0].graph.debug.role == "fprop":
            return inv
    return session.trace.invocations[0]


def version(session, name, pos):
    """(fprop frame, primal node) of the version of `name` current at `pos`."""
    trace = session.trace
    view = forward_view(session, pos) if trace.phase(pos) == "bwd" else None
    view = _primal_view(session, pos) or view and (view[0].frames, view[2])
    if view is not None:
        frames, until = view
    else:  # (at a fwd stop of a grad call in the program under --grad, Primal views)
        frames, until = forward_invocation(session, pos).frames, pos
        frames = [Primal(f) if ad_of(f.graph, "fprop") else f for f in frames]
    found = []
    for frame in frames:
        for node, step in _born(trace, frame).items():
            if node.debug.name == name and node.debug.origin is not None \
                    and node.debug.role in ("fprop", None):
                found.append((step, frame, node.debug.origin))
    before = [f for f in found if f[0] <= until]
    if not found or (not before and view is None):
        from .gradients import not_yet

        raise not_yet(session, name, pos)
    best = max(before, key=lambda f: f[0]) if before else min(found, key=lambda f: f[0])
    return best[1], best[2]


def _primal_forward(trace, pos):
    """(Primal view of the forward frame, step that computed the value being
    differentiated) at a bwd stop of a grad call in the program under --grad, or None."""
    bview, pc = _flow_frame(trace, pos)
    if not isinstance(bview, Primal):
        return None
    fview = fprop_frame(bview)
    if fview is None or fview.id not in trace.inv_of:  # beyond the horizon
        return None
    born, call = _born(trace, fview), bprop_call(bview, pc)
    steps = [s for x, s in born.items() if call is not None
             and x.debug.origin is call.debug.origin and x.debug.role == "fprop"]
    return fview, (steps or [max(born.values())])[0]


def _primal_view(session, pos):
    """(forward frames, step) as in forward_view, the frames read as Primal views."""
    found = _primal_forward(session.trace, pos)
    if found is None:
        return None
    fview, step = found
    inv = session.trace.inv_of[fview.id]
    return [Primal(f) for f in inv.frames if ad_of(f.graph, "fprop")], step


def recorded_adjoint(session, name, pos):
    """∂out/∂name for the version of `name` current at `pos`."""
    fframe, primal = version(session, name, pos)
    return version_adjoint(session, fframe, primal)


def version_adjoint(session, fframe, primal):
    """∂out/∂ the version of user node `primal` computed in forward frame `fframe`."""
    trace = session.trace
    session.lookahead(lambda: False)  # the whole run: every adjoint is then known
    bframes = [f for f in _bprop_frames(trace, fframe)
               if f.env is not None and f.env.id == fframe.id]
    if not bframes:
        raise DebugError(f"no backward pass reached {label(primal)!r}")
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
    fframe, primal = version(session, name, session.pos)
    total = recorded_adjoint(session, name, session.pos)
    rows = []
    for bframe in _bprop_frames(session.trace, fframe):
        if not _sees(fprop_frame(bframe), fframe):
            continue
        for n in bframe.nodes:
            if n.debug.role != "adjoint" or len(n.inputs) != 3 or n not in bframe.values \
                    or n.inputs[1].debug.role != "bprop_call":
                continue
            use = n.inputs[1].debug.origin
            if use.inputs[n.inputs[2].value] is primal and not is_zero(bframe.values[n]):
                step = _born(session.trace, bframe)[n]
                where = _describe(session.trace, use, fprop_frame(bframe), step)
                rows.append((step, where, bframe.values[n]))
    return [(where, value) for _, where, value in sorted(rows, key=lambda r: r[0])], total


def history(session, name, pos, last=None):
    """(invocation, rows, total): rows (step, value, ∂out/∂ that version or None)
    for the versions of `name` so far (the `last` ones only, if given), and
    how many there are in all."""
    trace = session.trace
    inv, until = session.current_frame(pos)[0], pos
    if trace.phase(pos) == "bwd":
        inv, _, until = forward_view(session, pos) or (inv, None, until)
    elif trace.frame_at(pos) is None:
        inv = forward_invocation(session, pos)
    steps = inv.steps.get(name, [])
    found = []
    for step, (frame, node) in zip(steps, inv.defs.get(name, [])):
        if step > until:
            break
        value = trace.vm.value(frame, node)
        if found and isinstance(node, Parameter) and value is found[-1][1]:
            continue  # passed on unchanged to the next block: the same version
        found.append((step, value, frame, node))
    shown = found if last is None else found[-last:]
    rows = []
    for step, value, frame, node in shown:
        adj = None
        if session.grad is not None and trace.phase(pos) in ("bwd", "done") \
                and node.debug.origin is not None and not integral(value):
            if ad_of(frame.graph, "fprop"):  # a grad call in the program, under --grad
                frame, node = Primal(frame), node.debug.origin
            try:
                adj = version_adjoint(session, frame, node.debug.origin)
            except DebugError:  # a version the backward pass never reached
                adj = None
        rows.append((step, value, adj))
    return inv, rows, len(found)


def _bprop_frames(trace, fframe):
    """Frames of user bprop graphs, read as Primal views where `fframe` is one."""
    view = isinstance(fframe, Primal)
    for f in trace.frames.values():
        if ad_of(f.graph, "bprop") if view else f.graph.debug.role == "bprop":
            yield Primal(f) if view else f


def _sees(frame, target):
    while frame is not None:
        if frame.id == target.id:
            return True
        frame = frame.env
    return False


def _describe(trace, use, fframe, step):
    """`line 31, iteration 2, x * i (#304)`: where a use of a variable is."""
    loc = user_loc(use)
    if loc is None or is_control(use):
        return f"passed to the next block (#{step})"
    parts = [f"line {loc.line}"]
    inv = trace.inv_of.get(fframe.id) if fframe is not None else None
    graph = getattr(fframe, "frame", fframe).graph  # a Primal view's VM frame's
    same = [f.id for f in inv.frames if f.graph is graph] if inv is not None else []
    if len(same) > 1:  # a loop body: which iteration
        parts.append(f"iteration {same.index(fframe.id) + 1}")
    parts.append(operation_text(use))
    return f"{', '.join(parts)} (#{step})"
