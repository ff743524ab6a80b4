"""Array segments: a straight-line run of array primitives as one Python function.

Array primitives are numpy calls already; what the VM adds is one dispatch
per instruction and a register per node holding every intermediate array
until the frame ends (the RNN's 50 forward frames each held four dead
arrays).  In a typed graph, a maximal run of primitive instructions with an
array among their types becomes one generated function over the registers,
placed before the run, which stays behind it (as for kernels)::

    %1 = matmul(x, w)   : f32[64, 256]       def segment(r):
    %2 = add(%1, b)     : f32[64, 256]  ->       r0 = r[0]; r1 = r[1]; r2 = r[2]
    %3 = tanh(%2)       : f32[64, 256]           r5 = p0(r0, r1)
    (%3 read elsewhere)                          r6 = np.add(r5, r2, out=r5, casting='safe')
                                                 del r5
                                                 r7 = np.tanh(r6, out=r6, casting='safe')
                                                 del r6
                                                 r[7] = r7

Only registers read after the run are stored; a temporary is deleted after
its last use; an elementwise result goes into a dead temporary of its type
(`out=`) that the run computed and no view refers to (its readers all return
new arrays).  `casting='safe'` makes a dtype inference got wrong an error.

An elementwise primitive is written as the ufunc its impl is (`x + y` is
`np.add` on arrays) when no operand can be `ZERO`; others call their impl.
If the function raises, the run's instructions follow: CPython's result or
the located `MyiaError` (the function only wrote locals).
"""

import numpy as np

from .. import types as T
from ..prims import (add, cos, exp, expm1, gadd, log, log1p, matmul, maximum, minimum, mul,
                     neg, sin, sinh, cosh, sqrt, sub, sum_to, swapaxes, tan, tanh, truediv)
from .kernels import fusible

# Primitives that are, on arrays and numbers, exactly these numpy ufuncs.
UFUNCS = {add: "add", sub: "subtract", mul: "multiply", truediv: "true_divide",
          gadd: "add", neg: "negative", exp: "exp", log: "log", log1p: "log1p",
          expm1: "expm1", sqrt: "sqrt", sin: "sin", cos: "cos", tan: "tan",
          tanh: "tanh", sinh: "sinh", cosh: "cosh", maximum: "maximum", minimum: "minimum"}


class ArraySegment:
    """A fused run: `run(regs)` computes it; `length` instructions follow it."""

    def __init__(self, source, impls, length):
        scope = {"np": np, **{name: prim.impl for prim, name in impls.items()}}
        exec(compile(source, "<myia array segment>", "exec"), scope)  # noqa: S102
        self.run = scope["segment"]
        self.length = length
        self.sources = {None: source}


def fuse(insts, readers, slot, VM, types):
    """`insts` with an `inst_array` before each run worth fusing (see above).

    `readers[r]`: the nodes reading register `r` (None: read by a closure or
    the return); `slot`: node -> register; `types`: as for `kernels.fuse`.
    """
    prims = (VM.inst_prim0, VM.inst_prim1, VM.inst_prim2, VM.inst_prim3, VM.inst_prim)
    out, run = [], []
    for inst in [*insts, None]:
        if inst is not None and inst[0] in prims and _candidate(inst, VM, types):
            run.append(inst)
            continue
        if len(run) >= 2 and any(_has_array(i[-1]) for i in run):
            out.append((VM.inst_array, segment(run, readers, slot)))
        out.extend(run)
        run = []
        if inst is not None:
            out.append(inst)
    return out


def _candidate(inst, VM, types):
    node = inst[-1]  # and not in a scalar kernel's run (kernels.py fuses those)
    return not fusible(inst, VM, types) and all(
        _data(getattr(x, "abstract", None)) for x in [node, *node.inputs[1:]])


def _data(a):
    """Whether values of type `a` are Myia's own (no user object to call into)."""
    if a is None or a is T.Bottom or a is T.Opaque or isinstance(a, T.Record):
        return False
    if isinstance(a, T.Const):
        return a.base is not T.Opaque
    if isinstance(a, (T.Tuple, T.SliceT)):
        return all(map(_data, a.items))
    if isinstance(a, T.OrZero):
        return _data(a.item)
    return True


