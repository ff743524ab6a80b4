"""Matrix products computed transposed, where BLAS is faster so and exact.

numpy's `a @ b` (C-ordered result, shape (m, n)) asks OpenBLAS for the
product with its dimensions in one role; `(b.T @ a.T).T` asks for the same
product with m and n in each other's roles.  The result is an F-ordered
view, and for float64 on this machine's OpenBLAS (its dgemm kernel sums
each element's products in the same order in both roles) the same bits, up
to 19% faster when m < n (measured, one thread: 64x784 @ 784x256 540 -> 489
µs; 32x128 @ 128x128 27.8 -> 21.8 µs).  float32 differed in the last bit
there, and was exact on another machine.  So whether a shape and dtype flip
exactly is not assumed but tried once (`exact`): random operands, in all
four layouts, flipped and plain, compared bit for bit; a BLAS that rounds
otherwise keeps numpy's call.

A flipped product's layout must not reach anything whose bits depend on it
(`np.sum` sums in memory order) or escape: it is flipped only when its one
reader is an elementwise operation of the segment writing a C-ordered array
(a fused loop's leaf, or a ufunc given `out=`), never overwritten in place::

    r6 = np.matmul(r2.T, r4.T).T          # x @ w1, m=64 < n=256
    r7 = np.add(r6, r1, out=np.empty((64, 256), np.float64), casting='safe')
"""

import functools

import numpy as np

from .. import types as T
from ..prims import matmul

MIN_WORK = 1 << 19  # m * k * n below this: no measured gain (32x64 @ 64x128 none)
MAX_WORK = 1 << 27  # above: trying it at lowering would cost more than ms (and unmeasured)


def _shape(x):
    a = T.widen(getattr(x, "abstract", None))
    if isinstance(a, T.Array) and len(a.shape) == 2 and None not in a.shape:
        return a.shape, a.dtype
    return None, None


def flippable(node):
    """Whether matmul `node` is one worth computing transposed (see above)."""
    if node.inputs[0].value is not matmul or len(node.inputs) != 3:
        return False
    (sa, da), (sb, db) = _shape(node.inputs[1]), _shape(node.inputs[2])
    if sa is None or sb is None or da != db or sa[1] != sb[0]:
        return False
    m, k, n = sa[0], sa[1], sb[1]
    return m < n and MIN_WORK <= m * k * n <= MAX_WORK and exact(m, k, n, np.dtype(da).str)


@functools.lru_cache(maxsize=None)
def exact(m, k, n, dtype):
    """Whether `(b.T @ a.T).T` is `a @ b` bit for bit, for (m, k) @ (k, n) of
    `dtype`, in every layout of the operands (BLAS packs them differently)."""
    if np.dtype(dtype).kind != "f":
        return False
    r = np.random.default_rng(0)
    a, b = (r.normal(size=s).astype(dtype) * 3 for s in [(m, k), (k, n)])
    want = a @ b
    return all(np.array_equal((y.T @ x.T).T, want) and np.array_equal(x @ y, want)
               for x in (a, np.asfortranarray(a)) for y in (b, np.asfortranarray(b)))


def flips(nodes, readers, slot, outs, elementwise):
    """The matmul nodes of a run to flip: each one's register has one reader,
    in `elementwise` (the nodes that read it as a leaf or ufunc operand and
    write a new C-ordered array), and is not read after the run."""
    return {n for n in nodes if n.inputs[0].value is matmul and slot[n] not in outs
            and len(rd := readers.get(slot[n]) or ()) == 1 and next(iter(rd)) in elementwise
            and flippable(n)}
