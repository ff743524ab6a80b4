"""How many generated programs inference types, at each order of gradient.

Two generators, each drawn with a fixed seed (derandomized hypothesis), so
two runs of one tree measure the same programs:

- `--ir N`: N IR-level programs of the optimizer's property test
  (tests/opt/test_property.py: arithmetic, tuples, branches closing over
  values, helpers, partial applications, ZERO), then their gradient and
  second-order gradient, as tests/test_infer.py's property test takes them;
- `--source N`: N source programs of tests/programs_gen.py returning a
  float, at second order (`grad(grad(f))` in `x`).

A program counts where the debug VM runs it; it is typable where
`monomorphize` takes it and the typed graph gives the debug VM's result.
Each failure is listed by its error (a Python exception is a bug)::

    PYTHONPATH=$PWD python tools/typable.py --ir 300 --source 150
"""

import argparse
import collections
import importlib.util
import pathlib
import sys
import tempfile
import traceback

import numpy as np
import hypothesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from myia import types as T  # noqa: E402
from myia.errors import MyiaError  # noqa: E402
from myia.grad import fprop, grad_graph  # noqa: E402
from myia.ir import check  # noqa: E402
from myia.monomorphize import monomorphize  # noqa: E402
from myia.pipeline import to_graph  # noqa: E402
from myia.vm.debug import DebugVM  # noqa: E402
from tests.conftest import same  # noqa: E402
from tests.opt.test_property import program as ir_program  # noqa: E402
from tests.programs_gen import programs  # noqa: E402


SHOW = False
PRINTED = set()  # the counts `progress` has printed at
EXAMPLES = {}  # failure -> the first program showing it (`--show`)


def attempt(graph, args, tally, order, shown):
    """Tallies whether `graph` types on `args`; whether the debug VM runs it."""
    try:
        with np.errstate(all="ignore"):
            want = DebugVM().run(graph, args)
    except MyiaError:
        return False
    try:
        with np.errstate(all="ignore"):
            mono = monomorphize(graph, [T.typeof(a) for a in args], fprop)
            check(mono)
            got = DebugVM().run(mono, args)
        wide = T.widen(mono.output.abstract)
        ok = T.join(wide, T.typeof(want)) == wide and same(got, want)
        what = "typed" if ok else "WRONG"
    except MyiaError as err:
        what = f"{type(err).__name__}: {err.message[:90]}"
    except Exception as err:  # noqa: BLE001 (what we measure: a bug, listed)
        where = traceback.extract_tb(err.__traceback__)[-1]
        what = f"PYTHON {type(err).__name__} at {where.name}:{where.lineno}"
    tally[order][what] += 1
    if what not in EXAMPLES:  # as it is met: a run cut short still says it
        EXAMPLES[what] = (shown, args)
        print(f"order {order}, first seen: {what}", flush=True)
        if SHOW and what != "typed":
            print("\n".join(f"    | {line}" for line in [f"args {args}", *shown.splitlines()]),
                  flush=True)
    return True


def progress(_, tally):
    """Every 25 programs, the counts so far (a run cut short still has them)."""
    done = sum(tally[min(tally)].values()) if tally else 0
    if done and done % 25 == 0 and done not in PRINTED:
        PRINTED.add(done)
        print(f"after {done}: " + ", ".join(f"order {o}: {c['typed']}/{sum(c.values())}"
                                            for o, c in sorted(tally.items())), flush=True)


def measure(strategy, examples, body, seed):
    tally = collections.defaultdict(collections.Counter)
    test = settings(max_examples=examples, deadline=None, derandomize=seed is None,
                    database=None, phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck))(
        given(strategy)(lambda drawn: progress(body(drawn, tally), tally)))
    if seed is not None:
        test = hypothesis.seed(seed)(test)
    test()
    return tally


def ir_body(drawn, tally):
    data, x, y = drawn
    graph = ir_program(data.draw)
    shown = str(graph)
    for order in range(3):
        if not attempt(graph, (x, y), tally, order, shown):
            return
        graph = grad_graph(graph, argnums=order % 2)


def source_body(folder):
    def body(drawn, tally):
        prog, (x, y, n) = drawn
        path = folder / f"gen{len(list(folder.iterdir()))}.py"
        path.write_text(prog.source)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        try:
            graph = grad_graph(grad_graph(to_graph(module.f)))
        except MyiaError:
            return
        attempt(graph, (x, y, n), tally, 2, prog.source)
    return body


def report(name, tally):
    for order, counts in sorted(tally.items()):
        total = sum(counts.values())
        print(f"{name} order {order}: {counts['typed']}/{total} typed "
              f"({100 * counts['typed'] / max(total, 1):.1f}%)")
        for what, k in counts.most_common():
            if what != "typed":
                print(f"    {k:4d}  {what}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ir", type=int, default=0)
    parser.add_argument("--source", type=int, default=0)
    parser.add_argument("--seed", type=int, help="this seed's programs, not the fixed ones")
    parser.add_argument("--show", action="store_true", help="a program for each failure")
    opts = parser.parse_args()
    global SHOW
    SHOW = opts.show
    if opts.ir:
        report("ir", measure(st.tuples(st.data(), st.floats(-3, 3), st.floats(-3, 3)),
                             opts.ir, ir_body, opts.seed))
    if opts.source:
        args = st.tuples(st.floats(-2, 2), st.floats(-2, 2), st.integers(-2, 5))
        with tempfile.TemporaryDirectory() as tmp:
            report("source", measure(st.tuples(programs(arrays=False, returns="float"), args),
                                     opts.source, source_body(pathlib.Path(tmp)), opts.seed))


if __name__ == "__main__":
    main()
