"""Rebinding a global or redefining a helper is seen by the next call.

Each test runs notebook cells (see `notebook.py`): a first cell defines a
program, a later one rebinds what it reads, and every way of calling it
(`myia.myia`, a fresh wrapper, `grad`, `value_and_grad`) must follow.
"""

import gc
import types
import weakref

import numpy as np
import pytest

import myia
from myia import MyiaNameError, pipeline
from myia.dependencies import Dependencies
from myia.parse import dependencies, parse

from .notebook import Notebook


def all_ways(nb, fname, *args):
    """The value by an old wrapper, a fresh one, and the gradient, three ways."""
    f = nb[fname]
    return (nb[f"old_{fname}"](*args), myia.myia(f)(*args), myia.grad(f)(*args),
            myia.value_and_grad(f)(*args), nb[f"old_grad_{fname}"](*args))


def wrappers(nb, fname):
    nb.run(f"""
        import myia
        old_{fname} = myia.myia({fname})
        old_grad_{fname} = myia.grad({fname})
    """)


def test_rebinding_a_global_number():
    nb = Notebook()
    nb.run("""
        LR = 0.25
        def f(x):
            return LR * x * x
    """)
    wrappers(nb, "f")
    assert all_ways(nb, "f", 3.0) == (2.25, 2.25, 1.5, (2.25, 1.5), 1.5)
    nb.run("LR = 0.5")
    assert all_ways(nb, "f", 3.0) == (4.5, 4.5, 3.0, (4.5, 3.0), 3.0)


def test_redefining_a_helper():
    nb = Notebook()
    nb.run("""
        import numpy as np
        def act(x):
            return np.tanh(x)
        def f(x):
            return act(x) * 2.0
    """)
    wrappers(nb, "f")
    assert nb["old_f"](0.5) == np.tanh(0.5) * 2.0
    nb.run("""
        def act(x):
            return x * x
    """)
    assert all_ways(nb, "f", 0.5) == (0.5, 0.5, 2.0, (0.5, 2.0), 2.0)


def test_rebinding_a_global_array():
    nb = Notebook()
    nb.run("""
        import numpy as np
        W = np.full(3, 2.0)
        def f(x):
            return np.sum(W * x)
    """)
    wrappers(nb, "f")
    x = np.ones(3)
    assert nb["old_f"](x) == 6.0
    nb.run("W = np.full(3, 5.0)")
    value, fresh, g, (v, g2), old_g = all_ways(nb, "f", x)
    assert value == fresh == v == 15.0
    for grad in (g, g2, old_g):
        assert np.array_equal(grad, np.full(3, 5.0))


def test_a_global_read_by_a_helper_of_a_helper():
    nb = Notebook()
    nb.run("""
        SCALE = 2.0
        def inner(x):
            return SCALE * x
        def middle(x):
            return inner(x) + 1.0
        def f(x):
            return middle(x) * x
    """)
    wrappers(nb, "f")
    assert nb["old_f"](3.0) == 21.0
    nb.run("SCALE = 3.0")
    assert all_ways(nb, "f", 3.0) == (30.0, 30.0, 19.0, (30.0, 19.0), 19.0)


def test_a_global_read_by_a_nested_function_and_a_lambda():
    nb = Notebook()
    nb.run("""
        K = 2.0
        def f(x):
            def g(y):
                return K * y
            h = lambda y: y + K
            return g(x) * h(x)
    """)
    wrappers(nb, "f")
    assert nb["old_f"](1.0) == 6.0
    nb.run("K = 3.0")
    assert all_ways(nb, "f", 1.0) == (12.0, 12.0, 15.0, (12.0, 15.0), 15.0)


def test_a_recursive_function_reading_a_global():
    nb = Notebook()
    nb.run("""
        BASE = 1.0
        def fact(x, n):
            if n == 0:
                return BASE
            return x * fact(x, n - 1)
    """)
    wrappers(nb, "fact")
    assert nb["old_fact"](2.0, 3) == 8.0
    nb.run("BASE = 2.0")
    assert all_ways(nb, "fact", 2.0, 3) == (16.0, 16.0, 24.0, (16.0, 24.0), 24.0)


def test_a_rebound_closure_cell():
    nb = Notebook()
    nb.run("""
        def make():
            k = 2.0
            def f(x):
                return k * x
            def set_k(v):
                nonlocal k
                k = v
            return f, set_k
        f, set_k = make()
    """)
    wrappers(nb, "f")
    assert nb["old_f"](1.5) == 3.0
    nb["set_k"](4.0)
    assert all_ways(nb, "f", 1.5) == (6.0, 6.0, 4.0, (6.0, 4.0), 4.0)


def test_an_attribute_of_a_module_global():
    nb = Notebook()
    cfg = types.ModuleType("cfg")
    cfg.LR = 0.1
    nb.ns["cfg"] = cfg
    nb.run("""
        def f(x):
            return cfg.LR * x
    """)
    wrappers(nb, "f")
    assert nb["old_f"](1.0) == 0.1
    cfg.LR = 0.25
    assert all_ways(nb, "f", 1.0) == (0.25, 0.25, 0.25, (0.25, 0.25), 0.25)


