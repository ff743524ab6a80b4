"""The production VM's own behaviour: lowering, frames, interrupts.

Agreement with CPython and the debug VM on the corpus is in test_vm.py,
test_vm_recursion.py, test_vm_hypothesis.py and test_grad.py (all run on
both backends); this file checks what only the production VM has.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc

import numpy as np
import pytest

import myia
from myia.parse import parse
from myia.vm import budget, kernels, lower, production


def count_down(n):
    while n > 0:
        n = n - 1
    return n


def test_graphs_are_lowered_once():
    g = parse(count_down)
    first = lower.code_of(g)
    assert lower.code_of(g) is first
    assert first.insts and all(inst[0].__name__.startswith("inst_") for inst in first.insts)


def test_a_loop_runs_in_constant_space():
    # The loop header tail-calls itself: the frame is reused, never stacked,
    # so 20,000 iterations allocate no more than a few.
    vm = production.ProductionVM()
    graph = parse(count_down)
    vm.run(graph, (10,))  # lowered before measuring
    tracemalloc.start()
    try:
        assert vm.run(graph, (20_000,)) == 0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100_000, peak


def make_adder(k):
    def add(x):
        return x + k
    return add


def test_closures_come_back_as_values_and_can_be_called_again():
    add3 = myia.myia(make_adder, backend="vm")(3)
    assert production.ProductionVM().run(add3, (4,)) == 7


def depth_through_values(n):
    def step(g, k):
        if k == 0:
            return 0
        return 1 + g(g, k - 1)  # a call of a closure value: inst_call
    return step(step, n)


def halve_sum(x):
    while np.sum(x) > 3.0:
        x = x * 0.5
    return np.sum(x)


def test_a_call_of_a_closure_value_is_direct_and_still_counts_its_depth():
    # All its parameters given and not a forward graph: inst_call enters the
    # callee at once (no Partial, keyword or adapter check), with a Frame
    # that still checks the recursion limit.
    g = parse(depth_through_values)
    assert lower.code_of(g).direct
    f = myia.myia(depth_through_values, backend="vm")
    assert f(300) == 300
    myia.set_recursion_limit(200)
    try:
        with pytest.raises(myia.MyiaRecursionError):
            f(300)
    finally:
        myia.set_recursion_limit(100_000)
    x = np.ones(3) * 2.0  # a loop on arrays: the VM runs its forward graphs
    assert myia.grad(myia.myia(halve_sum, backend="vm"))(x).tolist() == [0.5, 0.5, 0.5]
    fprop = [c for c in lower._codes.values() if c.graph.debug.role == "fprop"]
    assert fprop and not any(c.direct for c in fprop)


ENDLESS = textwrap.dedent("""
    import sys
    import myia

    def spin(x):
        while x > 0.0:
            x = x + 1.0
        return x

    print("started", flush=True)
    myia.myia(spin, backend="vm")(1.0)
