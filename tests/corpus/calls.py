"""Calls: keyword arguments, defaults, keyword-only parameters, globals, math."""

import math

import numpy as np

SCALE = 3
OFFSET = 0.5
WEIGHTS = (1, 2, 3)
TABLE = np.array([1.0, 2.0, 4.0])


def helper(a, b=10, c=100):
    return a + b * 2 + c * 3


def positional(x):
    return helper(x, 1, 2)


def keywords(x):
    return helper(a=x, b=2, c=3), helper(x, c=1), helper(c=5, a=x)


def defaults(x):
    return helper(x), helper(x, 5)


def kwonly_fn(x, *, scale=2, shift):
    return x * scale + shift


def kwonly(x):
    return kwonly_fn(x, shift=1), kwonly_fn(x, scale=10, shift=0)


def default_none(x, y=None):
    if y is None:
        return x
    return x + y


def optional_args(x):
    return default_none(x), default_none(x, 3), default_none(x, y=4)


def default_tuple(x, t=(1, 2)):
    return x + t[0] * t[1]


def uses_default_tuple(x):
    return default_tuple(x), default_tuple(x, (3, 4))


def module_constants(x):
    return x * SCALE + OFFSET, WEIGHTS[1] * x, np.sum(TABLE * x)


def math_constants(r):
    return math.pi * r * r, math.e ** r, math.inf > r, -math.inf < r


def math_fns(x):
    return (math.exp(x), math.log(x), math.sqrt(x), math.sin(x), math.cos(x),
            math.tan(x), math.tanh(x))


def math_more(x):
    return (math.sinh(x), math.cosh(x), math.atan(x), math.log1p(x), math.expm1(x),
            math.log(abs(x), 2), math.log(8, 2))


def math_floor_ceil(x):
    return math.floor(x), math.ceil(x)


def math_on_ints(n):
    return math.sqrt(n), math.exp(n), math.floor(n), math.ceil(n)


def math_on_float32(x):
    return math.exp(x), math.tanh(x), math.floor(x)


def call_chain(x):
    return positional(keywords(x)[0])


def square(x):
    return x * x


def sum_squares(a, b):
    return square(a) + square(b)


def calls_in_loop(n):
    s = 0
    for i in range(n):
        s = s + square(i)
    return s


def nested_calls(x):
    return square(square(square(x)))


def call_with_expression_args(x, y):
    return helper(x + y, b=x * y, c=x - y)


def kw_and_default_mix(x):
    return helper(x, c=0)


def _private_helper(x):
    return x - 1


def private_global(x):
    return _private_helper(x) * 2


def decorated_target(x):
    return x + 1


def return_none(x):
    y = x + 1  # noqa: F841
    return None


def implicit_none(x):
    if x > 0:
        return x


def np_kwargs(x):
    return (np.sum(x, axis=0), np.sum(a=x), np.mean(x, keepdims=True),
            np.max(a=x, axis=1), np.dot(a=x, b=x.T), np.transpose(a=x, axes=(1, 0)))


def numpy_keyword_only_calls(x):
    return np.sum(x, keepdims=True, axis=1), np.full(shape=(2,), fill_value=x[0, 0])


def builtins_calls(t):
    return len(t), abs(t[0]), int(t[1]), float(t[0]), bool(t[2])


def call_with_keywords(f, x):
    return f(x, c=1), f(b=2, a=x), f(x)


def keywords_through_variable(x):
    return call_with_keywords(helper, x)


def runtime_default_through_variable(x):
    k = x * 3

    def f(a, b=k + 1, c=0):
        return a + b + c

    return call_with_keywords(f, x), call_with_keywords(lambda a, b=k, c=2: a * b - c, x)


def numpy_through_variable(x):
    g = np.sum
    return g(x, axis=0), g(x, keepdims=True)


CASES = [
    (keywords_through_variable, (1,)),
    (runtime_default_through_variable, (2,)),
    (numpy_through_variable, (np.arange(6.0).reshape(3, 2),)),
    (positional, (1,)), (keywords, (1,)), (defaults, (2,)),
    (kwonly, (3,)), (kwonly, (1.5,)),
    (optional_args, (1,)),
    (uses_default_tuple, (10,)),
    (module_constants, (2,)), (module_constants, (1.5,)),
    (math_constants, (2.0,)),
    (math_fns, (0.7,)), (math_fns, (3.0,)), (math_fns, (2,)),
    (math_more, (0.3,)), (math_more, (-0.5,)),
    (math_floor_ceil, (2.5,)), (math_floor_ceil, (-2.5,)), (math_floor_ceil, (3,)),
    (math_on_ints, (4,)), (math_floor_ceil, (10 ** 30 + 1,)),
    (math_on_float32, (np.float32(0.7),)),
    (call_chain, (1,)),
    (sum_squares, (3, 4)), (sum_squares, (1.5, 2)),
    (calls_in_loop, (6,)),
    (nested_calls, (2,)),
    (call_with_expression_args, (3, 2)),
    (kw_and_default_mix, (4,)),
    (private_global, (10,)),
    (return_none, (1,)),
    (implicit_none, (1,)), (implicit_none, (-1,)),
    (np_kwargs, (np.arange(6.0).reshape(2, 3),)),
    (numpy_keyword_only_calls, (np.arange(6.0).reshape(2, 3),)),
    (builtins_calls, ((-3, 2.7, 0),)), (builtins_calls, ((2.5, -2.7, 1.5),)),
]
