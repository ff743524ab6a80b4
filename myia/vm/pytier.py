"""A native kernel's source run by CPython: a first call's tier before Numba.

native_grad.py writes a program of scalars as one `while True` state
machine for `numba.njit`.  Compiling it costs C, 0.5-1 s (Numba's set-up
included), which a first call cannot know is worth paying (budget.py).  The
same source is plain Python, and CPython runs it about 14 times faster than
the production VM runs the graphs (the scalar-loop gradient: 0.8-1.5 µs an
iteration against 11 µs), having compiled nothing.  So a first call runs it
here, for at most `budget.SHARE` C; past that, Numba compiles it.

Three edits make it CPython's (checked, so a change of the generator fails
loudly here):

    as_float(heap[vi9 + 0])      ->  (heap[vi9 + 0])      floats stay floats in a list
    raise MemoryError('more room')  ->  the list grows in place (no rerun)
    while True:                  ->  while True: + a look at the clock every 4,096 states

It is exact where the native code is: the same operations in the same
order on Python floats, and the same checks, so what Numba's int64 or libm
would get wrong declines here too (`ArithmeticError`); so does any error
(an error in CPython's `math` where Numba gives a nan, say).  A decline
leaves the call to the VM, the reference, which gives the value or the
located error.
"""

import math
import operator
import re
import time

import numpy as np

from .. import types as T
from .budget import OutOfWork
from .debug import _limit
from .defun import Decline
from .native_grad import _build

_EDITS = [
    (re.compile(r"\bas_(?:float|int)\("), "("),
    (re.compile(r"^( +)raise MemoryError\('more room'\)$", re.M),  # the stack (_frame)
     r"\1stk.extend([0] * len(stk))\n\1stkcap = min(len(stk), lim)"),
    (re.compile(r"if hn \+ (\d+) > heapcap: raise MemoryError\('more room'\)"),  # the heap
     r"if hn + \1 > heapcap: heap.extend([0] * (len(heap) + \1)); heapcap = len(heap)"),
    (re.compile(r"^    state = 0\n    while True:\n", re.M),
     "    state = 0\n    tick = 4096\n    while True:\n        tick -= 1\n        if not tick:\n"
     "            tick = 4096\n            if clock() > until[0]:\n"
     "                raise OutOfWork\n"),
]


class Tier:
    """The kernel of a native program's `source`, run by CPython.

    `run(args, until)` gives the program's value, raises `OutOfWork` past
    the `perf_counter()` time `until`, or `Decline`.
    """

    def __init__(self, graph, source):
        body = source[source.index("def kernel("):]
        for pattern, replacement in _EDITS:
            body = pattern.sub(replacement, body)
        assert "more room" not in body and "clock()" in body, "pytier: the generator changed"
        self.until = [0.0]
        space = {"math": math, "np": np, "libm_pow": operator.pow,  # CPython's own `**`
                 "clock": time.perf_counter, "until": self.until, "OutOfWork": OutOfWork}
        exec(compile(body, "<myia first-call kernel>", "exec"), space)  # noqa: S102
        self.kernel, self.out = space["kernel"], graph.output.abstract
        self.scalar = self.out in (T.Float, T.Int, T.Bool)

    def run(self, args, until):
        self.until[0] = until
        try:
            out = self.kernel(*args, [0] * 4096, _limit[0])
        except OutOfWork:
            raise
        except Exception as e:  # noqa: BLE001 (a decline or an error: the VM decides)
            raise Decline(str(e)) from None
        return out if self.scalar else _build(self.out, iter(out))
