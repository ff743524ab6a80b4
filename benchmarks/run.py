"""Run by hand: `python benchmarks/run.py [--only PROGRAM,...]` -> benchmarks/results.json.

Measures, in one run, each program's gradient on the debug VM and on the
production VM against hand-written Numba (and NumPy, for the array models)
forward+backward, warm (best of several calls); the first call (parse, grad,
compile, run) in a fresh process with an empty kernel cache and again with
the cache warm; and the warm cost of calling a Myia function that does
nothing (dispatch overhead).  On a shared machine, run it with
`OPENBLAS_NUM_THREADS=1`: BLAS threads competing with other jobs make the
array rows meaningless.
"""

import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import myia  # noqa: E402
import programs as P  # noqa: E402


def best(fn, args, budget=1.0, reps=None, warm=None):
    """Best time of one call, over repeated calls for about `budget` seconds
    (after a first call on `warm`, by default `args`)."""
    fn(*(warm or args))
    times = []
    start = time.perf_counter()
    while (len(times) < (reps or 3) or time.perf_counter() - start < budget) and \
            len(times) < (reps or 10**6):
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return min(times)


def cases(quick):
    r = np.random.default_rng(0)
    for n in (100, 10_000, 100_000):
        yield ("scalar_loop", f"N={n}", P.scalar_loop, (1.5, n), 0,
               {"numba": (P.scalar_loop_hand, (1.5, n))})
    for n in (100, 10_000, 100_000):  # no gradient: the loop runs natively
        yield ("scalar_loop forward", f"N={n}", P.scalar_loop, (1.5, n), None,
               {"numba": (P.scalar_loop_fwd, (1.5, n))})
    for n in (50, 500):
        yield ("rec_pow", f"depth={n}", P.rec_pow, (1.001, n), 0,
               {"numba": (P.rec_pow_hand, (1.001, n))})
    for dt in (np.float32, np.float64):
        args = (r.normal(size=(784, 256)).astype(dt) * dt(0.05), np.zeros(256, dt),
                r.normal(size=(256, 10)).astype(dt) * dt(0.05), np.zeros(10, dt),
                r.normal(size=(64, 784)).astype(dt), r.normal(size=(64, 10)).astype(dt))
        yield ("mlp", f"784-256-10 b64 {np.dtype(dt).name}", P.mlp, args, (0, 1, 2, 3),
               {"numpy": (P.mlp_numpy, args), "numba": (P.mlp_numba, args)})
    args = (r.normal(size=(64, 128)) * 0.1, r.normal(size=(128, 128)) * 0.1, np.zeros(128),
            r.normal(size=(50, 32, 64)), np.zeros((32, 128)))
    yield ("rnn", "T=50 h128 b32 float64", P.rnn, args, (0, 1, 2),
           {"numpy": (P.rnn_numpy, args), "numba": (P.rnn_numba, args)})


FIRST = """
import sys, time
t0 = time.perf_counter()
sys.path[:0] = [{here!r}, {root!r}]
import numpy as np
import myia, programs as P
t_import = time.perf_counter() - t0
myia.set_recursion_limit(10**6)
args = {args}
f = myia.grad(myia.myia(P.{name}, backend="vm"), {argnums!r})
t = time.perf_counter()
f(*args)
t1 = time.perf_counter()
f(*args)
print(t_import, t1 - t, time.perf_counter() - t1)
"""

FIRST_ARGS = {
    "scalar_loop": "(1.5, {n})", "rec_pow": "(1.001, {n})",
    "mlp": "tuple(np.ones(s) * 0.01 for s in [(784, 256), 256, (256, 10), 10, (64, 784), (64, 10)])",
    "rnn": "tuple(np.ones(s) * 0.01 for s in [(64, 128), (128, 128), 128, (50, 32, 64), (32, 128)])",
}


def first_calls(name, argnums, n):
    """(cold, warm-disk) seconds of the imports and the first and second calls,
    each in a new process.

    A native gradient (myia/vm/native_grad.py) is compiled at the second
    call with a signature, at the first if its kernel is on disk, or once the
    first has run the VM for as long as the compile would take (budget.py).
    """
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, MYIA_CACHE_DIR=cache)
        src = FIRST.format(here=str(HERE), root=str(HERE.parent), name=name,
                           argnums=argnums, args=FIRST_ARGS[name].format(n=n))
        out = []
        for _ in range(2):
            p = subprocess.run([sys.executable, "-c", src], env=env, capture_output=True,
                               text=True, timeout=600)
            if p.returncode:  # the VM's recursion limit at the first call, say
                out.append([p.stderr.strip().splitlines()[-3].split(":")[0].split(".")[-1]] * 3)
                continue
            out.append([float(x) for x in p.stdout.split()[-3:]])
        return out


