"""Programs Myia must reject, each with the error it must give.

`CASES` rows are `(function, args, error class, where, message part)`:

* `args` is None for errors found when parsing (`myia.ir(fn)` raises), or the
  arguments of a call that fails while running;
* `where` is a piece of the offending source line, unique in the function:
  the error must name that line, and its caret must start under `where`;
* `message part` must appear in the error's message.

Nothing here is run by CPython: several functions are not even valid at
runtime (they only have to compile).
"""

import dataclasses
import math

import numpy as np

# ----- unsupported syntax (parse time) ---------------------------------------


def uses_try(x):
    try:
        y = x + 1
    except ZeroDivisionError:
        y = 0
    return y


def uses_with(x):
    with open(x) as fh:
        return fh


def uses_global(x):
    global COUNTER
    return x


def uses_nonlocal(x):
    def inner():
        nonlocal x
        return x
    return inner()


def uses_yield(x):
    yield x + 1


def uses_yield_from(x):
    yield from x


async def uses_async(x):
    return await x


def uses_nested_async(x):
    async def inner():
        return x
    return inner


def uses_await_in_lambda(x):
    async def inner(y):
        return (lambda: 0)() + (await y)
    return inner


def uses_class(x):
    class Point:
        pass
    return x


def uses_del(x):
    y = x
    del y
    return x


def uses_list(x):
    return [x, x]


def uses_dict(x):
    return {"a": x}


def uses_set(x):
    return {x}


def uses_listcomp(n):
    return len([i * i for i in range(n)])


def uses_dictcomp(n):
    return {i: i for i in range(n)}


def uses_genexp(n):
    return len(i for i in range(n))


def uses_item_assignment(x):
    x[0] = 1.0
    return x


def uses_attribute_assignment(p):
    p.x = 2
    return p


def uses_augmented_item(x):
    x[0] += 1
    return x


def uses_varargs(*xs):
    return xs


def uses_kwargs(x, **options):
    return x


def uses_star_call(xs):
    return add3(*xs)


def uses_starred_assignment(t):
    a, *rest = t
    return a


def uses_import(x):
    import os
    return os.sep


def uses_import_from(x):
    from math import pi
    return x * pi


def uses_walrus(x):
    return (y := x + 1) * y


def uses_assert(x):
    assert x > 0
    return x


def uses_print(x):
    print(x)
    return x


def uses_raise(x):
    if x < 0:
        raise ValueError("negative")
    return x


def uses_match(x):
    match x:
        case 0:
            return 1
    return x


def uses_fstring(x):
    return f"value {x}"


def uses_in(x, t):
    return x in t


def uses_not_in(x, t):
    return x not in t


def uses_while_else(n):
    while n > 0:
        n = n - 1
    else:
        n = 10
    return n


def uses_for_else(n):
    s = 0
    for i in range(n):
        s = s + i
    else:
        s = -1
    return s


def uses_nested_decorator(x):
    @staticmethod
    def inner():
        return x
    return inner()


def uses_unknown_builtin(x):
    return sorted(x)


def uses_open(x):
    return open(x)


# ----- names ------------------------------------------------------------------


def undefined_name(x):
    return x + undefined_thing


def undefined_module_attribute(x):
    return np.no_such_function(x)


def used_after_loop(n):
    for i in range(n):
        last = i * 2
    return last


def used_after_while(n):
    while n > 0:
        found = n
        n = n - 1
    return found


def used_after_one_branch(x):
    if x > 0:
        y = 1
    else:
        x = 2
    return y


# ----- calls: arity and keywords ------------------------------------------------


def add3(a, b, c=0):
    return a + b + c


def too_many_args(x):
    return add3(x, x, x, x)


def too_few_args(x):
    return add3(x)


def unexpected_keyword(x):
    return add3(x, x, d=x)


def duplicate_keyword(x):
    return add3(x, x, a=x)


def keyword_to_dynamic_call(x):
    f = add3 if x > 0 else add3
    return f(x, d=x)


def dynamic_call_arity(x):
    f = add3 if x > 0 else add3
    return f(x)


def lambda_arity(x):
    g = lambda a, b: a * b  # noqa: E731
    return g(x)


def closure_dynamic_arity(x):
    def scale(a, b):
        return a * b
    fns = (scale, scale)
    return fns[0](x)


def cast_arity(x):
    return float(x, x)


def range_arity(x):
    s = 0
    for i in range(1, 2, 3, 4):
        s = s + i
    return s


# ----- primitives given bad values (run time) -----------------------------------


def tuple_plus_float(t):
    return t + 1.0


def call_non_function(x):
    y = x * 2
    return y(1)


