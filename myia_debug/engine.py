"""The debugger engine: a session over the debug VM, with no I/O (the bdb role).

Everything is one atomic move, `_forward()` (replay the recorded trace, or
run the VM); `step`, `next`, `finish`, `until`, `cont` are predicate loops
over it, the reverse commands the same loops backwards, each returning a
`Stop`.  A position `p` is the state after `p` VM steps.
"""

import dataclasses
import gc

import numpy as np

import myia
from myia.ir import Graph
from myia.vm.debug import DebugVM

from .blocks import hidden
from .breakpoints import Points
from .horizon import running
from .reading import Reading
from .trace import Trace


HISTORY = 1_000_000  # positions kept by default (`set history N`; 0 keeps all)
HORIZON = ("reached the horizon of the recorded history (#{}): older steps were "
           "dropped; 'set history N' keeps more (0: all)")


class DebugError(Exception):
    """A command the engine cannot carry out; its message is for the user."""


@dataclasses.dataclass
class Stop:
    """Why and where the session stopped."""

    pos: int
    reasons: list = dataclasses.field(default_factory=list)  # short texts
    hits: list = dataclasses.field(default_factory=list)     # Breakpoints hit
    node: object = None        # the node to show, when not the next one
    retval: object = None
    returned: bool = False
    catch: object = None       # the Event a catchpoint fired on
    changes: list = dataclasses.field(default_factory=list)  # (name, old, new)




def integral(v):
    """Integers and booleans: not differentiable, so no adjoint is shown."""
    return isinstance(v, (bool, int, np.integer, np.bool_))


class Sensitivities(dict):
    """What a function's backward pass returns: argument name -> sensitivity."""


