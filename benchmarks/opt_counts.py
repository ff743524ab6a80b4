"""Node counts before and after `optimize`, and the time optimizing takes.

Run by hand (`python benchmarks/opt_counts.py`); writes `opt_counts.json`
next to this file.  Counts are Apply nodes and graphs, as the debug VM
would evaluate them (`myia.ir.Manager`).  For each program: the gradient
as `grad` makes it, then optimized untyped, then monomorphized for example
arguments and optimized (when inference handles the program), and that
closure-converted.  The scalar loop is also compared with a hand-written
forward+backward pass.
"""

import json
import math
import pathlib
import time

import numpy as np

import myia
from myia.errors import MyiaError
from myia.grad import grad_graph
from myia.ir import Manager
from myia.opt import optimize
from myia.pipeline import infer_stage
from myia.vm.debug import DebugVM

HERE = pathlib.Path(__file__).resolve().parent


def scalar_loop(a, x, n):
    i = 0
    while i < n:
        x = a * math.sin(x) + 0.5 * x + 0.1
        i = i + 1
    return x


def hand_written(a, x, i, n):
    """Forward and backward of `scalar_loop` by hand: (value, d/da, d/dx)."""
    if i < n:
        s = math.sin(x)
        y, ga, gx = hand_written(a, a * s + 0.5 * x + 0.1, i + 1, n)
        return y, ga + gx * s, gx * (a * math.cos(x) + 0.5)
    return x, 0.0, 1.0


def rec_pow(x, n):
    if n == 0:
        return 1.0
    return x * rec_pow(x, n - 1)


def mlp(w1, b1, w2, b2, x, y):
    h = np.tanh(x @ w1 + b1)
    out = h @ w2 + b2
    return np.sum((out - y) ** 2)


def rnn(w, u, h, xs, n):
    for t in range(n):
        h = np.tanh(w @ h + u * xs[t])
    return np.sum(h)


def loop9(x, n):
    i = 0
    s = 0.0
    while i < n:
        a = x * s + 1.0
        b = math.sin(a) * x
        c = b * b + a
        s = s + c * 0.01
        i = i + 1
    return s


rng = np.random.default_rng(0)
PROGRAMS = [
    ("scalar_loop", scalar_loop, (1.3, 0.7, 5)),
    ("rec_pow", rec_pow, (1.1, 6)),
    ("mlp", mlp, (rng.normal(size=(4, 8)), rng.normal(size=8), rng.normal(size=(8, 3)),
                  rng.normal(size=3), rng.normal(size=(5, 4)), rng.normal(size=(5, 3)))),
    ("rnn", rnn, (rng.normal(size=(4, 4)), rng.normal(size=4), rng.normal(size=4),
                  rng.normal(size=6), 6)),
]


def count(graph):
    mng = Manager(graph)
    return {"graphs": len(mng.graphs), "nodes": sum(len(v) for v in mng.nodes.values())}


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def measure(name, fn, args):
    row = {"program": name, "forward": count(myia.ir(fn))}
    g = grad_graph(myia.ir(fn))
    row["grad"] = count(g)
    expected = DebugVM().run(g, args)
    opt, row["untyped_seconds"] = timed(optimize, g)
    row["grad_opt_untyped"] = count(opt)
    assert np.allclose(DebugVM().run(opt, args), expected)
    try:
        mono = infer_stage(g, args)
    except MyiaError as e:
        row["grad_opt_typed"] = f"not inferred: {str(e).splitlines()[0]}"
        return row
    opt, row["typed_seconds"] = timed(optimize, mono)
    row["grad_opt_typed"] = count(opt)
    assert np.allclose(DebugVM().run(opt, args), expected)
    envs = optimize(mono, env_tuples=False)
    row["grad_opt_typed_envs_kept"] = count(envs)
    assert np.allclose(DebugVM().run(envs, args), expected)
    lifted = optimize(mono, closures=True)
    row["grad_opt_typed_closure_converted"] = count(lifted)
    assert np.allclose(DebugVM().run(lifted, args), expected)
    return row


def main():
    rows = [measure(*p) for p in PROGRAMS]
    hand = myia.ir(hand_written)
    hand_row = {"parsed": count(hand), "optimized": count(optimize(hand))}
    g2 = grad_graph(grad_graph(myia.ir(loop9)))
    size = count(g2)["nodes"]
    _, seconds = timed(optimize, g2)
    second = {"program": "grad(grad(loop9))", "nodes": size, "seconds": round(seconds, 3),
              "ms_per_1000_nodes": round(1000 * seconds / size * 1000, 2)}
    try:  # typed: monomorphized for example arguments, then optimized
        mono = infer_stage(g2, (0.3, 4))
        opt, second["typed_seconds"] = timed(optimize, mono)
        second["typed_nodes"] = {"monomorphized": count(mono)["nodes"],
                                 "optimized": count(opt)["nodes"]}
        assert np.allclose(DebugVM().run(opt, (0.3, 4)), DebugVM().run(g2, (0.3, 4)))
    except MyiaError as e:
        second["typed"] = f"not inferred: {str(e).splitlines()[0]}"
    result = {"programs": rows, "hand_written_scalar_loop": hand_row,
              "second_order": second}
    (HERE / "opt_counts.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
