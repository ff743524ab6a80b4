"""How long inference + monomorphization take, per 1,000 nodes of input IR.

The program is `grad(grad(f))` of a 9-line loop (below).  Inference is a
fixpoint over graphs, not a run of the loop, so its time must not depend on
the trip count; and it should grow linearly with the program's size, which
we vary by chaining k copies of the loop (`chain_k`).  Run by hand:

    python benchmarks/infer_speed.py        # writes benchmarks/infer_speed.json
"""

import importlib.util
import json
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import myia  # noqa: E402
from myia.grad import fprop, grad_graph  # noqa: E402
from myia.ir import Manager  # noqa: E402
from myia.monomorphize import monomorphize  # noqa: E402
from myia.pipeline import to_graph  # noqa: E402
from myia.types import typeof  # noqa: E402


def f(x, n):
    s = 0.0
    i = 0
    while i < n:
        y = x * i + 1.0
        z = y * y - x
        s = s + z * 0.5
        s = s - y / 4.0
        i = i + 1
    return s


SOURCE = '''
def chain_{k}(x, n):
    s = x
{body}    return s
'''


def chain(k):
    """`k` copies of f's loop, each feeding the next (in a generated module)."""
    body = "".join("    s = f(s, n) * 0.5\n" for _ in range(k))
    path = pathlib.Path(tempfile.mkdtemp()) / f"chain_{k}.py"
    path.write_text("from benchmarks.infer_speed import f\n" + SOURCE.format(k=k, body=body))
    spec = importlib.util.spec_from_file_location(f"chain_{k}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return getattr(mod, f"chain_{k}")


def node_count(graph):
    m = Manager(graph)
    return sum(len(m.nodes[g]) + len(g.parameters) for g in m.graphs)


def measure(fn, args, repeat=3, order=2):
    graph = to_graph(fn)
    for _ in range(order):
        graph = grad_graph(graph)
    nodes = node_count(graph)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        monomorphize(graph, [typeof(a) for a in args], fprop)
        best = min(best, time.perf_counter() - t)
    return nodes, best


def main():
    rows = []
    for order in (1, 2):
        name = "grad(f)" if order == 1 else "grad(grad(f))"
        for n in (3, 30, 3000):  # trip counts: the time must not change
            try:
                nodes, t = measure(f, (1.5, n), order=order)
            except myia.MyiaError as err:
                rows.append({"program": name, "trip_count": n,
                             "error": str(err).splitlines()[0]})
                continue
            rows.append({"program": name, "trip_count": n, "nodes": nodes,
                         "seconds": t, "ms_per_1000_nodes": 1000 * t / nodes * 1000})
    for k in (1, 2, 4, 8):
        nodes, t = measure(chain(k), (1.5, 5), order=1)
        rows.append({"program": f"grad(chain_{k})", "trip_count": 5, "nodes": nodes,
                     "seconds": t, "ms_per_1000_nodes": 1000 * t / nodes * 1000})
    for r in rows:
        if "error" in r:
            print(f"{r['program']:<24} n={r['trip_count']:<5} ERROR {r['error'][:70]}")
            continue
        print(f"{r['program']:<24} n={r['trip_count']:<5} {r['nodes']:>7} nodes "
              f"{r['seconds'] * 1000:8.1f} ms  {r['ms_per_1000_nodes']:6.1f} ms/1000 nodes")
    out = pathlib.Path(__file__).with_suffix(".json")
    out.write_text(json.dumps({"python": sys.version.split()[0], "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
