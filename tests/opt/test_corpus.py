"""Optimization preserves meaning: every corpus program, and its first- and
second-order gradients, give the same result on the debug VM before and
after `optimize` (the same error class, when the original raises).

Untyped graphs (as parsed, as `grad` made them) get the untyped rules; the
typed tests monomorphize for the case's arguments first, and compare the
optimized typed graph with the untyped original.  Closure conversion is
tested on programs and first-order gradients, typed and untyped.
"""

import functools
import importlib
import pkgutil

import numpy as np
import pytest

import myia
from myia.errors import MyiaError
from myia.grad import grad_graph
from myia.ir import check
from myia.opt import optimize
from myia.pipeline import infer_stage
from myia.vm.debug import DebugVM

from .. import corpus
from ..conftest import same

CASES = []
for info in pkgutil.iter_modules(corpus.__path__):
    module = importlib.import_module(f"{corpus.__name__}.{info.name}")
    for k, (fn, args) in enumerate(module.CASES):
        CASES.append(pytest.param(fn, args, id=f"{info.name}.{fn.__name__}.{k}"))


@functools.lru_cache(maxsize=None)
def graphs(fn, order):
    """The graph of `fn` (order 0) or of its gradient (1, 2), and its optimized copy."""
    g = myia.ir(fn)
    for _ in range(order):
        g = grad_graph(g)
    before = str(g)
    opt = optimize(g)
    assert str(g) == before, "optimize mutated its input"
    check(opt)
    return g, opt


def outcome(graph, args):
    try:
        with np.errstate(all="ignore"):
            return False, DebugVM().run(graph, args)
    except MyiaError as e:
        return True, type(e)


def agree(fn, args, order):
    g, opt = graphs(fn, order)
    raised, expected = outcome(g, args)
    got_raised, got = outcome(opt, args)
    assert raised == got_raised, (expected, got)
    assert got is expected if raised else same(got, expected), (expected, got)
    return not raised


def differentiable(args):
    return bool(args) and isinstance(args[0], float)


@pytest.mark.parametrize("fn,args", CASES)
def test_program(fn, args):
    agree(fn, args, 0)


@functools.lru_cache(maxsize=None)
def converted(fn, order):
    g = myia.ir(fn)
    for _ in range(order):
        g = grad_graph(g)
    opt = optimize(g, closures=True)
    check(opt)
    return g, opt


@pytest.mark.parametrize("fn,args", CASES)
def test_closure_converted_program_and_gradient(fn, args):
    for order in (0, 1) if differentiable(args) else (0,):
        g, opt = converted(fn, order)
        raised, expected = outcome(g, args)
        got_raised, got = outcome(opt, args)
        assert raised == got_raised, (expected, got)
        assert got is expected if raised else same(got, expected), (expected, got)


@pytest.mark.parametrize("fn,args", [c for c in CASES if differentiable(c.values[1])])
def test_first_and_second_order_gradients(fn, args):
    if agree(fn, args, 1):
        agree(fn, args, 2)


def typed(fn, args, order):
    """The monomorphized graph for `args` (of `fn` or its gradient), optimized."""
    g = myia.ir(fn)
    for _ in range(order):
        g = grad_graph(g)
    try:
        mono = infer_stage(g, args)
    except MyiaError as e:  # inference's own limits are tested in tests/test_infer*
        pytest.skip(f"monomorphize: {type(e).__name__}: {(str(e).splitlines() or [''])[0]}")
    opt = optimize(mono, closures=True)
    check(opt)
    return g, opt


def agree_typed(fn, args, order):
    g, opt = typed(fn, args, order)
    raised, expected = outcome(g, args)
    got_raised, got = outcome(opt, args)
    assert raised == got_raised, (expected, got)
    assert got is expected if raised else same(got, expected), (expected, got)
    return not raised


@pytest.mark.parametrize("fn,args", CASES)
def test_typed_program(fn, args):
    agree_typed(fn, args, 0)


@pytest.mark.parametrize("fn,args", [c for c in CASES if differentiable(c.values[1])])
def test_typed_gradients(fn, args):
    agree_typed(fn, args, 1)


@pytest.mark.parametrize("fn,args", [c for c in CASES if differentiable(c.values[1])])
def test_typed_second_order_gradients(fn, args):
    # Where inference types grad(grad(f)) (33 of the 78 cases today; the
    # others stop with a MyiaTypeError that tests/test_infer.py expects).
    agree_typed(fn, args, 2)
