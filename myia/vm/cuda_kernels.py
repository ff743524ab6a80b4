"""numba.cuda kernels for the device runtime (cuda.py), generated or written out.

Device values are strided `View`s of flat device buffers and `Lazy`
elementwise expressions over them (see cuda.py).  A chain of elementwise
primitives is one `Lazy` tree, and it becomes ONE generated kernel when its
value is needed: for `tanh(x @ w + b) * 2.0` (x @ w already a buffer `a0`,
`b` of shape (4,) broadcast against (3, 4)) the kernel body is

    i = cuda.grid(1)
    if i < 12:
        c1 = i % 4; c0 = i // 4            # output coordinates
        v0 = np.float32(f0(a0[o0 + c0 * 4 + c1 * 1], a1[o1 + c1 * 1]))   # add
        v1 = np.float32(f1(v0))                                          # tanh
        out[oo + c0 * 4 + c1 * 1] = np.float32(f2(v1, s0))               # * 2.0

where `f0, f1, f2` are the primitives' own scalar impls compiled as device
functions, shapes and strides are baked in (the kernel is cached by its
source), and offsets and scalars are arguments.  A reduction reads its input
through the same expression code, so `sum(x * y, axis=1)` is one kernel too:
one block per output element, a strided loop per thread, then a tree
reduction in shared memory.  `matmul` is a tiled shared-memory kernel; the
convolution and pooling kernels give one thread per output element.
"""

import collections
import math

import numpy as np
from numba import cuda

_kernels = {}
_device_fns = {}
counts = collections.Counter()   # kernel launches and transfers, by kind (for tests)


def _device_fn(fn):
    f = _device_fns.get(fn)
    if f is None:
        f = _device_fns[fn] = cuda.jit(device=True)(fn)
    return f


def _jit(src, fns):
    """The kernel `k` defined by `src`, whose `f<i>` are the scalar `fns`."""
    key = (src, tuple(id(f) for f in fns))
    k = _kernels.get(key)
    if k is None:
        ns = {"cuda": cuda, "np": np, "math": math}
        ns.update({f"f{i}": _device_fn(f) for i, f in enumerate(fns)})
        exec(compile(src, "<myia cuda kernel>", "exec"), ns)  # noqa: S102
        k = _kernels[key] = (cuda.jit(ns["k"]), fns)
    return k[0]


def _decode(var, names, shape, lines, indent):
    """Lines setting `names[d]` to the coordinates of flat index `var` in `shape`."""
    if not names:
        return
    r = var
    for d in range(len(shape) - 1, 0, -1):
        lines.append(f"{indent}{names[d]} = {r} % {shape[d]}")
        lines.append(f"{indent}r{d} = {r} // {shape[d]}")
        r = f"r{d}"
    lines.append(f"{indent}{names[0]} = {r}")


class _Expr:
    """Emits the code of an expression tree's value at given coordinates."""

    def __init__(self, coords, indent):
        self.coords = coords   # coordinate variable per dim of the consumer's shape
        self.indent = indent
        self.lines = []
        self.params = []       # kernel parameter names after the output's
        self.args = []         # their values
        self.fns = []
        self.seen = {}

    def leaf_index(self, view, k):
        n = len(self.coords)
        terms = [f"o{k}"]
        for d, (size, stride) in enumerate(zip(view.shape, view.strides)):
            if size != 1 and stride != 0:
                terms.append(f"{self.coords[n - view.ndim + d]} * {stride}")
        return " + ".join(terms)

    def emit(self, e):
        from .cuda_values import Lazy, View
        if isinstance(e, Lazy) and e.value is not None:
            e = e.value   # computed already
        name = self.seen.get(id(e))
        if name is not None:
            return name
        if isinstance(e, View):
            k = len(self.seen)
            self.params += [f"a{k}", f"o{k}"]
            self.args += [e.buf, e.offset]
            name = f"a{k}[{self.leaf_index(e, k)}]"
        elif isinstance(e, Lazy):
            ops = [self.emit(a) for a in e.args]
            if e.ctype is not None:
                ops = [f"np.{_t(e.ctype)}({o})" for o in ops]
            j = len(self.fns)
            self.fns.append(e.fn)
            name = f"v{len(self.seen)}"
            self.lines.append(f"{self.indent}{name} = np.{_t(e.dtype)}("
                              f"f{j}({', '.join(ops)}))")
        else:  # a host scalar
            name = f"s{len(self.seen)}"
            self.params.append(name)
            self.args.append(e)
        self.seen[id(e)] = name
        return name


