"""Fused elementwise chains: array arithmetic of one float dtype as one Numba loop.

In an array segment (arrays.py), `+ - * /` and negation on float32 or float64
arrays of known shapes, and on number constants, are one numpy ufunc call
each: a call and a pass over memory per operation, plus a temporary.  A
group of them whose intermediate values only the group reads becomes one
loop compiled with `numba.njit(error_model="numpy")`, one pass and no
temporaries (tanh's backward pass, `dout * (1 - y * y)`)::

    %7 = mul(h, h)     : f64[32, 128]        for i0 in range(32):
    %8 = sub(1, %7)    : f64[32, 128]   ->       for i1 in range(128):
    %9 = mul(d, %8)    : f64[32, 128]               t7 = a0[i0, i1] * a0[i0, i1]
                                                    t8 = np.float64(1.0) - t7
                                                    out[i0, i1] = a1[i0, i1] * t8

It computes what numpy does, bit for bit: every operand has the result's
dtype (numpy then computes in it; so does Numba for float32 with float32),
a constant is cast to that dtype as numpy casts a Python number (NEP 50;
ints only up to 2**24, exact in float32), each element goes through the
same operations in the same order (no fast-math: no reassociation, no
fused multiply-add), division by zero gives numpy's inf or nan, and an
operand of a smaller shape is read at its broadcast index (0 along a
dimension of 1, leading dimensions dropped).  The kernel checks the shapes
the types promised; a mismatch raises and the segment's instructions run.
`tanh`, `exp` and `log` stay numpy calls: Numba's are 30-48x slower here.
"""

import math

import numpy as np

from .. import types as T
from ..ir import Constant
from ..prims import add, gadd, mul, neg, sub, truediv

OPS = {add: "{} + {}", gadd: "{} + {}", sub: "{} - {}", mul: "{} * {}",
       truediv: "{} / {}", neg: "-{}"}
FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _array(a):
    """`a` when it is a float array of known shape with at least one dimension."""
    a = T.widen(a)
    return a if isinstance(a, T.Array) and a.shape and None not in a.shape \
        and a.dtype in FLOATS else None


def _literal(x, dtype):
    """The source of constant node `x` as numpy casts it to `dtype`, or None."""
    v = getattr(x, "value", None)
    if not isinstance(x, Constant) or _array(getattr(x, "abstract", None)) is not None:
        return None
    if type(v) is int and abs(v) <= 2**24 or type(v) is float and math.isfinite(v):
        return f"np.{dtype.name}({float(v)!r})"
    return None


def _broadcasts(small, big):
    return len(small) <= len(big) and all(
        s in (1, b) for s, b in zip(small[::-1], big[::-1]))


def member(node):
    """The dtype of `node`'s result if it may be in a group, else None."""
    if getattr(node.inputs[0], "value", None) not in OPS:
        return None
    a = _array(getattr(node, "abstract", None))
    if a is None:
        return None
    for x in node.inputs[1:]:
        b = _array(getattr(x, "abstract", None))
        if b is None and _literal(x, a.dtype) is None or \
                b is not None and (b.dtype != a.dtype or not _broadcasts(b.shape, a.shape)):
            return None
    return a.dtype


def groups(nodes, readers, slot, outs):
    """Root node -> the nodes of its group (run order), for groups of two or more.

    A member joins the group of its readers when they are all in one group
    of its dtype and nothing else reads it (so it needs no array of its own).
    """
    dtype = {n: member(n) for n in nodes}
    group = {}
    for n in reversed(nodes):
        if dtype[n] is None:
            continue
        rd = readers.get(slot[n])
        roots = {group.get(r) for r in rd} if rd and slot[n] not in outs else {None}
        group[n] = roots.pop() if len(roots) == 1 and None not in roots and \
            dtype[next(iter(roots))] == dtype[n] else n
    found = {}
    for n in nodes:
        if n in group:
            found.setdefault(group[n], []).append(n)
    return {root: ms for root, ms in found.items() if len(ms) >= 2}


def kernel(members, slot, inout=None, total=False):
    """(source, leaves): the njit `kernel(out, *leaves)` computing the group
    whose last node is its root into `out`, `leaves` the registers it reads.
    It returns nothing: Numba boxing a returned array costs 0.24 µs a call.

    With `total` (a 2-D root), it is `kernel(out, tot, *leaves)` and also
    adds each row into `tot` (zeros): `np.sum(out, axis=0)` in the same pass,
    in numpy's order for a C-ordered `out` (0.0, then row 0, row 1, ...).

    Register `inout`, when given, is the array the result overwrites: it is
    read through `out` (`out[i] = out[i] * t`), not as a leaf too, since an
    `out` that aliases a leaf stops LLVM from vectorizing the loop (4.9 ->
    1.1 µs for `d * (1 - h * h)` on 64x256 float32).
    """
    root = members[-1]
    shape, dtype = _array(root.abstract).shape, _array(root.abstract).dtype
    inside = set(members)
    leaves, body = [], []
    index = [f"i{d}" for d in range(len(shape))]
    for m in members:
        args = []
        for x in m.inputs[1:]:
            if x in inside:
                args.append(f"t{slot[x]}")
            elif (lit := _literal(x, dtype)) is not None:
                args.append(lit)
            elif slot[x] == inout:
                args.append(f"out[{', '.join(index)}]")
            else:
                if slot[x] not in leaves:
                    leaves.append(slot[x])
                small = _array(x.abstract).shape
                at = [("0" if n == 1 != shape[len(shape) - len(small) + d]
                       else index[len(shape) - len(small) + d]) for d, n in enumerate(small)]
                args.append(f"a{leaves.index(slot[x])}[{', '.join(at)}]")
        expr = OPS[m.inputs[0].value].format(*args)
        if m is root and total:
            body += [f"v = {expr}", f"out[{', '.join(index)}] = v", "tot[i1] = tot[i1] + v"]
        else:
            body.append(f"out[{', '.join(index)}] = {expr}" if m is root else
                        f"t{slot[m]} = {expr}")
    names = ["tot"] * total + [f"a{j}" for j in range(len(leaves))]
    shapes = {"out": shape, **({"tot": shape[1:]} if total else {}), **{f"a{j}": _array(next(
        x for m in members for x in m.inputs[1:] if slot.get(x) == s).abstract).shape
        for j, s in enumerate(leaves)}}
    check = " or ".join(f"{a}.shape != {s!r}" for a, s in shapes.items())
    lines = ["import numpy as np", "import numba", "",
             '@numba.njit(cache=True, error_model="numpy")',
             f"def kernel(out, {', '.join(names)}):",
             f"    if {check}:",
             '        raise ValueError("shapes differ from the types")']
    for d, n in enumerate(shape):
        lines.append(f"{'    ' * (d + 1)}for {index[d]} in range({n}):")
    lines += [f"{'    ' * (len(shape) + 1)}{b}" for b in body]
    return "\n".join(lines) + "\n", leaves


def allocation(root, fill="empty"):
    """The source of a new array for `root`'s result."""
    a = _array(root.abstract)
    return f"np.{fill}({a.shape!r}, np.{a.dtype.name})"
