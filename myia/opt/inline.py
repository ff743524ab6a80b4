"""Inlining: replace a call of a known graph by a copy of its body.

    graph f(x)                      graph f(x)
      %1 = @sq(x)          ==>        %2' = mul(x, x)     # origin: %2 of sq
      return %1                       return %2'
    graph sq(y)
      %2 = mul(y, y)
      return %2

A call `@g(args)` is inlined when `g` is used only there (then `g`
disappears: the branch of a decided `switch`, a loop body's one call, a
graph AD made for one node) or when `g` with its closures is small (the
forward graphs wrapping primitives, their backpropagators) and not
recursive.  The graphs nested in `g` are copied along, now closing over the
copies, so a closure made by the inlined body still sees its values.  Loop
headers are recursive and stay calls: a loop runs in constant stack.

A copied node keeps its origin (the callee's node); when that node is Myia's
own code (a primitive's backpropagator, a forward wrapper), the copy takes
the call's source line, so an error or a profile of optimized code names the
user's line, as the debug VM's stack would have.
"""

import os

from ..ir import Apply, Constant, Graph, copy_graphs

_LIBRARY = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

SMALL = 40  # nodes in a graph and its closures, to inline it at every call
_SEARCH = 200  # graphs visited looking for recursion before giving up


def inline_call(node, mng):
    """The inlined result of call `node`, or None when it stays a call."""
    fn = node.inputs[0]
    if not isinstance(fn, Constant) or not isinstance(fn.value, Graph):
        return None
    g, h = fn.value, node.graph
    if g is h or g not in mng.graphs or len(node.inputs) - 1 != len(g.parameters):
        return None
    once = sum(mng.graph_users(g).values()) == 1
    nested = mng.nested(g, None if once else SMALL)
    if nested is None or h in nested:
        return None  # too big to copy, or g calls itself through a closure
    if not once:
        size = len(mng.nodes[g]) + sum(len(mng.nodes[k]) for k in nested)
        if size > SMALL or _recursive(g, mng):
            return None
    inner = [g, *nested]
    nodes_of = {k: sorted(mng.nodes[k], key=_id) for k in inner}
    _, remap = copy_graphs(inner, nodes_of, {g: h}, dict(zip(g.parameters, node.inputs[1:])))
    here = node.debug.find_loc()
    if here is not None and not _in_library(here):
        for k in inner:
            for n in nodes_of[k]:
                copy = remap(n)
                if isinstance(copy, Apply) and _in_library(n.debug.find_loc()):
                    copy.debug.loc = here
    return remap(g.output)


def _in_library(loc):
    return loc is None or os.path.abspath(loc.file).startswith(_LIBRARY)


def _recursive(g, mng):
    """Whether `g` may call itself (True also when the search is too long)."""
    seen, todo = set(), [g]
    while todo:
        k = todo.pop()
        for used in mng.graphs_used.get(k, ()):
            if used is g:
                return True
            if used not in seen:
                seen.add(used)
                if len(seen) > _SEARCH:
                    return True
                todo.append(used)
    return False


def _id(n):
    return n.id
