"""The production VM's typed run path (myia/pipeline.py): which signatures run
the typed, optimized graph, which run untyped, and that both give CPython's
answers and errors."""

import dataclasses

import numpy as np
import pytest

import myia
from myia import pipeline, prims as P
from myia.ir import Manager
from myia.prims import Primitive
from myia.prims.primitive import ScalarKernel
from myia.prims.rules import elementwise
from myia.vm import emit


def poly(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i
    return s


def sumsq(x):
    return np.sum(x * x)


def unstable(x, c):
    y = 1 if c else 1.5  # int on one path, float on the other: float|int
    return x + y, y * 2


def nesting(n):
    t = ()
    for i in range(n):
        t = (t, i * 2)  # one level deeper each time: one type per depth
    return t


def adder(a):
    def add(x):
        return x + a
    return add


def returns_closure(a):
    return adder(a)


def calls_closure(a, x):
    return adder(a)(x)


def bad_add(x):
    return x + (1, 2)


def test_a_float_program_runs_typed():
    f = myia.myia(poly)
    assert f(1.5, 4) == poly(1.5, 4)
    assert myia.explain_backend(f, 1.5, 4) == "typed: the optimized graph for (float, int)"
    program = f._compiled[myia.api.signature((1.5, 4))]
    assert program.typed is not None and program.reason is None
    nodes = [n for ns in Manager(program.typed).nodes.values() for n in ns]
    assert nodes and all(getattr(n, "abstract", None) is not None for n in nodes)


def test_gradients_run_typed_per_signature():
    g = myia.grad(myia.myia(poly))
    assert g(1.5, 4) == 6.0
    assert myia.explain_backend(g, 1.5, 4).startswith("typed")
    h = myia.grad(sumsq)
    x = np.ones(3, np.float32)
    assert myia.explain_backend(h, x) == "typed: the optimized graph for (f32[3])"
    assert h(x).dtype == np.float32 and np.array_equal(h(x), 2 * x)


def test_a_program_inference_rejects_runs_untyped_and_exactly():
    f = myia.myia(nesting)
    assert f(3) == nesting(3) == ((((), 0), 2), 4) and f(0) == ()
    why = myia.explain_backend(f, 3)
    assert why.startswith("untyped: inference rejects it: MyiaTypeError")
    assert "keep changing" in why


def test_a_value_of_two_types_is_a_union_and_runs_typed_and_exactly():
    f = myia.myia(unstable)
    for c in (True, False):
        got, want = f(1.0, c), unstable(1.0, c)
        assert got == want and [type(v) for v in got] == [type(v) for v in want]
    assert myia.explain_backend(f, 1.0, True).startswith("typed")
    assert ": (float, float|int)" in str(myia.ir(unstable, 1.0, True, stage="infer"))


def test_a_function_returning_a_closure_is_not_typed_as_returning_none():
    with pytest.raises(myia.MyiaTypeError, match="returns a function"):
        myia.ir(returns_closure, 1.0, stage="infer")
    f = myia.myia(returns_closure)
    assert f(1.0) is not None
    assert "returns a function" in myia.explain_backend(f, 1.0)
    g = myia.myia(calls_closure)  # called inside: typed, and right
    assert g(1.0, 2.0) == 3.0 and myia.explain_backend(g, 1.0, 2.0).startswith("typed")


def test_a_real_type_error_is_raised_at_the_users_line(backend):
    with pytest.raises(myia.MyiaTypeError) as info:
        myia.myia(bad_add, backend=backend)(1.0)
    assert info.value.location.line == bad_add.__code__.co_firstlineno + 1


def test_an_error_only_the_typed_program_raises_falls_back_to_the_untyped(monkeypatch):
    def broken(graph):
        def run(*args):
            raise myia.MyiaTypeError("a typed stage bug")
        return run

    monkeypatch.setattr(pipeline.production, "compile_typed", broken)
    f = myia.myia(poly)
    assert f(1.5, 4) == poly(1.5, 4)
    assert myia.explain_backend(f, 1.5, 4) == \
        "untyped: the typed program raised MyiaTypeError: a typed stage bug, " \
        "the untyped one does not"


def test_explain_backend_wants_a_myia_function():
    with pytest.raises(myia.MyiaError, match="explain_backend takes"):
        myia.explain_backend(poly, 1.0, 2)
    assert myia.explain_backend(myia.myia(poly, backend="debug"), 1.0, 2) == \
        "untyped: the debug VM runs graphs untyped"


def _half(x):
    return x * 0.5


half = Primitive("half", _half, infer=elementwise, kernel=ScalarKernel("{0} * 0.5", "math"))


def uses_half(x, y):
    return half(x + y) - 1.0


def test_the_kernel_facet_is_what_the_vm_fuses():
    assert P.add.kernel("a", "b") == "a + b" and P.add.kernel.kind == "arith"
    assert emit.scalar_kernel(half) and not emit.scalar_kernel(P.matmul)
    listing = str(myia.ir(uses_half, 1.0, 2.0, stage="kernels"))
    assert "= (r0 + r1) * 0.5" not in listing and " * 0.5  # " in listing, listing
    assert myia.myia(uses_half)(1.0, 2.0) == 0.5


def test_typed_kernels_take_their_signature_from_the_types():
    from myia.vm.lower import code_of
    from myia.vm.production import ProductionVM
    typed = pipeline.typed_program(pipeline.to_graph(uses_half), (1.0, 2.0))
    segs = [i[1] for i in code_of(typed).insts if i[0] is ProductionVM.inst_kernel]
    assert [s.key for s in segs] == [(float, float)]


# ----- keyword calls and defaults on the typed path (monomorphize binds them) -----


def kw_helper(x, by=2.0, *, off=1.0):
    return x * x * by + off


@dataclasses.dataclass
class Scaler:
    w: float

    def scale(self, k, by=2.0):
        return self.w * self.w * k * by


def kw_method_default(x):
    s = Scaler(x)
    return s.scale(3.0) + s.scale(1.0, by=x)


def kw_apply(h, x):
    return h(x)


def kw_function_value(x):
    return kw_apply(kw_helper, x)


def kw_runtime_callee(x, c):
    g = kw_helper if c > 0 else (lambda x, by=1.0, off=0.0: x * by - off)
    return g(x, by=x, off=2.0)


def kw_runtime_defaults(x, c):
    g = kw_helper if c > 0 else (lambda x, by=1.0, off=0.0: x * by - off)
    return g(x)


def kw_runtime_two_signatures(x, c):
    return kw_runtime_callee(x, c) + kw_runtime_defaults(x, c)


def kw_direct(x):
    return kw_helper(x, off=x) + kw_helper(x, by=3.0)


KW_PROGRAMS = [(kw_method_default, (1.5,)), (kw_function_value, (1.5,)),
               (kw_runtime_callee, (1.5, 1)), (kw_runtime_callee, (1.5, -1)),
               (kw_runtime_defaults, (1.5, 1)), (kw_runtime_defaults, (1.5, -1)),
               (kw_direct, (1.5,))]


def _numeric(f, args, h=1e-6):
    up, down = (args[0] + h, *args[1:]), (args[0] - h, *args[1:])
    return (f(*up) - f(*down)) / (2 * h)


@pytest.mark.parametrize("f, args", KW_PROGRAMS, ids=lambda p: getattr(p, "__name__", ""))
def test_keyword_calls_and_defaults_run_typed_and_exactly(f, args):
    vm, debug = myia.myia(f, backend="vm"), myia.myia(f, backend="debug")
    assert vm(*args) == debug(*args) == f(*args)
    assert myia.explain_backend(vm, *args).startswith("typed"), \
        myia.explain_backend(vm, *args)
    for order in (1, 2):
        gv, gd, ref = vm, debug, f
        for _ in range(order):
            gv, gd = myia.grad(gv), myia.grad(gd)
            ref = (lambda r: lambda *a: _numeric(r, a))(ref)
        assert myia.explain_backend(gv, *args).startswith("typed"), \
            myia.explain_backend(gv, *args)
        got = gv(*args)
        assert got == gd(*args)
        np.testing.assert_allclose(got, ref(*args), rtol=1e-4, atol=1e-4)


def test_a_runtime_keyword_callee_with_two_signatures_runs_untyped_and_exactly():
    """Under grad(grad) the forward function `g` is known only at run time and
    gets clones for two signatures: the VM could call the wrong one."""
    f = myia.grad(myia.grad(myia.myia(kw_runtime_two_signatures, backend="vm")))
    d = myia.grad(myia.grad(myia.myia(kw_runtime_two_signatures, backend="debug")))
    assert f(1.5, 1) == d(1.5, 1) == 13.0  # 6x + 4
    assert "several signatures" in myia.explain_backend(f, 1.5, 1)


# ----- tuples that grow in a loop: a Seq, `(int, ...)` (myia/types.py) -----


def grow(x, n):
    t = ()
    for i in range(n):
        t = t + (x * i,)
    return t


def grow_sum(x, n):
    t = (x,)
    for i in range(n):
        t = t + (x * (i + 1),) if i % 2 else (x * i - 1.0,) + t
    s = 0.0
    for v in t[1:]:  # a slice with a runtime length
        s = s + v * v * t[0]
    return s + t[-1] * len(t)


def grow_index(n, k):
    t = ()
    while len(t) < n:
        t = t + (len(t) * 1.5,)
    return t[k] if t else -1.0  # out of range: CPython's IndexError, located


def grow_first(x, n):
    t = ()
    for i in range(n):
        t = t + (x * i,)
    a, b = t[:2]  # (the loop's entry is typed for any length too: no error at t = ())
    return t[-1] * a + b * t[1]


SEQ_PROGRAMS = [(grow, (1.5, 4)), (grow, (1.5, 0)), (grow_sum, (1.5, 5)),
                (grow_sum, (-0.5, 0)), (grow_index, (4, -2)), (grow_index, (0, 3)),
                (grow_first, (1.5, 3)), (grow_first, (-2.0, 5))]


@pytest.mark.parametrize("f, args", SEQ_PROGRAMS, ids=lambda p: getattr(p, "__name__", ""))
def test_a_tuple_that_grows_in_a_loop_runs_typed_and_exactly(f, args):
    from tests.conftest import same
    vm, debug = myia.myia(f, backend="vm"), myia.myia(f, backend="debug")
    got, want = vm(*args), f(*args)
    assert same(got, want) and same(debug(*args), want)
    assert myia.explain_backend(vm, *args).startswith("typed"), myia.explain_backend(vm, *args)
    assert ", ...)" in str(myia.ir(f, *args, stage="infer"))


def test_an_index_out_of_range_of_a_grown_tuple_is_the_same_error_on_both_vms():
    errors = []
    for backend in ("vm", "debug"):
        f = myia.myia(grow_index, backend=backend)
        with pytest.raises(myia.MyiaError) as info:
            f(3, 5)
        errors.append((type(info.value), info.value.message, info.value.location.line))
    assert errors[0] == errors[1] and "out of range" in errors[0][1], errors
    assert myia.explain_backend(myia.myia(grow_index), 3, 5).startswith("typed")
    with pytest.raises(IndexError):
        grow_index(3, 5)


def test_the_native_compilers_decline_a_tuple_of_unknown_length():
    from myia.vm import native_grad
    from myia.grad import grad_graph
    assert native_grad.generate(pipeline.to_graph(grow_sum), (1.5, 3)) is None
    assert native_grad.generate(grad_graph(pipeline.to_graph(grow_sum)), (1.5, 3)) is None
    typed = pipeline.typed_program(pipeline.to_graph(grow), (1.5, 3))
    assert native_grad.compile(typed) is None
    f = myia.myia(grow_sum)
    for _ in range(3):  # past the calls that would compile it
        assert f(1.5, 3) == grow_sum(1.5, 3)


@pytest.mark.parametrize("f, args", [(grow_sum, (1.5, 5)), (grow_sum, (-0.5, 0)),
                                     (grow_sum, (0.7, 2)), (grow_first, (1.5, 3))])
def test_gradients_through_a_grown_tuple_match_finite_differences(f, args):
    # float64 central differences; second order on the first-order gradient.
    first = lambda *a: _numeric(f, a)  # noqa: E731
    for order, ref, tol in ((1, first, 1e-6), (2, lambda *a: _numeric(first, a, 1e-4), 1e-3)):
        gv, gd = myia.myia(f, backend="vm"), myia.myia(f, backend="debug")
        for _ in range(order):
            gv, gd = myia.grad(gv), myia.grad(gd)
        got = gv(*args)
        assert got == gd(*args)
        np.testing.assert_allclose(got, ref(*args), rtol=tol, atol=tol)
        # (second order too: `J(add)` on ints and on tuples, each its own Env types)
        assert myia.explain_backend(gv, *args).startswith("typed"), myia.explain_backend(gv, *args)


# ----- a tree built by recursion: a recursive record, `Tree*` (myia/types.py) -----


def test_a_tree_built_by_recursion_runs_typed_and_exactly():
    from tests.corpus.dataclasses_ import build_tree, tree_build_and_sum
    vm, debug = myia.myia(tree_build_and_sum), myia.myia(tree_build_and_sum, backend="debug")
    for n in (0, 1, 6):
        assert vm(n) == debug(n) == tree_build_and_sum(n)
    assert myia.explain_backend(vm, 6).startswith("typed"), myia.explain_backend(vm, 6)
    assert myia.myia(build_tree)(4) == build_tree(4)
    assert "None|Tree*(value: float, left: None|Tree*, right: None|Tree*)" in \
        str(myia.ir(build_tree, 4, stage="infer"))


@pytest.mark.parametrize("x", [3.5, 0.5, 5.25])
def test_gradients_through_a_tree_built_by_recursion_match_finite_differences(x):
    from tests.corpus.dataclasses_ import grown_tree_sum as f
    first = lambda *a: _numeric(f, a)  # noqa: E731
    for order, ref, tol in ((1, first, 1e-6), (2, lambda *a: _numeric(first, a, 1e-4), 1e-3)):
        gv, gd = myia.myia(f, backend="vm"), myia.myia(f, backend="debug")
        for _ in range(order):
            gv, gd = myia.grad(gv), myia.grad(gd)
        got = gv(x)
        assert got == gd(x)
        np.testing.assert_allclose(got, ref(x), rtol=tol, atol=tol)
        assert myia.explain_backend(gv, x).startswith("typed"), myia.explain_backend(gv, x)
