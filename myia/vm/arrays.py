"""Array segments: a straight-line run of array primitives as one Python function.

Array primitives are numpy calls already; what the VM adds is one dispatch
per instruction and a register per node holding every intermediate array
until the frame ends (the RNN's 50 forward frames each held four dead
arrays).  In a typed graph, a maximal run of primitive and closure
instructions (three or more, or two with an array among their types; a
scalar one only alone: kernels.py compiles runs of two or more) becomes one
generated function over the registers, placed before the run, which stays
behind it (as for kernels)::

    %1 = matmul(x, w)   : f32[64, 256]       def segment(r):
    %2 = add(%1, b)     : f32[64, 256]  ->       r0 = r[0]; r1 = r[1]; r2 = r[2]
    %3 = tanh(%2)       : f32[64, 256]           r5 = np.matmul(r0, r1)
    (%3 read elsewhere)                          r6 = np.add(r5, r2, out=r5, casting='safe')
                                                 del r5
                                                 r7 = np.tanh(r6, out=r6, casting='safe')
                                                 del r6
                                                 r[7] = r7

Only registers read after the run are stored, constants are globals of the
function, a temporary is deleted after its last use, and an elementwise
result goes into a dead temporary of its type (`out=`) that the run computed
and no view refers to; `casting='safe'` makes a dtype inference got wrong an
error.  A loop's backward `gadd(x, s)`, `x` fresh and read only there, `s`
the running sum or `ZERO`, is `x if s is ZERO else np.add(x, s, out=x)`, as
hand-written `dw += h.T @ d` would be.  Ufuncs (when no operand can be
`ZERO`), items, tuples, `.T` and closures are written inline, other
primitives call their impl.  If the function raises, the run's instructions
follow: CPython's result or the located `MyiaError` (it only wrote locals).
"""

import numpy as np

from .. import types as T
from ..ir import Constant, Graph
from ..prims import (add, cos, exp, expm1, gadd, getitem, log, log1p, make_tuple, matmul,
                     maximum, minimum, mul, neg, reduce_sum, sin, sinh, cosh, sqrt, sub, sum_to,
                     swapaxes, tan, tanh, truediv)
from ..prims.adjoint import ZERO
from . import elementwise, gemm, kernels
from .kernels import fusible

# Primitives that are, on arrays and numbers, exactly these numpy ufuncs.
UFUNCS = {add: "add", sub: "subtract", mul: "multiply", truediv: "true_divide",
          gadd: "add", neg: "negative", exp: "exp", log: "log", log1p: "log1p",
          expm1: "expm1", sqrt: "sqrt", sin: "sin", cos: "cos", tan: "tan",
          tanh: "tanh", sinh: "sinh", cosh: "cosh", maximum: "maximum", minimum: "minimum"}


class ArraySegment:
    """A fused run: `run(regs)` computes it; `length` instructions follow it.

    With elementwise groups (elementwise.py), `run` is the plain numpy
    function for the first `kernels.HOT` runs (a segment run once compiles
    nothing), then the one calling the Numba loops, until that one raises.
    """

    def __init__(self, plain, fused, length):
        self.length = length
        self.plain = self.run = _function(*plain[:3])
        self.sources = {None: plain[0]}
        if fused:
            source, scope, consts, kernel_sources = fused
            scope = {**scope, "declined": self._declined,
                     **{k: kernels.load(src) for k, src in kernel_sources.items()}}
            self.fused, self.runs, self.run = _function(source, scope, consts), 0, self._warm
            self.sources = {None: source, **kernel_sources}

    def _warm(self, regs):
        self.runs += 1
        if self.runs > kernels.HOT:
            self.run = self.fused
        return self.plain(regs)

    def _declined(self):
        self.run = self.plain


def _function(source, scope, consts):
    from .lower import Closure  # (lower.py imports this module)
    scope = {"np": np, "ZERO": ZERO, "Closure": Closure, **scope,
             **{f"r{s}": v for s, v in consts.items()}}
    exec(compile(source, "<myia array segment>", "exec"), scope)  # noqa: S102
    return scope["segment"]


def fuse(insts, readers, slot, VM, types):
    """`insts` with an `inst_array` before each run worth fusing (see above).

    `readers[r]`: the nodes reading register `r` (None: read by a closure or
    the return); `slot`: node -> register; `types`: as for `kernels.fuse`.
    """
    prims = (VM.inst_prim0, VM.inst_prim1, VM.inst_prim2, VM.inst_prim3, VM.inst_prim)
    scalar = [fusible(i, VM, types) for i in insts] + [False, False]  # (kernels.py's)
    out, run = [], []
    for k, inst in enumerate([*insts, None]):
        if inst is not None and (inst[0] is VM.inst_closure or inst[0] in prims and all(
                _data(getattr(x, "abstract", None)) for x in [inst[-1], *inst[-1].inputs[1:]])
                and not (scalar[k] and (scalar[k - 1] or scalar[k + 1]))):
            run.append(inst)
            continue
        nodes = [_MakeClosure(i[2]) if i[0] is VM.inst_closure else i[-1] for i in run]
        if len(run) >= 3 or len(run) == 2 and any(map(_has_array, nodes)):
            out.append((VM.inst_array, segment(run, nodes, readers, slot)))
        out.extend(run)
        run = []
        if inst is not None:
            out.append(inst)
    return out