@dataclasses.dataclass
class Scaler:
    k: float

    def __call__(self, x):
        return self.k * x


def call_instance(m, x):
    return m(x) * 2.0


def dot_mismatch(a, b):
    c = a * 2.0
    return np.dot(c, b)


def reshape_wrong_size(a):
    return np.reshape(a, (4, 4))


def broadcast_failure(a, b):
    return a + b


def tuple_index_out_of_range(t):
    return t[5]


def helper_fails(a):
    return a @ a


def calls_failing_helper(x):
    y = x + 1.0
    return helper_fails(y)


def stdlib_helper_fails(t):
    return math.floor(t)


def method_on_number(x):
    return x.no_such_field


def loop_body_fails(a, b, n):
    s = 0.0
    for i in range(n):
        s = s + np.dot(a, b)
    return s


def divide_by_zero(x):
    return x / 0


def negate_tuple(t):
    return -t


def sum_bad_axis(a):
    return np.sum(a, axis=5)


def power_of_string(x):
    return x ** "a"


def len_of_number(x):
    return len(x)


def range_as_value(n):
    return range(n)


def unknown_numpy_function(a):
    return np.linalg.inv(a)


def numpy_spelling_of_an_operator(a):
    return np.multiply(a, 2.0)


def if_on_an_array(a):
    if a > 0:
        return a
    return -a


def norm_with_an_order(a):
    return np.linalg.norm(a, 1)


def annotation_without_value(x):
    y: int
    return y + x


def nested_def_missing_arg(x):
    def inner(a, b=1):
        return a + b
    return inner(b=x)


def builtin_missing_arg(x):
    return abs()


def zeros_negative(n):
    return np.zeros(n)


def concatenate_mismatch(a):
    return np.concatenate((a, np.ones((3, 3))))


def split_unequal(a):
    return np.split(a, 4)


def array_method(a):
    return a.flatten()


def undefined_in_short_circuit(x):
    return x and undefined_y


def bad_element_in_loop(t, n):
    s = 0.0
    for i in range(n):
        s = s + t[i]
    return s


def range_bad_step(n, step):
    s = 0
    for i in range(0, n, step):
        s = s + i
    return s


def carried_without_init(n):
    for i in range(n):
        total = total + i
    return 0


def infinite_recursion(x):
    return infinite_recursion(x) + 1.0  # not a tail call: the stack grows


def sqrt_in_helper(x):
    return math.sqrt(x)


def calls_sqrt_helper(x):
    return sqrt_in_helper(x) * 2.0


# ----- the table ---------------------------------------------------------------

from myia.errors import (  # noqa: E402
    MyiaError, MyiaNameError, MyiaRecursionError, MyiaShapeError, MyiaSyntaxError,
    MyiaTypeError,
)

E, S, N, T, SH, R = (MyiaError, MyiaSyntaxError, MyiaNameError, MyiaTypeError,
                     MyiaShapeError, MyiaRecursionError)
A23 = np.ones((2, 3))