def _has_array(node):
    return any(isinstance(T.widen(getattr(x, "abstract", None)), T.Array)
               for x in [node, *node.inputs[1:]])


def _array(a):
    a = T.widen(a)
    return a if isinstance(a, T.Array) and len(a.shape) >= 1 else None


def _plain(x):
    """An operand a ufunc takes as its impl does: an array or a number."""
    a = T.widen(getattr(x, "abstract", None))
    return isinstance(a, (T.Array, T.Scalar)) or a in (T.Int, T.Float, T.Bool)


def _fresh(node):
    """Whether `node` computes a new array that nothing else refers to."""
    prim = node.inputs[0].value
    return _array(node.abstract) is not None and (
        prim is matmul or prim in UFUNCS and all(map(_plain, node.inputs[1:])))


def segment(run, readers, slot):
    """The `ArraySegment` of `run`, a list of prim instructions."""
    mine = {i[-1] for i in run}
    written = {i[1]: i[-1] for i in run}
    outs = {i[1] for i in run if readers.get(i[1]) is None or readers[i[1]] - mine}
    ops = [[slot[x] for x in i[-1].inputs[1:]] for i in run]
    last, only_fresh = {}, {}
    for k, (inst, regs) in enumerate(zip(run, ops)):
        for s in regs:
            last[s] = k
            only_fresh[s] = only_fresh.get(s, True) and _fresh(inst[-1])
    ins = sorted({s for regs in ops for s in regs if s not in written})
    lines = ["def segment(r):", *(f"    r{s} = r[{s}]" for s in ins)]
    impls = {}
    for k, (inst, regs) in enumerate(zip(run, ops)):
        node, dest = inst[-1], inst[1]
        reuse = None
        if _fresh(node) and node.inputs[0].value is not matmul:
            reuse = next((s for s in regs if s in written and s not in outs
                          and last[s] == k and only_fresh[s] and _fresh(written[s])
                          and T.widen(written[s].abstract) == T.widen(node.abstract)), None)
        lines.append(f"    r{dest} = {_call(node, regs, reuse, impls)}")
        dead = sorted({s for s in regs if s in written and s not in outs and last[s] == k})
        if dead:
            lines.append(f"    del {', '.join(f'r{s}' for s in dead)}")
        if dest not in outs and dest not in last:  # computed for its errors only
            lines.append(f"    del r{dest}")
    lines += [f"    r[{s}] = r{s}" for s in sorted(outs)]
    return ArraySegment("\n".join(lines) + "\n", impls, len(run))


def _call(node, regs, reuse, impls):
    """The expression computing `node` from registers `regs`."""
    prim = node.inputs[0].value
    args = ", ".join(f"r{s}" for s in regs)
    if prim in UFUNCS and _array(node.abstract) is not None and \
            all(map(_plain, node.inputs[1:])):
        out = f", out=r{reuse}, casting='safe'" if reuse is not None else ""
        return f"np.{UFUNCS[prim]}({args}{out})"
    if prim is matmul:  # its impl, less a call
        return f"np.matmul({args})"
    x = node.inputs[1] if len(node.inputs) > 1 else None
    if prim is swapaxes and _array(getattr(x, "abstract", None)) is not None:
        return f"r{regs[0]}.swapaxes(r{regs[1]}, r{regs[2]})"  # np.swapaxes, less its wrapper
    if prim is sum_to and _array(getattr(x, "abstract", None)) is not None:
        axes = _leading_sum(T.widen(x.abstract).shape, getattr(node.inputs[2], "value", None))
        if axes is not None:  # what _sum_to computes, without the checks
            return f"np.add.reduce(r{regs[0]}, {axes!r})"
    name = impls.setdefault(prim, f"p{len(impls)}")  # prim -> its name in the scope
    return f"{name}({args})"


def _leading_sum(have, shape):
    """The axes `_sum_to(x, shape)` sums over for `x` of shape `have`, when it
    is `np.sum(x, axis=leading axes)` (no kept dimension), else None."""
    if not isinstance(shape, tuple) or None in have or len(shape) >= len(have) or not shape:
        return None
    lead = len(have) - len(shape)
    if any(n == 1 and have[lead + i] != 1 for i, n in enumerate(shape)):
        return None
    return tuple(range(lead))