def main(quick=False, only=None):
    # Until a gradient's loop runs natively (from its third call), the VM nests
    # two calls per iteration: N=100000 needs more than the default 100,000.
    myia.set_recursion_limit(10**6)
    rows = []
    for name, size, fn, args, argnums, refs in cases(quick):
        if only and name not in only.split(","):
            continue
        row = {"program": name, "size": size}
        vm, dbg = myia.myia(fn, backend="vm"), myia.myia(fn, backend="debug")
        if argnums is not None:
            vm, dbg = myia.grad(vm, argnums), myia.grad(dbg, argnums)
        # Five rounds, each timing the references then the VM for 0.2 s: a
        # burst of load elsewhere on the machine slows one round, not a figure.
        times = {k: [] for k in [*refs, "vm"]}
        for _ in range(5):
            for k, (f, a) in [*refs.items(), ("vm", (vm, args))]:
                times[k].append(best(f, a, budget=0.2))
        ref = {k: min(times[k]) for k in refs}
        row.update({f"hand_{k}_s": v for k, v in ref.items()})
        row["vm_s"] = min(times["vm"])
        # The debug VM takes 40 s at N=10000: one call, after one on a small N
        # (the same signature: parsing and grad are cached, nothing else is).
        slow = size in ("N=10000", "N=100000") or quick
        try:
            row["debug_s"] = best(dbg, args, budget=0.0 if slow else 1.0,
                                  reps=1 if slow else None,
                                  warm=(args[0], 10) if slow and len(args) == 2 else None)
        except myia.MyiaError as e:  # the debug VM's recursion limit, say
            row["debug_s"], row["debug_error"] = None, type(e).__name__
        for k, v in ref.items():
            row[f"vm_vs_hand_{k}"] = row["vm_s"] / v
            row[f"debug_vs_hand_{k}"] = row["debug_s"] and row["debug_s"] / v
        n = int(size.split("=")[1]) if "=" in size and name in FIRST_ARGS and \
            name in ("scalar_loop", "rec_pow") else 0
        if name in ("scalar_loop", "rec_pow") or name.startswith("mlp") and \
                size.endswith("float64") or name == "rnn":
            (row["import_cold_s"], row["first_call_cold_s"], row["second_call_cold_s"]), \
                (row["import_warm_disk_s"], row["first_call_warm_disk_s"],
                 row["second_call_warm_disk_s"]) = first_calls(name, argnums, n)
        rows.append(row)
        print(json.dumps(row), flush=True)
    ident = myia.myia(P.ident, backend="vm")
    dispatch = {"program": "ident", "size": "x=1.0",
                "vm_call_s": best(ident, (1.0,), budget=0.5),
                "python_call_s": best(P.ident, (1.0,), budget=0.5)}
    rows.append(dispatch)
    print(json.dumps(dispatch))
    path = HERE / "results.json"
    if only and path.exists():  # keep the other programs' rows
        done = {(r["program"], r["size"]): r for r in json.loads(path.read_text())}
        done.update({(r["program"], r["size"]): r for r in rows})
        rows = [r for k, r in done.items() if k[0] != "ident"] + [rows[-1]]
    path.write_text(json.dumps(rows, indent=1) + "\n")
    print(table(rows))


def table(rows):
    """The markdown summary of `rows` (pasted into benchmarks/README.md)."""
    def ms(x):
        return "" if x is None else f"{x * 1e3:.3g}"

    def ratio(x):
        return "" if x is None else f"{x:.3g}x"

    out = ["| program | size | hand Numba ms | hand NumPy ms | debug VM ms | production VM ms "
           "| VM / Numba | VM / NumPy | debug / Numba | first call s (cold / warm disk) |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "vm_s" not in r:
            continue
        first = (f"{_s(r['first_call_cold_s'])} / {_s(r['first_call_warm_disk_s'])}"
                 if "first_call_cold_s" in r else "")
        if "second_call_cold_s" in r:
            first += (f" (second call {_s(r['second_call_cold_s'])} / "
                      f"{_s(r['second_call_warm_disk_s'])})")
        if "import_cold_s" in r:
            first += (f"; import {_s(r['import_cold_s'])} / {_s(r['import_warm_disk_s'])}")
        out.append(f"| {r['program']} | {r['size']} | {ms(r.get('hand_numba_s'))} | "
                   f"{ms(r.get('hand_numpy_s'))} | {r.get('debug_error') or ms(r['debug_s'])} | {ms(r['vm_s'])} | "
                   f"{ratio(r.get('vm_vs_hand_numba'))} | {ratio(r.get('vm_vs_hand_numpy'))} | "
                   f"{ratio(r.get('debug_vs_hand_numba'))} | {first} |")
    d = rows[-1]
    out.append("")
    out.append(f"Warm call of `ident(x)` on the production VM: {d['vm_call_s'] * 1e6:.2f} us "
               f"(plain Python call: {d['python_call_s'] * 1e6:.3f} us).")
    return "\n".join(out)


def _s(x):
    return f"{x:.2f}" if isinstance(x, float) else str(x)


if __name__ == "__main__":
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    main("--quick" in sys.argv, only)
