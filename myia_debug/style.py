"""Colours, and turning one line of debugger output into styled text.

Output stays plain text everywhere else (batch mode, transcripts); only the
terminal UI passes lines through `styled()`, which highlights source code
with pygments and marks headers, the current line and errors.
"""

import re

from prompt_toolkit.formatted_text import FormattedText, PygmentsTokens
from prompt_toolkit.styles import Style, merge_styles, style_from_pygments_cls
from pygments.lexers import PythonLexer
from pygments.styles import get_style_by_name

STYLE = merge_styles([
    style_from_pygments_cls(get_style_by_name("default")),
    Style.from_dict({
        "header": "bold ansiblue",
        "arrow": "bold ansigreen",
        "arrow.bwd": "bold ansimagenta",
        "lineno": "ansibrightblack",
        "breakpoint": "bold ansired",
        "error": "bold ansired",
        "prompt": "bold",
        "prompt.bwd": "bold ansimagenta",
        "bottom-toolbar": "noreverse bg:ansibrightblack fg:ansiwhite",
    }),
])

_LEXER = PythonLexer(stripnl=False, ensurenl=False)
_LISTING = re.compile(r"^( *\d+ )(B?)( *)(->)?( *\t)(.*)$")


def code(text):
    """Python source as pygments-highlighted fragments."""
    return list(PygmentsTokens(list(_LEXER.get_tokens(text))).__pt_formatted_text__())


def styled(line):
    """One output line as formatted text."""
    if line.startswith("> "):
        return FormattedText([("class:header", line)])
    if line.startswith(("-> ", "<- ")):
        cls = "class:arrow.bwd" if line[0] == "<" else "class:arrow"
        return FormattedText([(cls, line[:3])] + code(line[3:]))
    if line.startswith("***"):
        return FormattedText([("class:error", line)])
    m = _LISTING.match(line)
    if m:
        num, b, pad, arrow, tab, text = m.groups()
        return FormattedText([("class:lineno", num), ("class:breakpoint", b), ("", pad),
                              ("class:arrow", arrow or ""), ("", tab)] + code(text))
    return FormattedText([("", line)])
