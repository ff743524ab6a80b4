"""Gradients of loops and recursions as one native function (myia/vm/native_grad.py).

Each program is compiled by `native_grad.build` (checked to compile, so the
native path is what runs), and its result must be the debug VM's and
CPython's exactly; gradients are also checked against finite differences.
What the native code cannot do exactly declines, and the production VM then
gives the debug VM's answer or error.
"""

import pytest

import myia
from myia.errors import MyiaError, MyiaRecursionError
from myia.grad import grad_graph
from myia.parse import parse
from myia.vm import native_grad
from myia.vm.defun import Decline


def scalar_loop(x, n):
    s = 0.0
    i = 0
    while i < n:
        s = s + x * s * 0.001 + x
        i = i + 1
    return s


def branchy(x, n):
    s = 1.0
    for i in range(n):
        if i % 3 == 0:
            s = s * x
        elif s > 10.0:
            s = s - x * 0.5
        else:
            s = s + x * x
    return s


def breaks(x, n):
    s = x
    i = 0
    while i < n:
        if s > 50.0:
            break
        s = s * x + 1.0
        i = i + 1
    return s * 2.0


def nested(x, n):
    s = 0.0
    for i in range(n):
        j = 0
        while j < i:
            s = s + x * j - s * 0.01
            j = j + 1
    return s


def rec_pow(x, n):
    if n == 0:
        return 1.0
    return x * rec_pow(x, n - 1)


def rec_two(x, n):
    if n <= 0:
        return x
    return rec_two(x * 0.5, n - 1) + rec_two(x * x * 0.25, n - 2) * x


def grows(x, n):
    k = 1
    s = 0.0
    for i in range(n):
        k = k * 1000
        if k > 5000:
            s = s + x * 2.0
        else:
            s = s * x + 1.0
    return s


def divides(x, n):
    s = 0.0
    for i in range(n):
        s = s + x / (n - 2 - i)
    return s


PROGRAMS = [
    (scalar_loop, (1.5, 100)), (scalar_loop, (0.3, 0)), (branchy, (1.2, 40)),
    (breaks, (1.7, 1000)),
    (nested, (0.7, 12)), (rec_pow, (1.001, 300)), (rec_pow, (2.0, 0)), (rec_two, (1.3, 9)),
]


def _grad(fn, backend):
    return myia.grad(myia.myia(fn, backend=backend))


@pytest.mark.parametrize("fn,args", PROGRAMS, ids=lambda p: getattr(p, "__name__", ""))
def test_native_gradient_is_the_debug_vms_exactly(fn, args):
    native = native_grad.build(grad_graph(parse(fn)), args)
    assert native is not None
    expected = _grad(fn, "debug")(*args)
    got = native.run(args)
    assert type(got) is float and got == expected
    prod = _grad(fn, "vm")
    assert [prod(*args) for _ in range(3)] == [expected] * 3  # VM, then native


@pytest.mark.parametrize("fn,args", PROGRAMS, ids=lambda p: getattr(p, "__name__", ""))
def test_native_gradient_matches_finite_differences(fn, args):
    x, rest = args[0], args[1:]
    h = 1e-6 * max(1.0, abs(x))
    fd = (fn(x + h, *rest) - fn(x - h, *rest)) / (2 * h)
    got = native_grad.build(grad_graph(parse(fn)), args).run(args)
    assert got == pytest.approx(fd, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("fn,args", [(rec_two, (0.9, 7)), (nested, (1.1, 6))])
def test_forward_recursion_runs_natively_as_cpython(fn, args):
    native = native_grad.build(parse(fn), args)
    assert native is not None and native.run(args) == fn(*args)


def test_value_and_grad_and_two_arguments():
    args = (1.3, 2.0)

    def f(x, y):
        s = 0.0
        i = 0
        while s < 40.0:
            s = s + x * y + i * 0.5
            i = i + 1
        return s * y

    vg = myia.value_and_grad(myia.myia(f, backend="vm"), (0, 1))
    ref = myia.value_and_grad(myia.myia(f, backend="debug"), (0, 1))(*args)
    assert [vg(*args) for _ in range(3)] == [ref] * 3
    assert ref[0] == f(*args)


def test_int64_overflow_declines_to_exact_python_ints():
    args = (1.5, 30)  # k reaches 1000**30: far beyond int64
    native = native_grad.build(grad_graph(parse(grows)), args)
    assert native is not None
    with pytest.raises(Decline):
        native.run(args)
    prod = _grad(grows, "vm")
    expected = _grad(grows, "debug")(*args)
    assert [prod(*args) for _ in range(3)] == [expected] * 3
    small = (1.5, 4)
    assert native_grad.build(grad_graph(parse(grows)), small).run(small) == \
        _grad(grows, "debug")(*small)


def test_zero_division_declines_and_the_vm_raises_at_the_users_line():
    prod = _grad(divides, "vm")
    for _ in range(3):
        with pytest.raises(MyiaError) as err:
            prod(1.0, 5)
        assert "divides" in str(err.value) or "x / (n - 2 - i)" in str(err.value)
    assert prod(1.0, 1) == _grad(divides, "debug")(1.0, 1)


def test_recursion_past_the_limit_declines_and_the_vm_raises():
    prod = _grad(rec_pow, "vm")
    assert prod(1.0, 30) == 30.0
    myia.set_recursion_limit(40)
    try:
        for _ in range(3):
            with pytest.raises(MyiaRecursionError):
                prod(1.0, 200)
    finally:
        myia.set_recursion_limit(100_000)


def test_unsupported_programs_are_left_to_the_vm():
    assert native_grad.build(grad_graph(parse(scalar_loop)), ("a", 3)) is None
    no_loop = grad_graph(parse(lambda x: x * x + 1.0))
    assert native_grad.build(no_loop, (2.0,)) is None  # nothing to gain: the VM runs it


def test_the_listing_shows_the_state_machine():
    text = str(myia.ir(myia.grad(rec_pow), 1.001, 3, stage="kernels"))
    assert "def kernel(" in text and "while True:" in text and "stk[sp" in text
