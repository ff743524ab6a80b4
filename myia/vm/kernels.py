"""Fused Numba kernels: straight-line runs of scalar primitives in one njit call.

A maximal run of consecutive scalar primitive instructions in a lowered graph
(lower.py) becomes a `Segment`, and the instruction list gets one
`inst_kernel` in front of the run, which stays in place behind it:

    before:  mul r4 <- r0 r2 ; add r5 <- r3 r4 ; add r6 <- r2 1 ; tail ...
    after:   kernel(seg) ; mul ... ; add ... ; add ... ; tail ...

`inst_kernel` looks up a kernel for the Python types of the run's inputs;
when it has one and the kernel succeeds, it stores the outputs and skips the
run.  Otherwise the original instructions simply run next, so anything a
kernel cannot do exactly (an int beyond int64, a dataclass operand with
`__add__`, a math domain error, a zero division) is done by the same
instructions as without kernels, with the same result or the same located
`MyiaError`: Numba code only ever *declines* (emit.py says when).

A run is compiled once it has run `HOT` times with the same input types.
The generated source is a module file in the cache folder
(`$MYIA_CACHE_DIR/kernels`, by default `~/.cache/myia/kernels`), named by a
hash of its text (which spells the types), and compiled with `cache=True`,
so a new process finds it warm.  `myia.ir(f, *args, stage="kernels")` shows
the generated source.
"""

import contextlib
import gc
import hashlib
import importlib.util
import os
import signal
import sys


from .emit import HEADER, SCALARS, op_lines, result_type, scalar_kernel, where

HOT = 2  # runs with the same input types before a segment is compiled


class Segment:
    """A run of fusible instructions: what it reads, writes and compiles to.

    Attributes:
        insts: the run's instructions; `nodes` their nodes.
        ins: registers read (not written by the run), in order; `gather_ins`
            reads them.  `outs`: registers written that others read.
        compiled: input types -> njit kernel (None: declined for good).
        seen: input types -> runs so far; `sources`: input types -> source.
    """

    def __init__(self, insts, ins, outs, literals):
        from .lower import gather
        self.insts = insts
        self.nodes = [i[-1] for i in insts]
        self.ins = ins
        self.gather_ins = gather(ins)
        self.outs = outs
        self.literals = literals  # register -> Python scalar constant
        self.compiled = {}
        self.seen = {}
        self.sources = {}
        self.key = None  # typed graphs: the input types, fixed


def fusible(inst, VM, types=None):
    """Whether instruction `inst` may join a segment (with `types`, the Python
    scalar type of each register of a typed graph: only if they are all known
    and Python's rule gives the result's)."""
    if inst[0] not in (VM.inst_prim1, VM.inst_prim2, VM.inst_op1, VM.inst_op2):
        return False
    prim = getattr(inst[-1].inputs[0], "value", None)
    if not scalar_kernel(prim):
        return False
    if types is None:
        return True
    ins = [types.get(s) for s in operands(inst)]
    return None not in ins and types.get(inst[1]) is result_type(prim, ins) is not None


def fuse(insts, readers, rest, base, VM, types=None):
    """`insts` with an `inst_kernel` before each maximal run of fusible ones.

    `readers[r]` is the set of nodes reading register `r` outside their own
    instruction (None: read by something other than a node of this graph,
    a nested graph or the return).  `types` (typed graphs): register ->
    Python scalar type, which fixes each kernel's signature when lowered.
    """
    out, run = [], []
    for inst in [*insts, None]:
        if inst is not None and fusible(inst, VM, types):
            run.append(inst)
            continue
        if len(run) >= 2:
            mine = {i[-1] for i in run}
            elsewhere = {i[1] for i in run
                         if readers.get(i[1]) is None or readers[i[1]] - mine}
            seg = segment(run, elsewhere, rest, base)
            if types is not None:
                seg.key = tuple(types[s] for s in seg.ins)
            out.append((VM.inst_kernel, seg))
        out.extend(run)
        run = []
        if inst is not None:
            out.append(inst)
    return out


def segment(run, read_elsewhere, rest, base):
    """The `Segment` of `run` (instructions), given the registers read elsewhere."""
    written, ins, literals = set(), [], {}
    for inst in run:
        for s in operands(inst):
            if s in written or s in ins or s in literals:
                continue
            v = rest[s - base] if s >= base else None
            if s >= base and type(v) in SCALARS:
                literals[s] = v
            else:
                ins.append(s)
        written.add(inst[1])
    outs = [inst[1] for inst in run if inst[1] in read_elsewhere]
    return Segment(run, ins, outs, literals)


def operands(inst):
    """The registers a prim/op instruction reads: `(kind, dest, fn, *regs, node)`."""
    return list(inst[3:-1])


