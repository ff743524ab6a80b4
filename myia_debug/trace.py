"""The recorded history of one run, and the source-level view of each step.

For every position `p` (the state after `p` VM steps) `Trace` records the
frame about to run and its pc, and when each value was born: programs are
pure, so any earlier state reads back exactly (time travel).  An
`Invocation` is one call of a user function, folding the frames of its
branches and loop iterations (graphs whose `debug.origin` leads to it, AD's
too); a call of an *entry* graph starts a new one (recursion: one per level).
"""

import array
import bisect

from myia.ir import Graph
from myia.vm.debug import Event

from .blocks import block
from .graphs import bare_return, phase_of
from .horizon import trim
from .statements import bindings, pending
from .straight import run_from


class Invocation:
    """One call of a user function: the VM frames it ran in, in order."""

    def __init__(self, ident, graph, start, caller_pos, hidden):
        self.id = ident
        self.graph = graph
        self.start = start          # the step that created it
        self.caller_pos = caller_pos  # position just before that step
        self.frames = []
        self.last_line = None
        self.last_frame = None
        self.first_stop = None  # position of its first line stop
        self.steps = {}  # name -> steps its versions were born at, increasing
        self.defs = {}   # name -> (frame, node) of those versions
        self.hidden = hidden  # is_machinery(graph)

    @property
    def name(self):
        g = self.graph
        return g.debug.origin.name if g.debug.role == "grad" else g.name


