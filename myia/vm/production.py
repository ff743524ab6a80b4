"""The production VM: runs lowered graphs (lower.py) as fast as Python allows.

It agrees with the debug VM (debug.py, the executable specification) on every
graph the debug VM runs, typed or not, optimized or not, but it works on a
different representation: each graph is lowered once to a `Code`, a list of
instructions over register slots, and each instruction kind is one
`inst_<name>` method here.  A frame is a register list, a program counter and
its caller: the frame stack is explicit (a linked list), so a user's
recursion 20,000 deep needs no Python recursion (up to the debug VM's
`recursion_limit`, past which a call raises `MyiaRecursionError`), and a tail
call reuses the frame, so a loop runs in constant space.  Nothing here catches
`KeyboardInterrupt`: Ctrl-C stops an endless loop at the next instruction.

An instruction is a tuple `(inst_<name>, dest, operands..., node)`; `node`
is the IR node it came from, so a failing primitive raises the same located
`MyiaError` the debug VM raises, at the user's line.

Kernels (kernels.py) are instructions too: a run of scalar primitive calls
fused into one Numba-compiled function is one `inst_kernel`, a run of array
primitives in a typed graph one generated Python function, `inst_array`
(arrays.py).
"""

import types

import numpy as np

from ..errors import MyiaRecursionError, MyiaTypeError
from ..grad import fprop_value
from ..ir import Graph, reachable_graphs
from ..parse import parse
from ..prims import Primitive
from ..prims.adjoint import ZERO, Env, JFunction
from ..prims.structure import Partial
from ..calls import bind, is_forward, keyword_call, not_callable, signature
from .debug import _dunder, _loc, user_error, user_node
from .frame import Frame
from . import kernels, native, native_grad, pytier
from .budget import OutOfWork, deadline
from .defun import Decline
from .kernels import on_miss
from .lower import Closure, code_of, gather

_MISSING = object()

# Values that cannot carry an operator override (`__add__` of a dataclass).
_PLAIN = frozenset({
    float, int, bool, complex, tuple, type(None), np.ndarray, type(ZERO), Env, str,
    np.float64, np.float32, np.float16, np.int64, np.int32, np.int16, np.int8,
    np.uint64, np.uint32, np.uint16, np.uint8, np.bool_, np.complex128, np.complex64,
})


class _Entry:
    """The code of the outermost frame: call register 0 on the arguments."""

    def __init__(self, nargs):
        self.insts = [(ProductionVM.inst_call, nargs + 1, 0,
                       gather(list(range(1, nargs + 1))), None),
                      (ProductionVM.inst_return, nargs + 1)]


_entries = {}


