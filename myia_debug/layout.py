"""The command line's pieces: prompt, bottom toolbar and completion.

The UI is a pdb-style REPL rather than a full-screen application: the stop
header and listings scroll like pdb's, and the toolbar keeps the phase, step
and function in view.
"""

from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.formatted_text import FormattedText

# Commands whose argument is a location, a variable, an expression.
LOCATION_COMMANDS = {"b", "break", "tbreak", "cl", "clear", "unt", "until", "source", "ir"}


def prompt(debugger):
    phase = debugger.session.phase
    cls = "class:prompt.bwd" if phase == "bwd" else "class:prompt"
    return FormattedText([(cls, debugger.prompt)])


def toolbar(debugger):
    s = debugger.session
    inv = s.current_frame()[0]
    return f" {s.phase}  step #{s.pos}/{s.end}  {inv.name}()  " \
           f"[F10 next  F11 step  S-F11 return  F5 continue  F8 back  C-d quit]"


class DebuggerCompleter(Completer):
    """Command names first; then variables, functions and `%N` nodes."""

    def __init__(self, debugger):
        self.debugger = debugger

    def get_completions(self, document, complete_event):
        text = document.text_before_cursor
        word = document.get_word_before_cursor(WORD=True)
        words = text.split()
        if len(words) <= 1 and not text.endswith(" "):
            candidates = self.debugger.names() + sorted(self.debugger.aliases)
        else:
            candidates = self.arguments(words[0])
        for c in candidates:
            if c.startswith(word) and c != word:
                yield Completion(c, start_position=-len(word))

    def arguments(self, cmd):
        d = self.debugger
        names = []
        if cmd in LOCATION_COMMANDS:
            names += d.functions()
        if cmd in ("help", "h"):
            return d.names()
        if cmd in ("set", "show"):
            return list(d.options)
        if cmd == "catch":
            return ["nan", "inf", "nonfinite", "error"]
        try:
            names += list(d.session.variables())
        except Exception:  # completion never breaks the prompt
            pass
        return names
