"""A native kernel's source run by CPython at a first call (myia/vm/pytier.py).

Its value must be the debug VM's and the compiled kernel's exactly; what the
native code declines it declines; past its deadline it stops; and a first
call it finishes loads no Numba kernel.
"""

import time

import pytest

import myia
from myia.grad import grad_graph
from myia.parse import parse
from myia.vm import budget, kernels, native_grad, pytier
from myia.vm.defun import Decline

from .test_vm_native_grad import PROGRAMS, divides, grows, nested, rec_pow, rec_two, scalar_loop

FOREVER = float("inf")


def _tier(graph, args):
    made = native_grad.generate(graph, args)
    assert made is not None
    return pytier.Tier(*made)


def _grad(fn, backend):
    return myia.grad(myia.myia(fn, backend=backend))


@pytest.mark.parametrize("fn,args", PROGRAMS + [(scalar_loop, (1.01, 5000))],
                         ids=lambda p: getattr(p, "__name__", ""))
def test_the_kernel_in_cpython_is_the_debug_vms_and_the_compiled_kernels_exactly(fn, args):
    got = _tier(grad_graph(parse(fn)), args).run(args, FOREVER)
    expected = _grad(fn, "debug")(*args)
    assert type(got) is float and got == expected
    assert native_grad.build(grad_graph(parse(fn)), args).run(args) == got


@pytest.mark.parametrize("fn,args", [(rec_two, (0.9, 7)), (nested, (1.1, 6))])
def test_a_forward_program_in_cpython_is_cpythons(fn, args):
    assert _tier(parse(fn), args).run(args, FOREVER) == fn(*args)


def test_the_stack_and_heap_grow_in_place():
    tier = _tier(grad_graph(parse(scalar_loop)), (1.5, 3))
    args = (1.001, 20_000)  # room for 4,096 words at first
    assert tier.run(args, FOREVER) == native_grad.build(grad_graph(parse(scalar_loop)), args).run(args)


def test_what_the_native_code_declines_declines_here_too():
    with pytest.raises(Decline):  # k beyond int64
        _tier(grad_graph(parse(grows)), (1.5, 30)).run((1.5, 30), FOREVER)
    with pytest.raises(Decline):  # a division by zero
        _tier(grad_graph(parse(divides)), (1.0, 5)).run((1.0, 5), FOREVER)
    myia.set_recursion_limit(40)
    try:  # nesting past the limit
        with pytest.raises(Decline):
            _tier(grad_graph(parse(rec_pow)), (1.0, 200)).run((1.0, 200), FOREVER)
    finally:
        myia.set_recursion_limit(100_000)


def test_a_run_past_its_deadline_stops_at_a_look_at_the_clock():
    tier = _tier(grad_graph(parse(scalar_loop)), (1.5, 3))
    past = time.perf_counter()
    with pytest.raises(budget.OutOfWork):  # more than 4,096 states
        tier.run((1.001, 10_000), past)
    assert tier.run((1.5, 3), past) == _grad(scalar_loop, "debug")(1.5, 3)  # fewer


def long_tiered(x, n):  # this file's own: a kernel compiled elsewhere would be on disk
    s = 0.5
    i = 0
    while i < n:
        s = s * 0.999 + x * 0.25
        i = i + 1
    return s


def test_a_first_call_finished_in_cpython_loads_no_kernel(monkeypatch):
    monkeypatch.setattr(budget, "RATE", [1.0])  # a second a line: all the time it needs
    g = _grad(long_tiered, "vm")
    loaded = dict(kernels._loaded)
    assert g(1.1, 1_500) == _grad(long_tiered, "debug")(1.1, 1_500)
    assert kernels._loaded == loaded
    assert "native" not in myia.explain_backend(g, 1.1, 1_500)
    assert g(1.1, 1_500) == _grad(long_tiered, "debug")(1.1, 1_500)  # the second compiles
    assert myia.explain_backend(g, 1.1, 1_500).endswith(", as one native function")