class Session(Reading):
    """Debugging one call `fn(*args)` (or, with `grad`, its gradient program)."""

    def __init__(self, fn, args, grad=None, seed=1.0):
        self.fn = fn
        self.args = tuple(args)
        self.grad = grad
        self.seed = seed
        self.primal = fn if isinstance(fn, Graph) else myia.ir(fn)
        self.points = Points()
        self.options = {"stop-at-boundary": False, "history": HISTORY}
        self._graphs = None
        self.trace_hook = None  # called with (event, trace) after each new step
        self.last_retval = None
        self.user_names = {}  # bound by `!NAME = ...`
        self._blank = Stop(0)  # `_check`'s, while nothing fires
        self.restart()

    # ----- controls: program --------------------------------------------------

    def program(self):
        """The graph the VM runs: the user function, or its gradient program."""
        if self.grad is None:
            return self.primal
        from myia.grad import grad_graph  # lands with AD; only needed for --grad

        return grad_graph(self.primal, argnums=self.grad, value=True)

    def restart(self):
        """Run again from the start; breakpoints, watches and options stay."""
        gc.unfreeze()  # the previous run's trace is garbage now (see horizon.running)
        self.vm = DebugVM(atomic=hidden)  # Myia's machinery: one step each
        self.vm.start(self.program(), self.args)
        self.trace = Trace(self.vm, self.options["history"] or None)
        self.pos = 0
        self.error = None
        self.interrupted = False
        self.frame_index = 0
        for bp in self.points.breakpoints:
            bp.hits = 0

    @property
    def end(self):
        """The last recorded position."""
        return len(self.trace)

    @property
    def finished(self):
        return self.vm.finished

    @property
    def result(self):
        return self.vm.result

    @property
    def phase(self):
        if self.error is not None and self.pos == self.end:
            return "pm"
        return self.trace.phase(self.pos)

    @property
    def phase_label(self):
        """The phase as shown: `fwd grad(loss)` inside a grad call of the program."""
        if self.error is not None and self.pos == self.end:
            return "pm"
        return self.trace.phase_label(self.pos)

    # ----- the atomic move ------------------------------------------------------

    def _forward(self):
        """Move one position forwards; False at the end of the program or on error."""
        trace = self.trace
        if self.pos < trace.base + len(trace.sframes) - 1:  # replaying the recorded past
            self.pos += 1
            return True
        if self.vm.finished or self.error is not None:
            return False
        try:
            trace.advance()
        except myia.MyiaError as e:
            self.error = e
            return False
        self.pos += 1
        if self.trace_hook is not None or self.seed != 1.0:
            self._observe()
        return True

    def _observe(self):
        """After a new step: apply `seed VALUE`, call the trace hook."""
        ev = self.trace.event(self.trace.last_step)
        ev.step = self.vm.steps  # the VM's count (quiet statements' positions are no step)
        if self.seed != 1.0 and ev.kind == "node" and ev.frame.graph.debug.role == "grad" \
                and getattr(ev.node.inputs[0], "value", None).__class__.__name__ == "Primitive" \
                and ev.node.inputs[0].value.name == "seed":
            ev.value = ev.frame.values[ev.node] = ev.value * self.seed
        if self.trace_hook is not None:
            self.trace_hook(ev, self.trace)

    def lookahead(self, done):
        """Record further steps (the position stays, past the horizon too) until
        `done()` or the end."""
        self.trace.pinned = self.pos
        try:
            with running(self):
                while not done() and not self.vm.finished and self.error is None \
                        and not self.interrupted:
                    try:
                        self.trace.advance()
                    except myia.MyiaError as e:
                        self.error = e
                        return
                    if self.trace_hook is not None or self.seed != 1.0:
                        self._observe()
        finally:
            self.trace.pinned = None
        if self.interrupted:  # told as Ctrl-C outside the stepping commands
            self.interrupted = False
            raise KeyboardInterrupt

    def _run(self, stop_here, check=True):
        """Move forwards until `stop_here(pos)` (None: never) or a breakpoint/catch/watch fires."""
        self.frame_index = 0
        points = self.points
        boundary = self.options["stop-at-boundary"] and self.phase == "fwd"
        armed = check and (points.breakpoints or points.catches or points.watches)
        trace, forward = self.trace, self._forward
        bulk = self.trace_hook is None and self.seed == 1.0  # no work after each new step
        free = bulk and not (stop_here or armed or boundary)
        try:
            with running(self):
                if free:  # nothing can stop before the end: no test per step
                    self._to_end()
                while not self.interrupted:
                    pos = self.pos
                    if pos < trace.base + len(trace.sframes) - 1:  # replaying
                        pos = self.pos = pos + 1
                    elif bulk and self._ahead():
                        continue  # tested as they replay
                    elif forward():
                        pos = self.pos
                    else:
                        return self._end_stop()
                    if armed:
                        stop = self._check(pos)
                        if stop is not None:
                            return self._returned(stop)
                    if boundary and self.trace.session_bwd(pos):
                        return Stop(pos, ["Boundary between the passes"])
                    if stop_here is not None and stop_here(pos):
                        return self._returned(Stop(pos))
                self.interrupted = False
                return Stop(self.pos, ["Interrupted"])
        except KeyboardInterrupt:
            return Stop(self.pos, ["Interrupted"])

    def _ahead(self):
        """Record a straight run of steps (straight.py) past the last position, to
        the first new line stop at most, staying where it is; False if not one
        step could be recorded."""
        trace = self.trace
        if self.vm.finished or self.error is not None:
            return False
        before = len(trace)
        trace.pinned = self.pos  # a trim keeps the positions still to be tested
        try:
            trace.advance(brief=True)
        except myia.MyiaError as e:
            if len(trace) == before:  # else the step to the end raises it again
                self.error = e
        finally:
            trace.pinned = None
        return len(trace) > before

    def _to_end(self):
        """Record steps to the end, an error or an interruption (`_run` reports it)."""
        trace, vm, advance = self.trace, self.vm, self.trace.advance
        try:
            while not vm.finished and self.error is None and not self.interrupted:
                advance(4096)
        except myia.MyiaError as e:
            self.error = e
        finally:
            self.pos = len(trace)

    def _returned(self, stop):
        """At a return stop (pdb's `--Return--`): the value the function returns."""
        if stop.pos in self.trace.returns and not stop.reasons:
            stop.retval, stop.returned = self.return_value(stop.pos), True
            self.last_retval = stop.retval
        return stop

    def return_value(self, pos):
        """What the user function returning at `pos` returns, as the user sees it:
        its value (not AD's `(value, backpropagator)`), or in the backward
        pass the sensitivities of its arguments by name."""
        frame = self.trace.frame_at(pos)
        value = self.vm.value(frame, frame.graph.output)
        g = frame.graph
        while g.debug.role == "fprop" and isinstance(g.debug.origin, Graph):
            value, g = value[0], g.debug.origin  # a forward graph of a forward graph...
        if g.debug.role == "bprop":
            names = [p.debug.name for p in self.trace.inv_of[frame.id].graph.parameters]
            return Sensitivities((k, v) for k, v in zip(names, value[1:])
                                 if type(v).__name__ != "Zero" and not integral(v))
        return value

    def begin(self):
        """The first stop: the first source line of the function."""
        if self.trace.line_stop(0) is not None:
            return Stop(0)
        return self._run(lambda p: self.trace.line_stop(p) is not None)

    def _end_stop(self):
        if self.error is not None:
            return Stop(self.pos, ["error"], node=self.trace.next_node(self.pos))
        return Stop(self.pos, ["finished"], retval=self.vm.result, returned=True)

    def _back(self, stop_here):
        """Move backwards until `stop_here(pos)` (or the start)."""
        self.frame_index = 0
        while self.pos > self.trace.base:
            self.pos -= 1
            if stop_here(self.pos):
                return self._returned(Stop(self.pos))
        if self.trace.base:
            return Stop(self.pos, [HORIZON.format(self.trace.base)])
        return Stop(0, ["start of the recorded history"])

    def _check(self, pos):
        """The stop at `pos` if a breakpoint, catchpoint or watch fires there."""
        stop = self._blank  # tested at every position: a new one only when it fired
        stop.pos = pos
        if not self.points.fire(stop, self.trace, lambda expr: self.evaluate(expr, pos)):
            return None
        self._blank = Stop(0)
        return stop

    def evaluate(self, expr, pos=None):
        from .evaluate import evaluate  # the namespace needs the whole session

        return evaluate(self, expr, self.pos if pos is None else pos)

    # ----- controls: stepping ----------------------------------------------------

    def _guard(self):
        if self.error is not None and self.pos == self.end:
            raise DebugError("The program ended in an error; use 'restart', or travel back "
                             "in time ('rs', 'goto N').")
        if self.vm.finished and self.pos == self.end:
            raise DebugError("The program has finished; use 'restart' to run it again.")

    def step(self):
        self._guard()
        return self._run(self.trace.is_stop)

    def next(self):
        self._guard()
        depth = self.trace.depth(self.pos)
        return self._run(lambda p: self.trace.is_stop(p) and self.trace.depth(p) <= depth)

    def finish(self):
        """Run to the return stop of the selected source frame (pdb's `--Return--`,
        still in the function); from a return stop, to the caller's."""
        self._guard()
        depth = self.trace.depth(self.pos) - self.frame_index
        if self.pos in self.trace.returns and self.frame_index == 0:
            depth -= 1
        return self._run(lambda p: self.trace.depth(p) < depth or self.trace.frame_at(p) is None
                         or (p in self.trace.returns and self.trace.depth(p) == depth))

    def until(self, line=None):
        """Run to a line greater than the current one (or >= `line`) in this frame."""
        self._guard()
        inv = self.trace.invocation(self.pos)
        depth = self.trace.depth(self.pos)
        here = self.line(self.pos)
        target = line if line is not None else (here or 0) + 1

        def arrived(p):
            if self.trace.depth(p) < depth or self.trace.frame_at(p) is None:
                return True
            if p in self.trace.returns and self.trace.invocation(p) is inv:
                return True
            stop = self.trace.line_stop(p)
            return self.trace.invocation(p) is inv and stop is not None and stop[1] >= target

        return self._run(arrived)

    def cont(self):
        self._guard()
        return self._run(None)

    def stepi(self):
        """One IR node of the user's frames; Myia's machinery (a primitive's
        forward wrapper, its backpropagator) runs as one step."""
        self._guard()
        return self._run(self.trace.visible)

    def nexti(self):
        self._guard()
        depth = len(self.trace.frame_at(self.pos).stack())
        return self._run(lambda p: self.trace.frame_at(p) is None or (
            self.trace.visible(p) and len(self.trace.frame_at(p).stack()) <= depth))

    def backward(self):
        """Run to the first line stop of the backward pass."""
        if self.grad is None:
            raise DebugError("'bwd' needs the gradient program: start with --grad.")
        if self.trace.session_bwd(self.pos) or self.phase in ("done", "pm"):
            raise DebugError("Already past the forward pass.")
        return self._run(lambda p: self.trace.session_bwd(p) and self.trace.is_stop(p),
                         check=False)

    def goto(self, n):
        """Go to global step `n`, running forwards if it was not reached yet."""
        if n < 0:
            raise DebugError("Step numbers start at 0.")
        if n < self.trace.base:
            raise DebugError(HORIZON.format(self.trace.base))
        if n <= self.end:
            self.pos = n
            self.frame_index = 0
            return Stop(n)
        return self._run(lambda p: p >= n, check=False)

    # ----- controls: time travel ------------------------------------------------

    def reverse_step(self):
        return self._back(self.trace.is_stop)

    def reverse_next(self):
        depth = self.trace.depth(self.pos)
        return self._back(lambda p: self.trace.is_stop(p) and self.trace.depth(p) <= depth)

    def reverse_finish(self):
        inv = self.current_frame()[0]
        if inv.caller_pos < self.trace.base:
            raise DebugError(f"{inv.name}() was called before the horizon: "
                             + HORIZON.format(self.trace.base))
        self.pos = inv.caller_pos
        self.frame_index = 0
        return Stop(self.pos)

    def reverse_stepi(self):
        return self._back(self.trace.visible)

    def reverse_cont(self):
        """Back to the previous position where a breakpoint, catch or watch fires."""
        with self.points.quiet():
            return self._back(lambda p: self._check(p) is not None)

    def set_seed(self, value):
        """The output sensitivity of the backward pass; the run restarts with it."""
        self.seed = value
        pos = self.pos
        self.restart()
        self.goto(pos)