class ProductionVM:
    """Runs a function value (graph, closure, primitive, Python function)."""

    __slots__ = ("result",)

    def run(self, fn, args):
        """`fn(*args)`."""
        n = len(args)
        entry = _entries.get(n)
        if entry is None:
            entry = _entries[n] = _Entry(n)
        f = Frame(entry, [fn, *args, None], None, None, None)
        while f is not None:
            inst = f.insts[f.pc]
            f.pc += 1
            f = inst[0](self, f, inst)
        return self.result

    # ----- primitives ---------------------------------------------------------

    def inst_prim0(self, f, inst):
        _, d, impl, node = inst
        try:
            f.regs[d] = impl()
        except Exception as e:
            raise user_error(e, user_node(f, node)) from None
        return f

    def inst_prim1(self, f, inst):
        _, d, impl, a, node = inst
        r = f.regs
        try:
            r[d] = impl(r[a])
        except Exception as e:
            raise user_error(e, user_node(f, node)) from None
        return f

    def inst_prim2(self, f, inst):
        _, d, impl, a, b, node = inst
        r = f.regs
        try:
            r[d] = impl(r[a], r[b])
        except Exception as e:
            raise user_error(e, user_node(f, node)) from None
        return f

    def inst_prim3(self, f, inst):
        _, d, impl, a, b, c, node = inst
        r = f.regs
        try:
            r[d] = impl(r[a], r[b], r[c])
        except Exception as e:
            raise user_error(e, user_node(f, node)) from None
        return f

    def inst_prim(self, f, inst):
        _, d, impl, args, node = inst
        r = f.regs
        try:
            r[d] = impl(*args(r))
        except Exception as e:
            raise user_error(e, user_node(f, node)) from None
        return f

    def inst_op1(self, f, inst):
        """A unary operator: the primitive, unless a dataclass overrides it."""
        _, d, prim, a, node = inst
        r = f.regs
        x = r[a]
        if type(x) in _PLAIN:
            try:
                r[d] = prim.impl(x)
            except Exception as e:
                raise user_error(e, user_node(f, node)) from None
            return f
        return self._primitive(f, prim, [x], {}, node, d)

    def inst_op2(self, f, inst):
        """A binary operator: the primitive, unless a dataclass overrides it."""
        _, d, prim, a, b, node = inst
        r = f.regs
        x = r[a]
        y = r[b]
        if type(x) in _PLAIN and type(y) in _PLAIN:
            try:
                r[d] = prim.impl(x, y)
            except Exception as e:
                raise user_error(e, user_node(f, node)) from None
            return f
        return self._primitive(f, prim, [x, y], {}, node, d)

    def inst_op(self, f, inst):
        _, d, prim, args, node = inst
        return self._primitive(f, prim, list(args(f.regs)), {}, node, d)

    def inst_kernel(self, f, inst):
        """A fused run of scalar primitives: its Numba kernel, if it has one.

        On success the run's own instructions (which follow) are skipped;
        otherwise they run: they are the exact semantics (kernels.py).
        """
        seg = inst[1]
        args = seg.gather_ins(f.regs)
        key = seg.key or tuple(map(type, args))  # typed: known when lowered
        kernel = seg.compiled.get(key, _MISSING)
        if kernel is _MISSING:
            on_miss(seg, key)
            return f
        if kernel is not None:
            try:
                outs = kernel(*args)
            except Exception:  # declined: Python decides
                return f
            r = f.regs
            for s, v in zip(seg.outs, outs):
                r[s] = v
            f.pc += len(seg.insts)
        return f

    def inst_array(self, f, inst):
        """A run of array primitives as one generated function (arrays.py).

        If it raises, the run's own instructions (which follow) run instead:
        they give the exact result, or the located error.
        """
        seg = inst[1]
        try:
            seg.run(f.regs)
        except Exception:  # noqa: BLE001 (the instructions decide)
            return f
        f.pc += seg.length
        return f

    def inst_native(self, f, inst):
        """A whole loop in native code (native.py), or nothing if it declines."""
        loop = inst[1]
        r = f.regs
        args = loop.gather(r)
        key = tuple(map(type, args))
        fn = loop.compiled.get(key, _MISSING)
        if fn is _MISSING:
            loop.on_miss(key)
            return f
        if fn is None:
            return f
        p = loop.nparams
        while True:
            try:
                out = fn(*args, native.BUDGET)
            except Exception:  # declined: the VM goes on from the last state
                loop.declined(key)
                return f
            if out[0]:
                break
            r[:p] = out[2:]  # between chunks: Ctrl-C can stop an endless loop
            args = (*out[2:], *args[p:])
        v = out[1]
        caller = f.caller
        if caller is None:
            self.result = v
            return None
        caller.regs[f.ret] = v
        return caller

    # ----- closures, calls, branches, returns --------------------------------

    def inst_closure(self, f, inst):
        _, d, callee, fvs = inst
        f.regs[d] = Closure(callee, fvs(f.regs))
        return f

    def inst_call_graph(self, f, inst):
        """A call of a known graph: no closure is built."""
        _, d, callee, args, fvs, node = inst
        r = f.regs
        return Frame(callee, [*args(r), *fvs(r), *callee.rest], f, d, node)

    def inst_tail_graph(self, f, inst):
        _, d, callee, args, fvs, node = inst
        r = f.regs
        regs = [*args(r), *fvs(r), *callee.rest]
        if callee.library:  # keep the user's call site on the stack, for errors
            return Frame(callee, regs, f, d, node)
        f.code = callee
        f.insts = callee.insts
        f.regs = regs
        f.pc = 0
        return f

    def _pick(self, f, inst):
        _, d, c, ca, fa, cb, fb, args, node, sw = inst
        r = f.regs
        try:
            cond = bool(r[c])
        except Exception as e:
            raise user_error(e, user_node(f, sw)) from None
        if cond:
            return ca, [*args(r), *fa(r), *ca.rest]
        return cb, [*args(r), *fb(r), *cb.rest]

    def inst_branch(self, f, inst):
        """`switch(c, then, else)()`: enter the chosen graph directly."""
        callee, regs = self._pick(f, inst)
        return Frame(callee, regs, f, inst[1], inst[8])

    def inst_tail_branch(self, f, inst):
        callee, regs = self._pick(f, inst)
        if callee.library:
            return Frame(callee, regs, f, inst[1], inst[8])
        f.code = callee
        f.insts = callee.insts
        f.regs = regs
        f.pc = 0
        return f

    def inst_call(self, f, inst):
        """A call of a value known only at run time (a backpropagator, say)."""
        _, d, fn, args, node = inst
        r = f.regs
        fn = r[fn]
        code = fn.code if type(fn) is Closure else None
        if code is not None and code.direct and len(a := args(r)) == code.nparams:
            return Frame(code, [*a, *fn.values, *code.rest], f, d, node)  # _call, less checks
        return self._call(fn, list(args(r)), f, node, d, False)

    def inst_tail_call(self, f, inst):
        _, d, fn, args, node = inst
        r = f.regs
        return self._call(r[fn], list(args(r)), f, node, d, True)

    def inst_return(self, f, inst):
        v = f.regs[inst[1]]
        caller = f.caller
        if caller is None:
            self.result = v
            return None
        caller.regs[f.ret] = v
        return caller

    # ----- the general call ---------------------------------------------------

    def _call(self, fn, args, f, node, dest, tail):
        """Call `fn` from frame `f`: the frame to continue with.

        The debug VM's `_call`, over lowered code: unwrap partials, find the
        graph of a Python function or of a `JFunction`, run a primitive at
        once, bind keywords and defaults for a callee known only now.
        """
        kw = {}
        ncall = len(args)
        while isinstance(fn, Partial):
            fn, args, kw = fn.fn, [*fn.args, *args], {**fn.kwargs, **kw}
        sig = signature(fn, node) if is_forward(fn) else None
        if sig is not None and (kw or len(args) < len(sig[1]) and not sig[4]):
            # Under grad: through the keyword adapter (calls.keyword_call).
            adapter, flat = keyword_call(fn, args, kw, len(args) - ncall, node)
            return self._call(Closure(code_of(adapter), ()), [fn, *flat], f, node, dest,
                              tail)
        if isinstance(fn, types.FunctionType):
            fn = Closure(code_of(parse(fn)), ())
        elif isinstance(fn, JFunction):  # a bound method under grad
            fn = Closure(code_of(fprop_value(fn, len(args))), ())
        elif isinstance(fn, Graph):
            fn = Closure(code_of(fn), ())
        if isinstance(fn, Primitive):
            return self._primitive(f, fn, args, kw, node, dest)
        if not isinstance(fn, Closure):
            raise MyiaTypeError(not_callable(type(fn)),
                                _loc(user_node(f, node)))
        code = fn.code
        g = code.graph
        if kw or (len(args) < code.nparams and g.defaults):
            args = bind(g.name, [p.debug.name for p in g.parameters],
                         fn.defaults(), g.kwonly, args, kw, node)
        if len(args) != code.nparams:
            raise MyiaTypeError(
                f"{g.name}() takes {code.nparams} arguments but {len(args)} "
                "were given", _loc(user_node(f, node)))
        regs = [*args, *fn.values, *code.rest]
        if tail and not code.library:
            f.code = code
            f.insts = code.insts
            f.regs = regs
            f.pc = 0
            return f
        return Frame(code, regs, f, dest, node)

    def _primitive(self, f, prim, args, kw, node, dest):
        if kw:
            args = bind(prim.name, prim.params or (), prim.defaults, set(), args, kw, node)
        method = _dunder(prim, args)
        if method is not None:
            return self._call(method[0], method[1], f, node, dest, False)
        try:
            f.regs[dest] = prim.impl(*args)
        except Exception as e:
            raise user_error(e, user_node(f, node)) from None
        return f