class _MakeClosure:
    """An `inst_closure` as a node of a run: `Closure(code, (fvs...))`."""

    def __init__(self, code):
        self.code, self.inputs, self.abstract = code, [Constant(None), *code.fvs], None


def _data(a):
    """Whether values of type `a` are Myia's own (no user object to call into)."""
    if a is None or a is T.Bottom or a is T.Opaque or isinstance(a, T.Record):
        return False
    if isinstance(a, T.Const):
        return a.base is not T.Opaque
    if isinstance(a, (T.Tuple, T.SliceT)):
        return all(map(_data, a.items))
    if isinstance(a, (T.OrZero, T.Seq)):
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
        prim is matmul or prim in UFUNCS and all(map(_plain, node.inputs[1:]))
        or prim is sum_to and _sum_axes(node) is not None)


def _accumulate(node, written, readers, slot):
    """The registers (x, y) of `gadd(x, y)` (or `gadd(y, x)`) that can be `x`
    updated in place: `y` an array or `ZERO`, `x` a fresh array of the sum's
    type that only this node reads."""
    if node.inputs[0].value is not gadd:
        return None
    for a, b in (node.inputs[1:], node.inputs[2:0:-1]):
        t = getattr(b, "abstract", None)
        if isinstance(t, T.OrZero) and _array(t.item) is not None and \
                slot[a] in written and readers.get(slot[a]) == {node} and \
                _fresh(written[slot[a]]) and T.widen(a.abstract) == T.widen(node.abstract):
            return slot[a], slot[b]
    return None


def segment(run, nodes, readers, slot):
    """The `ArraySegment` of `run`, prim and closure instructions (their `nodes`)."""
    mine = set(nodes)
    outs = {i[1] for i in run if readers.get(i[1]) is None or readers[i[1]] - mine}
    plain = _source(run, nodes, readers, slot, outs, {})
    found = elementwise.groups(nodes, readers, slot, outs)
    return ArraySegment(plain, found and _source(run, nodes, readers, slot, outs, found),
                        len(run))


def _source(run, nodes, readers, slot, outs, found):
    """(source, scope, constants) of the segment function, each group in `found`
    (root -> members, elementwise.py) one kernel call at its root."""
    written = {i[1]: n for i, n in zip(run, nodes)}
    ops = [[slot[x] for x in n.inputs[1:]] for n in nodes]
    inner, kernels, totals = {m for ms in found.values() for m in ms[:-1]}, {}, {}
    for n in nodes:  # a loop's result summed over rows: the loop sums it (elementwise.py)
        x = _rows_summed(n)
        if x in found and x not in totals and elementwise._array(n.abstract) is not None:
            totals[x] = n
    for k, node in enumerate(nodes):
        if node in inner or node in totals.values():
            ops[k] = []
        elif node in found:
            kernels[node] = elementwise.kernel(found[node], slot, total=node in totals)
            ops[k] = kernels[node][1]
    acc = {n: a for n in nodes if (a := _accumulate(n, written, readers, slot))}
    flipped = gemm.flips(nodes, readers, slot, outs, {m for ms in found.values() for m in ms} | {
        n for n in nodes if n not in acc and n.inputs[0].value in UFUNCS and all(
            map(_plain, n.inputs[1:])) and elementwise._array(n.abstract) is not None})
    flipped = {slot[n] for n in flipped}
    last, only_fresh = {}, {}
    for k, (node, regs) in enumerate(zip(nodes, ops)):
        for s in regs:
            last[s] = k
            only_fresh[s] = only_fresh.get(s, True) and (_fresh(node) or node in acc)
    consts = {slot[x]: x.value for n in nodes for x in n.inputs[1:]
              if isinstance(x, Constant) and not isinstance(x.value, Graph)}
    ins = sorted({s for regs in ops for s in regs if s not in written} - consts.keys())
    lines = ["def segment(r):", *(f"    r{s} = r[{s}]" for s in ins)]
    if consts:  # globals of the function: a register a constant is in never changes
        lines.append(f"    # constants: {', '.join(f'r{s}' for s in sorted(consts))}")
    impls, sources = {}, {}
    for k, (inst, node, regs) in enumerate(zip(run, nodes, ops)):
        if node in inner or node in totals.values():
            continue
        dest, reuse = inst[1], None
        if _fresh(node) and node.inputs[0].value is not matmul:
            reuse = next((s for s in regs if s in written and s not in outs and s not in flipped
                          and last[s] == k and only_fresh[s] and _fresh(written[s]) and (
                              node not in totals or written[s].inputs[0].value is matmul)
                          and T.widen(written[s].abstract) == T.widen(node.abstract)), None)
        if isinstance(node, _MakeClosure):
            call = f"Closure({impls.setdefault(node.code, f'p{len(impls)}')}, " \
                   f"({''.join(f'r{s}, ' for s in regs)}))"
        elif node in acc:  # only_fresh[x]: x's one reader is this node
            x, y = acc[node]
            call = f"r{x} if r{y} is ZERO else np.add({', '.join(f'r{s}' for s in regs)}, " \
                   f"out=r{x}, casting='safe')"
        elif node in kernels:
            name = f"k{len(sources)}"
            sources[name] = kernels[node][0]
            if reuse is None:  # (a total's `out` is C-ordered: new, or a matmul's)
                out = elementwise.allocation(node)
            else:  # the kernel reads the overwritten leaf through `out`
                out, sources[name] = f"r{reuse}", elementwise.kernel(
                    found[node], slot, reuse, node in totals)[0]
            lines.append(f"    r{dest} = {out}")
            out = f"r{dest}"
            if node in totals:
                t = totals[node]
                lines.append(f"    r{slot[t]} = {elementwise.allocation(t, 'zeros')}")
                out += f", r{slot[t]}"
            lines.append(f"    {name}({out}{''.join(f', r{s}' for s in regs if s != reuse)})")
            call = None
        elif inst[1] in flipped:  # gemm.py: the product with m and n in each other's roles
            call = f"np.matmul(r{regs[1]}.T, r{regs[0]}.T).T"
        else:
            out = f"r{reuse}" if reuse is not None else \
                elementwise.allocation(node) if flipped.intersection(regs) else None
            call = _call(node, regs, out, impls)
        if call is not None:
            lines.append(f"    r{dest} = {call}")
        dead = sorted({s for s in regs if s in written and s not in outs and last[s] == k})
        if dead:
            lines.append(f"    del {', '.join(f'r{s}' for s in dead)}")
        if dest not in outs and dest not in last:  # computed for its errors only
            lines.append(f"    del r{dest}")
    lines += [f"    r[{s}] = r{s}" for s in sorted(outs)]
    if found:  # a failing kernel (a shape the types did not promise): numpy from now on
        lines[1:] = ["    try:", *(f"    {x}" for x in lines[1:]),
                     "    except Exception:", "        declined()", "        raise"]
    scope = {name: getattr(x, "impl", x) for x, name in impls.items()}
    return "\n".join(lines) + "\n", scope, consts, sources