def test_a_builtin_shadowed_later_by_a_global():
    nb = Notebook()
    nb.run("""
        def f(x):
            return abs(x)
    """)
    wrappers(nb, "f")
    assert nb["old_f"](-2.0) == 2.0
    nb.run("""
        def abs(x):
            return x * 10.0
    """)
    assert nb["old_f"](-2.0) == -20.0
    assert myia.grad(nb["f"])(-2.0) == 10.0


def test_a_changed_default_value():
    nb = Notebook()
    nb.run("""
        def f(x, k=2.0):
            return k * x
    """)
    wrappers(nb, "f")
    assert nb["old_f"](1.0) == 2.0
    nb["f"].__defaults__ = (3.0,)
    assert all_ways(nb, "f", 1.0) == (3.0, 3.0, 3.0, (3.0, 3.0), 3.0)


def test_a_custom_backpropagator_survives_a_reparse():
    nb = Notebook()
    nb.run("""
        import myia
        C = 1.0
        def clip(x):
            return C * x
        @myia.defbprop(clip)
        def clip_bprop(x, out, dout):
            return (dout * 7.0,)
        def f(x):
            return clip(x) * 2.0
    """)
    assert myia.grad(nb["f"])(1.0) == 14.0
    nb.run("C = 5.0")
    assert myia.myia(nb["f"])(1.0) == 10.0
    assert myia.grad(nb["f"])(1.0) == 14.0
    nb.run("""
        @myia.defbprop(clip)
        def clip_bprop(x, out, dout):
            return (dout * 3.0,)
    """)
    assert myia.grad(nb["f"])(1.0) == 6.0


def test_a_custom_backpropagator_registered_after_the_first_call():
    nb = Notebook()
    nb.run("""
        import myia
        def clip(x):
            return x * x
        def f(x):
            return clip(x) * 2.0
        old_grad_clip = myia.grad(clip)
        old_grad_grad_clip = myia.grad(myia.grad(clip))
    """)
    wrappers(nb, "f")
    assert (nb["old_grad_clip"](3.0), nb["old_grad_f"](3.0)) == (6.0, 12.0)
    assert nb["old_grad_grad_clip"](3.0) == 2.0
    nb.run("""
        @myia.defbprop(clip)
        def clip_bprop(x, out, dout):
            return (dout * 7.0 * x,)
    """)
    assert (nb["old_grad_clip"](3.0), nb["old_grad_f"](3.0)) == (21.0, 42.0)
    assert nb["old_grad_grad_clip"](3.0) == myia.grad(myia.grad(nb["clip"]))(3.0) == 7.0


def test_a_global_read_by_a_custom_backpropagator():
    nb = Notebook()
    nb.run("""
        import myia
        SLOPE = 7.0
        def clip(x):
            return x
        @myia.defbprop(clip)
        def clip_bprop(x, out, dout):
            return (dout * SLOPE,)
        def f(x):
            return clip(x) * 2.0
    """)
    wrappers(nb, "f")
    assert nb["old_grad_f"](1.0) == 14.0
    nb.run("SLOPE = 3.0")
    assert nb["old_grad_f"](1.0) == myia.grad(nb["f"])(1.0) == 6.0


def test_a_gradient_taken_inside_myia_code():
    nb = Notebook()
    nb.run("""
        import myia
        K = 2.0
        def f(x):
            return K * x * x
        def g(x):
            return myia.grad(f)(x) + 1.0
    """)
    wrappers(nb, "g")
    assert nb["old_g"](1.0) == 5.0
    nb.run("K = 3.0")
    assert nb["old_g"](1.0) == myia.myia(nb["g"])(1.0) == 7.0
    assert nb["old_grad_g"](1.0) == 6.0


def test_unchanged_programs_are_not_parsed_again():
    nb = Notebook()
    nb.run("""
        import numpy as np
        W = np.ones(2)
        def helper(x):
            return np.sum(W * x)
        def f(x):
            return helper(x) + 1.0
    """)
    f = myia.myia(nb["f"])
    f(np.ones(2))
    graph, compiled = parse(nb["f"]), f._compiled
    for _ in range(3):
        f(np.ones(2))
    assert f._compiled is compiled and parse(nb["f"]) is graph
    nb.run("W = np.zeros(2)")
    assert f(np.ones(2)) == 1.0
    assert f._compiled is not compiled and parse(nb["f"]) is not graph


def test_only_what_changed_is_parsed_again():
    nb = Notebook()
    nb.run("""
        A = 1.0
        B = 2.0
        def uses_a(x):
            return A * x
        def uses_b(x):
            return B * x
        def f(x):
            return uses_a(x) + uses_b(x)
    """)
    assert myia.myia(nb["f"])(1.0) == 3.0
    a, b, f = parse(nb["uses_a"]), parse(nb["uses_b"]), parse(nb["f"])
    nb.run("B = 5.0")
    assert myia.myia(nb["f"])(1.0) == 6.0
    assert parse(nb["uses_a"]) is a and parse(nb["uses_b"]) is not b
    assert parse(nb["f"]) is not f  # it holds uses_b's graph