""")


def test_ctrl_c_stops_an_endless_loop(tmp_path):
    script = tmp_path / "endless.py"
    script.write_text(ENDLESS)
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "started"
        time.sleep(1.0)  # well inside the loop by now
        assert proc.poll() is None, "the loop ended on its own"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode != 0
    assert "KeyboardInterrupt" in err


def test_one_program_per_argument_signature():
    f = myia.myia(count_down, backend="vm")
    assert f(3) == 0 and f(40) == 0
    assert len(f._compiled) == 1  # int, int: one signature
    assert f(3.5) == -0.5
    assert len(f._compiled) == 2
    g = myia.grad(f)
    assert g(2.5) == 1.0 and g(7.5) == 1.0 and len(g._compiled) == 1


def test_the_default_backend_is_the_production_vm():
    assert myia.myia(count_down).backend == "vm"
    assert myia.grad(count_down).backend == "vm"


def test_the_budget_is_a_share_of_the_compile_time_estimated_from_the_last_compile(
        monkeypatch):
    monkeypatch.setattr(budget, "RATE", [4e-3])  # 4 ms a generated line
    start = time.perf_counter()
    left = budget.deadline("x = 1\n" * 100) - start
    assert 0.1 - 1e-9 <= left <= 0.1 + (time.perf_counter() - start) + 1e-9  # a quarter
    budget.measured("x = 1\n" * 50, 2.0)  # 40 ms a line
    assert budget.RATE[0] == pytest.approx(0.04)
    assert budget.deadline("x\n" * 20) - time.perf_counter() == pytest.approx(0.2, abs=0.05)


def test_a_first_call_that_compiles_measures_the_compile_for_the_next_budget(monkeypatch):
    monkeypatch.setattr(budget, "RATE", [0.0])  # stop the VM at its first look at the clock
    g = _grad(measured_loop)
    assert g(1.1, 2000) == _grad(measured_loop, "debug")(1.1, 2000)
    assert "native" in myia.explain_backend(g, 1.1, 2000)
    assert budget.RATE[0] > 0.0  # Numba took some time: the next first call waits that


# The loops below are this file's own: a kernel another test compiled would
# be on disk already, and a first call loads such a kernel at once.

def long_loop(x, n):
    s = 0.0
    i = 0
    while i < n:
        s = s * 0.99 + x * x
        i = i + 1
    return s


def measured_loop(x, n):
    s = 0.0
    i = 0
    while i < n:
        s = s * 0.5 + x
        i = i + 1
    return s


def short_loop(x, n):
    s = 1.0
    for i in range(n):
        s = s * x + 0.5
    return s


def int_loop(x, n):
    k = 1
    s = 0.0
    for i in range(n):
        if i > n - 10:
            k = k * 100_000  # beyond int64 near the end: the native code declines
        s = s + x * (k % 7)
    return s


def div_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + x / (n - 3 - i)
    return s


def _grad(fn, backend="vm"):
    return myia.grad(myia.myia(fn, backend=backend))


def test_a_long_first_call_stops_the_vm_and_runs_natively(monkeypatch):
    """Past its budget (budget.py) a first call's run in CPython (pytier.py)
    is dropped, and the program's native code compiled and run instead:
    exact, since the program is pure."""
    monkeypatch.setattr(budget, "RATE", [0.0])
    g = _grad(long_loop)
    assert g(1.1, 2000) == _grad(long_loop, "debug")(1.1, 2000)
    assert myia.explain_backend(g, 1.1, 2000).endswith(", as one native function")


def test_a_short_first_call_compiles_nothing(monkeypatch):
    monkeypatch.setattr(budget, "RATE", [0.0])  # fewer than 4,096 states: no look at the clock
    g = _grad(short_loop)
    loaded = dict(kernels._loaded)
    assert g(1.1, 3) == _grad(short_loop, "debug")(1.1, 3)
    assert kernels._loaded == loaded  # not even the VM's kernels (they run 3 times)
    assert kernels.HOT == 2
    assert myia.explain_backend(g, 1.1, 3) == "typed: the optimized graph for (float, int)"
    assert g(1.1, 3) == _grad(short_loop, "debug")(1.1, 3)  # the second call compiles
    assert myia.explain_backend(g, 1.1, 3).endswith(", as one native function")


def test_a_stopped_first_call_whose_native_code_declines_gives_the_vms_answer(
        monkeypatch):
    monkeypatch.setattr(budget, "RATE", [0.0])
    g = _grad(int_loop)
    ks = [100_000 ** max(0, i - 4990) % 7 for i in range(5000)]  # d s / d x = sum of k % 7
    assert g(1.5, 5000) == sum(float(k) for k in ks)  # more than 4,096 states: stopped
    assert "native" in myia.explain_backend(g, 1.5, 5000)  # compiled, then declined
    d = _grad(div_loop)
    with pytest.raises(myia.MyiaError) as err:
        d(1.0, 3000)
    assert "x / (n - 3 - i)" in str(err.value)
