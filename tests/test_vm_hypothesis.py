"""Numeric corpus programs on generated inputs: both VMs agree with CPython.

Each row names a corpus program and a strategy for its arguments.  When
CPython raises (a zero division, an overflow), the VM must raise too.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import myia

from .conftest import same
from .corpus import arith, arrays, bits, calls, closures, control, loops, tuples

floats = st.floats(-1e6, 1e6, allow_nan=False)
any_floats = st.floats(allow_nan=True, allow_infinity=True)
small_floats = st.floats(-20, 20)
ints = st.integers(-10**6, 10**6)
small_ints = st.integers(-30, 30)
naturals = st.integers(0, 200)
nonzero = st.integers(-50, 50).filter(bool)
numbers = st.one_of(ints, floats, st.booleans())


def arrays_of(shape, elements=st.floats(-100, 100)):
    return hnp.arrays(np.float64, shape, elements=elements)


matrix = hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=4).flatmap(arrays_of)
vector = hnp.array_shapes(min_dims=1, max_dims=1, min_side=1, max_side=6).flatmap(arrays_of)
square = st.integers(1, 4).flatmap(lambda n: arrays_of((n, n)))

PROGRAMS = [
    (arith.add_sub, (numbers, numbers)),
    (arith.mul_div, (floats, floats)),
    (arith.floordiv_mod, (ints, nonzero)),
    (arith.floordiv_mod, (floats, floats)),
    (arith.divmod_identity, (ints, nonzero)),
    (arith.power, (small_floats, small_ints)),
    (arith.unary, (any_floats,)),
    (arith.mixed_int_float, (ints, floats)),
    (arith.precedence, (floats, floats, floats)),
    (arith.aug_assign, (floats,)),
    (arith.aug_assign_int, (ints,)),
    (arith.polynomial, (floats,)),
    (arith.builtin_min_max, (numbers, numbers, numbers)),
    (arith.builtin_max_nan, (any_floats, any_floats)),
    (arith.hypot, (floats, floats)),
    (arith.clamp, (floats, floats, floats)),
    (arith.sigmoid, (small_floats,)),
    (arith.softplus, (small_floats,)),
    (control.sign_of, (any_floats,)),
    (control.nested_if, (floats, floats)),
    (control.chained_compare, (small_ints, small_ints, small_ints)),
    (control.chained_compare_lazy, (floats,)),
    (control.and_or_values, (numbers, numbers)),
    (control.and_or_chain, (small_ints, small_ints, small_ints)),
    (control.and_lazy, (small_ints,)),
    (control.max3, (floats, floats, floats)),
    (control.piecewise, (any_floats,)),
    (loops.while_float, (st.floats(0, 1e12),)),
    (loops.collatz_steps, (st.integers(1, 500),)),
    (loops.for_range3, (small_ints, small_ints, nonzero)),
    (loops.for_runtime_step_sum, (naturals, st.integers(1, 7))),
    (loops.nested_break_inner, (st.integers(0, 8),)),
    (loops.fib_iter, (naturals,)),
    (loops.newton_sqrt, (st.floats(0.01, 1e6),)),
    (loops.loop_count_primes, (st.integers(0, 60),)),
    (closures.gcd, (st.integers(0, 10**9), st.integers(0, 10**9))),
    (closures.power_rec, (st.floats(-3, 3), st.integers(0, 30))),
    (closures.nested_recursive_closure, (small_ints, st.integers(1, 5))),
    (closures.sum_digits, (st.integers(0, 10**12),)),
    (closures.twice_twice, (numbers,)),
    (tuples.runtime_index, (st.tuples(ints, floats, ints), st.integers(-3, 2))),
    (tuples.swap, (numbers, numbers)),
    (tuples.tuple_compare, (st.tuples(small_ints, small_ints), st.tuples(small_ints))),
    (tuples.tuple_argmax, (st.tuples(small_ints, small_ints, small_ints, small_ints),)),
    (bits.bit_ops, (ints, st.integers(0, 10**6))),
    (bits.popcount, (st.integers(0, 2**40),)),
    (bits.is_power_of_two, (st.integers(-5, 2**20),)),
    (bits.bit_reverse8, (st.integers(0, 255),)),
    (bits.casts, (floats,)),
    (bits.gray_code, (st.integers(0, 2**30),)),
    (calls.math_fns, (st.floats(0.001, 50),)),
    (calls.math_more, (st.floats(-0.99, 5),)),
    (calls.math_floor_ceil, (st.one_of(floats, ints),)),
    (arrays.elementwise_math, (matrix,)),
    (arrays.array_arith, (matrix, st.floats(-100, 100))),
    (arrays.sum_variants, (matrix,)),
    (arrays.mean_variants, (matrix,)),
    (arrays.max_min_variants, (matrix,)),
    (arrays.relu, (matrix,)),
    (arrays.where_fn, (matrix,)),
    (arrays.transpose_fns, (matrix,)),
    (arrays.softmax, (matrix,)),
    (arrays.logsumexp, (vector,)),
    (arrays.dot_vectors, (vector,)),
    (arrays.array_loop_accumulate, (square, st.integers(0, 3))),
    (arrays.trace, (matrix,)),
    (arrays.normalize, (matrix,)),
    (loops.for_array_rows, (matrix,)),
    (loops.for_array_1d, (vector,)),
    (arrays.sign_floor_ceil, (matrix,)),
]


def _run(fn, args):
    try:
        return False, fn(*args)
    except Exception as e:  # noqa: BLE001 (any CPython error must be matched)
        return True, e


@pytest.mark.parametrize("fn,strategies", [
    pytest.param(fn, s, id=f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}")
    for fn, s in PROGRAMS])
def test_vm_agrees_on_generated_inputs(fn, strategies, backend):
    compiled = myia.myia(fn, backend=backend)

    @settings(max_examples=25, deadline=None)
    @given(st.tuples(*strategies))
    def check(args):
        with np.errstate(all="ignore"):
            raised, expected = _run(fn, args)
            if raised:
                with pytest.raises(Exception):
                    compiled(*args)
            else:
                assert same(compiled(*args), expected), (args, expected)

    check()