def _call(node, regs, out, impls):
    """The expression computing `node` from registers `regs` (a ufunc's into
    `out`, the source of an array, if given)."""
    prim = node.inputs[0].value
    args = ", ".join(f"r{s}" for s in regs)
    if prim in UFUNCS and _array(node.abstract) is not None and \
            all(map(_plain, node.inputs[1:])):
        out = f", out={out}, casting='safe'" if out is not None else ""
        return f"np.{UFUNCS[prim]}({args}{out})"
    if prim is matmul:  # its impl, less a call
        return f"np.matmul({args})"
    x = node.inputs[1] if len(node.inputs) > 1 else None
    if prim is swapaxes and _array(getattr(x, "abstract", None)) is not None:
        i, j = (getattr(a, "value", None) for a in node.inputs[2:])
        if len(_array(x.abstract).shape) == 2 and all(type(v) is int and -2 <= v < 2
                                                      for v in (i, j)) and (i - j) % 2:
            return f"r{regs[0]}.T"  # the same view, without a call
        return f"r{regs[0]}.swapaxes(r{regs[1]}, r{regs[2]})"  # np.swapaxes, less its wrapper
    if prim is sum_to and _sum_axes(node) is not None:  # _sum_to, without the checks
        return f"np.add.reduce(r{regs[0]}, {_sum_axes(node)!r})"
    if prim is getitem:  # its impl, less a call
        return f"r{regs[0]}[r{regs[1]}]"
    if prim is make_tuple:
        return f"({args}{',' if len(regs) == 1 else ''})"
    name = impls.setdefault(prim, f"p{len(impls)}")  # prim -> its name in the scope
    return f"{name}({args})"


def _rows_summed(node):
    """`x` when `node` is `np.sum(x, axis=0)` of a 2-D array `x` (the user's
    sum, or a gradient's `sum_to`), else None."""
    prim, ins = node.inputs[0].value, node.inputs[1:]
    axis = getattr(ins[1], "value", None) if len(ins) == 3 else None
    if prim is sum_to and _sum_axes(node) == (0,) or prim is reduce_sum and axis is not None \
            and getattr(ins[2], "value", None) is False and (type(axis) is int and axis in (0, -2)
                                                         or axis in ((0,), (-2,))):
        a = _array(getattr(ins[0], "abstract", None))
        return ins[0] if a is not None and len(a.shape) == 2 else None
    return None


def _sum_axes(node):
    """The axes `_sum_to(x, shape)` sums over, when it is `np.sum(x, axis=
    leading axes)` of an array `x` (no kept dimension), else None."""
    a, shape = _array(getattr(node.inputs[1], "abstract", None)), \
        getattr(node.inputs[2], "value", None)
    have = a.shape if a is not None else (None,)
    if not isinstance(shape, tuple) or None in have or len(shape) >= len(have) or not shape:
        return None
    lead = len(have) - len(shape)
    if any(n == 1 and have[lead + i] != 1 for i, n in enumerate(shape)):
        return None
    return tuple(range(lead))
