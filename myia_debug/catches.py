"""The report of a `catch nan|inf|nonfinite`, in the user's terms: the user's
operation, its inputs by name and, backwards, the sensitivity that came in::

    Catch inf: the backward of x ** 0.5 gave inf
      inputs: x = 0.0, ∂y = 1.0
"""

import numpy as np

from .adjoints import fprop_frame
from .breakpoints import nonfinite
from .render import label, operation_text


def first_bad(value, kind):
    """` at [i, j]`: the index of the first offending element of an array."""
    if isinstance(value, np.ndarray) and value.ndim:
        bad = {"nan": np.isnan, "inf": np.isinf}.get(kind, lambda a: ~np.isfinite(a))(value)
        where = np.argwhere(bad)
        if len(where):
            return f" (first at [{', '.join(map(str, where[0]))}])"
    return ""


def report(session, stop, fmt, d):
    """The lines of the catch report at `stop`."""
    kind, ev = stop.catch
    trace = session.trace
    hidden = trace.inv_of[ev.frame.id].hidden
    if not hidden and not ev.atomic:  # the user's own node
        values = [(label(i), ev.frame.lookup(i)) for i in ev.node.inputs[1:] if i.graph is not None]
        return _lines(kind, operation_text(ev.node), ev.value, values, True, fmt)
    # Inside Myia's machinery (J(log), bprop(pow)): the user's call of it.
    frame, call = (ev.frame, ev.node) if not hidden else session.current_frame(stop.pos)[1:]
    primal = call.debug.origin if call.debug.role in ("fprop_call", "bprop_call") else call
    bwd = call.debug.role == "bprop_call"
    fframe = fprop_frame(frame) if bwd else frame
    fcall = call if not bwd else next(
        (n for n in fframe.values if n.debug.role == "fprop_call" and n.debug.origin is primal),
        None)
    values = []
    if fcall is not None and getattr(primal, "inputs", None):
        values = [(label(p), fframe.lookup(a)) for p, a in zip(primal.inputs[1:], fcall.inputs[1:])
                  if a.graph is not None]
    if bwd:
        values.append((d(label(primal)), frame.lookup(call.inputs[1])))
    finite = not any(nonfinite(v, kind) for _, v in values)
    op = ("the backward of " if bwd else "") + operation_text(primal)
    return _lines(kind, op, ev.value, values, finite, fmt)


def _lines(kind, op, value, values, finite, fmt):
    head = f"Catch {kind}: {op} gave {fmt(value)}{first_bad(value, kind)}"
    inputs = ", ".join(f"{n} = {fmt(v)}" for n, v in values) or "constants"
    return [head + (" from finite inputs" if finite else ""), "  inputs: " + inputs]
