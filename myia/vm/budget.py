"""How long a first call runs without Numba before it compiles instead: rent or buy.

A signature's first call of a program with native code (native_grad.py)
can run that code's source in CPython (pytier.py), which compiles nothing
(right for a short call), or compile it with Numba and run that (right for
a long one).  Which is right depends on the call's length, which no one
knows in advance (a data-dependent `while`).  The rule (ski rental): run in
CPython for a share `SHARE` of what compiling would take, then drop that
run (the subset is pure: nothing to undo) and compile.

    CPython for min(its run, SHARE * C) s;  if not done: C s to compile, then the native run

So a first call costs at most (1 + SHARE) C, whatever N, and one that
CPython finishes within SHARE * C loads no Numba at all.  SHARE = 1 is the
classic rule (never more than twice the cost with foresight); a quarter
bounds what the user waits for best: on the benchmark machine C is 0.55-0.7
s for the scalar-loop gradient (Numba's one-time set-up, 0.28 s, included),
so a first call is under 1 s at every N, where SHARE = 1 made it 1.2 s just
past break-even.  CPython runs that gradient at about 1 µs an iteration, so
break-even is past N = 1e5 (it was N = 1.5e4 with the VM as the renter).

C is estimated from the generated source: its lines times the seconds a
line took in the last compile of this process (`RATE`; before any, what
the scalar-loop gradient's 216 lines took on the benchmark machine, quiet,
set-up included).
"""

import time

RATE = [2.8e-3]  # seconds of Numba compile a generated line (216: 0.6 s): see `measured`
SHARE = 0.25  # of the estimated compile time, the budget of a run in CPython


class OutOfWork(Exception):
    """A first call's run went past its deadline (pytier.py)."""


def deadline(source):
    """When a first call starting now should stop its VM run and compile `source`."""
    return time.perf_counter() + SHARE * _lines(source) * RATE[0]


def measured(source, seconds):
    """Record that compiling `source` took `seconds`: the next estimates' rate."""
    RATE[0] = seconds / _lines(source)


def _lines(source):
    return max(1, source.count("\n"))
