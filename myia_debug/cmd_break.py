"""Breakpoint, catchpoint and watch commands, and parsing `LOC [PHASE] [if COND]`."""

import os
import re

from myia.vm.debug import graph_nodes

from .breakpoints import PHASES, same_file
from .engine import DebugError
from .statements import quiet_locs
from .graphs import bare_return, grad_call, is_library, user_graph, user_loc

CATCH_KINDS = ("nan", "inf", "nonfinite", "error")


def split_spec(arg):
    """`LOC [fwd|bwd|both] [if COND | , COND]` -> (loc, phase, cond)."""
    cond = None
    m = re.search(r"(?:^|\s)if\s+(.*)$", arg)
    if m:
        arg, cond = arg[:m.start()], m.group(1).strip()
    elif "," in arg:
        arg, cond = (x.strip() for x in arg.split(",", 1))
    words = arg.split()
    phase = "both"
    if words and words[-1] in PHASES:
        phase = words.pop()
    if len(words) > 1:
        raise DebugError(f"cannot read the location {' '.join(words)!r}")
    if cond is not None and not cond:
        raise DebugError("empty condition")
    return (words[0] if words else None), phase, cond


class BreakCommands:
    """`break`, `tbreak`, `clear`, `enable`/`disable`, `ignore`, `condition`,
    `commands`, `catch`/`uncatch`, `watch`/`unwatch`."""

    def code_lines(self):
        """(file, line) pairs that have code in the program being run."""
        if getattr(self, "_code_lines", None) is None:
            graphs = self.session.graphs()
            self._code_lines = {(os.path.abspath(loc.file), loc.line)
                                for g in graphs for n in graph_nodes(g)
                                for loc in [user_loc(n)] if loc is not None}
            self._code_lines |= {(os.path.abspath(loc.file), loc.line) for g in graphs
                                 for loc in [bare_return(g), *quiet_locs(g)]
                                 if loc is not None and not is_library(loc)}
        return self._code_lines

    def resolve(self, loc):
        """A location -> keyword fields of a `Breakpoint`."""
        s = self.session
        if loc.startswith("%"):
            if not loc[1:].isdigit():
                raise DebugError(f"bad node {loc!r}: write %N as printed by 'ir'")
            return {"kind": "node", "node_id": int(loc[1:])}
        head, _, tail = loc.rpartition(":")
        if tail.isdigit() and head:
            if head.endswith(".py") or os.sep in head:
                return self._line(head, int(tail))
            g = s.function_graph(head)
            return self._line(g.debug.loc.file, int(tail))
        if loc.isdigit():
            return self._line(s.location().file, int(loc))
        if not loc.isidentifier():
            raise DebugError(f"bad location {loc!r}: LINE, FILE:LINE, FUNC, FUNC:LINE or %N")
        g = s.function_graph(loc)
        first = min((line for f, line in self.code_lines()
                     if same_file(f, g.debug.loc.file) and line > g.debug.loc.line
                     and self._in(g, line)), default=g.debug.loc.line)
        return {"kind": "func", "func": g, "file": g.debug.loc.file, "line": first}

    def _in(self, g, line):
        from .render import function_lines

        _, first, last = function_lines(g)
        return first <= line <= last

    def _line(self, file, line):
        matches = {f for f, n in self.code_lines() if same_file(f, file)}
        if not matches:
            raise DebugError(f"no code of this program in {file!r}")
        path = matches.pop()
        if (path, line) not in self.code_lines():
            moved = self._next_code_line(path, line)
            if moved is None:
                raise DebugError(f"line {line} of {os.path.basename(path)} has no code "
                                 "(blank, comment, or not run by Myia)")
            self.write(f"Line {line} runs no statement of its own; the breakpoint "
                       f"goes to line {moved}, the next one that does.")
            line = moved
        return {"kind": "line", "file": path, "line": line}

    def _next_code_line(self, path, line):
        """For a line of a function that is no statement (`else:`), the next line
        of the function with code, as gdb moves a breakpoint; None for blank lines."""
        import linecache

        from .render import function_lines

        text = linecache.getline(path, line).strip()
        if not text or text.startswith("#"):
            return None
        for g in self.session.graphs():
            if g.debug.role is not None or user_loc(g) is None or \
                    not same_file(g.debug.loc.file, path):
                continue
            _, first, last = function_lines(g)
            if first < line <= last:
                after = [n for f, n in self.code_lines() if f == path and line < n <= last]
                return min(after, default=None)
        return None

    def _set(self, arg, temporary):
        loc, phase, cond = split_spec(arg)
        if loc is None:
            return self._list_breakpoints()
        if phase == "bwd" and self.session.grad is None and \
                not any(grad_call(g) for g in self.session.graphs()):
            self.write("Note: no backward pass without --grad; this breakpoint will not fire.")
        if cond is not None:
            compile(cond, "<condition>", "eval")
        bp = self.session.points.add_breakpoint(phase=phase, cond=cond, temporary=temporary,
                                         **self.resolve(loc))
        kind = "Temporary breakpoint" if temporary else "Breakpoint"
        self.write(f"{kind} {bp.number} at {bp.where()}" +
                   (f" [{phase}]" if phase != "both" else ""))

    def _list_breakpoints(self):
        bps = self.session.points.breakpoints
        if not bps:
            self.write("No breakpoints.")
            return
        self.write("Num Type         Disp Enb   Where")
        for bp in bps:
            disp = "del " if bp.temporary else "keep"
            self.write(f"{bp.number:<3} breakpoint   {disp} {'yes' if bp.enabled else 'no ':3}"
                       f"   {bp.where()} [{bp.phase}]")
            if bp.cond:
                self.write(f"\tstop only if {bp.cond}")
            if bp.ignore:
                self.write(f"\twill ignore next {bp.ignore} hits")
            if bp.hits:
                self.write(f"\tbreakpoint already hit {bp.hits} time{'s' if bp.hits > 1 else ''}")
            for c in bp.commands:
                self.write(f"\t{c}")

    def do_break(self, arg):
        """b(reak) [LOC [fwd|bwd|both] [if COND]]: set a breakpoint; no argument lists them.
        LOC is LINE, FILE:LINE, FUNC, FUNC:LINE or %N (an IR node)."""
        self._set(arg, False)
    do_b = do_break

    def do_tbreak(self, arg):
        """tbreak LOC [fwd|bwd|both] [if COND]: a breakpoint removed when first hit."""
        if not arg:
            raise DebugError("usage: tbreak LOC")
        self._set(arg, True)

    def _numbers(self, arg):
        try:
            return [self.session.points.breakpoint(int(x)) for x in arg.split()]
        except ValueError:
            raise DebugError(f"breakpoint numbers expected, got {arg!r}") from None
        except LookupError as e:
            raise DebugError(str(e)) from None

    def do_clear(self, arg):
        """cl(ear) [N ...| LOC]: delete breakpoints (all, after confirmation, with no argument)."""
        s = self.session
        if not arg:
            answer = self.readline("Clear all breaks? ")
            if answer is not None and answer.strip().lower() in ("y", "yes"):
                s.points.breakpoints.clear()
                self.write("Deleted all breakpoints")
            return
        if all(x.isdigit() for x in arg.split()):
            bps = self._numbers(arg)
        else:
            fields = self.resolve(arg)
            bps = [bp for bp in s.points.breakpoints
                   if all(getattr(bp, k) == v for k, v in fields.items())]
            if not bps:
                raise DebugError(f"no breakpoint at {arg}")
        for bp in bps:
            s.points.breakpoints.remove(bp)
            self.write(f"Deleted breakpoint {bp.number} at {bp.where()}")
    do_cl = do_clear

    def do_disable(self, arg):
        """disable [N ...]: disable breakpoints (all with no argument)."""
        for bp in self._numbers(arg) if arg else self.session.points.breakpoints:
            bp.enabled = False
            self.write(f"Disabled breakpoint {bp.number} at {bp.where()}")

    def do_enable(self, arg):
        """enable [N ...]: enable breakpoints (all with no argument)."""
        for bp in self._numbers(arg) if arg else self.session.points.breakpoints:
            bp.enabled = True
            self.write(f"Enabled breakpoint {bp.number} at {bp.where()}")

    def do_ignore(self, arg):
        """ignore N COUNT: do not stop the next COUNT times breakpoint N is hit."""
        parts = arg.split()
        if len(parts) != 2 or not parts[1].isdigit():
            raise DebugError("usage: ignore N COUNT")
        bp = self._numbers(parts[0])[0]
        bp.ignore = int(parts[1])
        self.write(f"Will ignore next {bp.ignore} crossings of breakpoint {bp.number}.")

    def do_condition(self, arg):
        """condition N [COND]: set the condition of breakpoint N, or remove it."""
        num, _, cond = arg.partition(" ")
        bp = self._numbers(num)[0] if num else None
        if bp is None:
            raise DebugError("usage: condition N [COND]")
        if cond.strip():
            compile(cond.strip(), "<condition>", "eval")
        bp.cond = cond.strip() or None
        self.write(f"New condition set for breakpoint {bp.number}." if bp.cond else
                   f"Breakpoint {bp.number} is now unconditional.")

    def do_commands(self, arg):
        """commands [N]: attach commands to breakpoint N (default: the last), up to 'end';
        'silent' as the first one hides the stop header."""
        bps = self.session.points.breakpoints
        if not bps:
            raise DebugError("no breakpoints")
        bp = self._numbers(arg)[0] if arg else bps[-1]
        lines = []
        while True:
            line = self.readline("(com) ")
            if line is None or line.strip() == "end":
                break
            if line.strip():
                lines.append(line.strip())
        bp.commands = lines

    def do_catch(self, arg):
        """catch nan|inf|nonfinite [fwd|bwd|both] / catch error: stop where a value first
        turns non-finite from finite inputs, or where a runtime error is raised."""
        words = arg.split()
        if not words or words[0] not in CATCH_KINDS or len(words) > 2 or \
                (len(words) == 2 and words[1] not in PHASES):
            raise DebugError("usage: catch nan|inf|nonfinite [fwd|bwd|both] | catch error")
        self.session.points.add_catch(words[0], words[1] if len(words) > 1 else "both")
        self.write(f"Catchpoint: {words[0]}" + (f" [{words[1]}]" if len(words) > 1 else ""))

    def do_uncatch(self, arg):
        """uncatch [KIND]: remove catchpoints (all with no argument)."""
        s = self.session
        if arg and arg not in CATCH_KINDS:
            raise DebugError(f"no catchpoint kind {arg!r}")
        if arg in ("", "error"):
            s.points.catch_errors = False
        s.points.catches = [c for c in s.points.catches if arg and c.kind != arg]
        self.write("Removed catchpoints" + (f" for {arg}" if arg else ""))

    def do_watch(self, arg):
        """watch NAME [fwd|bwd|both] / watch adj NAME: stop when NAME gets a new value,
        or when a contribution is added to the adjoint of NAME in the backward pass."""
        words = arg.split()
        adjoint = bool(words) and words[0] == "adj" and len(words) > 1
        if adjoint:
            words = words[1:]
        phase = words.pop() if len(words) == 2 and words[1] in PHASES else "both"
        if len(words) != 1 or not words[0].isidentifier():
            raise DebugError("usage: watch NAME [fwd|bwd|both] | watch adj NAME")
        s = self.session
        w = s.points.add_watch(words[0], s.current_frame()[0].graph, phase, adjoint)
        where = f" in {w.func.name}()" if w.func is not None else ""
        self.write(f"Watching {'adj ' if adjoint else ''}{w.name}{where}")

    def do_unwatch(self, arg):
        """unwatch [NAME]: remove watches (all with no argument)."""
        s = self.session
        before = len(s.points.watches)
        s.points.watches = [w for w in s.points.watches if arg and w.name != arg]
        if before == len(s.points.watches):
            raise DebugError(f"no watch on {arg!r}" if arg else "no watches")
        self.write("Removed watch" + (f" on {arg}" if arg else "es"))

    def functions(self):
        """Names of the user functions in the program (for completion)."""
        return sorted({user_graph(g).name for g in self.session.graphs()})
