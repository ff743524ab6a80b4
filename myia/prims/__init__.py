"""Primitives: the operations the IR is built from, each one object.

A `Primitive` holds everything about an operation in one place:

* `impl`: its Python/numpy implementation, what the debug VM runs;
* `infer`: its type and shape rule (filled by the inference stage's issue);
* `bprop`: its backpropagator, a function written in the Myia subset taking
  `(*inputs, out, dout)` and returning one sensitivity per input, so the
  backward pass is IR like any other and can be differentiated again;
* `kernel`: a Numba kernel maker, when `numba.njit(impl)` will not do.

Primitives are grouped by family (`scalar`, `pymath` for CPython's `math`
functions numpy also has and `pymath_rest` for the rest of `math`, `array`
and `array_extra`, `nn`, `structure`, `adjoint` for the values and operations
of the backward pass and `layouts` for the layouts of a bound callable's
sensitivity); the set is closed and spelled out in `PRIMITIVES` below, never
assembled by side effect.
"""

from .primitive import Primitive
from . import (adjoint, array, array_extra, layouts, nn, pymath, pymath_rest, scalar,
               structure)
from .adjoint import (
    J, check_differentiable, env_getitem, env_setitem, field_sens, fill_zeros, gadd,
    is_zero, record_sens, seed,
)
from .array import (
    amax, amin, arange, concatenate, dot, full, matmul, mean, ones, ones_like,
    reshape, shape, size, split, sum_to, reduce_sum, transpose, where, zeros,
    zeros_like, broadcast_to, expand_reduced, inverse_permutation, split_points,
    fill_like, swapaxes,
)
from .array_extra import (
    all_, any_, argmax, argmin, array as array_, array_to_tuple, astype, einsum,
    einsum_adjoint, is_discrete, prod, reshape_method, stack, unstack,
)
from .layouts import kw_join, kw_split, regroup, ungroup
from .nn import (
    conv2d, conv2d_input_grad, conv2d_weight_grad, max_pool2d, max_pool2d_grad,
    max_pool2d_select,
)
from .scalar import (
    abs_, add, bitand, bitor, bitxor, ceil, cos, cosh, eq, exp, floor, floordiv,
    ge, gt, invert, le, log, lshift, lt, maximum, minimum, mod, mul, ne, neg,
    not_, pos, pow_, rshift, sign, sin, sinh, sqrt, sub, tan, tanh, cast,
    truediv, truth, arctan, log1p, expm1,
)
from .pymath import (
    math_exp, math_log, math_log1p, math_expm1, math_sqrt, math_sin, math_cos,
    math_tan, math_tanh, math_sinh, math_cosh, math_atan, math_floor, math_ceil,
)
from .pymath_rest import (
    acos, acosh, asin, asinh, atan2, atanh, cbrt, comb, copysign, degrees, erf, erfc,
    exp2, fabs, factorial, fmod, gamma, gcd, hypot, isclose, isfinite, isinf, isnan,
    isqrt, lcm, ldexp, lgamma, log2, log10, perm, polygamma, radians, remainder, trunc,
    round_,
)
from .pymath_rest import pow_ as math_pow
from .structure import (
    bind_keywords, find_dunder, getattr_, getattr_sens, getitem, getitem_sens, identity,
    is_, is_method, is_not, isinstance_, require, len_, make_record, make_slice,
    make_tuple, partial, switch, stop_gradient, unpack_item, depend,
)

PRIMITIVES = (
    # scalar (elementwise on arrays, with numpy broadcasting)
    add, sub, mul, truediv, floordiv, mod, pow_, neg, pos,
    lt, le, gt, ge, eq, ne, not_, truth,
    bitand, bitor, bitxor, invert, lshift, rshift,
    exp, log, log1p, expm1, sqrt, sin, cos, tan, tanh, sinh, cosh, arctan,
    abs_, floor, ceil, sign, maximum, minimum,
    math_exp, math_log, math_log1p, math_expm1, math_sqrt, math_sin, math_cos,
    math_tan, math_tanh, math_sinh, math_cosh, math_atan, math_floor, math_ceil,
    cast,
    # pymath_rest (the rest of CPython's math on Python numbers)
    asin, acos, asinh, acosh, atanh, log10, log2, exp2, cbrt, fabs, erf, erfc, gamma,
    lgamma, degrees, radians, atan2, hypot, math_pow, copysign, fmod, remainder, ldexp,
    polygamma, round_, trunc, factorial, isnan, isinf, isfinite, isclose, gcd, lcm, isqrt,
    comb, perm,
    # array
    reduce_sum, mean, amax, amin, dot, matmul, transpose, swapaxes, reshape,
    concatenate, split, where, shape, size, zeros, ones, full, zeros_like,
    ones_like, arange, sum_to, broadcast_to, expand_reduced, inverse_permutation,
    split_points, fill_like,
    prod, argmax, argmin, any_, all_, stack, unstack, einsum, einsum_adjoint, array_,
    array_to_tuple, astype, is_discrete, reshape_method,
    # nn
    conv2d, conv2d_input_grad, conv2d_weight_grad, max_pool2d, max_pool2d_grad,
    max_pool2d_select,
    # structure
    make_tuple, getitem, len_, switch, partial, bind_keywords, make_record, getattr_,
    make_slice, is_, is_not, identity, stop_gradient, is_method, find_dunder, isinstance_,
    require, unpack_item, depend,
    # adjoint (values and operations of the backward pass)
    gadd, env_getitem, env_setitem, is_zero, fill_zeros, seed, getitem_sens,
    getattr_sens, field_sens, record_sens, regroup, ungroup, kw_split, kw_join,
    check_differentiable, J,
)

__all__ = ["Primitive", "PRIMITIVES", "adjoint", "array", "array_extra", "layouts", "nn",
           "pymath", "pymath_rest", "scalar", "structure"]
