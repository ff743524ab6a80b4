"""How long a first call runs the VM before it compiles instead: rent or buy.

A signature's first call of a program with native code (native_grad.py)
can run on the VM, which compiles nothing (right for a short call), or
compile the native code and run that (right for a long one).  Which is
right depends on the call's length, which no one knows in advance (a
data-dependent `while`).  The ski-rental rule: run the VM until it has
taken as long as compiling would, then drop its run (the subset is pure:
nothing to undo) and compile.  Meanwhile the VM compiles none of its own
kernels (production.py): Numba's set-up and compiles for code that the
native function replaces.  A first call then costs at most about twice
what it would with foresight, whatever N, and a short one compiles nothing:

    VM for min(its run, C) s;  if not done: C s to compile, then the native run

C is estimated from the generated source: its lines times the seconds a
line took in the last compile of this process (`RATE`; before any, what
the scalar-loop gradient's 216 lines took on the benchmark machine, quiet).
"""

import time

RATE = [2e-3]  # seconds of Numba compile a generated line (216: 0.4 s): see `measured`
CHUNK = 1 << 10  # VM instructions between two looks at the clock (~1 ms)


class OutOfWork(Exception):
    """A VM run went past its deadline (`ProductionVM.run(..., until=t)`)."""


def deadline(source):
    """When a first call starting now should stop its VM run and compile `source`."""
    return time.perf_counter() + _lines(source) * RATE[0]


def measured(source, seconds):
    """Record that compiling `source` took `seconds`: the next estimates' rate."""
    RATE[0] = seconds / _lines(source)


def _lines(source):
    return max(1, source.count("\n"))
