"""Run by hand on a machine with an NVIDIA GPU: `python benchmarks/gpu.py`.

Measures, in one run, the float32 gradients of an MLP (784-256-10) and of an
RNN (T=50, hidden 128, inputs 64), each at batch 64 and 1024, three ways:
Myia with `device="cuda"` (inputs already on the device, `device_arrays=True`),
Myia on the CPU production VM (`backend="vm"`), and a hand-written
numba.cuda forward+backward (tiled matmul, fused elementwise kernels, column
sums), warm, best of several calls, each GPU call synchronized.  Writes
benchmarks/gpu_results.json and prints one JSON line per case, with the
ratios to the hand-written numba.cuda code.

`python benchmarks/gpu.py --check` runs tiny sizes instead and checks that
the three ways give the same gradients; it works in numba-cuda's simulator
(`NUMBA_ENABLE_CUDASIM=1`), where timings mean nothing.
"""

import json
import math
import pathlib
import sys
import time

import numpy as np
from numba import cuda

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import myia  # noqa: E402
import programs as P  # noqa: E402

T = 16  # tile of the hand-written matmul


@cuda.jit
def _matmul(a, b, c, ta, tb, acc):
    """c (+)= op(a) @ op(b), op transposing when ta / tb; float32 tiles."""
    sa = cuda.shared.array((T, T), np.float32)
    sb = cuda.shared.array((T, T), np.float32)
    tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
    row, col = cuda.blockIdx.y * T + ty, cuda.blockIdx.x * T + tx
    m, n = c.shape
    k = a.shape[0] if ta else a.shape[1]
    s = np.float32(0)
    for t0 in range(0, k, T):
        i, j = t0 + tx, t0 + ty
        sa[ty, tx] = (a[i, row] if ta else a[row, i]) if row < m and i < k else 0
        sb[ty, tx] = (b[col, j] if tb else b[j, col]) if col < n and j < k else 0
        cuda.syncthreads()
        for q in range(T):
            s += sa[ty, q] * sb[q, tx]
        cuda.syncthreads()
    if row < m and col < n:
        c[row, col] = c[row, col] + s if acc else s


def matmul(a, b, c, ta=False, tb=False, acc=False):
    m, n = c.shape
    _matmul[(math.ceil(n / T), math.ceil(m / T)), (T, T)](a, b, c, ta, tb, acc)


@cuda.jit
def _bias_tanh(a, b, h):          # h = tanh(a + b)
    i, j = cuda.grid(2)
    if i < a.shape[0] and j < a.shape[1]:
        h[i, j] = math.tanh(a[i, j] + b[j])


@cuda.jit
def _bias_sq_err(y, b, t, dy):    # dy = 2 (y + b - t)
    i, j = cuda.grid(2)
    if i < y.shape[0] and j < y.shape[1]:
        dy[i, j] = 2 * (y[i, j] + b[j] - t[i, j])


@cuda.jit
def _dtanh(d, h, out):            # out = d * (1 - h * h)
    i, j = cuda.grid(2)
    if i < d.shape[0] and j < d.shape[1]:
        out[i, j] = d[i, j] * (1 - h[i, j] * h[i, j])


@cuda.jit
def _colsum(d, out, acc):         # out (+)= d.sum(axis=0)
    j = cuda.grid(1)
    if j < d.shape[1]:
        s = np.float32(0)
        for i in range(d.shape[0]):
            s += d[i, j]
        out[j] = out[j] + s if acc else s


def grid2(x):
    return (math.ceil(x.shape[0] / 16), math.ceil(x.shape[1] / 16)), (16, 16)


def mlp_cuda(w1, b1, w2, b2, x, t):
    """The gradient of `programs.mlp`, hand-written in numba.cuda."""
    f32 = np.float32
    a = cuda.device_array((x.shape[0], w1.shape[1]), f32)
    matmul(x, w1, a)
    h = cuda.device_array_like(a)
    _bias_tanh[grid2(a)](a, b1, h)
    y = cuda.device_array((x.shape[0], w2.shape[1]), f32)
    matmul(h, w2, y)
    dy = cuda.device_array_like(y)
    _bias_sq_err[grid2(y)](y, b2, t, dy)
    dw2, db2 = cuda.device_array(w2.shape, f32), cuda.device_array(b2.shape, f32)
    matmul(h, dy, dw2, ta=True)
    _colsum[math.ceil(dy.shape[1] / 128), 128](dy, db2, False)
    dh = cuda.device_array_like(h)
    matmul(dy, w2, dh, tb=True)
    _dtanh[grid2(dh)](dh, h, dh)
    dw1, db1 = cuda.device_array(w1.shape, f32), cuda.device_array(b1.shape, f32)
    matmul(x, dh, dw1, ta=True)
    _colsum[math.ceil(dh.shape[1] / 128), 128](dh, db1, False)
    return dw1, db1, dw2, db2