CASES = [
    (uses_try, None, S, "try:", "try statement"),
    (uses_with, None, S, "with open", "with statement"),
    (uses_global, None, S, "global COUNTER", "global statement"),
    (uses_nonlocal, None, S, "nonlocal x", "nonlocal statement"),
    (uses_yield, None, S, "yield x", "yield"),
    (uses_yield_from, None, S, "yield from", "yield from"),
    (uses_async, None, S, "async def uses_async", "async def"),
    (uses_nested_async, None, S, "async def inner", "async def"),
    (uses_await_in_lambda, None, S, "async def inner", "async def"),
    (uses_class, None, S, "class Point", "class statement"),
    (uses_del, None, S, "del y", "del statement"),
    (uses_list, None, S, "[x, x]", "list literal"),
    (uses_dict, None, S, '{"a": x}', "dict literal"),
    (uses_set, None, S, "{x}", "set literal"),
    (uses_listcomp, None, S, "[i * i", "list comprehension"),
    (uses_dictcomp, None, S, "{i: i", "dict comprehension"),
    (uses_genexp, None, S, "(i for i", "generator expression"),
    (uses_item_assignment, None, S, "x[0] = 1.0", "item assignment"),
    (uses_attribute_assignment, None, S, "p.x = 2", "attribute assignment"),
    (uses_augmented_item, None, S, "x[0] += 1", "augmented assignment"),
    (uses_varargs, None, S, "xs):", "*args"),
    (uses_kwargs, None, S, "options):", "**kwargs"),
    (uses_star_call, None, S, "*xs", "*args in a call"),
    (uses_starred_assignment, None, S, "*rest", "starred assignment"),
    (uses_import, None, S, "import os", "import statement"),
    (uses_import_from, None, S, "from math import pi", "import statement"),
    (uses_walrus, None, S, "y := x + 1", "walrus"),
    (uses_assert, None, S, "assert x > 0", "assert statement"),
    (uses_print, None, S, "    |print(x)", "'print'"),
    (uses_raise, None, S, "raise ValueError", "raise statement"),
    (uses_match, None, S, "match x:", "match statement"),
    (uses_fstring, None, S, 'f"value {x}"', "f-string"),
    (uses_in, None, S, "x in t", "the 'in' operator"),
    (uses_not_in, None, S, "x not in t", "the 'not in' operator"),
    (uses_while_else, None, S, "while n > 0:", "while ... else"),
    (uses_for_else, None, S, "for i in range(n):", "for ... else"),
    (uses_nested_decorator, None, S, "staticmethod", "decorator"),
    (uses_unknown_builtin, None, S, "sorted", "'sorted'"),
    (uses_open, None, S, "return |open(x)", "'open'"),
    (undefined_name, None, N, "undefined_thing", "'undefined_thing' is not defined"),
    (undefined_module_attribute, None, N, "np.no_such_function", "no attribute"),
    (used_after_loop, None, N, "return |last", "before the loop"),
    (used_after_while, None, N, "return |found", "before the loop"),
    (used_after_one_branch, None, N, "return |y", "one branch"),
    (too_many_args, None, T, "add3(x, x, x, x)", "3 positional arguments but 4"),
    (too_few_args, None, T, "add3(x)", "missing required argument(s): 'b'"),
    (unexpected_keyword, None, T, "add3(x, x, d=x)", "unexpected keyword argument 'd'"),
    (duplicate_keyword, None, T, "add3(x, x, a=x)", "multiple values for argument 'a'"),
    (keyword_to_dynamic_call, (1,), T, "f(x, d=x)", "unexpected keyword argument 'd'"),
    (cast_arity, None, T, "float(x, x)", "takes one argument"),
    (range_arity, None, T, "range(1, 2, 3, 4)", "range()"),
    (dynamic_call_arity, (1,), T, "f(x)", "add3() missing required argument(s): 'b'"),
    (lambda_arity, None, T, "g(x)", "missing required argument(s): 'b'"),
    (closure_dynamic_arity, (1,), T, "fns[0](x)", "scale() takes 2 arguments but 1"),
    (tuple_plus_float, ((1, 2),), T, "t + 1.0", "can only concatenate tuple"),
    (call_non_function, (3,), T, "y(1)", "not callable"),
    (call_instance, (Scaler(2.0), 1.5), T, "m(x)", "does not call `__call__`: name a method"),
    (dot_mismatch, (A23, A23), SH, "np.dot(c, b)", "not aligned"),
    (reshape_wrong_size, (A23,), SH, "np.reshape(a, (4, 4))", "cannot reshape"),
    (broadcast_failure, (A23, np.ones(4)), SH, "a + b", "broadcast"),
    (tuple_index_out_of_range, ((1, 2),), SH, "t[5]", "out of range"),
    (calls_failing_helper, (A23,), SH, (helper_fails, "a @ a"), "matmul"),
    (stdlib_helper_fails, ((1, 2),), T, "math.floor(t)", "must be real number"),
    (method_on_number, (1.5,), T, "x.no_such_field", "no attribute 'no_such_field'"),
    (loop_body_fails, (A23, A23, 3), SH, "np.dot(a, b)", "not aligned"),
    (divide_by_zero, (1.0,), E, "x / 0", "ZeroDivisionError"),
    (negate_tuple, ((1, 2),), T, "-t", "bad operand type for unary -"),
    (sum_bad_axis, (A23,), SH, "np.sum(a, axis=5)", "axis 5 is out of bounds"),
    (power_of_string, (2,), T, 'x ** "a"', "unsupported operand type(s)"),
    (len_of_number, (3,), T, "len(x)", "has no len()"),
    (range_as_value, None, S, "range(n)", "range() outside"),
    (unknown_numpy_function, None, S, "np.linalg.inv", "'numpy.linalg.inv'"),
    (numpy_spelling_of_an_operator, None, S, "np.multiply", "write x * y"),
    (if_on_an_array, (A23,), T, "if |a > 0", "reduce it first with np.any(x) or np.all(x)"),
    (norm_with_an_order, (np.ones(3),), T, "np.linalg.norm(a, 1)", "ord=None only"),
    (annotation_without_value, None, N, "return |y", "'y' may be used before"),
    (nested_def_missing_arg, None, T, "inner(b=x)", "inner() missing required"),
    (builtin_missing_arg, None, T, "abs()", "abs() missing required argument(s): 'x'"),
    (zeros_negative, (-1,), SH, "np.zeros(n)", "negative dimensions"),
    (concatenate_mismatch, (np.ones((2, 2)),), SH, "np.concatenate", "must match"),
    (split_unequal, (np.ones(3),), SH, "np.split(a, 4)", "equal division"),
    (array_method, (A23,), T, "a.flatten", "write np.reshape(x, -1)"),
    (undefined_in_short_circuit, None, N, "undefined_y", "'undefined_y' is not defined"),
    (bad_element_in_loop, ((1.0, (2.0,)), 2), T, "s + t[i]", "unsupported operand"),
    (range_bad_step, (3, (1,)), T, "range(0, n, step)", "'>' not supported"),
    (carried_without_init, None, N, "= |total + i", "assigned before the loop"),
    (infinite_recursion, (1.0,), R, "return |infinite_recursion(x)",
     "maximum recursion depth exceeded"),
    (calls_sqrt_helper, (-3.0,), E, (sqrt_in_helper, "math.sqrt(x)"), "math domain error"),
]


