"""What the per-call staleness check costs (run by hand).

    python benchmarks/staleness.py   # writes benchmarks/staleness.json

A model of 12 helper functions reading 24 globals between them is compiled
once; the script times `Compiled.is_stale()` (the check every call of a
`@myia` or `grad` function makes: one generated function of `is not`
comparisons), the walk over the records it replaced (`changed()` on each
record, as `is_stale()` did before, 35 us here), a whole call of the model
on the production VM, and, for scale, a plain Python dictionary lookup, all
in the same run.
"""

import json
import pathlib
import timeit

import numpy as np

import myia
from myia import pipeline

W = [np.full(3, 0.1 * i) for i in range(24)]
G = {f"W{i}": w for i, w in enumerate(W)}
SRC = "\n".join(
    [f"def h{i}(x):\n    return np.tanh(x * W{2 * i} + W{2 * i + 1})\n" for i in range(12)]
    + ["def model(x):\n    return np.sum(" + "(".join(f"h{i}" for i in range(12))
       + "(x" + ")" * 12 + ")\n"])


def walk(root):
    """The per-record check `is_stale()` made before it was compiled."""
    return any(d.changed() for d in root.reached())


def main():
    path = pathlib.Path(__file__).with_suffix(".py.src")
    path.write_text("import numpy as np\n" + SRC)
    ns = dict(G)
    exec(compile(path.read_text(), str(path), "exec"), ns)
    compiled = pipeline.compile(ns["model"], backend="vm")
    x = np.ones(3)
    f = myia.myia(ns["model"])
    f(x)
    n = 2000
    assert not compiled.is_stale() and not walk(compiled.dependencies)
    check = min(timeit.repeat(compiled.is_stale, number=n, repeat=5)) / n
    before = min(timeit.repeat(lambda: walk(compiled.dependencies), number=n // 10,
                               repeat=5)) / (n // 10)
    call = timeit.timeit(lambda: f(x), number=50) / 50
    lookup = min(timeit.repeat(lambda: G.get("W3"), number=n, repeat=5)) / n
    records = compiled.dependencies.reached()
    result = {"is_stale_us": check * 1e6, "record_walk_us": before * 1e6,
              "call_us": call * 1e6, "dict_lookup_us": lookup * 1e6,
              "check_over_call": check / call, "check_over_lookup": check / lookup,
              "walk_over_check": before / check, "records": len(records),
              "reads": sum(len(d.reads) for d in records)}
    out = pathlib.Path(__file__).with_suffix(".json")
    out.write_text(json.dumps(result, indent=2) + "\n")
    path.unlink()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
