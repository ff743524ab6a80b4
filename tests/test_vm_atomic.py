"""myia/vm/atomic.py: the debug VM running a call of an `atomic` graph as one step."""

import dataclasses
import math

import numpy as np
import pytest

import myia
from myia.grad import grad_graph
from myia.vm.debug import DebugVM

from .debug import programs as P


def machinery(g):
    return "core" in g.flags  # primitives' forward wrappers and backpropagators


def run(fn, args, atomic):
    vm = DebugVM(atomic=atomic)
    vm.start(grad_graph(myia.ir(fn), argnums=(0,), value=True), args)
    graphs = set()
    while not vm.finished:
        graphs.add(vm.frame.graph.name)
        vm.step()
    return vm.result, vm.steps, graphs


def poly(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * math.sin(x) * i
    return s


def test_a_call_of_the_machinery_is_one_step_with_the_same_values():
    slow, slow_steps, slow_graphs = run(poly, (0.5, 4), None)
    fast, fast_steps, fast_graphs = run(poly, (0.5, 4), machinery)
    assert fast == slow and fast[1][0] == pytest.approx(sum(
        (math.sin(0.5) + 0.5 * math.cos(0.5)) * i for i in range(4)))
    assert "J(mul)" in slow_graphs and not any("J(" in g or "bprop(" in g for g in fast_graphs)
    assert fast_steps < slow_steps / 2


@dataclasses.dataclass
class Scaled:
    a: float

    def __mul__(self, other):
        return Scaled(self.a * other.a)


def square(x):
    return (Scaled(x) * Scaled(x)).a


def test_a_callee_it_cannot_run_at_once_runs_step_by_step():
    # J(mul) on records calls the user's __mul__: that call is not Myia's, so
    # the wrapper's call is abandoned and stepped (programs are pure).
    slow, _, _ = run(square, (3.0,), None)
    fast, _, graphs = run(square, (3.0,), machinery)
    assert fast == slow == (9.0, (6.0,))
    assert any("__mul__" in g for g in graphs)


def root(x):
    a = x - 4.0
    return math.sqrt(a)


def test_an_error_inside_points_at_the_users_line():
    with pytest.raises(myia.MyiaError) as slow:
        run(root, (1.0,), None)
    with pytest.raises(myia.MyiaError) as fast:
        run(root, (1.0,), machinery)
    assert str(fast.value) == str(slow.value)
    assert fast.value.location.line == root.__code__.co_firstlineno + 2


def anything(g):
    return True  # every graph: nested functions, loops, branches, recursion


@pytest.mark.parametrize("name, args", [
    ("straight", (1.5, 2.0)), ("branch", (0.5,)), ("branch", (2.0,)), ("loop", (1.5, 6)),
    ("closure", (2.0,)), ("while_loop", (3.0,)), ("mixed", (0.5,)), ("fact", (6,)),
    ("arrays", (np.ones((2, 2)), np.ones(2))),
])
def test_any_graph_run_at_once_gives_the_stepped_values(name, args):
    fn = getattr(P, name)
    for grad in (False, True):
        if grad and name in ("fact", "mixed"):
            continue  # an integer argument, a tuple returned: no gradient
        program = grad_graph(myia.ir(fn), argnums=(0,), value=True) if grad else myia.ir(fn)
        slow, fast = DebugVM().run(program, args), DebugVM(atomic=anything).run(program, args)
        assert repr(fast) == repr(slow)


def test_a_deep_recursion_is_stepped_past_the_depth_limit():
    # fact(1200) nests 1200 calls: run at once it would pass Python's limit;
    # each call tries at most atomic.DEPTH levels at once, then steps.
    program = myia.ir(P.fact)
    vm = DebugVM(atomic=anything)
    assert vm.run(program, (1200,)) == DebugVM().run(program, (1200,))
    assert vm.steps > 1200
