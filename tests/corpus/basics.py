"""Straight-line code, operators and branches."""

import math

import numpy as np


def arith(x, y):
    return x + y, x - y, x * y, x / y, x // y, x % y, x ** 2, -x, +y


def ints_stay_ints(a, b):
    return 7 // 2, -7 // 2, 7 / 2, a * b, a % b


def branches(x):
    if x > 10:
        r = 1
    elif x > 0:
        r = 2
    else:
        r = 3
    return r * x


def early_return(x):
    if x < 0:
        return -x
    y = x * 2
    return y


def math_fns(x):
    return math.exp(x), math.log(x), math.sqrt(x), math.sin(x), math.tanh(x)


def numpy_fns(x):
    return np.sum(x, axis=1), np.mean(x, axis=0, keepdims=True), np.max(x), x.T @ x


CASES = [
    (arith, (7, 2)), (arith, (7.5, -2.0)), (arith, (-3, 4)),
    (ints_stay_ints, (3, 5)),
    (branches, (20,)), (branches, (5,)), (branches, (-5,)), (branches, (2.5,)),
    (early_return, (-3,)), (early_return, (3,)),
    (math_fns, (0.5,)), (math_fns, (2.0,)),
    (numpy_fns, (np.arange(6.0).reshape(2, 3),)),
    (numpy_fns, (np.arange(6, dtype=np.float32).reshape(3, 2),)),
]
