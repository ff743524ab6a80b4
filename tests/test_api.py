"""The decorator's options and the calls of `@myia` and `grad` functions.

Options are checked when the decorator is applied; keyword arguments bind as
in Python; every mistake is a `MyiaError` saying what is accepted.
"""

import traceback

import numpy as np
import pytest

import myia

from .conftest import same


def poly(x, k=2.0, *, shift=0.0):
    return k * x * x + shift


@pytest.mark.parametrize("options,message", [
    ({"device": "tpu"}, "unknown device 'tpu'; the devices are 'cpu', 'cuda'"),
    ({"backend": "debgu"}, "unknown backend 'debgu'; the backends are 'debug', 'vm'"),
])
def test_unknown_options_when_the_decorator_is_applied(options, message):
    for apply in (lambda: myia.myia(poly, **options), lambda: myia.myia(**options)):
        with pytest.raises(myia.MyiaError) as info:
            apply()
        assert info.value.message == message
        frames = [f.f_code.co_filename for f, _ in traceback.walk_tb(info.value.__traceback__)]
        assert [f for f in frames if "/myia/" in f] == [myia.api.__file__]


def test_keyword_arguments_bind_as_in_python():
    f = myia.myia(poly, backend="debug")
    assert f(3.0) == poly(3.0) == 18.0
    assert f(x=3.0, k=1.0) == poly(x=3.0, k=1.0) == 9.0
    assert f(3.0, shift=1.0) == poly(3.0, shift=1.0) == 19.0
    assert myia.grad(poly)(3.0, k=1.0) == 6.0
    assert myia.grad(poly)(x=3.0) == 12.0
    assert myia.value_and_grad(poly, argnums=1)(3.0, k=1.0, shift=2.0) == (11.0, 9.0)
    assert myia.myia(myia.grad(poly))(x=1.0, shift=5.0) == 4.0


@pytest.mark.parametrize("call,message", [
    (lambda f: f(3.0, y=1.0), "() got an unexpected keyword argument 'y'"),
    (lambda f: f(3.0, x=1.0), "() got multiple values for argument 'x'"),
    (lambda f: f(k=1.0), "() missing required argument(s): 'x'"),
    (lambda f: f(1.0, 2.0, 3.0), "() takes 2 positional arguments but 3"),
])
def test_bad_calls_say_what_is_accepted(call, message):
    for f, name in ((myia.myia(poly), "poly"), (myia.grad(poly), "grad(poly)")):
        with pytest.raises(myia.MyiaTypeError) as info:
            call(f)
        assert info.value.message.startswith(name + message), info.value.message
        assert info.value.location.line == poly.__code__.co_firstlineno


SCALE = 0.5


def scaled_loop(x, k):
    s = 0.0
    i = 0
    while i < 3:
        s = s + x * SCALE * (k % 7)
        i = i + 1
    return s


def test_warm_scalar_calls_go_straight_to_native_code_and_stay_exact():
    """From the third call of a signature of floats/ints, a call runs the native
    code directly (api._fast_entry); rebinding a global, an int beyond int64
    and another signature still take the general path, with the same answers."""
    global SCALE
    g = myia.grad(myia.myia(scaled_loop))
    ref = myia.grad(myia.myia(scaled_loop, backend="debug"))
    assert [g(1.5, 10) for _ in range(4)] == [ref(1.5, 10)] * 4 == [4.5] * 4
    assert (float, int) in g._fast
    assert g(1.5, 2**70) == ref(1.5, 2**70) == 3 * 0.5 * (2**70 % 7)
    assert g(1.5, 10.0) == ref(1.5, 10.0)
    try:
        SCALE = 2.0
        assert g(1.5, 10) == ref(1.5, 10) == 18.0
    finally:
        SCALE = 0.5
    assert [g(1.5, 10) for _ in range(3)] == [4.5] * 3


def scaled(x):
    return x * SCALE


def test_warm_calls_of_programs_without_native_code_skip_the_signature_too():
    global SCALE
    f = myia.myia(scaled)
    assert [f(3.0) for _ in range(3)] == [1.5] * 3
    assert (float,) in f._fast
    assert f(3) == 1.5 and f(True) == 0.5  # other types: their own programs
    try:
        SCALE = 2.0
        assert f(3.0) == 6.0
    finally:
        SCALE = 0.5
    assert f(3.0) == 1.5
    g = myia.myia(_divide)
    assert [g(1.0, 2.0) for _ in range(3)] == [0.5] * 3 and (float, float) in g._fast
    with pytest.raises(myia.MyiaError) as info:  # through the fast path: a located error
        g(1.0, 0.0)
    assert "x / y" in str(info.value)
    frames = [f.f_code.co_filename for f, _ in traceback.walk_tb(info.value.__traceback__)]
    assert [f for f in frames if "/myia/" in f] == [myia.api.__file__]


def _divide(x, y):
    return x / y


def affine(x, w):
    return x @ w * SCALE + 1.0


def test_warm_calls_with_arrays_skip_the_signature_while_shapes_and_dtypes_match():
    global SCALE
    f = myia.myia(affine)
    x, w = np.ones((2, 3), np.float32), np.ones((3, 4), np.float32)
    assert all(same(f(x, w), affine(x, w)) for _ in range(3))
    assert (np.ndarray, np.ndarray) in f._fast
    fast = f._fast[(np.ndarray, np.ndarray)]
    for args in [(x, w), (np.ones((5, 3), np.float32), w), (x.astype(np.float64), w),
                 (x, np.ones((3, 1), np.float32))]:  # other signatures: their programs
        assert same(f(*args), affine(*args))
    assert f._fast[(np.ndarray, np.ndarray)] is fast
    try:
        SCALE = 2.0
        assert same(f(x, w), affine(x, w))
    finally:
        SCALE = 0.5
    assert same(f(x, w), affine(x, w))
