"""Arithmetic on Python ints, floats and bools: CPython's exact semantics."""

import math


def add_sub(x, y):
    return x + y - 1


def mul_div(x, y):
    return x * y, x / y


def floordiv_mod(x, y):
    return x // y, x % y


def divmod_identity(x, y):
    q = x // y
    r = x % y
    return q * y + r


def power(x, n):
    return x ** n


def neg_power(x):
    return x ** -1, 2 ** -2


def unary(x):
    return -x, +x, -(-x), abs(x)


def int_true_div(a, b):
    return a / b


def mixed_int_float(a, x):
    return a + x, a * x, a - x, x // a


def bool_arith(b, c):
    return b + c, b * 3, -b, True + 1.5


def precedence(x, y, z):
    return x + y * z - x / z ** 2, (x + y) * z, -x ** 2


def aug_assign(x):
    y = x
    y += 3
    y -= 1
    y *= 2
    y /= 4
    y **= 2
    return y


def aug_assign_int(n):
    k = n
    k //= 3
    k %= 5
    k += n
    return k


def polynomial(x):
    return 3 * x ** 3 - 2 * x ** 2 + x - 7


def horner(x):
    acc = 0.0
    acc = acc * x + 1.0
    acc = acc * x - 2.0
    acc = acc * x + 0.5
    return acc


def mean3(a, b, c):
    return (a + b + c) / 3


def float_literals(x):
    return x * 1e-3 + 2.5e2, 0.1 + 0.2


def big_ints(n):
    return n ** 20, n * 12345678901234567890


def builtin_min_max(a, b, c):
    return min(a, b), max(a, b), min(a, b, c), max(a, b, c)


def builtin_min_max_iterable(t):
    return min(t), max(t), max(t[0], t[1], t[2], t[0])


def builtin_max_nan(x, y):
    return max(x, y), min(x, y), max(y, x), min(y, x)


def builtin_abs(x):
    return abs(x), abs(-x)


def hypot(x, y):
    return math.sqrt(x * x + y * y)


def lerp(a, b, t):
    return a + (b - a) * t


def clamp(x, lo, hi):
    return max(lo, min(x, hi))


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def softplus(x):
    return math.log1p(math.exp(x))


CASES = [
    (add_sub, (3, 4)), (add_sub, (2.5, -1.25)), (add_sub, (True, 2)),
    (mul_div, (6, 4)), (mul_div, (-7.5, 2.5)), (mul_div, (3, 0.5)),
    (floordiv_mod, (7, 2)), (floordiv_mod, (-7, 2)), (floordiv_mod, (7, -2)),
    (floordiv_mod, (-7.5, 2.0)), (floordiv_mod, (7.25, -0.5)),
    (divmod_identity, (17, 5)), (divmod_identity, (-17, 5)), (divmod_identity, (17, -5)),
    (power, (2, 10)), (power, (2.0, 0.5)), (power, (-3, 3)), (power, (2, -1)),
    (neg_power, (4,)), (neg_power, (0.5,)),
    (unary, (3,)), (unary, (-2.5,)), (unary, (0,)),
    (int_true_div, (7, 2)), (int_true_div, (-1, 3)), (int_true_div, (6, 3)),
    (mixed_int_float, (3, 2.5)), (mixed_int_float, (-4, 0.75)),
    (bool_arith, (True, False)), (bool_arith, (True, True)),
    (precedence, (1.0, 2.0, 3.0)), (precedence, (2, 3, 4)),
    (aug_assign, (1.5,)), (aug_assign, (7,)),
    (aug_assign_int, (17,)), (aug_assign_int, (-8,)),
    (polynomial, (2,)), (polynomial, (-1.5,)),
    (horner, (0.3,)), (horner, (-2.0,)),
    (mean3, (1, 2, 4)), (mean3, (1.5, 2.5, -3.0)),
    (float_literals, (3.0,)), (float_literals, (2,)),
    (big_ints, (7,)), (big_ints, (-3,)),
    (builtin_min_max, (3, 1, 2)), (builtin_min_max, (1.5, 2.5, -1.0)),
    (builtin_min_max, (2, 2.0, 1)),
    (builtin_min_max_iterable, ((3, 1.5, 2, 1.5),)),
    (builtin_min_max_iterable, ((-1, -1.0, 7),)),
    (builtin_max_nan, (float("nan"), 1.0)), (builtin_max_nan, (2, True)),
    (builtin_max_nan, (10 ** 30, 1.0)),
    (builtin_abs, (-3,)), (builtin_abs, (2.5,)),
    (hypot, (3.0, 4.0)), (hypot, (1, 1)),
    (lerp, (0.0, 10.0, 0.25)), (lerp, (1, 3, 2)),
    (clamp, (5, 0, 3)), (clamp, (-1.5, 0.0, 1.0)), (clamp, (0.5, 0.0, 1.0)),
    (sigmoid, (0.0,)), (sigmoid, (3.5,)), (sigmoid, (-2.0,)),
    (softplus, (1.0,)), (softplus, (-3.0,)),
]
