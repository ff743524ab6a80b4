"""Text commands -> engine calls (the pdb role).

Each command is a `do_<name>` method whose docstring is its help (short
names by assignment, `do_s = do_step`); the groups are mixins (`cmd_*.py`).
A command never lets an exception out: a failure is one `*** ` line.
"""

import os
import shlex

from . import catches, render
from .cmd_break import BreakCommands
from .cmd_inspect import InspectCommands
from .cmd_run import RunCommands
from .cmd_source import SourceCommands
from .breakpoints import UNDEFINED
from .engine import HISTORY, DebugError, Sensitivities

OPTIONS = {"context": 5, "precision": None, "threshold": 20, "types": False,
           "color": False, "ascii": False, "stop-at-boundary": False, "sticky": False,
           "history": HISTORY}
BOOLEAN = ("types", "color", "ascii", "stop-at-boundary", "sticky")


class Quit(Exception):
    """Raised by `quit` to leave the command loop."""


class Debugger(RunCommands, BreakCommands, InspectCommands, SourceCommands):
    """The command interpreter over one `Session`.

    Args:
        session: the engine.
        write: called with each output line (no newline).
        readline: returns the next input line for `commands`/`interact`, or None at EOF.
    """

    def __init__(self, session, write, readline=lambda prompt: None, **options):
        self.session = session
        self.write = write
        self.readline = readline
        self.options = dict(OPTIONS, **options)
        self.aliases = {}
        self.displays = []  # [expr, last text]
        self.lastcmd = ""
        self.list_next = None
        self.mode = "source"

    # ----- the prompt -------------------------------------------------------

    @property
    def prompt(self):
        return f"(myia {self.session.phase_label}) "

    def ended(self):
        """Whether the session is over: an error with `catch error` removed."""
        return self.session.error is not None and not self.session.points.catch_errors

    def names(self):
        """Every command name, for help and completion."""
        return sorted(n[3:].replace("_", "-") for n in dir(self) if n.startswith("do_"))

    def onecmd(self, line):
        """Run one command line; raises `Quit` to leave."""
        line = line.strip()
        if not line:
            if not self.lastcmd:
                return
            line = "list" if self.lastcmd.split()[0] in ("l", "list") else self.lastcmd
        else:
            self.lastcmd = line
        try:
            self._dispatch(line)
        except (Quit, KeyboardInterrupt):
            raise
        except DebugError as e:
            self.write(f"*** {e}")
        except SyntaxError as e:
            self.write(f"*** SyntaxError: {e.msg}")
        except Exception as e:  # user expressions can raise anything
            self.write(f"*** {type(e).__name__}: {e}")

    def _dispatch(self, line):
        if line.startswith("!"):
            return self.do_exec(line[1:])
        cmd, _, arg = line.partition(" ")
        if cmd in self.aliases:
            return self._dispatch(self._expand(cmd, arg))
        method = getattr(self, "do_" + cmd.replace("-", "_"), None)
        if method is None:
            # A bare name is an expression (pdb: `*** NameError` when unknown);
            # `word word` that is no Python is an unknown command.
            if cmd.isidentifier() and arg.strip() and cmd not in self._names() and \
                    not arg.strip()[:1] in ("(", "[", ".", "+", "-", "*", "/", "=", "<", ">"):
                raise DebugError(f"Unknown command {cmd!r}; type 'help' for the list.")
            return self.do_p(line)
        return method(arg.strip())

    def _names(self):
        try:
            return self.session.variables()
        except Exception:  # no frame to read: every word is then a command
            return {}

    def _expand(self, name, arg):
        args = arg.split()
        text = self.aliases[name]
        for i, a in enumerate(args, 1):
            text = text.replace(f"%{i}", a)
        return text.replace("%*", arg)

    def out(self, lines):
        for line in lines:
            self.write(line)

    # ----- stops ------------------------------------------------------------

    def show_stop(self, stop):
        """Print why and where the session stopped, displays, then breakpoint commands."""
        s = self.session
        silent = False
        for text in stop.reasons:
            if text == "error":
                self.out([f"*** {type(s.error).__name__}: {line}" if i == 0 else line
                          for i, line in enumerate(str(s.error).splitlines())])
            elif text != "finished":
                self.write(text)
        if stop.catch is not None:
            self.out(catches.report(s, stop, self.fmt, self.d))
        for name, old, new in stop.changes:
            if name.startswith("∂"):
                self.write(f"Watch {self.d(name[1:])}: += {self.fmt(new)}")
                continue
            old_text = "<undefined>" if old is UNDEFINED else self.fmt(old)
            self.write(f"Watch {name}: {old_text} -> {self.fmt(new)}")
        for bp in stop.hits:
            if bp.commands[:1] == ["silent"]:
                silent = True
            else:
                self.write(f"Breakpoint {bp.number} at {bp.where()}, hit {bp.hits}")
        if stop.returned and "finished" not in stop.reasons:
            self.write(f"--Return-- {self.fmt(stop.retval)}")
        if not silent:
            self.show_location(stop)
        self.show_displays()
        for bp in stop.hits:
            for cmd in bp.commands:
                if cmd != "silent":
                    self.onecmd(cmd)

    def show_location(self, stop):
        s = self.session
        ascii = self.options["ascii"]
        if s.trace.frame_at(stop.pos) is None:
            self.write(f"The program finished and returned {self.fmt(s.result)} [done #{stop.pos}]")
            return
        if self.mode in ("source", "both"):
            self.out(render.header(s, stop, ascii))
            inside = getattr(stop, "catch", None) and stop.catch[1].atomic  # machinery's node
            flow = self.backward_flow(stop.pos) if s.trace.phase(stop.pos) == "bwd" \
                and not s.frame_index and not inside else None  # (the stop's line's)
            if flow is not None:
                self.write(render.adjoint_line(flow, ascii))
        if self.mode in ("ir", "both"):
            node = stop.node or s.trace.next_node(stop.pos)
            if node is not None:
                inv, frame, _ = s.current_frame(stop.pos)
                self.write(f"-> %{node.id} = {render.printer.node_text(node)}"
                           f"    [{frame.graph.name} #{stop.pos}]")
        if self.options["sticky"]:
            self.do_list(".")

    def show_displays(self):
        for i, d in enumerate(self.displays, 1):
            try:
                text = self.fmt(self.session.evaluate(d[0]))
            except Exception as e:
                text = f"*** {type(e).__name__}: {e}"
            if text != d[1]:
                self.write(f"display {i}: {d[0]} = {text}" +
                           (f"  [old: {d[1]}]" if d[1] is not None else ""))
                d[1] = text

    def d(self, name):
        """∂name, or d(name) in ASCII mode."""
        if not self.options["ascii"]:
            return f"∂{name}"
        return f"d{name}" if name.startswith("(") else f"d({name})"

    def fmt(self, v, pretty=False):
        if isinstance(v, Sensitivities):  # a backward pass's return: by argument name
            return ", ".join(f"{self.d(k)} = {self.fmt(x, pretty)}" for k, x in v.items())
        return render.value_text(v, self.options["precision"], self.options["threshold"],
                                 pretty)

    # ----- session, scripting, settings --------------------------------------

    def do_help(self, arg):
        """h(elp) [CMD]: list commands, or show the help of one command."""
        if not arg:
            self.write("Commands (type 'help CMD' for one):")
            names = self.names()
            for i in range(0, len(names), 8):
                self.write("  " + "  ".join(names[i:i + 8]))
            return
        method = getattr(self, "do_" + arg.replace("-", "_"), None)
        if method is None:
            raise DebugError(f"No help for {arg!r}: not a command.")
        self.write(method.__doc__.strip())
    do_h = do_help

    def do_quit(self, arg):
        """q(uit) / exit: leave the debugger (exit status 1 if the session ended in an error)."""
        raise Quit()
    do_q = do_exit = do_quit

    def do_alias(self, arg):
        """alias [NAME [CMD]]: define an alias (%1.. are its parameters); list them."""
        name, _, cmd = arg.partition(" ")
        if not name:
            self.out(f"{k} = {v}" for k, v in sorted(self.aliases.items()))
        elif not cmd:
            if name not in self.aliases:
                raise DebugError(f"No alias {name!r}.")
            self.write(f"{name} = {self.aliases[name]}")
        else:
            self.aliases[name] = cmd.strip()

    def do_unalias(self, arg):
        """unalias NAME: remove an alias."""
        if self.aliases.pop(arg, None) is None:
            raise DebugError(f"No alias {arg!r}.")

    def do_script(self, arg):
        """script FILE: run debugger commands from FILE, one per line."""
        try:
            with open(os.path.expanduser(arg)) as f:
                lines = f.read().splitlines()
        except OSError as e:
            raise DebugError(f"cannot read {arg!r}: {e.strerror}") from None
        self.run_lines(lines)

    def run_lines(self, lines):
        """Run commands (a `-c` list, a script, an rc file); `commands` blocks included."""
        it = iter(lines)
        saved = self.readline
        self.readline = lambda prompt: next(it, None)
        try:
            for line in it:
                if line.strip() and not line.lstrip().startswith("#"):
                    self.onecmd(line)
        finally:
            self.readline = saved

    def do_save(self, arg):
        """save [FILE]: write breakpoints, displays, watches and aliases (default .myia-debugrc)."""
        path = arg or ".myia-debugrc"
        with open(path, "w") as f:
            for line in self.state_lines():
                f.write(line + "\n")
        self.write(f"Saved to {path}")

    def state_lines(self):
        s = self.session
        for bp in s.points.breakpoints:
            where = bp.func.name if bp.kind == "func" else (
                f"%{bp.node_id}" if bp.kind == "node" else f"{bp.file}:{bp.line}")
            cmd = "tbreak" if bp.temporary else "break"
            yield f"{cmd} {where} {bp.phase}" + (f" if {bp.cond}" if bp.cond else "")
            if bp.commands:  # `commands` alone: the breakpoint just set
                yield from ["commands", *bp.commands, "end"]
        for c in s.points.catches:
            yield f"catch {c.kind} {c.phase}"
        for w in s.points.watches:
            yield f"watch {'adj ' if w.adjoint else ''}{w.name}" + \
                ("" if w.adjoint else f" {w.phase}")
        for d in self.displays:
            yield f"display {d[0]}"
        for k, v in sorted(self.aliases.items()):
            yield f"alias {k} {v}"

    def do_set(self, arg):
        """set OPTION VALUE: context, precision, threshold, types, color, ascii,
        stop-at-boundary, sticky (on/off for these five), history (the recorded
        steps kept for time travel; older ones are dropped; 0 keeps all)."""
        try:
            name, value = shlex.split(arg)
        except ValueError:
            raise DebugError("usage: set OPTION VALUE") from None
        if name not in self.options:
            raise DebugError(f"Unknown option {name!r}; one of: {', '.join(self.options)}")
        if name in BOOLEAN:
            if value not in ("on", "off"):
                raise DebugError(f"{name} is 'on' or 'off'")
            self.options[name] = value == "on"
            self.session.options["stop-at-boundary"] = self.options["stop-at-boundary"]
        else:
            try:
                number = int(value)
            except ValueError:
                raise DebugError(f"{name} takes a whole number") from None
            if name == "history" and number < 0:
                raise DebugError("history takes a number of steps (0: all)")
            self.options[name] = number
            if name == "history":
                self.session.options["history"] = number
                self.session.trace.limit = self.options[name] or None

    def do_show(self, arg):
        """show [OPTION]: show one option, or all."""
        names = [arg] if arg else list(self.options)
        for n in names:
            if n not in self.options:
                raise DebugError(f"Unknown option {n!r}")
            v = self.options[n]
            self.write(f"{n} = {('on' if v else 'off') if n in BOOLEAN else v}")