def test_the_record_is_reusable_by_other_caches():
    """What a compiled cache keyed by types calls: `Compiled.is_stale()`."""
    nb = Notebook()
    nb.run("""
        N = 2.0
        def helper(x):
            return x * N
        def f(x):
            return helper(x)
    """)
    compiled = pipeline.compile(nb["f"])
    record = compiled.dependencies
    assert isinstance(record, Dependencies) and not compiled.is_stale()
    assert dependencies(nb["helper"]) in dependencies(nb["f"]).uses
    nb.run("N = 2.0")  # rebound, even to an equal value: identity is compared
    assert compiled.is_stale()
    again = pipeline.compile(nb["f"])
    assert not again.is_stale() and again(1.0) == 2.0


# Each case: a cell defining `f` (reading K), a change, and f(1.0) after it.
CHANGES = {
    "a rebound global": ("K = 2.0\ndef f(x):\n    return K * x", "K = 3.0", 3.0),
    "a deleted global": ("K = 2.0\ndef f(x):\n    return K * x", "del K", MyiaNameError),
    "a global shadowing a builtin, deleted": (
        "def abs(x):\n    return x * 5.0\ndef f(x):\n    return abs(-x)", "del abs", 1.0),
    "a rebound helper": ("def h(x):\n    return x\ndef f(x):\n    return h(x) * 2.0",
                         "def h(x):\n    return x + 1.0", 4.0),
    "a reassigned __code__": ("def f(x):\n    return x * 2.0\ndef g(x):\n    return x * 7.0",
                              "f.__code__ = g.__code__", 7.0),
    "changed __defaults__": ("def f(x, k=2.0):\n    return k * x", "f.__defaults__ = (4.0,)",
                             4.0),
    "changed __kwdefaults__": ("def f(x, *, k=2.0):\n    return k * x",
                               "f.__kwdefaults__ = {'k': 5.0}", 5.0),
    "a module attribute": ("import types\ncfg = types.ModuleType('cfg')\ncfg.K = 2.0\n"
                           "def f(x):\n    return cfg.K * x", "cfg.K = 6.0", 6.0),
    "a deleted module attribute": ("import types\ncfg = types.ModuleType('cfg')\ncfg.K = 2.0\n"
                                   "def f(x):\n    return cfg.K * x", "del cfg.K", MyiaNameError),
    "a rebound cell": ("def make():\n    k = 2.0\n    def f(x):\n        return k * x\n"
                       "    def set_k():\n        nonlocal k\n        k = 8.0\n"
                       "    return f, set_k\nf, change = make()", "change()", 8.0),
    "an emptied cell": ("def make():\n    k = 2.0\n    def f(x):\n        return k * x\n"
                        "    def clear():\n        nonlocal k\n        del k\n"
                        "    return f, clear\nf, change = make()", "change()", MyiaNameError),
}


@pytest.mark.parametrize("case", list(CHANGES))
def test_the_compiled_check_sees_every_kind_of_change(case):
    """The generated check, made before the change, sees it; a call re-parses."""
    define, change, expected = CHANGES[case]
    nb = Notebook()
    nb.run(define)
    compiled = pipeline.compile(nb["f"], backend="vm")
    f = myia.myia(nb["f"])
    f(1.0)
    assert not compiled.is_stale() and not compiled.is_stale()  # the second runs the check
    nb.run(change)
    assert compiled.is_stale()
    if expected is MyiaNameError:
        with pytest.raises(MyiaNameError):
            f(1.0)
    else:
        assert f(1.0) == expected


def test_mutually_recursive_functions_reading_a_global():
    """Records still being filled (each function is parsed inside the other's
    parse) are checked one by one, and compiled once complete."""
    nb = Notebook()
    nb.run("""
        STEP = 1.0
        def even(x, n):
            return x if n == 0 else odd(x + STEP, n - 1)
        def odd(x, n):
            return x if n == 0 else even(x * 2.0, n - 1)
    """)
    wrappers(nb, "even")
    assert nb["old_even"](1.0, 3) == 5.0 and nb["old_even"](1.0, 3) == 5.0
    nb.run("STEP = 2.0")
    assert all_ways(nb, "even", 1.0, 3) == (8.0, 8.0, 2.0, (8.0, 2.0), 2.0)


def test_the_parser_keeps_no_old_graph_after_a_reparse():
    """No cache of the parser keeps a graph once its function is parsed again
    (the VMs' and `grad`'s caches still do: README, "Dependency records")."""
    nb = Notebook()
    nb.run("""
        K = 2.0
        def helper(x):
            return K * x
        def f(x):
            return helper(x) + 1.0
    """)
    old = weakref.ref(parse(nb["f"])), weakref.ref(parse(nb["helper"]))
    nb.run("K = 3.0")
    assert parse(nb["f"]) is not old[0]()
    gc.collect()
    assert old[0]() is None and old[1]() is None