def rnn_cuda(wx, wh, b, xs, h0):
    """The gradient of `programs.rnn` (sum of the last state), in numba.cuda."""
    f32 = np.float32
    steps = xs.shape[0]
    hs = cuda.device_array((steps + 1,) + h0.shape, f32)
    hs[0].copy_to_device(h0)
    a = cuda.device_array(h0.shape, f32)
    for s in range(steps):
        matmul(xs[s], wx, a)
        matmul(hs[s], wh, a, acc=True)
        _bias_tanh[grid2(a)](a, b, hs[s + 1])
    dwx, dwh, db = (cuda.device_array(w.shape, f32) for w in (wx, wh, b))
    dh = cuda.to_device(np.ones(h0.shape, f32))
    da = cuda.device_array(h0.shape, f32)
    for s in range(steps - 1, -1, -1):
        _dtanh[grid2(da)](dh, hs[s + 1], da)
        matmul(xs[s], da, dwx, ta=True, acc=s < steps - 1)
        matmul(hs[s], da, dwh, ta=True, acc=s < steps - 1)
        _colsum[math.ceil(da.shape[1] / 128), 128](da, db, s < steps - 1)
        matmul(da, wh, dh, tb=True)
    return dwx, dwh, db


def cases(check):
    r = np.random.default_rng(0)
    f32 = np.float32
    for batch in ((4,) if check else (64, 1024)):
        sizes = (6, 5, 3) if check else (784, 256, 10)
        i, hid, o = sizes
        args = (r.normal(size=(i, hid)) * 0.05, np.zeros(hid), r.normal(size=(hid, o)) * 0.05,
                np.zeros(o), r.normal(size=(batch, i)), r.normal(size=(batch, o)))
        yield "mlp", f"{i}-{hid}-{o} b{batch}", P.mlp, tuple(a.astype(f32) for a in args), \
            (0, 1, 2, 3), mlp_cuda
        steps, hid, i = (3, 4, 5) if check else (50, 128, 64)
        args = (r.normal(size=(i, hid)) * 0.1, r.normal(size=(hid, hid)) * 0.1, np.zeros(hid),
                r.normal(size=(steps, batch, i)), np.zeros((batch, hid)))
        yield "rnn", f"T={steps} h{hid} b{batch}", P.rnn, tuple(a.astype(f32) for a in args), \
            (0, 1, 2), rnn_cuda


def best(fn, args, sync, budget=1.0):
    fn(*args)
    sync()
    times, start = [], time.perf_counter()
    while len(times) < 3 or time.perf_counter() - start < budget:
        t = time.perf_counter()
        fn(*args)
        sync()
        times.append(time.perf_counter() - t)
    return min(times)


def host(x):
    return tuple(host(a) for a in x) if isinstance(x, tuple) else (
        x.copy_to_host() if cuda.devicearray.is_cuda_ndarray(x) else x)


def main(check=False):
    rows = []
    for name, size, fn, args, argnums, hand in cases(check):
        on_gpu = myia.grad(myia.myia(fn, device="cuda", device_arrays=True), argnums)
        on_cpu = myia.grad(myia.myia(fn, backend="vm"), argnums)
        dargs = tuple(cuda.to_device(a) for a in args)
        want = on_cpu(*args)
        for got in (host(on_gpu(*dargs)), host(hand(*dargs))):
            for g, w in zip(got, want):
                np.testing.assert_allclose(g, w, rtol=2e-3, atol=2e-4)
        if check:
            print(f"{name} {size}: the three gradients agree")
            continue
        row = {"program": name, "size": size, "dtype": "float32",
               "myia_cuda_s": best(on_gpu, dargs, cuda.synchronize),
               "myia_cpu_vm_s": best(on_cpu, args, lambda: None),
               "numba_cuda_s": best(hand, dargs, cuda.synchronize)}
        row["myia_cuda_x_numba_cuda"] = row["myia_cuda_s"] / row["numba_cuda_s"]
        row["myia_cpu_vm_x_numba_cuda"] = row["myia_cpu_vm_s"] / row["numba_cuda_s"]
        print(json.dumps(row), flush=True)
        rows.append(row)
    if not check:
        (HERE / "gpu_results.json").write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main("--check" in sys.argv)
