"""Nested functions, closures, lambdas, higher-order functions, recursion."""

import math


def nested_def(x):
    def double(y):
        return y * 2

    return double(x) + 1


def closure_reads(x):
    k = 3

    def scale(y):
        return y * k + x

    return scale(10)


def closure_assigned_after_def(x):
    def f():
        return x + late

    late = 100
    return f()


def closure_rebinding(x):
    a = 1

    def get():
        return a

    r1 = get()
    a = 2
    r2 = get()
    return r1, r2, x


def closure_in_loop(n):
    total = 0
    i = 0
    while i < n:
        def add_i(v):
            return v + i

        total = add_i(total)
        i += 1
    return total


def closure_for_loop(n):
    acc = 0
    for i in range(n):
        f = lambda y: y * i  # noqa: E731
        acc = acc + f(2)
    return acc


def lambda_basic(x):
    sq = lambda y: y * y  # noqa: E731
    return sq(x) + sq(2)


def lambda_multi_arg(x, y):
    f = lambda a, b: a * 10 + b  # noqa: E731
    return f(x, y), f(y, x)


def lambda_closure(x):
    f = lambda y: x - y  # noqa: E731
    return f(1)


def lambda_immediate(x):
    return (lambda y: y + 1)(x)


def lambda_default(x):
    f = lambda y, k=5: y * k  # noqa: E731
    return f(x), f(x, 2)


def apply_fn(f, x):
    return f(x)


def pass_function(x):
    def inc(y):
        return y + 1

    return apply_fn(inc, x), apply_fn(lambda y: y * 3, x)


def make_adder(n):
    def add(x):
        return x + n

    return add


def returned_closure(x):
    add5 = make_adder(5)
    add7 = make_adder(7)
    return add5(x), add7(x)


def compose(f, g):
    return lambda x: f(g(x))


def composition(x):
    h = compose(lambda y: y * 2, lambda y: y + 3)
    return h(x)


def twice(f):
    def g(x):
        return f(f(x))

    return g


def twice_twice(x):
    inc = lambda y: y + 1  # noqa: E731
    return twice(twice(inc))(x)


def curry(a):
    return lambda b: lambda c: a * 100 + b * 10 + c


def curried(x):
    return curry(x)(2)(3)


def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)


def mutual(n):
    return is_even(n), is_odd(n)


def nested_recursive(n):
    def go(k, acc):
        if k == 0:
            return acc
        return go(k - 1, acc * k)

    return go(n, 1)


def nested_recursive_closure(n, step):
    def count(k):
        if k <= 0:
            return 0
        return 1 + count(k - step)

    return count(n)


def nested_mutual(n):
    def ev(k):
        return True if k == 0 else od(k - 1)

    def od(k):
        return False if k == 0 else ev(k - 1)

    return ev(n)


def gcd(a, b):
    if b == 0:
        return a
    return gcd(b, a % b)


def power_rec(x, n):
    if n == 0:
        return 1.0
    half = power_rec(x, n // 2)
    if n % 2 == 0:
        return half * half
    return half * half * x


def rec_const_arg(x, n):
    # The recursive call's argument is a constant, the first call's any float.
    if n <= 0:
        return x * x
    return math.tanh(x + 0.5 * rec_const_arg(math.sin(-1.2), n - 1.0))


def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))


def sum_digits(n):
    return n if n < 10 else n % 10 + sum_digits(n // 10)


def deep_nesting(x):
    def a(y):
        def b(z):
            def c(w):
                return w + x + y + z

            return c(1)

        return b(2)

    return a(3)


def closure_over_param_default(x):
    def f(y, z=x * 2):
        return y + z

    return f(1), f(1, 1)


def fn_in_tuple(x):
    fs = (lambda y: y + 1, lambda y: y * 2)
    return fs[0](x), fs[1](x)


def choose_fn(flag, x):
    f = (lambda y: y + 1) if flag else (lambda y: y - 1)
    return f(x)


def fold(f, t, init):
    acc = init
    for v in t:
        acc = f(acc, v)
    return acc


def fold_use(t):
    return fold(lambda a, b: a + b, t, 0), fold(lambda a, b: a * b, t, 1)


def map_tuple(f, t):
    out = ()
    for v in t:
        out = out + (f(v),)
    return out


def map_use(t):
    return map_tuple(lambda v: v * v, t)


def counter_closure(n):
    def step(k):
        return k + n

    k = 0
    for _ in range(3):
        k = step(k)
    return k


def recursive_tuple_sum(t):
    if len(t) == 0:
        return 0
    return t[0] + recursive_tuple_sum(t[1:])


def closure_shadowing(x):
    y = 1

    def f(y):
        return y * 10

    return f(x) + y


def closure_modified_in_branch(x):
    c = 1
    if x > 0:
        c = 2

    def f():
        return c * x

    return f()


CASES = [
    (nested_def, (3,)), (nested_def, (1.5,)),
    (closure_reads, (2,)),
    (closure_assigned_after_def, (1,)),
    (closure_rebinding, (0,)),
    (closure_in_loop, (5,)),
    (closure_for_loop, (4,)),
    (lambda_basic, (3,)),
    (lambda_multi_arg, (1, 2)),
    (lambda_closure, (10,)),
    (lambda_immediate, (4.5,)),
    (lambda_default, (3,)),
    (pass_function, (4,)),
    (returned_closure, (1,)),
    (composition, (5,)),
    (twice_twice, (0,)),
    (curried, (1,)),
    (fact, (10,)), (fact, (0,)),
    (fib, (15,)),
    (mutual, (10,)), (mutual, (7,)),
    (nested_recursive, (6,)),
    (nested_recursive_closure, (10, 3)),
    (nested_mutual, (9,)), (nested_mutual, (4,)),
    (gcd, (48, 18)), (gcd, (17, 5)),
    (power_rec, (2.0, 10)), (power_rec, (1.5, 7)),
    (rec_const_arg, (0.7, 2.0)), (rec_const_arg, (0.7, 0.0)),
    (ackermann, (2, 3)),
    (sum_digits, (98765,)),
    (deep_nesting, (100,)),
    (closure_over_param_default, (5,)),
    (fn_in_tuple, (3,)),
    (choose_fn, (True, 5)), (choose_fn, (False, 5)),
    (fold_use, ((1, 2, 3, 4),)),
    (map_use, ((1, 2.5, -3),)),
    (counter_closure, (4,)),
    (recursive_tuple_sum, ((1, 2, 3, 4, 5),)), (recursive_tuple_sum, ((),)),
    (closure_shadowing, (3,)),
    (closure_modified_in_branch, (3,)), (closure_modified_in_branch, (-3,)),
]
