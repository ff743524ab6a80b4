"""Branches, conditional expressions, comparisons and boolean operators."""


def sign_of(x):
    if x > 0:
        return 1
    elif x < 0:
        return -1
    else:
        return 0


def if_no_else(x):
    y = x
    if x < 0:
        y = -x
    return y * 2


def if_both_assign(x):
    if x > 1:
        a = x * 2
        b = 1
    else:
        a = x - 2
        b = 2
    return a, b


def elif_chain(n):
    if n == 0:
        r = "zero"
    elif n == 1:
        r = "one"
    elif n == 2:
        r = "two"
    else:
        r = "many"
    return r


def nested_if(x, y):
    if x > 0:
        if y > 0:
            q = 1
        else:
            q = 4
    else:
        if y > 0:
            q = 2
        else:
            q = 3
    return q


def return_in_both(x):
    if x % 2 == 0:
        return x // 2
    else:
        return 3 * x + 1


def branch_types(x):
    if x:
        return 1.5
    return 2


def ifexp(x):
    return x if x > 0 else -x


def nested_ifexp(x):
    return "small" if x < 10 else ("medium" if x < 100 else "large")


def ifexp_lazy(x):
    # The branch not taken is not evaluated (it would divide by zero).
    return 1 / x if x != 0 else 0.0


def chained_compare(a, b, c):
    return a < b < c, a <= b <= c, a < b > c, a == b == c, a != b != c


def chained_compare_lazy(x):
    return 0 < x < 1 / x


def compare_ops(x, y):
    return x < y, x <= y, x > y, x >= y, x == y, x != y


def and_or_values(a, b):
    return a and b, a or b


def and_or_chain(a, b, c):
    return a and b and c, a or b or c, a and b or c, a or b and c


def not_values(a):
    return not a, not not a


def and_lazy(x):
    return x != 0 and 10 // x > 2


def or_lazy(x):
    return x == 0 or 10 // x > 2


def bool_condition_types(x):
    # Python's truthiness of ints, floats and tuples.
    r = 0
    if x:
        r = 1
    return r


def tuple_truth(t):
    if t:
        return len(t)
    return -1


def none_truth(x):
    return 1 if x else 2


def branch_join_many(x):
    a = 1
    b = 2
    c = 3
    if x > 0:
        a = a + x
        c = c * x
    else:
        b = b - x
    return a, b, c


def if_in_sequence(x):
    y = 0
    if x > 0:
        y = y + 1
    if x > 5:
        y = y + 10
    if x > 50:
        y = y + 100
    return y


def not_in_condition(x, y):
    if not (x > y):
        return y
    return x


def bool_ops_on_comparisons(x):
    return (x > 0 and x < 10) or x == -1


def max3(a, b, c):
    if a >= b and a >= c:
        return a
    elif b >= c:
        return b
    return c


def piecewise(x):
    if x < -1.0:
        return -1.0
    if x > 1.0:
        return 1.0
    return x * x * x


CASES = [
    (sign_of, (3,)), (sign_of, (-2.5,)), (sign_of, (0,)),
    (if_no_else, (3,)), (if_no_else, (-4.5,)),
    (if_both_assign, (5,)), (if_both_assign, (0.5,)),
    (elif_chain, (0,)), (elif_chain, (1,)), (elif_chain, (2,)), (elif_chain, (7,)),
    (nested_if, (1, 1)), (nested_if, (1, -1)), (nested_if, (-1, 1)), (nested_if, (-1, -1)),
    (return_in_both, (6,)), (return_in_both, (7,)),
    (branch_types, (1,)), (branch_types, (0,)),
    (ifexp, (3,)), (ifexp, (-3.5,)),
    (nested_ifexp, (5,)), (nested_ifexp, (50,)), (nested_ifexp, (500,)),
    (ifexp_lazy, (0,)), (ifexp_lazy, (4,)),
    (chained_compare, (1, 2, 3)), (chained_compare, (3, 2, 1)), (chained_compare, (1, 1, 1)),
    (chained_compare, (1, 3, 2)), (chained_compare, (1.5, 1.5, 2)),
    (chained_compare_lazy, (0.5,)), (chained_compare_lazy, (0,)), (chained_compare_lazy, (2.0,)),
    (compare_ops, (1, 2)), (compare_ops, (2.0, 2)), (compare_ops, (3, -1.5)),
    (and_or_values, (0, 5)), (and_or_values, (3, 5)), (and_or_values, (0.0, 0)),
    (and_or_values, (2.5, 0)), (and_or_values, (True, False)), (and_or_values, (None, 7)),
    (and_or_values, ((), (1, 2))),
    (and_or_chain, (1, 2, 3)), (and_or_chain, (0, 2, 3)), (and_or_chain, (1, 0, 3)),
    (and_or_chain, (0, 0, 0)), (and_or_chain, (1, 2, 0)),
    (not_values, (0,)), (not_values, (3,)), (not_values, (0.0,)), (not_values, (None,)),
    (not_values, ((1,),)),
    (and_lazy, (0,)), (and_lazy, (2,)), (and_lazy, (5,)),
    (or_lazy, (0,)), (or_lazy, (2,)), (or_lazy, (5,)),
    (bool_condition_types, (0,)), (bool_condition_types, (2,)), (bool_condition_types, (0.0,)),
    (bool_condition_types, (-0.5,)), (bool_condition_types, (False,)),
    (tuple_truth, ((),)), (tuple_truth, ((1, 2),)),
    (none_truth, (None,)), (none_truth, (1,)),
    (branch_join_many, (2,)), (branch_join_many, (-3,)),
    (if_in_sequence, (-1,)), (if_in_sequence, (3,)), (if_in_sequence, (7,)),
    (if_in_sequence, (70,)),
    (not_in_condition, (1, 2)), (not_in_condition, (3, 2)),
    (bool_ops_on_comparisons, (5,)), (bool_ops_on_comparisons, (-1,)),
    (bool_ops_on_comparisons, (20,)),
    (max3, (1, 2, 3)), (max3, (3, 2, 1)), (max3, (2, 3, 1)), (max3, (2, 2, 2)),
    (piecewise, (-3.0,)), (piecewise, (0.5,)), (piecewise, (2.0,)),
]