def kernel_listing(graph, args):
    """Run `graph` on `args` once, compiling every kernel it meets; their sources."""
    saved, kernels.HOT = kernels.HOT, 1
    try:
        ProductionVM().run(graph, args)
    finally:
        kernels.HOT = saved
    sources = []
    for g in reachable_graphs(graph):
        for inst in code_of(g).insts:
            if inst[0] in (ProductionVM.inst_kernel, ProductionVM.inst_native,
                           ProductionVM.inst_array):
                sources += [s for s in inst[1].sources.values() if s not in sources]
    whole = native_grad.build(graph, args)
    return kernels.Listing(sources + ([whole.source] if whole is not None else []))


def compile(graph):
    """A Python callable running `graph` (untyped, or typed) on the production VM.

    A program of scalars with loops or recursion (a gradient's chain of
    backpropagators among them) runs as one native function per signature
    when native_grad.py compiles it (from the second call on, or at once if
    it is on disk); otherwise, or when it declines, the VM runs it.  A first
    call runs the native function's source in CPython (pytier.py) for as
    long as the budget allows (budget.py), then compiles it (the subset has
    no effects to undo); a call too deep for the VM is compiled too.
    """
    entry = native_grad.Entry(graph)

    def run(*args):
        out = entry.run(args)
        if out is not native_grad.DECLINED:
            return out
        made = entry.pending.get(tuple(map(type, args)))
        if made is not None:
            try:
                return pytier.Tier(*made).run(args, deadline(made[1]))
            except OutOfWork:  # a long run: compile it now
                out = entry.run(args, now=True)
                if out is not native_grad.DECLINED:
                    return out
            except Decline:  # as the native code would: the VM decides
                pass
        try:
            return ProductionVM().run(graph, args)
        except MyiaRecursionError:  # the native code nests less: try it
            out = entry.run(args, now=True)
            if out is native_grad.DECLINED:
                raise
            return out

    run.natives = entry.natives  # Python types -> native_grad.Native (api.py's fast path)
    return run


def compile_typed(graph):
    """The program of a typed, optimized graph (`pipeline.typed_program`).

    Every node of `graph` (and of the graphs it reaches) has its `.abstract`
    for the arguments' signature; lowering reads them (lower.py).  This is
    where a compiler of whole typed graphs would be tried first, this VM
    being what it declines to.
    """
    return compile(graph)