# ----- found at compile time by inference (`myia.ir(f, *args, stage="infer")`) -------


def unpack_too_many(x):
    a, b = (x, x * 2.0, x * 3.0)  # an error although a and b are unused
    return x


def unpack_result_of_call(x):
    lo, hi = triple(x)
    return lo + hi


def triple(x):
    return (x, x, x)


def shapes_of_helper(w, x):
    return np.sum(w * x)


def shapes_through_calls(w, x):
    return shapes_of_helper(w, x) * 2.0  # the error names the helper's line


def nests_in_loop(n):
    t = ()
    for i in range(n):
        t = (t, i)  # one level deeper each time (a tuple that grows is a Seq)
    return t


def float_index(t, x):
    return t[x]


COMPILE_CASES = [
    (unpack_too_many, (1.5,), T, "a, b = (x", "cannot unpack 3 values into 2 names"),
    (unpack_result_of_call, (1.5,), T, "lo, hi", "cannot unpack 3 values into 2 names"),
    (shapes_of_helper, (np.ones(3), np.ones(4)), SH, "w * x", "could not be broadcast"),
    # A value of several types by path is a Union, tuples of several lengths a
    # Seq (tests/test_infer.py), but a type that nests deeper each time has no end.
    (nests_in_loop, (3,), T, "for i in range(n)", "keep changing"),
    (float_index, ((1, 2, 3), 1.0), T, "t[x]", "a tuple index must be an int or a slice"),
]


# ----- unpackings of the wrong length, their names read or not ----------------
# Raised when the statement runs (CPython's ValueError) on the debug VM and on
# the production VM's untyped path; by inference when the production VM types
# the signature: the same error at the same place (rows added to CASES).


def unpack_argument(t):
    a, b = t  # a tuple argument of the wrong length
    return 1.0


def unpack_nested(x):
    a, (b, c) = (x, (x, x, x))  # only the inner one is wrong, and b, c are unused
    return a


def unpack_in_loop(pairs):
    s = 0.0
    for a, b in pairs:
        s = s + 1.0
    return s


def unpack_empty(t):
    () = t  # no name at all: the length is checked all the same
    return 1.0


def unpack_grown(x, n):
    t = ()
    for i in range(n):
        t = t + (x * i,)  # a Seq: its length is only known when the unpacking runs
    lo, hi = t
    return x


UNPACK_CASES = [
    (unpack_too_many, (1.5,), T, "a, b = (x", "cannot unpack 3 values into 2 names"),
    (unpack_result_of_call, (1.5,), T, "lo, hi", "cannot unpack 3 values into 2 names"),
    (unpack_argument, ((1.0, 2.0, 3.0),), T, "a, b = t", "cannot unpack 3 values into 2 names"),
    (unpack_nested, (1.5,), T, "(b, c)", "cannot unpack 3 values into 2 names"),
    (unpack_in_loop, (((1.0, 2.0, 3.0),),), T, "a, b in", "cannot unpack 3 values into 2 names"),
    (unpack_grown, (1.5, 3), T, "lo, hi", "cannot unpack 3 values into 2 names"),
    (unpack_empty, ((1.0,),), T, "() = t", "cannot unpack 1 values into 0 names"),
]


def unpack_unknown_length(n):
    a, b = np.arange(n)  # a length inference cannot prove: checked when it runs
    return 1.0


CASES += UNPACK_CASES + [(unpack_unknown_length, (3,), T, "a, b = np", "cannot unpack 3")]
