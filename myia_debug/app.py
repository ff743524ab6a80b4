"""The run loops: prompt_toolkit on a terminal, line by line otherwise.

`run()` picks one; both feed lines to the same `Debugger`.  A running
command (`continue` in an endless user loop) is interrupted by Ctrl-C:
while it records, the engine holds the signal as a flag its loops read
between two recorded steps (`horizon.running`), and stops there.
"""

import json
import sys

from prompt_toolkit import PromptSession, print_formatted_text
from prompt_toolkit.history import InMemoryHistory

from . import layout
from .commands import Debugger, Quit
from .keys import load_bindings
from .render import value_text
from .style import STYLE, styled
from .graphs import return_loc, user_loc


def exit_status(session):
    return 1 if session.error is not None else 0


def tracer(path):
    """A step hook writing one JSON object per step to `path`."""
    f = open(path, "w")

    def write(ev, trace):
        # Steps of Myia's machinery (the `grad` wrapper, primitives' wrappers)
        # have no line of their own and are never stops.
        pos = trace.last_step  # the position this step led to
        inv = trace.inv_of[trace.frame_at(pos - 1).id]  # the frame that ran the step
        loc = None
        if not inv.hidden:
            loc = return_loc(inv) if ev.kind == "return" else user_loc(ev.node)
        f.write(json.dumps({"step": ev.step, "kind": ev.kind, "graph": ev.frame.graph.name,
                            "node": ev.node.id if ev.node is not None else None,
                            "file": loc.file if loc else None,
                            "line": loc.line if loc else None,
                            "stop": not inv.hidden and trace.is_stop(pos - 1),
                            "phase": trace.phase(pos),
                            "value": value_text(ev.value) if ev.kind != "call" else None})
                + "\n")
        f.flush()

    return write


def run(session, startup=(), trace=None, color=True, ascii=False,
        stdin=None, stdout=None):
    """Debug `session` until quit or end of input; returns the exit status."""
    stdin = stdin or sys.stdin
    if trace:
        session.trace_hook = tracer(trace)
    if stdin.isatty():
        return App(session, color=color, ascii=ascii).loop(startup)
    return batch(session, startup, stdin, stdout or sys.stdout, ascii)


def batch(session, startup, stdin, stdout, ascii=False):
    """Commands read line by line, each echoed after the prompt; plain output."""
    def write(text):
        print(text, file=stdout, flush=True)

    lines = iter(stdin)

    def readline(prompt):
        line = next(lines, None)
        if line is not None:
            write(prompt + line.rstrip("\n"))
        return None if line is None else line.rstrip("\n")

    dbg = Debugger(session, write, readline, ascii=ascii)
    try:
        dbg.run_lines(startup)
        dbg.show_stop(session.begin())
        while True:
            line = readline(dbg.prompt)
            if line is None:
                break
            dbg.onecmd(line)
            if dbg.ended():
                break
    except Quit:
        pass
    return exit_status(session)


class App:
    """The interactive debugger: a prompt_toolkit session over a `Debugger`."""

    def __init__(self, session, color=True, ascii=False, input=None, output=None):
        self.color = color
        self.output = output
        self.debugger = Debugger(session, self.write, self.readline, ascii=ascii,
                                 color=color)
        self.prompt_session = PromptSession(
            history=InMemoryHistory(), completer=layout.DebuggerCompleter(self.debugger),
            key_bindings=load_bindings(self.debugger), style=STYLE,
            bottom_toolbar=lambda: layout.toolbar(self.debugger),
            complete_while_typing=False, input=input, output=output)

    def write(self, text):
        line = styled(text) if self.debugger.options["color"] else text
        print_formatted_text(line, style=STYLE, output=self.output)

    def readline(self, prompt):
        try:
            return self.prompt_session.prompt(prompt)
        except (EOFError, KeyboardInterrupt):
            return None

    def loop(self, startup=()):
        dbg = self.debugger
        try:
            dbg.run_lines(startup)
            dbg.show_stop(dbg.session.begin())
            while not dbg.ended():
                try:
                    line = self.prompt_session.prompt(lambda: layout.prompt(dbg))
                except KeyboardInterrupt:
                    continue
                except EOFError:
                    break
                try:
                    dbg.onecmd(line)
                except KeyboardInterrupt:  # outside the engine's loops: just drop it
                    self.write("--KeyboardInterrupt--")
        except Quit:
            pass
        return exit_status(dbg.session)
