"""Cost of one recorded step of `myia-debug`: time and memory.

Runs `c` to the end of the gradient program of a scalar loop (the `loop`
of tests/debug/programs.py under --grad) and of an endless-loop program
stopped after a fixed number of steps, with the trace on (as the debugger
always runs; the endless loop one `_forward` at a time, and as `c` records
it); then the loop gradient with `catch nan` armed (every position
tested) and with `n` pressed to its end.  It reports CPU µs (process time:
the machine may be shared) and bytes per step.  The same loop in plain
CPython is timed in the same run, for the ratio.  A call of Myia's machinery
(a primitive's forward wrapper or backpropagator) is one step since
myia/vm/atomic.py, so steps per iteration changed: compare µs per iteration.

    python benchmarks/debugger_steps.py LABEL [ITERATIONS [CODE]]  # appends to debugger_steps.json
    python benchmarks/debugger_steps.py [--rounds K] --before DIR LABEL [ITERATIONS [CODE]]
    python benchmarks/debugger_steps.py [--before DIR] --past-history LABEL ITERATIONS [CODE]

`--past-history` times `c` to the end of a loop gradient longer than the
default history (1,000,000 positions), and the share of it spent trimming.

It measures the `myia_debug` on PYTHONPATH.  With `--before DIR` it first
measures the checkout in DIR (a `git worktree` of the commit to compare
with) in a subprocess, then this one, in the same run: the machine may be
shared, so only figures taken side by side compare; `--rounds K` alternates
the two K times (compare the minima: the load varies within a run).
"""

import json
import os
import pathlib
import subprocess
import sys
import time
import tracemalloc

from myia_debug.engine import Session

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.debug import programs as P  # noqa: E402


def per_step(fn, args, grad, steps=None):
    """(µs per step, steps) of running the session to its end (or `steps` steps)."""
    s = Session(fn, args, grad=grad)
    s.begin()
    start, t = s.pos, time.process_time()
    if steps is None:
        s.cont()
    else:
        for _ in range(steps):
            s._forward()
    return (time.process_time() - t) / (s.pos - start) * 1e6, s.pos - start


def continued_per_step(fn, args, steps):
    """µs per step of recording `steps` steps as `c` does (`Trace.advance` 4,096
    at a time, under `horizon.running`): `c` on an endless loop."""
    from myia_debug.horizon import running

    s = Session(fn, args)
    s.begin()
    start, t = len(s.trace), time.process_time()
    with running():
        while len(s.trace) - start < steps:
            s.trace.advance(4096)
    return (time.process_time() - t) / (len(s.trace) - start) * 1e6


def tested_per_step(fn, args, grad, how):
    """µs per step of `c` to the end with `catch nan` armed (each new position
    tested, none fires: how="catch"), or of `n` pressed to the end (how="next")."""
    s = Session(fn, args, grad=grad)
    s.begin()
    if how == "catch":
        s.points.add_catch("nan")
    start, t = s.pos, time.process_time()
    if how == "catch":
        s.cont()
    else:
        while not s.finished or s.pos < s.end:
            if "finished" in s.next().reasons:
                break
    return (time.process_time() - t) / (s.pos - start) * 1e6


def bytes_per_step(fn, args, grad, steps):
    s = Session(fn, args, grad=grad)
    s.begin()
    tracemalloc.start()
    start = s.pos
    for _ in range(steps):
        if not s._forward():
            break
    used = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return used / (s.pos - start)


def plain_loop(n):
    t = time.process_time()
    P.loop(1.5, n)
    return (time.process_time() - t) * 1e6


def past_history(n):
    """(CPU s of `c` to the end of the n-iteration loop gradient, s of it trimming, steps)."""
    import myia
    from myia_debug import trace as T

    myia.set_recursion_limit(1_000_000)  # the loop gradient's forward pass nests
    spent, trim = [0.0], T.trim

    def timed(trace, keep):
        t = time.process_time()
        trim(trace, keep)
        spent[0] += time.process_time() - t

    T.trim = timed
    s = Session(P.loop, (1.5, n), grad=(0,))
    s.begin()
    start, t = s.pos, time.process_time()
    s.cont()
    return time.process_time() - t, spent[0], s.pos - start, s.trace.trims


def main():
    rounds = 1
    if sys.argv[1] == "--rounds":  # alternate before and after ROUNDS times
        rounds, sys.argv[1:] = int(sys.argv[2]), sys.argv[3:]
    if sys.argv[1] == "--before":  # the same measure on DIR first, as "before"
        before, argv = sys.argv[2], sys.argv[3:]
        code = subprocess.run(["git", "-C", before, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        mode = argv[:1] if argv[0] == "--past-history" else []
        rest = argv[len(mode) + 1:]
        for _ in range(rounds):
            env = {**os.environ, "PYTHONPATH": before}
            subprocess.run([sys.executable, __file__, *mode, "before",
                            rest[0] if rest else "5000", code], env=env, check=True)
            if _ < rounds - 1:
                subprocess.run([sys.executable, __file__, *argv], check=True)
        sys.argv[1:] = argv
    if sys.argv[1] == "--past-history":
        total, trimming, steps, trims = past_history(int(sys.argv[3]))
        row = {"label": sys.argv[2], "code": sys.argv[4] if len(sys.argv) > 4 else "",
               "past_history_iterations": int(sys.argv[3]), "steps": steps,
               "seconds": round(total, 1), "trim_seconds": round(trimming, 1),
               "trims": trims, "us_per_step": round(total / steps * 1e6, 2),
               "us_per_iteration": round(total / int(sys.argv[3]) * 1e6, 1),
               "load_average": os.getloadavg()[0]}
        path = pathlib.Path(__file__).with_suffix(".json")
        path.write_text(json.dumps([*json.loads(path.read_text()), row], indent=1) + "\n")
        print(json.dumps(row, indent=1))
        return
    label = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    us, steps = per_step(P.loop, (1.5, n), (0,))
    us_forever, _ = per_step(P.forever, (1.0,), None, steps=200_000)
    row = {
        "label": label,
        "code": sys.argv[3] if len(sys.argv) > 3 else "",
        "iterations": n,
        "grad_loop_steps": steps,
        "grad_loop_steps_per_iteration": round(steps / n, 1),
        "grad_loop_us_per_step": round(us, 2),
        "grad_loop_seconds": round(us * steps / 1e6, 2),
        "grad_loop_us_per_iteration": round(us * steps / n, 1),
        "plain_python_loop_us": round(plain_loop(n), 1),
        "forever_us_per_step": round(us_forever, 2),
        "forever_c_us_per_step": round(continued_per_step(P.forever, (1.0,), 200_000), 2),
        "grad_loop_catch_nan_us_per_step": round(tested_per_step(P.loop, (1.5, n), (0,),
                                                                 "catch"), 2),
        "grad_loop_next_us_per_step": round(tested_per_step(P.loop, (1.5, n // 10), (0,),
                                                            "next"), 2),
        "grad_loop_bytes_per_step": round(bytes_per_step(P.loop, (1.5, n), (0,), 100_000)),
        "forever_bytes_per_step": round(bytes_per_step(P.forever, (1.0,), None, 100_000)),
        "load_average": os.getloadavg()[0],
    }
    path = pathlib.Path(__file__).with_suffix(".json")
    rows = json.loads(path.read_text()) if path.exists() else []
    rows.append(row)
    path.write_text(json.dumps(rows, indent=1) + "\n")
    print(json.dumps(row, indent=1))


if __name__ == "__main__":
    main()
