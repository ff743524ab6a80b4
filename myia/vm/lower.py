"""Lowering graphs to instruction lists over register slots, for the production VM.

Each graph is lowered once, to a `Code`: a flat list of instructions whose
operands are register numbers, so running it does no per-node dictionary
look-up.  A frame's registers are laid out as

    [parameters][free variables][constants and node values]

and a closure is *flat*: it holds the values of its graph's free variables
(the Manager computes them transitively, so every one of them is either a
node or a free variable of the graph that creates the closure).

For instance `def f(x): return g(x * 2.0)`, with `g` a global function, is

    x * 2.0      ->  (inst_prim2,     r2, mul,  r0, r1)     # r1 holds 2.0
    g(%1)        ->  (inst_tail_graph, r3, <code g>, (r2,), ())
                     (inst_return,    r3)

The tail call replaces the frame (a loop is a tail-recursive header graph, so
it runs in constant space); the `inst_return` after it only runs when the
callee is library code, which is entered as an ordinary call so that errors
can still name the user's call site.  An `if` is `switch(c, then, else)()`:
the two nodes become one `inst_branch` that jumps to the chosen graph
without building a closure for either branch.

Instruction kinds are the `inst_<name>` methods of `ProductionVM`
(production.py); this module only decides which one each node becomes.
"""

import operator
import os

from .. import types as T
from ..errors import MyiaTypeError
from ..ir import Apply, Constant, Graph, Manager
from ..prims import Primitive, switch
from . import arrays, kernels, native
from .debug import tail_node

_LIBRARY = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class Code:
    """A graph lowered for the production VM.

    Attributes:
        graph: the graph.
        nparams: number of parameters (registers 0..nparams-1).
        fvs: its free variables, in register order after the parameters.
        fv_index: free-variable node -> position in a closure's values.
        rest: initial values of the remaining registers (constants, then
            None for the nodes the frame computes).
        insts: the instructions (tuples: the `inst_<name>` function first).
        library: whether the graph is Myia's own library code.
        direct: whether a call giving every parameter binds nothing (not
            a forward graph, which a call may reach through a keyword adapter).
    """

    __slots__ = ("graph", "nparams", "fvs", "fv_index", "rest", "insts", "library",
                 "slots", "nodes", "branches", "direct")

    def __init__(self, graph, fvs):
        self.graph = graph
        self.nparams = len(graph.parameters)
        self.fvs = fvs
        self.fv_index = {n: i for i, n in enumerate(fvs)}
        self.rest = None
        self.insts = None
        loc = graph.debug.loc
        self.library = loc is not None and os.path.abspath(loc.file).startswith(_LIBRARY)
        self.direct = graph.debug.role != "fprop"
        self.slots = None
        self.nodes = None
        self.branches = None

    @property
    def name(self):
        return self.graph.name

    def __repr__(self):
        return f"<code {self.name}>"


class Closure:
    """A lowered graph together with the values of its free variables."""

    __slots__ = ("code", "values")

    def __init__(self, code, values):
        self.code = code
        self.values = values

    @property
    def graph(self):
        return self.code.graph

    def __repr__(self):
        return f"<function {self.code.name}>"

    def defaults(self):
        """Parameter name -> default value of the graph (see debug.py)."""
        out = {}
        code = self.code
        for name, node in code.graph.defaults.items():
            if isinstance(node, Constant):
                out[name] = node.value
            elif node in code.fv_index:
                out[name] = self.values[code.fv_index[node]]
            else:
                raise MyiaTypeError(f"the default value of {name!r} of {code.name}() "
                                    "is not available where it is called; pass it explicitly",
                                    node.loc)
        return out


_codes = {}


def code_of(graph):
    """The lowered `Code` of `graph` (lowering it and every graph it reaches once)."""
    code = _codes.get(graph)
    if code is None:
        m = Manager(graph)
        new = [g for g in m.graphs if g not in _codes]
        for g in new:
            _codes[g] = Code(g, sorted(m.free_variables[g], key=lambda n: n.id))
        for g in new:
            _Lowering(_codes[g], m.nodes[g], m).run()
        for g in new:  # a closure-free loop header runs its loop natively
            loop = native.find_loop(_codes[g], code_of)
            if loop is not None:
                from .production import ProductionVM
                _codes[g].insts.insert(0, (ProductionVM.inst_native, loop))
        code = _codes[graph]
    return code


def gather(slots):
    """A function `regs -> tuple of regs[slots]` (itemgetter, always a tuple)."""
    if not slots:
        return lambda regs: ()
    if len(slots) == 1:
        (s,) = slots
        return lambda regs: (regs[s],)
    return operator.itemgetter(*slots)


