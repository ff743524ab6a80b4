"""Running, stepping (both passes) and time travel commands."""

import os

from myia.ir import printer

from . import render
from .engine import DebugError
from .graphs import user_loc


def _int(arg, what="a step number"):
    try:
        return int(arg)
    except ValueError:
        raise DebugError(f"{arg!r} is not {what}") from None


class RunCommands:
    """`step`, `next`, ..., `goto`, `timeline`: each one engine call, then the stop."""

    def _move(self, stop):
        self.list_next = None
        self.show_stop(stop)

    def do_step(self, arg):
        """s(tep): run until the next source line, entering calls (in bwd: a callee's backward)."""
        self._move(self.session.step())
    do_s = do_step

    def do_next(self, arg):
        """n(ext): run until the next source line in this function, stepping over calls."""
        self._move(self.session.next())
    do_n = do_next

    def do_return(self, arg):
        """r(eturn) / finish: run until this function returns; print the value."""
        self._move(self.session.finish())
    do_r = do_finish = do_return

    def do_until(self, arg):
        """unt(il) [LINE]: run to a line greater than this one (or >= LINE) in this frame."""
        self._move(self.session.until(_int(arg, "a line number") if arg else None))
    do_unt = do_until

    def do_continue(self, arg):
        """c(ont(inue)): run until a breakpoint, a catch, a watch, or the end."""
        self._move(self.session.cont())
    do_c = do_cont = do_continue

    def do_backward(self, arg):
        """bwd / backward: run to the first step of the backward pass (needs --grad)."""
        self._move(self.session.backward())
    do_bwd = do_backward

    def do_stepi(self, arg):
        """si / stepi: execute one IR node (entering graph calls); show the node."""
        self._move(self.session.stepi())
        self._show_node()
    do_si = do_stepi

    def do_nexti(self, arg):
        """ni / nexti: execute one IR node, stepping over graph calls."""
        self._move(self.session.nexti())
        self._show_node()
    do_ni = do_nexti

    def _show_node(self):
        """The node about to run, and the user's operation it is part of (under
        --grad, AD's nodes point back at the user's node they come from)."""
        if self.mode == "source":
            node = self.session.trace.next_node(self.session.pos)
            if node is not None:
                self.write(f"   next: %{node.id} = {printer.node_text(node)}"
                           f"{self._user_operation(node)}")

    @staticmethod
    def _user_operation(node):
        primal, loc = node, user_loc(node)
        while primal.debug.origin is not None and primal.debug.role is not None:
            primal = primal.debug.origin
        if loc is None or not getattr(primal, "inputs", None):
            return ""
        return f"  [{render.operation_text(primal)} at {os.path.basename(loc.file)}:{loc.line}]"

    def do_restart(self, arg):
        """restart / run: run the program again from the start; breakpoints and options stay."""
        self.session.restart()
        self.write("Restarting")
        self._move(self.session.begin())
    do_run = do_restart

    def do_jump(self, arg):
        """j(ump) LINE: not supported: a Myia function is a dataflow graph, not statements."""
        raise DebugError("jump is not supported (a Myia function is a dataflow graph, "
                         "not a list of statements); use 'goto N' to travel to step N.")
    do_j = do_jump

    # ----- time travel ------------------------------------------------------

    def do_reverse_step(self, arg):
        """rs / reverse-step: go back to the previous line stop (entering calls backwards)."""
        self._move(self.session.reverse_step())
    do_rs = do_reverse_step

    def do_reverse_next(self, arg):
        """rn / reverse-next: go back to the previous line stop in this function."""
        self._move(self.session.reverse_next())
    do_rn = do_reverse_next

    def do_reverse_finish(self, arg):
        """rfinish / reverse-finish: go back to where this function was called."""
        self._move(self.session.reverse_finish())
    do_rfinish = do_reverse_finish

    def do_reverse_continue(self, arg):
        """rc / reverse-continue: go back to the previous breakpoint, catch or watch hit."""
        self._move(self.session.reverse_cont())
    do_rc = do_reverse_continue

    def do_reverse_stepi(self, arg):
        """rsi / reverse-stepi: go back one IR node."""
        self._move(self.session.reverse_stepi())
    do_rsi = do_reverse_stepi

    def do_goto(self, arg):
        """goto N: jump to global step N (the #N of the stop header), forwards or backwards."""
        if not arg:
            raise DebugError("usage: goto N")
        self._move(self.session.goto(_int(arg)))

    def do_timeline(self, arg):
        """timeline [N]: list the recorded line stops around this one (N each side, default 5)."""
        n = _int(arg, "a count") if arg else 5
        s = self.session
        stops = [p for p in range(s.trace.base, s.end + 1) if s.trace.is_stop(p)]
        before = [p for p in stops if p < s.pos][-n:]
        after = [p for p in stops if p > s.pos][:n]
        for p in before + [s.pos] + after:
            inv = s.trace.invocation(p)
            loc = s.location(p) if p <= s.end else None
            where = f"{os.path.basename(loc.file)}:{loc.line}" if loc else "?"
            mark = ">" if p == s.pos else " "
            name = inv.name if inv is not None else "-"
            self.write(f"{mark} #{p:<5} {s.trace.phase_label(p):4} {where:16} {name}")