def fill(dest, expr):
    """Write the value of `expr` (broadcast to `dest.shape`) into the View `dest`."""
    n = int(np.prod(dest.shape))
    names = [f"c{d}" for d in range(len(dest.shape))]
    g = _Expr(names, "        ")
    lines = []
    _decode("i", names, dest.shape, lines, "        ")
    value = g.emit(expr)
    lines += g.lines
    index = g.leaf_index(dest, "o")
    lines.append(f"        out[{index}] = np.{_t(dest.dtype)}({value})")
    src = "\n".join([f"def k(out, oo, {', '.join(g.params)}):",
                     "    i = cuda.grid(1)", f"    if i < {n}:", *lines]) + "\n"
    kernel = _jit(src, g.fns)
    threads = min(128, max(32, -(-n // 32) * 32))
    if n:
        counts["fill"] += 1
        kernel[-(-n // threads), threads](dest.buf, dest.offset, *g.args)


def _t(dtype):
    """numpy's name for a scalar type of `dtype` (`np.bool_`, not `np.bool`)."""
    return "bool_" if dtype.kind == "b" else dtype.name


def _identity(op, dtype):
    if op == "sum":
        return "0"
    if dtype.kind == "f":
        return "-np.inf" if op == "max" else "np.inf"
    if dtype.kind == "b":
        return str(op == "min")
    info = np.iinfo(dtype)
    return str(info.min if op == "max" else info.max)


def reduce(out, expr, axes, op, count):
    """`out[m] = op over the reduced axes of expr`, one block per output element.

    `op` is "sum", "max" or "min"; with `count` the sum is divided by it (mean).
    Each thread folds a strided part of its row, then the block folds the
    partial results in shared memory in log2(threads) steps.
    """
    shape = expr.shape
    kept = [d for d in range(len(shape)) if d not in axes]
    k_count = int(np.prod([shape[d] for d in axes]))
    m_count = int(np.prod([shape[d] for d in kept]))
    threads = min(256, 1 << max(0, (k_count - 1).bit_length()))
    names = [f"c{d}" for d in range(len(shape))]
    g = _Expr(names, "        ")
    head, body = [], []
    _decode("m", [names[d] for d in kept], [shape[d] for d in kept], head, "    ")
    _decode("j", [names[d] for d in axes], [shape[d] for d in axes], body, "        ")
    value = g.emit(expr)
    t = _t(out.dtype)
    if op == "sum":
        combine = "{a} + {b}"
    else:  # a NaN wins, as in numpy
        combine = "{b} if ({b} %s {a} or {b} != {b}) else {a}" % (">" if op == "max" else "<")
    last = "sh[0]" if count is None else f"sh[0] / np.{t}({count})"
    src = "\n".join([
        f"def k(out, {', '.join(g.params)}):",
        "    m = cuda.blockIdx.x",
        "    t = cuda.threadIdx.x",
        f"    sh = cuda.shared.array({threads}, np.{t})",
        *head,
        f"    acc = np.{t}({_identity(op, out.dtype)})",
        "    j = t",
        f"    while j < {k_count}:",
        *body, *g.lines,
        f"        x = np.{t}({value})",
        "        acc = " + combine.format(a="acc", b="x"),
        f"        j += {threads}",
        "    sh[t] = acc",
        "    cuda.syncthreads()",
        f"    s = {threads // 2}",
        "    while s > 0:",
        "        if t < s:",
        "            sh[t] = " + combine.format(a="sh[t]", b="sh[t + s]"),
        "        cuda.syncthreads()",
        "        s //= 2",
        "    if t == 0:",
        f"        out[m] = {last}",
    ]) + "\n"
    if m_count:
        counts["reduce"] += 1
        _jit(src, g.fns)[m_count, threads](out.buf, *g.args)


def _tile(m, n):
    return min(16, 1 << max(1, (max(m, n) - 1).bit_length()))


_MATMUL = """
def k(c, a, b, M, N, K):
    sa = cuda.shared.array(({T}, {T}), np.{t})
    sb = cuda.shared.array(({T}, {T}), np.{t})
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    col = cuda.blockIdx.x * {T} + tx
    row = cuda.blockIdx.y * {T} + ty
    z = cuda.blockIdx.z
    acc = np.{t}(0)
    for t0 in range(0, K, {T}):
        sa[ty, tx] = a[z * M * K + row * K + t0 + tx] if row < M and t0 + tx < K else 0
        sb[ty, tx] = b[z * K * N + (t0 + ty) * N + col] if t0 + ty < K and col < N else 0
        cuda.syncthreads()
        for q in range({T}):
            acc += sa[ty, q] * sb[q, tx]
        cuda.syncthreads()
    if row < M and col < N:
        c[z * M * N + row * N + col] = acc
"""


def matmul(c, a, b, batch, m, n, k, tile=None):
    """`c[z] = a[z] @ b[z]` for contiguous (batch, m, k) and (batch, k, n) buffers.

    Each block computes a `tile` x `tile` piece of `c` (16 x 16, smaller for
    small matrices), staging tiles of `a` and `b` through shared memory.
    """
    T = tile or _tile(m, n)
    kernel = _jit(_MATMUL.format(T=T, t=_t(c.dtype)), ())
    if batch and m and n:
        counts["matmul"] += 1
        kernel[(-(-n // T), -(-m // T), batch), (T, T)](c, a, b, m, n, k)


# ----- convolution and pooling: one thread per output element ---------------

@cuda.jit
def _conv2d(out, x, w, zero, N, C, H, W, O, KH, KW, OH, OW, sh, sw, ph, pw):
    i = cuda.grid(1)
    if i < N * O * OH * OW:
        ox = i % OW
        oy = (i // OW) % OH
        o = (i // (OW * OH)) % O
        n = i // (OW * OH * O)
        acc = zero
        for c in range(C):
            for a in range(KH):
                y = oy * sh + a - ph
                if 0 <= y < H:
                    for b in range(KW):
                        xx = ox * sw + b - pw
                        if 0 <= xx < W:
                            acc += x[((n * C + c) * H + y) * W + xx] * \
                                w[((o * C + c) * KH + a) * KW + b]
        out[i] = acc


@cuda.jit
def _conv2d_input_grad(dx, d, w, zero, N, C, H, W, O, KH, KW, OH, OW, sh, sw, ph, pw):
    i = cuda.grid(1)
    if i < N * C * H * W:
        xx = i % W
        y = (i // W) % H
        c = (i // (W * H)) % C
        n = i // (W * H * C)
        acc = zero
        for o in range(O):
            for a in range(KH):
                ty = y + ph - a
                if ty >= 0 and ty % sh == 0 and ty // sh < OH:
                    for b in range(KW):
                        tx = xx + pw - b
                        if tx >= 0 and tx % sw == 0 and tx // sw < OW:
                            acc += d[((n * O + o) * OH + ty // sh) * OW + tx // sw] * \
                                w[((o * C + c) * KH + a) * KW + b]
        dx[i] = acc


@cuda.jit
def _conv2d_weight_grad(dw, x, d, zero, N, C, H, W, O, KH, KW, OH, OW, sh, sw, ph, pw):
    i = cuda.grid(1)
    if i < O * C * KH * KW:
        b = i % KW
        a = (i // KW) % KH
        c = (i // (KW * KH)) % C
        o = i // (KW * KH * C)
        acc = zero
        for n in range(N):
            for oy in range(OH):
                y = oy * sh + a - ph
                if 0 <= y < H:
                    for ox in range(OW):
                        xx = ox * sw + b - pw
                        if 0 <= xx < W:
                            acc += d[((n * O + o) * OH + oy) * OW + ox] * \
                                x[((n * C + c) * H + y) * W + xx]
        dw[i] = acc


@cuda.jit
def _pool(mode, res, x, out, d, NC, H, W, KH, KW, OH, OW, sh, sw):
    """mode 0: max_pool2d; 1: scatter `d` to each window's first max (atomic);
    2: read `d` at each window's first max."""
    i = cuda.grid(1)
    if i < NC * OH * OW:
        ox = i % OW
        oy = (i // OW) % OH
        base = (i // (OW * OH)) * H * W
        best = x[base + oy * sh * W + ox * sw]
        pos = base + oy * sh * W + ox * sw
        found = False
        for a in range(KH):
            for b in range(KW):
                p = base + (oy * sh + a) * W + ox * sw + b
                v = x[p]
                if mode == 0:
                    if v > best or v != v:
                        best = v
                elif not found and v == out[i]:
                    pos = p
                    found = True
        if mode == 0:
            res[i] = best
        elif mode == 1:
            if found:
                cuda.atomic.add(res, pos, d[i])
        elif found:
            res[i] = d[pos]
        else:
            res[i] = 0


def launch(name, n, *args):
    """Run the written-out kernel `name` with one thread per element (n in all)."""
    kernel = globals()["_" + name]
    threads = min(128, max(32, -(-n // 32) * 32))
    if n:
        counts[name] += 1
        kernel[-(-n // threads), threads](*args)