class _Lowering:
    """Turns one graph's nodes into instructions (see the module docstring)."""

    def __init__(self, code, nodes, manager):
        from .production import ProductionVM as VM  # the instruction set
        self.VM = VM
        self.code = code
        self.nodes = nodes
        self.graph = code.graph
        self.slot = {}
        self.rest = []
        self.insts = []
        for i, p in enumerate(self.graph.parameters):
            self.slot[p] = i
        for i, n in enumerate(code.fvs):
            self.slot[n] = code.nparams + i
        self.base = code.nparams + len(code.fvs)
        # A switch used only as the function of one call becomes a branch.
        uses = {}
        for n in nodes:
            for i in n.inputs:
                uses[i] = uses.get(i, 0) + 1
        captured = self.captured = set().union(*manager.free_variables.values())
        self.branches = {
            n.inputs[0] for n in nodes
            if _is_switch(n.inputs[0]) and uses.get(n.inputs[0]) == 1
            and n.inputs[0] not in captured and n.inputs[0] is not self.graph.output
            and all(_graph_const(x) and len(x.value.parameters) == len(n.inputs) - 1
                    and not x.value.kwonly for x in n.inputs[0].inputs[2:])}

    def new_slot(self, initial=None):
        self.rest.append(initial)
        return self.base + len(self.rest) - 1

    def operand(self, node):
        """The register holding `node`'s value, emitting a closure if needed."""
        if node in self.slot:
            return self.slot[node]
        if isinstance(node, Constant):
            v = node.value
            if isinstance(v, Graph):
                callee = code_of(v)
                if not callee.fvs:
                    s = self.new_slot(Closure(callee, ()))
                else:
                    s = self.new_slot()
                    self.emit(self.VM.inst_closure, s, callee, gather(self.fv_slots(callee)))
            else:
                s = self.new_slot(v)
            self.slot[node] = s
            return s
        raise AssertionError(f"{node} is not available in {self.graph}")

    def fv_slots(self, callee):
        return [self.operand(n) for n in callee.fvs]

    def emit(self, *inst):
        self.insts.append(inst)

    def run(self):
        out = self.graph.output
        last = self.nodes[-1] if self.nodes else None
        tail = tail_node(self.graph, self.nodes)
        for n in self.nodes:
            if n in self.branches:
                continue
            self.lower(n, tail=n is tail)  # (a `depend` after a tail call never runs)
        if not (out is last and isinstance(out, Apply) and out not in self.branches):
            self.emit(self.VM.inst_return, self.operand(out))
        code = self.code
        code.rest = self.rest
        readers, types = self.readers(), self.scalar_types()
        insts = self.insts if types is None else \
            arrays.fuse(self.insts, readers, self.slot, self.VM, types)
        code.insts = kernels.fuse(insts, readers, self.rest, self.base, self.VM, types)
        code.slots = self.slot
        code.nodes = self.nodes
        code.branches = self.branches

    def scalar_types(self):
        """Register -> Python scalar type, from `.abstract` in a typed graph (else None)."""
        if not all(getattr(n, "abstract", None) is not None for n in self.nodes):
            return None
        return {s: _PYTHON.get(T.widen(n.abstract)) for n, s in self.slot.items()
                if getattr(n, "abstract", None) is not None}

    def readers(self):
        """Register -> the nodes reading it (None: read by a closure or the return)."""
        out = {}
        for n in self.nodes:
            for i in n.inputs:
                if i in self.slot:
                    out.setdefault(self.slot[i], set()).add(n)
        for n in [*self.captured, self.graph.output]:
            if n in self.slot:
                out[self.slot[n]] = None
        return out

    def lower(self, n, tail):
        VM = self.VM
        fn, args = n.inputs[0], n.inputs[1:]
        dest = self.slot[n] = self.new_slot()
        if fn in self.branches:
            cond, a, b = fn.inputs[1:]
            ca, cb = code_of(a.value), code_of(b.value)
            self.emit(VM.inst_tail_branch if tail else VM.inst_branch, dest,
                      self.operand(cond), ca, gather(self.fv_slots(ca)), cb,
                      gather(self.fv_slots(cb)), gather([self.operand(x) for x in args]), n,
                      fn)
        elif isinstance(fn, Constant) and isinstance(fn.value, Primitive) \
                and (fn.value.dunder is None or _plain(n)):
            # No operand can override it: untyped, a primitive without a special
            # method; typed, one whose operands' types have none (monomorphize
            # made the others calls of the methods).
            ops = [self.operand(x) for x in args]
            if len(args) <= 3:
                kind = (VM.inst_prim0, VM.inst_prim1, VM.inst_prim2, VM.inst_prim3)[len(args)]
                self.emit(kind, dest, fn.value.impl, *ops, n)
            else:
                self.emit(VM.inst_prim, dest, fn.value.impl, gather(ops), n)
        elif isinstance(fn, Constant) and isinstance(fn.value, Primitive) \
                and 1 <= len(args) <= 2:
            # An operator: a dataclass operand may override it (`__add__`).
            ops = [self.operand(x) for x in args]
            self.emit(VM.inst_op1 if len(args) == 1 else VM.inst_op2, dest, fn.value, *ops, n)
        elif isinstance(fn, Constant) and isinstance(fn.value, Primitive):
            self.emit(VM.inst_op, dest, fn.value, gather([self.operand(x) for x in args]), n)
        elif _graph_const(fn) and len(code_of(fn.value).graph.parameters) == len(args) \
                and not code_of(fn.value).graph.kwonly:
            callee = code_of(fn.value)
            self.emit(VM.inst_tail_graph if tail else VM.inst_call_graph, dest, callee,
                      gather([self.operand(x) for x in args]),
                      gather(self.fv_slots(callee)), n)
        else:
            self.emit(VM.inst_tail_call if tail else VM.inst_call, dest, self.operand(fn),
                      gather([self.operand(x) for x in args]), n)
        if tail:
            # Runs only when the tail call could not replace the frame.
            self.emit(VM.inst_return, dest)


_PYTHON = {T.Float: float, T.Int: int, T.Bool: bool}
_NO_METHODS = (T.Scalar, T.Array, T.Tuple, T.EnvT)


def _plain(node):
    """Whether a typed node's operands are of types without special methods."""
    return getattr(node, "abstract", None) is not None and all(
        (a := T.widen(T.strip_zero(getattr(x, "abstract", None) or T.Bottom))) in _PYTHON
        or isinstance(a, _NO_METHODS) or a in (T.NoneType, T.ZeroType)
        for x in node.inputs[1:])


def _is_switch(n):
    f = n.inputs[0] if n.inputs else None
    return isinstance(f, Constant) and f.value is switch and len(n.inputs) == 4


def _graph_const(node):
    return isinstance(node, Constant) and isinstance(node.value, Graph)
