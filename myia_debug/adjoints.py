"""Reading the backward pass: adjoints recorded in the trace of the gradient program.

AD (myia/grad.py) marks the bprop nodes that accumulate an adjoint with
`debug.role == "adjoint"` and `debug.name` = the primal variable, and points
every backward node's `debug.origin` at the forward node it differentiates.
"""

from .engine import DebugError


def recorded_adjoint(session, name, pos):
    """∂out/∂name as AD computes it."""
    raise DebugError("adjoints need AD (myia.grad), which is not available yet")


def flow_at(session, pos):
    """((name, ∂name), [(input name, contribution), ...]) at a bwd stop, or None."""
    return None


def contributions(session, name):
    """([(where, contribution)], total) of the uses of `name`."""
    raise DebugError("explain needs AD (myia.grad), which is not available yet")
