"""The command line's pieces: prompt, bottom toolbar and completion.

The UI is a pdb-style REPL rather than a full-screen application: the stop
header and listings scroll like pdb's, and the toolbar keeps the phase, step
and function in view.
"""

import os
import re

from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.formatted_text import FormattedText

# Commands whose argument is a location, a variable, an expression.
LOCATION_COMMANDS = {"b", "break", "tbreak", "cl", "clear", "unt", "until", "source", "ir"}
CATCH_WORDS = ("nan", "inf", "nonfinite", "error", "fwd", "bwd", "both")


def prompt(debugger):
    phase = debugger.session.phase
    cls = "class:prompt.bwd" if phase == "bwd" else "class:prompt"
    return FormattedText([(cls, debugger.prompt)])


def toolbar(debugger):
    s = debugger.session
    inv = s.current_frame()[0]
    return f" {s.phase_label}  step #{s.pos}/{s.end}  {inv.name}()  " \
           f"[F10 next  F11 step  S-F11 return  F5 continue  F8 back  C-d quit]"


class DebuggerCompleter(Completer):
    """Command names first; then each command's arguments: `mode`, `set`,
    `catch`, `help` words, function names and `FILE:LINE` after `b`, and
    variable names inside expressions (`p x + be<Tab>`)."""

    def __init__(self, debugger):
        self.debugger = debugger

    def get_completions(self, document, complete_event):
        text = document.text_before_cursor
        words = text.split()
        if len(words) <= 1 and not text.endswith(" "):
            word = words[0] if words else ""
            candidates = self.debugger.names() + sorted(self.debugger.aliases)
        else:
            cmd, rest = words[0], text.split(None, 1)[1] if len(words) > 1 else ""
            candidates, word = self.arguments(cmd, rest)
        for c in candidates:
            if c.startswith(word) and c != word:
                yield Completion(c, start_position=-len(word))

    def arguments(self, cmd, rest):
        """(candidates, the word they complete) for the argument text `rest` of `cmd`."""
        d = self.debugger
        word = rest.split()[-1] if rest and not rest.endswith(" ") else ""
        nth = len(rest.split()) - (1 if word else 0)  # index of the word being completed
        fixed = {"mode": ["source", "ir", "both"], "catch": list(CATCH_WORDS),
                 "uncatch": list(CATCH_WORDS[:4]), "help": d.names(), "h": d.names()}
        if cmd in fixed:
            return (fixed[cmd] if nth == 0 or cmd == "catch" else []), word
        if cmd in ("set", "show"):
            if nth == 0:
                return list(d.options), word
            from .commands import BOOLEAN

            return (["on", "off"] if rest.split()[0] in BOOLEAN else []), word
        if cmd in LOCATION_COMMANDS and nth == 0:
            return d.functions() + self.file_lines(), word
        match = re.search(r"[A-Za-z_]\w*$", rest)
        word = match.group(0) if match else ""
        try:
            return list(d.session.variables()) + ["np", "math", "adj", "isfinite"], word
        except Exception:  # completion never breaks the prompt
            return [], word

    def file_lines(self):
        """`file.py:LINE` for every line with code."""
        return sorted(f"{os.path.basename(f)}:{n}" for f, n in self.debugger.code_lines())
