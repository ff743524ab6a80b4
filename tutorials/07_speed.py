# ---
# jupyter:
#   jupytext:
#     formats: py:percent
# ---

# %% [markdown]
# # 7. Speed
#
# Myia has two backends for the same program:
#
# * the **debug VM** (`backend="debug"`) walks the graph node by node in
#   Python. It is the one the step debugger drives (tutorial 5): every node
#   can be stopped at and inspected, and it pays for that on every node;
# * the **production VM** (the default, `backend="vm"`) lowers the graph to
#   a register machine, compiles runs of scalar arithmetic and whole scalar
#   loops to machine code with Numba (`stage="kernels"`, tutorial 3), and
#   calls numpy directly for array operations.
#
# This tutorial times both on two programs, a scalar loop and the gradient of
# a small neural network, next to the same computation written by hand in
# numpy, and plots the timings. **Every number below is measured when the
# tutorial runs, on the machine running it**: they change from one machine
# (and one run) to the next, and only their orders of magnitude are the
# point. The sizes are kept small so that the whole tutorial runs in
# seconds.

# %%
import os
import pathlib
import time

import matplotlib.pyplot as plt
import numpy as np

import myia

OUT = pathlib.Path(os.environ.get("MYIA_TUTORIAL_OUT", "tutorial_output"))
OUT.mkdir(parents=True, exist_ok=True)


def best_time(fn, *args, budget=0.2):
    """The best of several runs of fn(*args), in seconds (runs for about `budget` s)."""
    times = []
    start = time.perf_counter()
    while not times or (time.perf_counter() - start < budget and len(times) < 200):
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return min(times)


def show(t):
    """A duration in readable units."""
    return f"{t * 1e6:9.1f} µs" if t < 1e-3 else f"{t * 1e3:9.2f} ms"


# %% [markdown]
# ## A scalar loop
#
# The exponential series `exp(x) - 1 = x + x²/2! + ...`, summed term by term:
# a loop of scalar arithmetic, the worst case for an interpreter and for
# numpy alike (numpy pays its per-call overhead on every scalar).


# %%
def series(x, n):
    s = 0.0
    term = 1.0
    for i in range(1, n):
        term = term * x / i
        s = s + term
    return s


def series_numpy(x, n):
    """The same sum, vectorized: the terms are a cumulative product."""
    return np.sum(np.cumprod(x / np.arange(1, n)))


series_debug = myia.myia(series, backend="debug")
series_vm = myia.myia(series)
print("debug VM:     ", series_debug(0.5, 30))
print("production VM:", series_vm(0.5, 30))
print("numpy:        ", series_numpy(0.5, 30), "  exact:", np.expm1(0.5))

# %% [markdown]
# The production VM compiles a loop once it is hot, for the types it runs
# with, so its first calls include compilation (and the compiled code is
# cached on disk, so a later process skips most of it). The timings below are
# of warm calls, after two calls have compiled it:

# %%
t0 = time.perf_counter()
series_vm(0.5, 1000)
series_vm(0.5, 1000)
print(f"first two calls (interpreting, then compiling): {show(time.perf_counter() - t0)}")
print(myia.ir(series, 0.5, 1000, stage="kernels"))

# %%
SIZES = [10, 100, 1000, 10000]
loop_times = {"debug VM": [], "production VM": [], "plain Python": [], "numpy": []}
for n in SIZES:
    assert np.isclose(series_vm(0.5, n), series(0.5, n))
    loop_times["debug VM"].append(best_time(series_debug, 0.5, n, budget=0.05))
    loop_times["production VM"].append(best_time(series_vm, 0.5, n))
    loop_times["plain Python"].append(best_time(series, 0.5, n))
    loop_times["numpy"].append(best_time(series_numpy, 0.5, n))

print(f"{'n':>6}" + "".join(f"{k:>16}" for k in loop_times))
for i, n in enumerate(SIZES):
    print(f"{n:>6}" + "".join(f"{show(v[i]):>16}" for v in loop_times.values()))
last = {k: v[-1] for k, v in loop_times.items()}
print(f"\nat n = {SIZES[-1]}: the production VM is "
      f"{last['debug VM'] / last['production VM']:.0f}x faster than the debug VM, "
      f"{last['plain Python'] / last['production VM']:.1f}x faster than plain Python, "
      f"{last['numpy'] / last['production VM']:.1f}x the time of numpy")

