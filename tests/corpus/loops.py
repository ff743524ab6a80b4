"""`while` and `for` loops: range, tuples, arrays, break, continue, return."""

import numpy as np


def while_sum(n):
    s = 0
    i = 0
    while i < n:
        s = s + i
        i = i + 1
    return s


def while_float(x):
    steps = 0
    while x > 1.0:
        x = x / 2
        steps += 1
    return x, steps


def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def while_break(n):
    i = 0
    while True:
        if i * i > n:
            break
        i += 1
    return i


def while_continue(n):
    s = 0
    i = 0
    while i < n:
        i += 1
        if i % 3 == 0:
            continue
        s += i
    return s


def while_return(n):
    i = 1
    while i < 100:
        if i * n > 50:
            return i
        i += 1
    return -1


def for_range1(n):
    s = 0
    for i in range(n):
        s += i * i
    return s


def for_range2(a, b):
    s = 0
    for i in range(a, b):
        s = s * 2 + i
    return s


def for_range3(a, b, step):
    s = ()
    for i in range(a, b, step):
        s = s + (i,)
    return s


def for_range_negative_step(n):
    s = ()
    for i in range(n, 0, -1):
        s = s + (i,)
    return s


def for_range_const_step(n):
    s = 0
    for i in range(0, n, 3):
        s += i
    return s


def for_range_empty(n):
    s = 100
    for i in range(n, n):
        s = 0
    return s


def loop_var_after_range(n):
    i = -1
    for i in range(n):
        pass
    return i


def for_tuple(t):
    s = 0
    for x in t:
        s = s + x
    return s


def for_tuple_mixed():
    acc = ()
    for v in (1, 2.5, True):
        acc = acc + (v * 2,)
    return acc


def for_tuple_unpack(pairs):
    s = 0
    for a, b in pairs:
        s = s + a * b
    return s


def for_array_rows(x):
    total = np.zeros(x.shape[1])
    for row in x:
        total = total + row * row
    return total


def for_array_1d(v):
    m = v[0]
    for e in v:
        if e > m:
            m = e
    return m


def for_break(n):
    found = -1
    for i in range(n):
        if i * i >= 30:
            found = i
            break
    return found


def for_continue(n):
    s = 0
    for i in range(n):
        if i % 2 == 1:
            continue
        s += i
    return s


def for_return(t, target):
    for i in range(len(t)):
        if t[i] == target:
            return i
    return -1


def nested_loops(n, m):
    s = 0
    for i in range(n):
        for j in range(m):
            s += i * j
    return s


def nested_triangular(n):
    s = 0
    for i in range(n):
        for j in range(i):
            s += 1
    return s


def nested_break_inner(n):
    count = 0
    for i in range(n):
        for j in range(n):
            if j > i:
                break
            count += 1
    return count


def nested_continue_outer(n):
    s = 0
    for i in range(n):
        if i == 2:
            continue
        j = 0
        while j < i:
            s += j
            j += 1
    return s


def nested_return(n):
    for i in range(n):
        for j in range(n):
            if i * j == 6:
                return i, j
    return -1, -1


def while_in_for(n):
    s = 0
    for i in range(1, n):
        k = i
        while k > 0:
            s += k % 2
            k = k // 2
    return s


def fib_iter(n):
    a = 0
    b = 1
    for _ in range(n):
        a, b = b, a + b
    return a


def loop_body_local(n):
    s = 0
    for i in range(n):
        t = i * 2
        s = s + t
    return s


def loop_with_if_join(n):
    evens = 0
    odds = 0
    for i in range(n):
        if i % 2 == 0:
            evens += i
        else:
            odds += i
    return evens, odds


def newton_sqrt(x):
    g = x
    it = 0
    while abs(g * g - x) > 1e-12 and it < 100:
        g = (g + x / g) / 2
        it += 1
    return g


def for_runtime_step_sum(n, step):
    s = 0
    for i in range(0, n, step):
        s += i
    return s


def for_over_range_len(t):
    acc = 0
    for i in range(len(t) - 1, -1, -1):
        acc = acc * 10 + t[i]
    return acc


def loop_count_primes(n):
    count = 0
    for k in range(2, n):
        is_prime = True
        d = 2
        while d * d <= k:
            if k % d == 0:
                is_prime = False
                break
            d += 1
        if is_prime:
            count += 1
    return count


def long_loop(n):
    s = 0.0
    for i in range(n):
        s = s + 0.5
    return s


def float_then_array(x, n):
    s = 0.0  # a float if the loop never runs, an array of x's shape if it does
    for i in range(n):
        s = s + x
    return s


CASES = [
    (while_sum, (10,)), (while_sum, (0,)),
    (while_float, (100.0,)), (while_float, (0.5,)),
    (collatz_steps, (27,)), (collatz_steps, (1,)),
    (while_break, (50,)), (while_break, (0,)),
    (while_continue, (10,)),
    (while_return, (7,)), (while_return, (0,)),
    (for_range1, (5,)), (for_range1, (0,)), (for_range1, (-3,)),
    (for_range2, (2, 6)), (for_range2, (-3, 2)), (for_range2, (5, 1)),
    (for_range3, (0, 10, 3)), (for_range3, (10, 0, -3)), (for_range3, (10, -1, -1)),
    (for_range3, (0, 5, -1)), (for_range3, (-5, 5, 4)),
    (for_range_negative_step, (5,)), (for_range_negative_step, (0,)),
    (for_range_const_step, (10,)), (for_range_const_step, (0,)),
    (for_range_empty, (3,)),
    (loop_var_after_range, (4,)), (loop_var_after_range, (0,)),
    (for_tuple, ((1, 2, 3),)), (for_tuple, ((),)), (for_tuple, ((1.5, -2),)),
    (for_tuple_mixed, ()),
    (for_tuple_unpack, (((1, 2), (3, 4), (5, 6)),)),
    (for_array_rows, (np.arange(12.0).reshape(4, 3),)),
    (for_array_1d, (np.array([3.0, 7.0, -1.0, 7.5]),)),
    (for_array_1d, (np.array([4, 1, 9, 2]),)),
    (for_break, (10,)), (for_break, (3,)),
    (for_continue, (10,)),
    (for_return, ((5, 3, 8, 3), 3)), (for_return, ((5, 3, 8), 9)),
    (nested_loops, (3, 4)), (nested_loops, (0, 4)),
    (nested_triangular, (6,)),
    (nested_break_inner, (5,)),
    (nested_continue_outer, (5,)),
    (nested_return, (5,)), (nested_return, (2,)),
    (while_in_for, (9,)),
    (fib_iter, (0,)), (fib_iter, (1,)), (fib_iter, (30,)),
    (loop_body_local, (5,)),
    (loop_with_if_join, (7,)),
    (newton_sqrt, (2.0,)), (newton_sqrt, (81.0,)),
    (for_runtime_step_sum, (10, 2)), (for_runtime_step_sum, (10, 3)),
    (for_over_range_len, ((1, 2, 3),)),
    (loop_count_primes, (30,)),
    (long_loop, (3000,)),
    (float_then_array, (np.ones(2), 3)), (float_then_array, (np.ones(2), 0)),
]
