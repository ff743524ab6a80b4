"""myia-debug: a step debugger for Myia programs on the debug VM.

`engine` (no I/O) drives the VM and answers "where are we, why did we stop";
`commands` turns pdb-style text commands into engine calls; `app` runs them
on a terminal (prompt_toolkit) or line by line.  See shared/DEBUGGER.md.
"""

import sys


def debug(fn, *args, grad=None):
    """Debug `fn(*args)` (its gradient program w.r.t. `grad`, an int or tuple of ints).

    Interactive on a terminal, line by line from stdin otherwise.  Returns the
    exit status: 0 if the program finished, 1 if it ended in an error.
    """
    from . import app
    from .engine import Session

    if isinstance(grad, int):
        grad = (grad,)
    return app.run(Session(fn, args, grad=grad), color="NO_COLOR" not in __import__("os").environ,
                   stdin=sys.stdin)