# %% [markdown]
# The debug VM costs microseconds per node, every node of every iteration.
# The production VM runs the whole loop as one compiled function, so its
# time barely grows with `n` until the loop itself dominates. For tiny `n`,
# every backend is dominated by the cost of a call.
#
# ## The gradient of a small network
#
# A one-hidden-layer network with a squared loss, and its gradient with
# respect to both weight matrices, against the gradient written by hand in
# numpy. Here the work is in array operations (`@`, `tanh`), which every
# version hands to numpy, so the differences are in the overhead around
# them: they shrink as the arrays grow.


# %%
def mlp_loss(w1, w2, x, y):
    h = np.tanh(x @ w1)
    return np.mean((h @ w2 - y) ** 2)


def mlp_grad_numpy(w1, w2, x, y):
    """The gradient of mlp_loss with respect to (w1, w2), by hand."""
    h = np.tanh(x @ w1)
    d_out = 2.0 * (h @ w2 - y) / y.size
    d_h = (d_out @ w2.T) * (1.0 - h * h)
    return x.T @ d_h, h.T @ d_out


grad_debug = myia.grad(myia.myia(mlp_loss, backend="debug"), argnums=(0, 1))
grad_vm = myia.grad(myia.myia(mlp_loss), argnums=(0, 1))

rng = np.random.default_rng(0)
WIDTHS = [8, 32, 128, 512]
mlp_times = {"debug VM": [], "production VM": [], "numpy by hand": []}
for width in WIDTHS:
    args = (rng.normal(size=(16, width)) / 4, rng.normal(size=(width, 1)) / width,
            rng.normal(size=(64, 16)), rng.normal(size=(64, 1)))
    ref = mlp_grad_numpy(*args)
    for got in (grad_vm(*args), grad_debug(*args)):
        assert all(np.allclose(g, r) for g, r in zip(got, ref))
    mlp_times["debug VM"].append(best_time(grad_debug, *args))
    mlp_times["production VM"].append(best_time(grad_vm, *args))
    mlp_times["numpy by hand"].append(best_time(mlp_grad_numpy, *args))

print(f"{'width':>6}" + "".join(f"{k:>16}" for k in mlp_times))
for i, width in enumerate(WIDTHS):
    print(f"{width:>6}" + "".join(f"{show(v[i]):>16}" for v in mlp_times.values()))
for i, width in enumerate(WIDTHS):
    print(f"width {width:>4}: production VM / numpy by hand = "
          f"{mlp_times['production VM'][i] / mlp_times['numpy by hand'][i]:.1f}, "
          f"debug VM / production VM = "
          f"{mlp_times['debug VM'][i] / mlp_times['production VM'][i]:.1f}")

# %% [markdown]
# The gradient program is larger than the hand-written one (tutorial 3 shows
# it: a forward graph that records backpropagators, then a backward graph that
# calls them), so at small sizes Myia's gradient costs many times numpy's,
# and the ratio falls as the matrix products take over.
#
# ## The plot
#
# Both experiments, time per call against size, on log-log axes:

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
for name, times in loop_times.items():
    ax1.loglog(SIZES, times, "o-", label=name)
ax1.set(title="scalar loop: series(0.5, n)", xlabel="n (iterations)",
        ylabel="seconds per call (best run)")
for name, times in mlp_times.items():
    ax2.loglog(WIDTHS, times, "o-", label=name)
ax2.set(title="gradient of a 1-hidden-layer network", xlabel="hidden width",
        ylabel="seconds per call (best run)")
for ax in (ax1, ax2):
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
fig.suptitle("measured on this machine when the tutorial ran")
fig.tight_layout()
path = OUT / "speed.png"
fig.savefig(path, dpi=100)
print("wrote", path)

# %% [markdown]
# ## What to take away
#
# * Debug with `backend="debug"` (and `myia-debug`), run with the default
#   production VM: they compute the same results, and the production VM is
#   the one to time.
# * Scalar loops are where compilation pays most: the production VM runs
#   them as machine code, far from the interpreter's cost per node.
# * On array code, the time goes into numpy's own operations whichever way
#   the program is run, and Myia's cost is the overhead of the gradient
#   program around them: small for large arrays, noticeable for tiny ones.
# * The project's benchmarks (`benchmarks/` in the repository) measure more
#   programs the same way, against hand-written code in the same run.
