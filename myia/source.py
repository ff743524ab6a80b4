"""Where a Python function's source is: its file and its node in that file's AST.

A function is found by its code object, never by its name or its line alone:
the whole file (or notebook cell) is parsed and the definition chosen is the
one the code object was compiled from.  A `def` is known by its name and its
first line (the first decorator's, as CPython counts).  Several lambdas may
share a line::

    g = lambda x: x + 1.0; h = lambda x: x * 10.0

Both start on line 1, but the instructions of `h.__code__` carry the columns
of `x * 10.0`, which only the second lambda's body contains.  So a lambda is
the one, among those of its line with the same parameter names, whose body
holds every column its code has (the innermost, for `lambda x: lambda x: x`).

The source is read through `linecache`, where CPython, IPython and Jupyter
keep it.  A function typed at the plain Python prompt, or made by `exec` of
a string, has none: that is a `MyiaSyntaxError` saying so.
"""

import ast
import linecache

from .errors import MyiaSyntaxError
from .ir import Location

_trees = {}  # file -> (the linecache lines it was parsed from, its AST)


def function_source(fn):
    """`(file, node)`: the file defining `fn` and its `FunctionDef` or `Lambda`."""
    code = fn.__code__
    file = code.co_filename
    linecache.checkcache(file)
    lines = linecache.getlines(file, fn.__globals__)
    if not lines:
        raise MyiaSyntaxError(
            f"the source of {fn.__name__!r} is not available: Myia compiles a "
            "function from its source, which a function typed at the plain Python "
            "prompt or made by exec() of a string does not keep. Define it in a "
            "file and import it, or use IPython or Jupyter, which keep each cell's "
            "source", Location(file, code.co_firstlineno))
    cached = _trees.get(file)
    if cached is None or cached[0] is not lines:
        try:
            tree = ast.parse("".join(lines), file)
        except SyntaxError:
            raise MyiaSyntaxError(
                f"cannot read the definition of {fn.__name__!r}: {file} does not "
                "parse any more (was it edited after it was loaded?)",
                Location(file, code.co_firstlineno)) from None
        cached = _trees[file] = (lines, tree)
    node = _find(code, cached[1])
    if node is None:
        raise MyiaSyntaxError(
            f"cannot find the definition of {fn.__name__!r} in {file} (was the file "
            "edited after it was loaded?)", Location(file, code.co_firstlineno))
    return file, node


def _find(code, tree):
    if code.co_name == "<lambda>":
        return _find_lambda(code, tree)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name == code.co_name and _first_line(node) == code.co_firstlineno:
            return node
    return None


def _first_line(node):
    return node.decorator_list[0].lineno if node.decorator_list else node.lineno


def parameter_names(args):
    """The parameter names of an `ast.arguments`, in the code object's order."""
    return [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]


def _find_lambda(code, tree):
    nparams = code.co_argcount + code.co_kwonlyargcount
    params = list(code.co_varnames[:nparams])
    here = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)
            and n.lineno == code.co_firstlineno and parameter_names(n.args) == params]
    spots = [(p[0], p[2], p[1], p[3]) for p in code.co_positions()
             if None not in p and (p[2], p[3]) != (0, 0)]  # (0, 0): the RESUME prologue
    if spots:
        here = [n for n in here if all(_inside(s, n.body) for s in spots)]
        here.sort(key=lambda n: _size(n.body))
        return here[0] if here else None
    if len(here) > 1:
        raise MyiaSyntaxError(
            "several lambdas with the same parameters start on this line and "
            "Python was run without column information (-X no_debug_ranges): "
            "give each its own line", Location(code.co_filename, code.co_firstlineno))
    return here[0] if here else None


def _inside(spot, node):
    line, col, end_line, end_col = spot
    return (node.lineno, node.col_offset) <= (line, col) and \
        (end_line, end_col) <= (node.end_lineno, node.end_col_offset)


def _size(node):
    return (node.end_lineno - node.lineno, node.end_col_offset - node.col_offset)
