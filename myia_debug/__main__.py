"""`myia-debug FILE.py FUNCTION [ARGS...] [--grad [ARGNUM]]` and `python -m myia_debug`.

Exit status: 0 if the program finished, 1 if it ended in an error, 2 for
usage errors (bad options, a missing file or function, unreadable ARGS, ARGS
that do not fit the function, `--grad` argument numbers out of range).
"""

import argparse
import importlib.util
import inspect
import math
import os
import sys

import numpy as np

USAGE_ERROR = 2


class UsageError(Exception):
    """Something wrong with the command line; exit status 2."""


def parser():
    p = argparse.ArgumentParser(
        prog="myia-debug", description="Step through a Myia function on the debug VM.")
    p.add_argument("file", help="the Python file defining FUNCTION")
    p.add_argument("function", help="the function to debug")
    p.add_argument("args", nargs="*", help="its arguments: Python literals or np. expressions")
    p.add_argument("--grad", nargs="?", const="0", default=None, metavar="ARGNUM",
                   help="debug the gradient program w.r.t. ARGNUM (default 0; '0,1' for several)")
    p.add_argument("-c", dest="commands", action="append", default=[], metavar="CMD",
                   help="run CMD before the first prompt (repeatable)")
    p.add_argument("--commands", dest="command_file", metavar="FILE",
                   help="run the commands in FILE before the first prompt")
    p.add_argument("--norc", action="store_true", help="skip ./.myia-debugrc and ~/.myia-debugrc")
    p.add_argument("--break-on", choices=("nan", "inf", "nonfinite"),
                   help="catch the first NaN / Inf / non-finite value")
    p.add_argument("--trace", metavar="FILE.jsonl", help="write every step to FILE.jsonl")
    p.add_argument("--ascii", action="store_true", help="ASCII output only")
    p.add_argument("--no-color", action="store_true", help="no colours (also: NO_COLOR)")
    return p


def load_function(path, name):
    """The function `name` of the program file, and the file's namespace."""
    if not os.path.isfile(path):
        raise UsageError(f"no such file: {path}")
    directory = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, directory)
    modname = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        raise UsageError(f"cannot import {path}: {type(e).__name__}: {e}") from None
    fn = getattr(module, name, None)
    if fn is None or not callable(fn):
        raise UsageError(f"{path} defines no function {name!r}")
    return fn, vars(module)


def parse_args(texts, names=None):
    """ARGS are Python expressions over `np`, `math` and the program file's
    names (a dataclass argument: `Tree(1.0, None, None)`)."""
    out = []
    scope = {**(names or {}), "np": np, "numpy": np, "math": math}
    for t in texts:
        try:
            out.append(eval(t, {"__builtins__": __builtins__}, scope))
        except Exception as e:
            raise UsageError(f"cannot read the argument {t!r}: {type(e).__name__}: {e}") from None
    return tuple(out)


def check_call(fn, args, grad):
    """Usage errors Myia would only find later: the call does not fit `fn`."""
    try:
        sig = inspect.signature(fn)
        sig.bind(*args)
    except TypeError as e:
        raise UsageError(f"{fn.__name__}{sig}: {e}") from None
    except ValueError:  # no signature to check
        return
    n = len(sig.parameters)
    if grad is not None and n == 0:
        raise UsageError(f"--grad: {fn.__name__}() takes no arguments to differentiate")
    for i in grad or ():
        if not -n <= i < n:
            raise UsageError(f"--grad {i}: {fn.__name__}() takes {n} argument"
                             f"{'s' if n != 1 else ''} (argument numbers 0 to {n - 1})")


def parse_grad(text):
    if text is None:
        return None
    try:
        return tuple(int(x) for x in text.split(","))
    except ValueError:
        raise UsageError(f"--grad takes argument numbers, not {text!r}") from None


def rc_lines(norc):
    """Commands from ~/.myia-debugrc then ./.myia-debugrc (once if they are the same file)."""
    if norc:
        return []
    paths = dict.fromkeys(os.path.abspath(os.path.expanduser(p))
                          for p in ("~/.myia-debugrc", ".myia-debugrc"))
    lines = []
    for path in paths:
        if os.path.isfile(path):
            with open(path) as f:
                lines += f.read().splitlines()
    return lines


def main(argv=None):
    from . import app
    from .engine import Session

    opts = parser().parse_args(argv)
    try:
        fn, names = load_function(opts.file, opts.function)
        args = parse_args(opts.args, names)
        grad = parse_grad(opts.grad)
        check_call(fn, args, grad)
        startup = rc_lines(opts.norc)
        if opts.break_on:
            startup.append(f"catch {opts.break_on}")
        if opts.command_file:
            try:
                with open(opts.command_file) as f:
                    startup += f.read().splitlines()
            except OSError as e:
                raise UsageError(f"cannot read {opts.command_file}: {e.strerror}") from None
        startup += opts.commands
        session = Session(fn, args, grad=grad)
    except UsageError as e:
        print(f"myia-debug: {e}", file=sys.stderr)
        return USAGE_ERROR
    except Exception as e:  # a Myia error in the user's function (parse, grad)
        print(f"myia-debug: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    color = not (opts.no_color or os.environ.get("NO_COLOR"))
    ascii = opts.ascii or (sys.stdout.encoding or "").lower().replace("-", "") != "utf8"
    return app.run(session, startup, trace=opts.trace, color=color, ascii=ascii)


if __name__ == "__main__":
    sys.exit(main())
