"""Inspecting values, gradients and the stack."""

import code

from myia.types import typeof

from . import gradients, inferred, render
from .engine import DebugError
from .evaluate import execute, namespace


HISTORY_ROWS = 20  # `history NAME` shows the last ones: a loop may have run 10^5 times


class InspectCommands:
    """`p`, `pp`, `locals`, `display`, `grad`, `gradcheck`, `where`, `up`, ..."""

    def do_p(self, arg):
        """p EXPR: print the value of EXPR (Python over the stop's values, np, math, adj)."""
        if not arg:
            raise DebugError("usage: p EXPR")
        self.write(self.fmt(self.session.evaluate(arg)))

    def do_pp(self, arg):
        """pp EXPR: pretty-print EXPR (full arrays, nested tuples one per line)."""
        if not arg:
            raise DebugError("usage: pp EXPR")
        self.out(self.fmt(self.session.evaluate(arg), pretty=True).splitlines())

    def do_exec(self, arg):
        """!STMT: execute a Python statement on copies of the stop's values."""
        execute(self.session, arg, self.session.pos, self.write)

    def do_args(self, arg):
        """a(rgs): print the arguments of the current function."""
        for name, value in self.session.arguments():
            self.write(f"{name} = {self.fmt(value)}")
    do_a = do_args

    def do_locals(self, arg):
        """locals: print the variables visible at this stop; with 'set types on', each
        with the type Myia infers for it (as 'whatis')."""
        s = self.session
        values = s.variables()
        if not values:
            self.write("(no variables yet)")
        view = inferred.types_of(s)
        types = view.variable_types(s.pos) if self.options["types"] and view.ready() else {}
        if self.options["types"] and view.reason:
            self.write(f"(types of the values: {view.reason})")
        for name, value in values.items():
            t = types.get(name)
            typ = "" if not self.options["types"] else f"  : {inferred.type_text(s, t)}" \
                if t is not None else f"  : {inferred.type_text(s, typeof(value))} (of the value)"
            self.write(f"{name} = {self.fmt(value)}{typ}")

    def do_retval(self, arg):
        """retval / rv: print the value returned by the last function that returned."""
        if self.session.last_retval is None and not self.session.finished:
            raise DebugError("no function has returned yet (use 'r' to finish one)")
        value = self.session.last_retval if self.session.last_retval is not None \
            else self.session.result
        self.write(self.fmt(value))
    do_rv = do_retval

    def do_whatis(self, arg):
        """whatis EXPR: the type and shape Myia infers for EXPR (f64, f64[2],
        (int, f64), int=3 for a static value, float|ZERO for a sensitivity that
        may be the symbolic zero), over the inferred types of the stop's
        variables; where inference cannot, the type of its value and why."""
        if not arg:
            raise DebugError("usage: whatis EXPR")
        s = self.session
        t, note = inferred.expression_type(s, arg, s.pos)
        text = inferred.type_text(s, t)
        self.write(text)
        for line in ([note] if note else []) + inferred.glossary(text):
            self.write(f"  ({line})")

    def do_stats(self, arg):
        """stats EXPR: min, max, mean, NaN/Inf counts, shape and dtype of an array."""
        if not arg:
            raise DebugError("usage: stats EXPR")
        self.out(render.stats_lines(self.session.evaluate(arg)))

    def do_history(self, arg):
        """history NAME [N|all]: the values NAME took so far in this function (SSA
        versions, loop iterations), with the step each was set at; in bwd and
        done, with the adjoint each version received.  The last N (default 20)."""
        words = arg.split()
        if not 1 <= len(words) <= 2 or not words[0].isidentifier() or \
                (len(words) == 2 and words[1] != "all" and not words[1].isdigit()):
            raise DebugError("usage: history NAME [N|all]")
        from .adjoints import history

        s = self.session
        last = None if words[1:] == ["all"] else int(words[1]) if words[1:] else HISTORY_ROWS
        inv, rows, total = history(s, words[0], s.pos, last)
        arg = words[0]
        if not rows:
            raise gradients.not_yet(s, arg, s.pos)
        if total > len(rows):
            self.write(f"({total - len(rows)} earlier versions; 'history {arg} all' "
                       f"shows all {total})")
        for step, value, adj in rows:
            self.write(f"#{step:<5} {arg} = {self.fmt(value)}" +
                       (f"   {self.d(arg)} = {self.fmt(adj)}" if adj is not None else ""))

    def do_display(self, arg):
        """display [EXPR]: show EXPR at every stop where it changed; no argument lists them."""
        if not arg:
            for i, (expr, last) in enumerate(self.displays, 1):
                self.write(f"{i}: {expr} = {last}")
            return
        compile(arg, "<display>", "eval")
        self.displays.append([arg, None])
        self.show_displays()

    def do_undisplay(self, arg):
        """undisplay [EXPR|N]: remove a display (all with no argument)."""
        if not arg:
            self.displays.clear()
            return
        keep = [d for i, d in enumerate(self.displays, 1) if arg not in (d[0], str(i))]
        if len(keep) == len(self.displays):
            raise DebugError(f"no display {arg!r}")
        self.displays[:] = keep

    def do_interact(self, arg):
        """interact: a Python REPL over the stop's values (Ctrl-D or 'end' returns)."""
        console = code.InteractiveConsole(namespace(self.session, self.session.pos))

        def raw_input(prompt=""):
            line = self.readline(prompt)
            if line is None or line.strip() == "end":
                raise EOFError
            return line

        console.raw_input = raw_input
        console.write = lambda text: self.out(text.rstrip("\n").splitlines())
        console.interact(banner="*interactive*", exitmsg="*exit from interact*")

    # ----- gradients ----------------------------------------------------------

    def do_grad(self, arg):
        """grad [NAME]: ∂out/∂NAME for NAME's current value; alone: the adjoints flowing
        at this bwd step, or the final gradients when done."""
        s = self.session
        if arg:
            how = "" if s.grad is not None else "  (finite differences: no --grad)"
            self.write(f"{self.d('out')}/{self.d(arg)} = "
                       f"{self.fmt(gradients.adjoint(s, arg, s.pos))}{how}")
            return
        if s.grad is None:
            raise DebugError("'grad' with no name needs --grad; try 'grad NAME'")
        if s.phase == "bwd":
            flow = self.backward_flow(s.pos)
            if flow is None:
                raise DebugError("no adjoint flows at this step")
            self.write(render.adjoint_line(flow, self.options["ascii"]).strip())
        elif s.finished and s.pos == s.end:
            for name, value in zip(self.grad_names(), self.final_grads()):
                self.write(f"{self.d('out')}/{self.d(name)} = {self.fmt(value)}")
        else:
            raise DebugError("in fwd, use 'grad NAME' (or 'bwd' to run the backward pass)")

    def grad_names(self):
        params = self.session.primal.parameters
        return [params[i].debug.name for i in self.session.grad]

    def final_grads(self):
        grads = self.session.result[1]
        return grads if isinstance(grads, tuple) else (grads,)

    def backward_flow(self, pos):
        from .adjoints import flow_at

        return flow_at(self.session, pos)

    def do_explain(self, arg):
        """explain NAME: each use of NAME with the contribution it sent to ∂NAME, then the total."""
        if not arg.isidentifier():
            raise DebugError("usage: explain NAME")
        if self.session.grad is None:
            raise DebugError("explain reads the backward pass: start with --grad")
        from .adjoints import contributions

        rows, total = contributions(self.session, arg)
        for where, value in rows:
            self.write(f"  {where}: {self.fmt(value)}")
        self.write(f"  total {self.d(arg)} = {self.fmt(total)}")

    def do_gradcheck(self, arg):
        """gradcheck [NAME ...]: AD adjoints against central finite differences
        (default: the differentiated arguments): AD, FD, relative error, OK/FAIL."""
        for label, ad, fd, err, ok in gradients.gradcheck(self.session, arg.split()):
            if ad is None:
                self.write(f"{label}: AD n/a (no --grad)  FD {self.fmt(fd)}")
            else:
                self.write(f"{label}: AD {self.fmt(ad)}  FD {self.fmt(fd)}  "
                           f"rel.err {err:.2e}  {'OK' if ok else 'FAIL'}")

    def do_seed(self, arg):
        """seed VALUE: the output sensitivity of the backward pass (default 1.0),
        before 'bwd' starts."""
        s = self.session
        if s.grad is None:
            raise DebugError("seed needs --grad")
        if s.phase != "fwd":
            raise DebugError("the backward pass has started; 'restart' first")
        try:
            value = float(s.evaluate(arg))
        except (TypeError, ValueError):
            raise DebugError("seed takes a number") from None
        s.set_seed(value)
        self.write(f"Seed set to {s.seed!r}")

    # ----- the stack -----------------------------------------------------------

    def do_where(self, arg):
        """w(here) / bt: the stack, outermost first, the selected frame marked '>'."""
        self.out(render.stack_lines(self.session))
    do_w = do_bt = do_where

    def _select(self, index):
        s = self.session
        depth = len(s.stack())
        if not 0 <= index < depth:
            raise DebugError("Oldest frame" if index >= depth else "Newest frame")
        s.frame_index = index
        self.show_location(_StopAt(s.pos))

    def do_up(self, arg):
        """u(p) [COUNT]: move to an older frame."""
        self._select(self.session.frame_index + int(arg or 1))
    do_u = do_up

    def do_down(self, arg):
        """d(own) [COUNT]: move to a newer frame."""
        self._select(self.session.frame_index - int(arg or 1))
    do_d = do_down

    def do_frame(self, arg):
        """f(rame) N: select frame N (0 is the outermost, as listed by 'where')."""
        if not arg.isdigit():
            raise DebugError("usage: frame N")
        self._select(len(self.session.stack()) - 1 - int(arg))
    do_f = do_frame

    def do_exceptions(self, arg):
        """exceptions [N]: in pm, list the chained errors, or show error N."""
        err = self.session.error
        if err is None:
            raise DebugError("no error: 'exceptions' is for post-mortem (pm) stops")
        chain = []
        while err is not None and len(chain) < 20:
            chain.append(err)
            err = err.__cause__ or err.__context__
        if arg:
            if not arg.isdigit() or int(arg) >= len(chain):
                raise DebugError(f"usage: exceptions [N], N from 0 to {len(chain) - 1}")
            self.out(str(chain[int(arg)]).splitlines())
            return
        for i, e in enumerate(chain):
            self.write(f"{'>' if i == 0 else ' '} {i} {type(e).__name__}: {e.args[0] if e.args else ''}")


class _StopAt:
    """A plain stop at a position (for re-showing the location after `up`/`down`)."""

    def __init__(self, pos):
        self.pos, self.node = pos, None
