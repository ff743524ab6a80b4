"""Generated programs: CPython = debug VM = production VM; gradients = finite differences.

tests/programs_gen.py draws the source of small programs of the subset
(arithmetic, math functions, branches, loops with break/continue, closures,
recursion, tuples, arrays).  Myia reads a function's source through its
code object, so each program is written to a real file and imported.  On a
failure hypothesis shrinks the program and prints its source and arguments.

CI runs a few derandomized examples per test; to hunt for bugs, run more
with a random seed: `MYIA_GEN_EXAMPLES=500 python -m pytest tests/test_vm_generated.py`.
"""

import hashlib
import importlib.util
import os
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import myia
from myia.vm import kernels

from .conftest import BACKENDS, same
from .programs_gen import programs

EXAMPLES = int(os.environ.get("MYIA_GEN_EXAMPLES", "0"))
H = 1e-6  # the finite-difference step (central differences, float64)


def runs(backend):
    """Calls per check: the production VM compiles kernels and native code for a
    signature once it has run `kernels.HOT` times, so the last calls take that path."""
    return kernels.HOT + 1 if backend == "vm" else 1


def call(fn, backend, args):
    """`myia.myia(fn, backend=backend)(*args)`, as many times as `runs` says; every result."""
    compiled = myia.myia(fn, backend=backend)
    return [compiled(*args) for _ in range(runs(backend))]


def budget(n):
    """`n` derandomized examples in CI, or MYIA_GEN_EXAMPLES random ones."""
    return settings(max_examples=EXAMPLES or n, deadline=None, derandomize=not EXAMPLES,
                    suppress_health_check=list(HealthCheck))


arguments = st.tuples(
    st.floats(-2, 2), st.floats(-2, 2), st.integers(-2, 5),
    hnp.arrays(np.float64, (3,), elements=st.floats(-1.5, 1.5)),
    hnp.arrays(np.float64, (3, 3), elements=st.floats(-1, 1)))


@pytest.fixture(scope="module")
def load(tmp_path_factory):
    """`load(source)` writes `source` to a module file, imports it and returns the module."""
    folder = tmp_path_factory.mktemp("generated")
    modules = {}

    def load(source):
        name = "generated_" + hashlib.sha1(source.encode()).hexdigest()[:16]
        if name not in modules:
            path = folder / f"{name}.py"
            path.write_text(source)
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            modules[name] = module
        return modules[name]

    return load


def show(program, args):
    """Prints the program and its arguments with a failure; the arguments it takes."""
    args = args if program.uses_arrays else args[:3]
    note(program.source)
    note(f"args = {args!r}")
    return args


@budget(12)
@given(program=programs(raw_division=True), args=arguments)
def test_generated_programs_agree(load, program, args):
    """Each backend gives CPython's exact value, or raises where CPython raises."""
    args = show(program, args)
    f = load(program.source).f
    with np.errstate(all="ignore"):
        try:
            expected, raised = f(*args), None
        except Exception as e:  # noqa: BLE001 (any CPython error must be matched)
            raised = e
        for backend in BACKENDS:
            compiled = myia.myia(f, backend=backend)
            for run in range(runs(backend)):
                if raised is None:
                    got = compiled(*args)
                    assert same(got, expected), (backend, run, got, expected)
                else:
                    with pytest.raises(Exception) as info:
                        compiled(*args)
                    what = f"{type(info.value).__name__}: {info.value}"
                    assert type(raised).__name__ in what, (backend, run, what, raised)


def smooth_at(traced, args, moves):
    """Values of `traced.f` at `args` moved by each of `moves` (index, delta, where).

    Assumes (with hypothesis) that every move takes the same branch decisions
    as `args` itself: only there is the program differentiable.
    """
    def at(xs):
        traced._DECISIONS.clear()
        value = traced.f(*xs)
        assume(np.isfinite(value))
        return float(value), tuple(traced._DECISIONS)

    _, decisions = at(args)
    values = []
    for i, delta, where in moves:
        xs = list(args)
        if where is None:
            xs[i] = xs[i] + delta
        else:
            xs[i] = xs[i].copy()
            xs[i][where] += delta
        value, taken = at(xs)
        assume(taken == decisions)
        values.append(value)
    return values


def numeric_grad(traced, args, h=H):
    """Central differences of `f` w.r.t. `x` (argument 0) and the vector `a` (argument 3)."""
    moves = [(0, s, None) for s in (h, -h)]
    if len(args) > 3:
        moves += [(3, s, (k,)) for k in range(3) for s in (h, -h)]
    v = smooth_at(traced, args, moves)
    diffs = [(v[2 * j] - v[2 * j + 1]) / (2 * h) for j in range(len(moves) // 2)]
    return diffs[0], np.array(diffs[1:])


@budget(10)
@given(program=programs(returns="float"), args=arguments)
def test_generated_gradients(load, program, args):
    """`grad` w.r.t. a float and an array on each backend, against finite differences."""
    args = show(program, args)
    f, traced = load(program.source).f, load(program.traced)
    with np.errstate(all="ignore"):
        dx, da = numeric_grad(traced, args)
    for backend in BACKENDS:
        if program.uses_arrays:
            for gx, ga in call(myia.grad(f, argnums=(0, 3)), backend, args):
                note(f"{backend}: grad = {gx!r}, {ga!r}; finite differences {dx!r}, {da!r}")
                assert isinstance(ga, np.ndarray) and ga.dtype == np.float64 and ga.shape == (3,)
                np.testing.assert_allclose(ga, da, rtol=1e-4, atol=1e-5)
                np.testing.assert_allclose(gx, dx, rtol=1e-4, atol=1e-5)
        else:
            for gx in call(myia.grad(f), backend, args):
                note(f"{backend}: grad = {gx!r}; finite differences {dx!r}")
                assert isinstance(gx, (float, np.floating))
                np.testing.assert_allclose(gx, dx, rtol=1e-4, atol=1e-5)


@budget(4)
@given(program=programs(arrays=False, returns="float"), args=arguments)
def test_generated_second_order(load, program, args):
    """`grad(grad(f))` on each backend, against central differences of `grad(f)`."""
    args = show(program, args)
    f, traced = load(program.source).f, load(program.traced)
    h = 1e-5
    with np.errstate(all="ignore"):
        smooth_at(traced, args, [(0, h, None), (0, -h, None)])
    first = myia.myia(myia.grad(f), backend="debug")
    x = args[0]
    numeric = (first(x + h, *args[1:]) - first(x - h, *args[1:])) / (2 * h)
    for backend in BACKENDS:
        for got in call(myia.grad(myia.grad(f)), backend, args):
            note(f"{backend}: grad(grad(f)) = {got!r}; finite differences {numeric!r}")
            np.testing.assert_allclose(got, numeric, rtol=1e-4, atol=1e-5)
