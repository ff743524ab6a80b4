"""Deep user recursion runs on both VMs' explicit stacks.

CPython itself stops at its recursion limit (1,000 frames by default), so
these programs are checked against closed forms instead of against CPython.
"""

from dataclasses import dataclass

import myia

DEPTH = 20_000


def triangle(n):
    if n == 0:
        return 0
    return n + triangle(n - 1)  # not a tail call: every frame stays alive


def is_even(n):
    return True if n == 0 else is_odd(n - 1)


def is_odd(n):
    return False if n == 0 else is_even(n - 1)


def nested_depth(n):
    def go(k):
        if k == 0:
            return 0.0
        return 0.5 + go(k - 1)

    return go(n)


@dataclass
class Cons:
    head: int
    tail: object


def list_sum(xs):
    if xs is None:
        return 0
    return xs.head + list_sum(xs.tail)


def test_deep_recursion(backend):
    assert myia.myia(triangle, backend=backend)(DEPTH) == DEPTH * (DEPTH + 1) // 2


def test_deep_mutual_recursion(backend):
    assert myia.myia(is_even, backend=backend)(DEPTH) is True
    assert myia.myia(is_odd, backend=backend)(DEPTH + 1) is True


def test_deep_nested_recursion(backend):
    assert myia.myia(nested_depth, backend=backend)(DEPTH) == DEPTH * 0.5


def test_deep_recursive_structure(backend):
    xs = None
    for i in range(DEPTH):
        xs = Cons(i, xs)
    assert myia.myia(list_sum, backend=backend)(xs) == DEPTH * (DEPTH - 1) // 2
