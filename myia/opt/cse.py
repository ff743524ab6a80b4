"""Common-subexpression elimination: one node per distinct computation.

    %1 = cos(x)                     %1 = cos(x)
    %2 = cos(x)           ==>       %3 = mul(%1, %1)
    %3 = mul(%1, %2)

Two nodes of the same graph calling the same function on the same inputs
(constants compared by value and type: `0`, `0.0`, `-0.0` and `False` all
differ) compute the same value: the program is pure.  Nodes are visited
inputs first, so merging one lets its users merge too; nodes of different
graphs are never merged (a branch's node must not run when the other
branch is taken).
"""

import numpy as np

from ..ir import Apply, Constant


def cse(mng):
    """Merge equal nodes graph by graph; returns how many were merged."""
    merged = 0
    for g in list(mng.graphs):
        if g not in mng.graphs:
            continue
        seen = {}
        for node in order(mng, g):
            if node not in mng.uses:
                continue
            key = tuple(_key(i) for i in node.inputs)
            other = seen.setdefault(key, node)
            if other is not node:
                mng.replace(node, other)
                merged += 1
    return merged


def order(mng, g):
    """The live Apply nodes of `g`, each after those of its inputs in `g`."""
    out, done = [], set()
    for root in sorted(mng.nodes[g], key=lambda n: n.id):
        stack = [(root, False)]
        while stack:
            n, ready = stack.pop()
            mng.work += 1
            if ready:
                out.append(n)
                continue
            if n in done:
                continue
            done.add(n)
            stack.append((n, True))
            stack.extend((i, False) for i in n.inputs
                         if isinstance(i, Apply) and i.graph is g and i not in done)
    return out


def _key(node):
    if not isinstance(node, Constant):
        return node
    v = node.value
    if isinstance(v, float):
        return (float, v.hex())
    if isinstance(v, np.generic):
        return (type(v), v.tobytes())
    if isinstance(v, (bool, int, str, type(None))):
        return (type(v), v)
    return (id, id(v))  # graphs, primitives, arrays, tuples: the same object