class Trace:
    """Everything recorded about one run; positions are 0..len(self)."""

    def __init__(self, vm, limit=None):
        self.vm = vm
        # position -> the vm frame about to run (None when finished) and its pc;
        # the step between two positions is read back from them (`event`).
        self.sframes = []
        self.spcs = array.array("l")
        self.base = 0       # the oldest position still recorded (see horizon.py)
        self.trims = self.slack = self.collected_at = 0  # trims; frames alive, made (horizon.py)
        self.limit = limit  # positions kept (None: all)
        self.pinned = None  # the oldest position a trim must keep (Session.lookahead)
        self.born = {}     # frame id -> {node: step}
        self.inv_of = {}   # frame id -> Invocation
        self.frames = {}   # frame id -> Frame
        self.stops = {}    # position -> (file, line) of its line stop, if it is one
        self.invocations = []  # kept ones (horizon.py), in order
        self.created = 0       # invocations made so far
        self.bwd_start = None  # the first position in the backward pass
        self.returns = set()   # positions where a user function is about to return
        self.tags = {}         # frame id -> (pass, name of the inner grad call or None)
        self.virtual = {}      # position -> Location of a quiet statement stopped on there
        self.virtual_order = []  # those positions, increasing
        self.virtual_dropped = 0  # how many of them went past the horizon
        self.cursors = {}      # frame id -> the last line it stopped on (statements.py)
        self.depths = {}       # frame id -> (len of its stack, innermost invocation shown)
        self.last_step = 0     # the position the last VM step led to
        if vm.frame is not None:
            self._enter(vm.frame, 0, 0, None)
        self._record()

    def __len__(self):
        return self.base + len(self.sframes) - 1

    # ----- recording --------------------------------------------------------

    def _enter(self, frame, step, caller_pos, prev):
        """Attach a new VM frame to its invocation (see module docstring)."""
        blk = block(frame.graph)
        fid = frame.id
        self.born[fid] = dict.fromkeys(frame.graph.parameters, step)
        self.frames[fid] = frame
        self.tags[fid] = self._tag(frame, blk)
        parent = prev if prev is not None and frame.caller is not prev else frame.caller
        inv = self.inv_of.get(parent.id) if parent is not None else None
        if inv is None or blk.entry or blk.user is not inv.graph:
            self.created += 1
            inv = Invocation(self.created, blk.user, step, caller_pos, blk.hidden)
            self.invocations.append(inv)
        inv.frames.append(frame)
        self.inv_of[fid] = inv
        for p, name in blk.params:
            inv.steps.setdefault(name, []).append(step)
            inv.defs.setdefault(name, []).append((frame, p))

    def _named(self, frame, node, name, step):
        """Index the value `node` got at `step` under its name, for `variables`."""
        inv = self.inv_of[frame.id]
        inv.steps.setdefault(name, []).append(step)
        inv.defs.setdefault(name, []).append((frame, node))

    def advance(self, count=1, brief=False):
        """Run and record VM steps: one, or with `count` > 1 about `count` (a frame's
        node steps in straight runs, straight.py, may go past it), or if `brief` one
        run to its first new line stop; errors propagate unrecorded.  A node step
        where nothing can stop (`Block.plain`, the common case) only appends."""
        vm, sframes, spcs, born, limit = self.vm, self.sframes, self.spcs, self.born, self.limit
        done = 0
        while done < count:
            prev = vm.frame
            if prev is None:
                break
            pc = prev.pc
            blk = block(prev.graph)
            fast = (count > 1 or brief) and pc < len(prev.nodes)
            k = run_from(blk, pc, vm)(self, prev, brief) if fast else 0
            if k:
                done += k
            else:
                done += 1
                kind = vm._step()  # under the caller's np.errstate: NaN/Inf are the user's
                new = self.last_step = self.base + len(sframes)  # the position it leads to
                if kind == "node":
                    node = prev.nodes[pc]
                    born[prev.id][node] = new
                    if blk.names[pc] is not None:
                        self._named(prev, node, blk.names[pc], new)
                    if blk.plain[pc + 1]:
                        sframes.append(prev)
                        spcs.append(pc + 1)
                    else:
                        self._record(False)
                else:
                    self._crossed(kind, prev, new)
            size = len(sframes)
            if limit and size > limit and size > limit + max(limit // 4, 4 * self.slack):
                trim(self, limit)
            if brief:
                break

    def _crossed(self, kind, prev, new):
        """Record a step from frame `prev` to position `new` that entered a frame
        (`kind` "call") or left it ("return")."""
        if kind == "call":
            self._enter(self.vm.frame, new, new - 1, prev)
        elif prev.caller is not None:
            node = prev.call_node
            self.born[prev.caller.id][node] = new
            name = node.debug.name
            if name and node.debug.role != "adjoint":
                self._named(prev.caller, node, name, new)
        self._record(True)

    def event(self, pos):
        """The step that led to position `pos` (None for 0), read back from the
        positions around it: programs are pure, so nothing else is stored."""
        before = self._before(pos)
        if before is None:
            return None
        frame, pc = before
        if pc >= len(frame.nodes):
            return Event("return", pos, frame, frame.call_node,
                         self.vm.value(frame, frame.graph.output))
        node, after = frame.nodes[pc], self.sframes[pos - self.base]
        if after is frame:
            return Event("node", pos, frame, node, frame.values[node])
        return Event("call", pos, after, node)

    def node_value(self, pos, none=None):
        """The value the node step leading to `pos` computed (`none` if no node
        step led there): `event(pos).value`, with no event made (asked at every
        position while a catch is armed)."""
        before = self._before(pos)
        if before is None:
            return none
        frame, pc = before
        if pc >= len(frame.nodes) or self.sframes[pos - self.base] is not frame:
            return none
        return frame.values[frame.nodes[pc]]

    def _before(self, pos):
        """(frame, pc) the step to `pos` started from; None where no step led
        there (the start, the horizon, just after a quiet statement's position)."""
        i = pos - self.base
        if i <= 0 or pos - 1 in self.virtual:
            return None
        return self.sframes[i - 1], self.spcs[i - 1]

    def _append(self, frame, pc, stop):
        if stop is not None:
            self.stops[self.base + len(self.sframes)] = stop
        self.sframes.append(frame)
        self.spcs.append(pc)

    def _record(self, moved=True):
        """Note the new position (and before it, quiet statements' stops:
        statements.py); `moved`: the step entered or left a frame."""
        frame = self.vm.frame
        if frame is None:
            self._append(None, 0, None)
            return
        pc = frame.pc
        blk = block(frame.graph)
        if blk.hidden:  # Myia's machinery: never a stop (the common case)
            if moved and self.bwd_start is None and self.tags[frame.id] == ("bwd", None):
                self.bwd_start = self.base + len(self.sframes)
            self.sframes.append(frame)
            self.spcs.append(pc)
            return
        inv = self.inv_of[frame.id]
        stop = loc = None
        returning = False
        if pc >= len(frame.nodes):
            returning = frame.caller is None or self.inv_of[frame.caller.id] is not inv
        else:
            loc = blk.locs[pc]
            if loc is not None and blk.sens[pc] is not None and \
                    type(frame.lookup(blk.sens[pc])).__name__ in ("Zero", "Env"):
                loc = None  # a backward call that receives no sensitivity
        if blk.quiet:
            for q in pending(self.cursors, frame, pc, loc):
                at = self.base + len(self.sframes)
                self.virtual[at] = q
                self.virtual_order.append(at)
                self._append(frame, pc, (q.file, q.line))
                for name, node in bindings(frame, q.line):  # bound once it has run
                    inv.steps.setdefault(name, []).append(at + 1)
                    inv.defs.setdefault(name, []).append((frame, node))
                inv.last_line, inv.last_frame = (q.file, q.line), frame
                if inv.first_stop is None:
                    inv.first_stop = at
        pos = self.base + len(self.sframes)
        if moved and self.bwd_start is None and self.tags[frame.id] == ("bwd", None):
            self.bwd_start = pos
        if returning:
            self.returns.add(pos)
        if loc is not None:
            here = blk.heres[pc]
            last = inv.last_frame  # a loop header's or body's next iteration stops anew
            if here != inv.last_line or last is not frame and (
                    blk.loop or last is not None and last.graph is frame.graph):
                stop = here
                if inv.first_stop is None:
                    inv.first_stop = pos
            inv.last_line, inv.last_frame = here, frame
        self._append(frame, pc, stop)

    def vm_step(self, pos):
        """The number of VM steps done at position `pos` (quiet statements' positions
        are no step)."""
        return pos - self.virtual_dropped - bisect.bisect_left(self.virtual_order, pos)

    def return_line(self, pos):
        """At a forward return stop of `return NAME`: (file, line) of that statement."""
        inv = self.invocation(pos)
        g = inv.frames[-1].graph
        if phase_of(g) == "bwd":
            return None
        while g.return_loc is None and g.debug.role is not None \
                and isinstance(g.debug.origin, Graph):
            g = g.debug.origin
        loc = bare_return(g)
        return (loc.file, loc.line) if loc is not None else None

    def is_stop(self, pos):
        """A line stop or a return stop."""
        return pos in self.stops or pos in self.returns

    def line_stop(self, pos):
        """(file, line) if `pos` is a line stop, else None."""
        return self.stops.get(pos)

    # ----- reading a position ----------------------------------------------

    def frame_at(self, pos):
        return self.sframes[pos - self.base]

    def pc_at(self, pos):
        return self.spcs[pos - self.base]

    def next_node(self, pos):
        """The node the next step evaluates (None if it is a return)."""
        frame, pc = self.sframes[pos - self.base], self.spcs[pos - self.base]
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
            if not inv.hidden and (not out or out[-1][0] is not inv):
                out.append((inv, frame, node if node is not None else frame.graph.output))
            node = frame.call_node
            frame = frame.caller
        return out

    def _tag(self, frame, blk):
        """(pass, inner grad) of a new VM frame, from its caller's."""
        caller = self.tags.get(frame.caller.id) if frame.caller is not None else None
        if blk.inner is not None:
            return ("fwd" if caller is None else caller[0]), (
                blk.inner if caller is not None else None)
        if caller is None:
            return ("bwd" if blk.bwd else "fwd"), None
        return caller if not blk.bwd or caller[0] == "bwd" else ("bwd", caller[1])

    def frame_phase(self, frame):
        """The phase label of a VM frame: `fwd`, `bwd`, `fwd grad(f)`..."""
        phase, inner = self.tags[frame.id]
        return f"{phase} {inner}" if inner else phase

    def phase_label(self, pos):
        """The phase shown for a position: its pass, and the inner grad call if any."""
        frame = self.frame_at(pos)
        if frame is None or self.tags[frame.id][1] is None:
            return self.phase(pos)
        return self.frame_phase(frame)

    def visible(self, pos):
        """Whether the step at `pos` runs in a user frame (not Myia's machinery)."""
        frame = self.frame_at(pos)
        return frame is None or not self.inv_of[frame.id].hidden

    def depth(self, pos):
        """len(self.stack(pos)), from a cache per frame: a loop gradient nests a
        frame per iteration, and `finish` asks at every position."""
        frame = self.frame_at(pos)
        if frame is None:
            return 0
        depths, chain = self.depths, []
        f = frame
        while f is not None and f.id not in depths:
            chain.append(f)
            f = f.caller
        count, shown = depths[f.id] if f is not None else (0, None)
        for f in reversed(chain):  # outermost first: the runs of one invocation count once
            inv = self.inv_of[f.id]
            if not inv.hidden and inv is not shown:
                count, shown = count + 1, inv
            depths[f.id] = (count, shown)
        return count

    def phase(self, pos):
        """`fwd`, `bwd` (the session's backward pass, or an inner grad call's), `done`."""
        frame = self.frame_at(pos)
        if frame is None:
            return "done"
        phase, inner = self.tags[frame.id]
        if inner is None and frame.caller is None:  # the --grad wrapper around it all
            return "bwd" if self.bwd_start is not None and pos >= self.bwd_start else "fwd"
        return phase

    def session_bwd(self, pos):
        """Whether `pos` is in the session's own backward pass (`--grad`)."""
        return self.bwd_start is not None and pos >= self.bwd_start and \
            self.phase(pos) == "bwd" and self.tags[self.frame_at(pos).id][1] is None

    def variables(self, inv, pos):
        """Named values of an invocation at `pos`: each name's latest version."""
        found = []
        for name, steps in inv.steps.items():
            i = bisect.bisect_right(steps, pos)
            if i:
                frame, node = inv.defs[name][i - 1]
                found.append((steps[i - 1], node.id, name, self.vm.value(frame, node)))
        found.sort(key=lambda t: t[:2])
        return {name: value for _, _, name, value in found}

    def versions(self, inv, name, pos):
        """Every (step, value) `name` took in `inv` up to `pos`."""
        steps = inv.steps.get(name, [])
        return [(step, self.vm.value(frame, node)) for step, (frame, node)
                in zip(steps[:bisect.bisect_right(steps, pos)], inv.defs.get(name, []))]

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
