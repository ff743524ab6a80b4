"""CPython's `math` functions, as primitives of their own.

They take and return Python floats (`math.exp(np.float32(1))` is a float)
and can differ from numpy's vectorized loops in the last bit (`np.tanh`), so
they are not the numpy primitives of `scalar.py`; `math.floor`/`math.ceil`
return exact ints.  Each implementation is a plain Python function calling
`math`, which Numba compiles as it is.  The backpropagators are the numpy
primitives' (the derivative of `math.sin` is the derivative of `sin`).
"""

import math

import numpy as np

from .primitive import Primitive, ScalarKernel
from .rules import elementwise
from .scalar import (_bprop_arctan, _bprop_cos, _bprop_cosh, _bprop_exp, _bprop_expm1,
                     _bprop_log1p, _bprop_sin, _bprop_sinh, _bprop_sqrt, _bprop_tan,
                     _bprop_tanh)
from .values import ZERO


def _exp(x):
    return math.exp(x)


def _log1p(x):
    return math.log1p(x)


def _expm1(x):
    return math.expm1(x)


def _sqrt(x):
    return math.sqrt(x)


def _sin(x):
    return math.sin(x)


def _cos(x):
    return math.cos(x)


def _tan(x):
    return math.tan(x)


def _tanh(x):
    return math.tanh(x)


def _sinh(x):
    return math.sinh(x)


def _cosh(x):
    return math.cosh(x)


def _atan(x):
    return math.atan(x)


def _floor(x):
    return math.floor(x)


def _ceil(x):
    return math.ceil(x)


def _log(x, base=None):
    return math.log(x) if base is None else math.log(x, base)


def _bprop_log(x, base, out, dout):
    return (dout / x if base is None else dout / (x * np.log(base)), ZERO)


math_log = Primitive("math.log", _log, infer=elementwise, bprop=_bprop_log)
math_exp = Primitive("math.exp", _exp, infer=elementwise, bprop=_bprop_exp,
                     kernel=ScalarKernel("math.exp({0})", "math"))
math_log1p = Primitive("math.log1p", _log1p, infer=elementwise, bprop=_bprop_log1p,
                       kernel=ScalarKernel("math.log1p({0})", "math"))
math_expm1 = Primitive("math.expm1", _expm1, infer=elementwise, bprop=_bprop_expm1,
                       kernel=ScalarKernel("math.expm1({0})", "math"))
math_sqrt = Primitive("math.sqrt", _sqrt, infer=elementwise, bprop=_bprop_sqrt,
                      kernel=ScalarKernel("math.sqrt({0})", "math"))
math_sin = Primitive("math.sin", _sin, infer=elementwise, bprop=_bprop_sin,
                     kernel=ScalarKernel("math.sin({0})", "math"))
math_cos = Primitive("math.cos", _cos, infer=elementwise, bprop=_bprop_cos,
                     kernel=ScalarKernel("math.cos({0})", "math"))
math_tan = Primitive("math.tan", _tan, infer=elementwise, bprop=_bprop_tan,
                     kernel=ScalarKernel("math.tan({0})", "math"))
math_tanh = Primitive("math.tanh", _tanh, infer=elementwise, bprop=_bprop_tanh,
                      kernel=ScalarKernel("math.tanh({0})", "math"))
math_sinh = Primitive("math.sinh", _sinh, infer=elementwise, bprop=_bprop_sinh,
                      kernel=ScalarKernel("math.sinh({0})", "math"))
math_cosh = Primitive("math.cosh", _cosh, infer=elementwise, bprop=_bprop_cosh,
                      kernel=ScalarKernel("math.cosh({0})", "math"))
math_atan = Primitive("math.atan", _atan, infer=elementwise, bprop=_bprop_arctan,
                      kernel=ScalarKernel("math.atan({0})", "math"))
math_floor = Primitive("math.floor", _floor, infer=elementwise, differentiable=False)
math_ceil = Primitive("math.ceil", _ceil, infer=elementwise, differentiable=False)