def on_miss(seg, key):
    """Count one more run of `seg` with input types `key`; compile it once hot."""
    n = seg.seen.get(key, 0) + 1
    seg.seen[key] = n
    if n >= HOT:
        seg.compiled[key] = build(seg, key)


def build(seg, key):
    """The njit kernel of `seg` for input types `key`, or None if it declines."""
    types = dict(zip(seg.ins, key))
    types.update((s, type(v)) for s, v in seg.literals.items())
    for inst in seg.insts:
        t = result_type(inst[-1].inputs[0].value, [types[s] for s in operands(inst)])
        if t is None:
            return None
        types[inst[1]] = t
    return compile_source(seg, key, generate(seg, types))


def compile_source(owner, key, source):
    """`load(source)`, recording it in `owner.sources`; None if Numba refuses it.

    Numba refusing generated code is a Myia bug, but not a user's error: the
    VM runs the instructions instead, and the listing says why.
    """
    try:
        with compiling():
            kernel = load(source)
    except Exception as e:  # noqa: BLE001 (any compile failure declines)
        owner.sources[key] = source + f"# not compiled: {type(e).__name__}: " + \
            str(e).splitlines()[0] + "\n"
        return None
    owner.sources[key] = source
    return kernel


@contextlib.contextmanager
def compiling():
    """The state of the process while Numba compiles.

    Ctrl-C is held back until the block ends: LLVM calls back into Python
    while Numba compiles, and a KeyboardInterrupt raised in a ctypes callback
    is printed and lost (the compile goes on), so an endless loop compiled
    then could not be stopped.  Held back, it is raised when the compile is
    done.  The cyclic garbage collector is paused: a compile makes about a
    million short-lived objects, and each collection they set off walks the
    whole heap, the program's graphs included (the scalar-loop gradient's
    native compile: 0.67 -> 0.55 s).
    """
    held, collecting = [], gc.isenabled()
    gc.disable()
    try:
        old = signal.signal(signal.SIGINT, lambda *_: held.append(1))
    except ValueError:  # not the main thread, which is where Ctrl-C goes
        old = None
    try:
        yield
    finally:
        if collecting:
            gc.enable()
        if old is not None:
            signal.signal(signal.SIGINT, old)
        if held:
            signal.raise_signal(signal.SIGINT)


def generate(seg, types):
    """The Python source of the kernel of `seg`, every register's type known."""
    def name(s):
        return repr_literal(seg.literals[s]) if s in seg.literals else f"r{s}"

    sig_in = ", ".join(SCALARS[types[s]] for s in seg.ins)
    sig_out = f"Tuple(({', '.join(SCALARS[types[s]] for s in seg.outs)},))"
    lines = [*HEADER,
             f'@numba.njit("{sig_out}({sig_in})", cache=True, error_model="python")',
             f"def kernel({', '.join(f'r{s}' for s in seg.ins)}):"]
    for inst in seg.insts:
        ops = operands(inst)
        lines += ["    " + line for line in op_lines(
            inst[-1].inputs[0].value, f"r{inst[1]}", [name(s) for s in ops],
            [types[s] for s in ops], where(inst[-1]))]
    lines.append(f"    return ({', '.join(f'r{s}' for s in seg.outs)},)")
    return "\n".join(lines) + "\n"


def repr_literal(v):
    return f"({v!r})"


class Listing:
    """The generated kernel sources of a program (`myia.ir(..., stage="kernels")`)."""

    def __init__(self, sources):
        self.sources = sources

    def __str__(self):
        if not self.sources:
            return "# no kernels: nothing here is a run of scalar primitives\n"
        return "\n\n".join(self.sources)


def cache_dir():
    """Where generated kernel modules live (`$MYIA_CACHE_DIR` overrides)."""
    root = os.environ.get("MYIA_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "myia")
    path = os.path.join(root, "kernels")
    os.makedirs(path, exist_ok=True)
    return path


_loaded = {}


def _digest(source):
    return hashlib.sha256(source.encode()).hexdigest()[:20]


def on_disk(source):
    """Whether `source` was compiled before (by this process or an earlier one)."""
    digest = _digest(source)
    return digest in _loaded or os.path.exists(os.path.join(cache_dir(), f"k_{digest}.py"))


def load(source):
    """The `kernel` of `source`, from its module file in the cache folder."""
    digest = _digest(source)
    if digest in _loaded:
        return _loaded[digest]
    path = os.path.join(cache_dir(), f"k_{digest}.py")
    if not os.path.exists(path):
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w") as fh:
            fh.write(source)
        os.replace(tmp, path)  # atomic: concurrent processes agree
    spec = importlib.util.spec_from_file_location(f"myia_kernel_{digest}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # Numba's disk cache finds its module by name
    spec.loader.exec_module(module)
    _loaded[digest] = module.kernel
    return module.kernel


