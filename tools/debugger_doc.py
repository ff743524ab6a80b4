"""Writes docs/debugger.md from the debugger's command table.

Each command's help is the docstring of its `do_<name>` method (what `help
CMD` prints), grouped by the mixin defining it, so the reference cannot
drift from the code: `tests/test_docs.py` fails when the file differs from
what this prints.  Run `python tools/debugger_doc.py --write` after changing
a command.
"""

import inspect
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "debugger.md"

INTRO = """\
# The debugger: `myia-debug`

    myia-debug FILE.py FUNCTION [ARGS...] [--grad [ARGNUM]]

opens a prompt on the debug VM, stopped at the first line of `FUNCTION`;
`ARGS` are Python literals or `np.` expressions. With `--grad` it debugs the
gradient program: the forward pass, then the backward pass, each step shown
against your source line. From code: `myia_debug.debug(fn, *args,
grad=None)`. The commands are pdb's, plus gdb's `finish`, `catch`, `watch`
and reverse stepping; an empty line repeats the last command.

This file is generated from the command table (`python tools/debugger_doc.py
--write`): each entry is what `help CMD` prints.
"""


TITLES = {"Debugger": "Session, help, aliases and settings",
          "RunCommands": "Running, stepping and time travel",
          "BreakCommands": "Breakpoints, catchpoints and watches",
          "InspectCommands": "Values, expressions, gradients and the stack",
          "SourceCommands": "Listings of the source and of the IR"}


def commands_by_group():
    """[(group docstring, [(names, help)])] in the order of the mixins."""
    from myia_debug.commands import Debugger

    groups = []
    for cls in Debugger.__mro__:
        if cls is object:
            continue
        entries = {}
        for name, fn in vars(cls).items():
            if name.startswith("do_") and callable(fn):
                entries.setdefault(fn, []).append(name[3:].replace("_", "-"))
        if entries:
            doc = TITLES.get(cls.__name__) or inspect.getdoc(cls).split("\n\n")[0]
            rows = [(sorted(names, key=len, reverse=True), inspect.getdoc(fn))
                    for fn, names in entries.items()]
            groups.append((doc, sorted(rows)))
    return groups


def render():
    out = [INTRO]
    for doc, rows in commands_by_group():
        out.append(f"## {doc}\n")
        for names, help_ in rows:
            help_ = help_.replace("\n", "\n  ")
            out.append(f"- **{' / '.join(names)}** — {help_}")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    if "--write" in sys.argv:
        OUT.write_text(render())
    else:
        print(render())
