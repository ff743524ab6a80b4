"""What the debugger reads from a graph's debug info: whose code it is.

User function and line (`user_loc`, `user_graph`), Myia's machinery
(`is_machinery`), pass (`phase_of`, `grad_call`), control flow (`is_control`,
`block_role`): all follow `debug.origin` chains, cached.
"""

import os

import myia
from myia.ir import Graph

LIBRARY = os.path.dirname(os.path.abspath(myia.__file__)) + os.sep
LOOP_ROLES = ("while", "for")


def is_library(loc):
    """Locations inside the `myia` package (stdlib helpers, prim bprops)."""
    return loc is None or os.path.abspath(loc.file).startswith(LIBRARY)


_user_locs = {}  # node or graph -> its user location (debug info does not change)


def user_loc(x):
    """The first location on `x`'s origin chain that is in the user's code."""
    try:
        return _user_locs[x]
    except KeyError:
        pass
    info = getattr(x, "debug", None)
    loc = None
    while info is not None:
        if info.loc is not None and not is_library(info.loc):
            loc = info.loc
            break
        info = info.origin.debug if info.origin is not None else None
    _user_locs[x] = loc
    return loc


def user_graph(g):
    """The user function a graph belongs to (itself for an entry graph)."""
    while g.debug.role not in (None, "grad") and g.debug.origin is not None:
        g = g.debug.origin
    return g


def is_machinery(g):
    """Myia's own frames, never shown: primitive wrappers (`J(log)`) and their
    backpropagators (flag "core"), library helpers and primitives' bprops
    written in the subset (no user location), and the wrapper `grad` puts
    around a function (role "grad", and what AD makes of it when the program
    calls `grad` under `--grad`).  Their steps fold into the user frame
    that called them, at the call's line."""
    return "core" in g.flags or grad_call(g) is not None or user_loc(g) is None


def return_loc(inv):
    """Where invocation `inv` returns: the `return` statement of the block it
    ran last (forwards), the function's `def` line (the end of its backward
    pass, which runs the lines upwards)."""
    g = inv.frames[-1].graph
    if phase_of(g) == "bwd":
        return user_loc(inv.graph)
    while g.return_loc is None and g.debug.role is not None \
            and isinstance(g.debug.origin, type(g)):
        g = g.debug.origin
    return g.return_loc or user_loc(inv.graph)


def bare_return(g):
    """The location of `return NAME` ending block `g` (a primal graph), when the
    statement computes nothing on its line: the line has a stop only as a
    return stop, so a breakpoint there fires at that return."""
    loc = g.return_loc
    if loc is None:
        return None
    out = g.output.inputs[1] if g.output.debug.role == "check" else g.output  # (a depend)
    out = out.loc if not isinstance(out, Graph) else None
    return loc if out is None or out.line != loc.line or out.file != loc.file else None


def block_role(g):
    """The parser's role of the block a graph is (itself or the one AD made it from)."""
    while g.debug.role in ("fprop", "bprop") and isinstance(g.debug.origin, Graph):
        g = g.debug.origin
    return g.debug.role


def grad_call(g):
    """`grad(f)` if graph `g` is the wrapper `grad` makes, or a graph AD made of one."""
    while g is not None:
        if g.debug.role == "grad":
            return g.name
        g = g.debug.origin if g.debug.role in ("fprop", "bprop") and \
            isinstance(g.debug.origin, Graph) else None
    return None


def is_control(node):
    """Whether a primal node is control flow: the call of a block of its own
    function (loop header, branch, join) or of a `switch`'s choice."""
    fn = node.inputs[0] if hasattr(node, "inputs") and node.inputs else None
    if fn is None:
        return False
    value = getattr(fn, "value", None)
    if isinstance(value, Graph):  # (`grad(f)(x)` calls a function, not a block)
        return value.debug.role not in (None, "grad")
    inner = getattr(fn, "inputs", None)
    prim = getattr(inner[0], "value", None) if inner else None
    return type(prim).__name__ == "Primitive" and prim.name == "switch"


def is_second_order(g):
    """Whether `g` is AD's backpropagator of a graph AD made (`bprop:bprop:f`) or of
    `grad`'s wrapper: under `--grad`, the session's backward pass through a
    `grad(f)` call in the program.  It has no source of its own; its steps fold
    into the call's line, in the session's `bwd` pass, whose stop shows the
    result (`∂g = -0.1  →  ∂u += -0.8`)."""
    origin = g.debug.origin
    return g.debug.role == "bprop" and isinstance(origin, Graph) and \
        origin.debug.role in ("fprop", "bprop", "grad")


def is_entry(g):
    """Whether calling `g` starts a new invocation (a function, its fprop or bprop)."""
    role, origin = g.debug.role, g.debug.origin
    if role in (None, "grad") or origin is None:
        return True
    return role in ("fprop", "bprop") and origin.debug.role is None


_phases = {}


def phase_of(g):
    """"bwd" for graphs made by AD's backward half, else "fwd" (cached: graphs
    do not change once made)."""
    try:
        return _phases[g]
    except KeyError:
        pass
    phase, h = "fwd", g
    while h is not None:
        if h.debug.role == "bprop":
            phase = "bwd"
            break
        h = h.debug.origin if h.debug.role is not None else None
    _phases[g] = phase
    return phase
