"""Deep user recursion runs on both VMs' explicit stacks, up to a limit.

CPython itself stops at its recursion limit (1,000 frames by default), so
these programs are checked against closed forms instead of against CPython.
"""

from dataclasses import dataclass

import pytest

import myia

from .test_vm_native_grad import scalar_loop

DEPTH = 20_000


def triangle(n):
    if n == 0:
        return 0
    return n + triangle(n - 1)  # not a tail call: every frame stays alive


def is_even(n):
    return True if n == 0 else is_odd(n - 1)


def is_odd(n):
    return False if n == 0 else is_even(n - 1)


def nested_depth(n):
    def go(k):
        if k == 0:
            return 0.0
        return 0.5 + go(k - 1)

    return go(n)


@dataclass
class Cons:
    head: int
    tail: object


def list_sum(xs):
    if xs is None:
        return 0
    return xs.head + list_sum(xs.tail)


def test_deep_recursion(backend):
    assert myia.myia(triangle, backend=backend)(DEPTH) == DEPTH * (DEPTH + 1) // 2


def test_deep_mutual_recursion(backend):
    assert myia.myia(is_even, backend=backend)(DEPTH) is True
    assert myia.myia(is_odd, backend=backend)(DEPTH + 1) is True


def test_deep_nested_recursion(backend):
    assert myia.myia(nested_depth, backend=backend)(DEPTH) == DEPTH * 0.5


def test_deep_recursive_structure(backend):
    xs = None
    for i in range(DEPTH):
        xs = Cons(i, xs)
    assert myia.myia(list_sum, backend=backend)(xs) == DEPTH * (DEPTH - 1) // 2


def runaway(x):
    return runaway(x) + 1.0  # never reaches a base case


def test_a_runaway_recursion_stops_at_the_limit(backend):
    compiled = myia.myia(runaway, backend=backend)
    for entry in (compiled, myia.grad(compiled)):
        with pytest.raises(myia.MyiaRecursionError) as info:
            entry(1.0)
        assert isinstance(info.value, myia.MyiaError)
        assert info.value.location.line == runaway.__code__.co_firstlineno + 1
        assert "100000 nested calls" in info.value.message


def test_the_limit_is_configurable(backend):
    def run(fn, *args):
        return myia.myia(fn, backend=backend)(*args)

    assert myia.recursion_limit() == 100_000
    try:
        myia.set_recursion_limit(500)
        with pytest.raises(myia.MyiaRecursionError, match="500 nested calls"):
            run(triangle, 1000)
        assert run(triangle, 400) == 400 * 401 // 2
        with pytest.raises(ValueError):
            myia.set_recursion_limit(0)
    finally:
        myia.set_recursion_limit(100_000)
    assert run(triangle, 1000) == 1000 * 1001 // 2


def test_deep_recursion_under_grad_is_below_the_default_limit(backend):
    def scaled(x, n):
        if n == 0:
            return x
        return 1.0001 * scaled(x, n - 1)
    dx = myia.grad(myia.myia(scaled, backend=backend))(1.0, DEPTH)
    assert abs(dx - 1.0001 ** DEPTH) < 1e-9 * 1.0001 ** DEPTH


def test_a_loop_under_grad_past_the_limit_says_how_to_raise_it(backend):
    """A loop runs in constant stack, but its gradient nests (forward calls
    keep their backpropagators): the error says how far to raise the limit."""
    g = myia.grad(myia.myia(scalar_loop, backend=backend))
    expected = myia.grad(myia.myia(scalar_loop, backend="debug"))(1.5, 10)
    try:
        myia.set_recursion_limit(300)
        for _ in range(3):  # the VM, then native code: the same error
            with pytest.raises(myia.MyiaRecursionError, match=r"under grad a loop nests.*"
                               r"for k iterations, myia.set_recursion_limit\(2 \* k \+ 100\)"):
                g(1.5, 1000)
        myia.set_recursion_limit(2 * 1000 + 100)
        assert g(1.5, 1000) == myia.grad(myia.myia(scalar_loop, backend="debug"))(1.5, 1000)
        assert g(1.5, 10) == expected
    finally:
        myia.set_recursion_limit(100_000)


def unread_unpacking_loop(pair, n):
    s = 0.0
    i = 0
    while i < n:
        a, b = pair  # never read: the body's result is `depend(jump, check)`
        s = s + 1.0
        i = i + 1
    return s


def test_a_loop_body_keeping_a_check_alive_still_runs_in_constant_stack():
    from myia.parse import parse
    from myia.vm.debug import DebugVM
    from myia.vm.production import ProductionVM

    graph = parse(unread_unpacking_loop)  # untyped, as both VMs run it
    try:
        myia.set_recursion_limit(100)
        for vm in (DebugVM, ProductionVM):
            assert vm().run(graph, ((1.0, 2.0), 1000)) == 1000.0
            with pytest.raises(myia.MyiaTypeError, match="cannot unpack 3 values into 2"):
                vm().run(graph, ((1.0, 2.0, 3.0), 1000))
    finally:
        myia.set_recursion_limit(100_000)
