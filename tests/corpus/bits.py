"""Bitwise operators on ints, identity tests against None, and casts."""

import numpy as np


def bit_ops(a, b):
    return a & b, a | b, a ^ b, ~a, a << 2, a >> 1


def bit_ops_negative(a):
    return a & 0xFF, a >> 3, ~a, a ^ -1, a | 1


def bool_bits(p, q):
    return p & q, p | q, p ^ q, ~p


def popcount(n):
    count = 0
    while n:
        count += n & 1
        n >>= 1
    return count


def is_power_of_two(n):
    return n > 0 and n & (n - 1) == 0


def bit_reverse8(n):
    r = 0
    for i in range(8):
        r = (r << 1) | ((n >> i) & 1)
    return r


def xor_swap(a, b):
    a ^= b
    b ^= a
    a ^= b
    return a, b


def aug_bits(n):
    m = n
    m &= 0b1010
    m |= 0b0101
    m ^= 3
    m <<= 4
    m >>= 2
    return m


def big_shift(n):
    return n << 70, (n << 70) >> 68


def is_none(x):
    return x is None, x is not None


def none_default_branch(x, y=None):
    if y is not None:
        return x + y
    return x


def uses_none_default(x):
    return none_default_branch(x), none_default_branch(x, 10)


def optional_chain(a, b):
    r = 0
    if a is not None and b is not None:
        r = a * b
    elif a is not None:
        r = a
    return r


def return_none_or_value(x):
    return None if x < 0 else x


def casts(x):
    return int(x), float(x), bool(x)


def int_cast_truncates(x):
    return int(x), int(-x)


def bool_casts(x):
    return bool(x), bool(x - x), int(bool(x))


def float_of_int(n):
    return float(n) / 2, float(n) // 2


def numpy_casts(x):
    return np.float32(x), np.float64(x), np.int32(x), np.int64(x), np.bool_(x)


def cast_in_loop(n):
    s = 0.0
    for i in range(n):
        s = s + float(i) / n
    return int(s)


def int_division_and_cast(a, b):
    return int(a / b), a // b


def cast_of_bool_sum(p, q, r):
    return int(p) + int(q) + int(r)


def parity_bits(t):
    acc = 0
    for v in t:
        acc ^= v
    return acc


def gray_code(n):
    return n ^ (n >> 1)


def mask_bits(n, lo, hi):
    mask = ((1 << (hi - lo)) - 1) << lo
    return (n & mask) >> lo


CASES = [
    (bit_ops, (12, 10)), (bit_ops, (0, 7)), (bit_ops, (-12, 5)),
    (bit_ops_negative, (-100,)), (bit_ops_negative, (1000,)),
    (bool_bits, (True, False)), (bool_bits, (True, True)),
    (popcount, (0,)), (popcount, (255,)), (popcount, (1234567,)),
    (is_power_of_two, (64,)), (is_power_of_two, (96,)), (is_power_of_two, (0,)),
    (bit_reverse8, (1,)), (bit_reverse8, (0b10110000,)),
    (xor_swap, (5, 9)),
    (aug_bits, (0b1111,)), (aug_bits, (0,)),
    (big_shift, (3,)),
    (is_none, (None,)), (is_none, (0,)), (is_none, (0.0,)), (is_none, ((),)),
    (uses_none_default, (1,)),
    (optional_chain, (2, 3)), (optional_chain, (2, None)), (optional_chain, (None, 3)),
    (optional_chain, (None, None)),
    (return_none_or_value, (-1,)), (return_none_or_value, (4,)),
    (casts, (2.7,)), (casts, (-2.7,)), (casts, (0,)), (casts, (True,)), (casts, (0.0,)),
    (int_cast_truncates, (3.99,)),
    (bool_casts, (0.5,)), (bool_casts, (3,)),
    (float_of_int, (7,)),
    (numpy_casts, (2.5,)), (numpy_casts, (3,)),
    (cast_in_loop, (10,)),
    (int_division_and_cast, (7, 2)), (int_division_and_cast, (-7, 2)),
    (cast_of_bool_sum, (True, False, True)),
    (parity_bits, ((1, 2, 4, 7),)),
    (gray_code, (5,)), (gray_code, (1023,)),
    (mask_bits, (0b110110, 1, 4)),
]
