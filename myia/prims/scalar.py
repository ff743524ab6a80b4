"""Scalar arithmetic, comparisons, math and casts.

These apply to Python scalars and, elementwise with numpy broadcasting, to
arrays: the implementation is the Python operator or numpy ufunc itself, so
semantics are exactly CPython's and numpy's (`7 / 2 == 3.5`, `-7 // 2 == -4`,
float32 stays float32).
"""

import math

import numpy as np

from . import Primitive


def _op(name, impl, dunder=None, differentiable=True):
    rd = None if dunder is None else "__r" + dunder[2:]
    return Primitive(name, impl, dunder=dunder, rdunder=rd,
                     differentiable=differentiable)


def _add(x, y):
    return x + y


def _sub(x, y):
    return x - y


def _mul(x, y):
    return x * y


def _truediv(x, y):
    return x / y


def _floordiv(x, y):
    return x // y


def _mod(x, y):
    return x % y


def _pow(x, y):
    return x ** y


add = _op("add", _add, "__add__")
sub = _op("sub", _sub, "__sub__")
mul = _op("mul", _mul, "__mul__")
truediv = _op("truediv", _truediv, "__truediv__")
floordiv = _op("floordiv", _floordiv, "__floordiv__", differentiable=False)
mod = _op("mod", _mod, "__mod__")
pow_ = _op("pow", _pow, "__pow__")


def _neg(x):
    return -x


def _pos(x):
    return +x


neg = Primitive("neg", _neg, dunder="__neg__")
pos = Primitive("pos", _pos, dunder="__pos__")


def _lt(x, y):
    return x < y


def _le(x, y):
    return x <= y


def _gt(x, y):
    return x > y


def _ge(x, y):
    return x >= y


def _eq(x, y):
    return x == y


def _ne(x, y):
    return x != y


lt = Primitive("lt", _lt, dunder="__lt__", rdunder="__gt__", differentiable=False)
le = Primitive("le", _le, dunder="__le__", rdunder="__ge__", differentiable=False)
gt = Primitive("gt", _gt, dunder="__gt__", rdunder="__lt__", differentiable=False)
ge = Primitive("ge", _ge, dunder="__ge__", rdunder="__le__", differentiable=False)
# `==` on dataclasses keeps Python's generated field-by-field comparison.
eq = Primitive("eq", _eq, differentiable=False)
ne = Primitive("ne", _ne, differentiable=False)


def _not(x):
    return not x


def _truth(x):
    return bool(x)


not_ = Primitive("not", _not, differentiable=False)
truth = Primitive("truth", _truth, differentiable=False)


def _bitand(x, y):
    return x & y


def _bitor(x, y):
    return x | y


def _bitxor(x, y):
    return x ^ y


def _invert(x):
    return ~x


def _lshift(x, y):
    return x << y


def _rshift(x, y):
    return x >> y


bitand = _op("bitand", _bitand, "__and__", differentiable=False)
bitor = _op("bitor", _bitor, "__or__", differentiable=False)
bitxor = _op("bitxor", _bitxor, "__xor__", differentiable=False)
invert = Primitive("invert", _invert, dunder="__invert__", differentiable=False)
lshift = _op("lshift", _lshift, "__lshift__", differentiable=False)
rshift = _op("rshift", _rshift, "__rshift__", differentiable=False)


def _exp(x):
    return np.exp(x)


def _log(x):
    return np.log(x)


def _log1p(x):
    return np.log1p(x)


def _expm1(x):
    return np.expm1(x)


def _sqrt(x):
    return np.sqrt(x)


def _sin(x):
    return np.sin(x)


def _cos(x):
    return np.cos(x)


def _tan(x):
    return np.tan(x)


def _tanh(x):
    return np.tanh(x)


def _sinh(x):
    return np.sinh(x)


def _cosh(x):
    return np.cosh(x)


def _arctan(x):
    return np.arctan(x)


def _abs(x):
    return abs(x)


def _floor(x):
    return np.floor(x)


def _ceil(x):
    return np.ceil(x)


def _sign(x):
    return np.sign(x)


def _maximum(x, y):
    return np.maximum(x, y)


def _minimum(x, y):
    return np.minimum(x, y)


exp = Primitive("exp", _exp)
log = Primitive("log", _log)
log1p = Primitive("log1p", _log1p)
expm1 = Primitive("expm1", _expm1)
sqrt = Primitive("sqrt", _sqrt)
sin = Primitive("sin", _sin)
cos = Primitive("cos", _cos)
tan = Primitive("tan", _tan)
tanh = Primitive("tanh", _tanh)
sinh = Primitive("sinh", _sinh)
cosh = Primitive("cosh", _cosh)
arctan = Primitive("arctan", _arctan)
abs_ = Primitive("abs", _abs, dunder="__abs__")
floor = Primitive("floor", _floor, differentiable=False)
ceil = Primitive("ceil", _ceil, differentiable=False)
sign = Primitive("sign", _sign, differentiable=False)
maximum = Primitive("maximum", _maximum)
minimum = Primitive("minimum", _minimum)


# `math.*` functions are CPython's own: they take and return Python floats
# (`math.exp(np.float32(1))` is a float) and can differ from numpy's
# vectorized loops in the last bit (`np.tanh`), so they are not the numpy
# primitives above.  `math.floor`/`math.ceil` return exact ints.
math_exp = Primitive("math.exp", math.exp)


def _math_log(x, base=None):
    # math.log has no introspectable signature (it is `log(x[, base])`).
    return math.log(x) if base is None else math.log(x, base)


math_log = Primitive("math.log", _math_log)
math_log1p = Primitive("math.log1p", math.log1p)
math_expm1 = Primitive("math.expm1", math.expm1)
math_sqrt = Primitive("math.sqrt", math.sqrt)
math_sin = Primitive("math.sin", math.sin)
math_cos = Primitive("math.cos", math.cos)
math_tan = Primitive("math.tan", math.tan)
math_tanh = Primitive("math.tanh", math.tanh)
math_sinh = Primitive("math.sinh", math.sinh)
math_cosh = Primitive("math.cosh", math.cosh)
math_atan = Primitive("math.atan", math.atan)
math_floor = Primitive("math.floor", math.floor, differentiable=False)
math_ceil = Primitive("math.ceil", math.ceil, differentiable=False)


def _cast(x, dtype):
    return dtype(x)


# `int(x)`, `float(x)`, `np.float32(x)`...: calling a type is a cast to it.
cast = Primitive("cast", _cast)

# Python's operator module spelling of each binary operator, for the parser.
BINARY = {
    "Add": add, "Sub": sub, "Mult": mul, "Div": truediv, "FloorDiv": floordiv,
    "Mod": mod, "Pow": pow_, "BitAnd": bitand, "BitOr": bitor,
    "BitXor": bitxor, "LShift": lshift, "RShift": rshift,
}
COMPARE = {"Lt": lt, "LtE": le, "Gt": gt, "GtE": ge, "Eq": eq, "NotEq": ne}
UNARY = {"USub": neg, "UAdd": pos, "Not": not_, "Invert": invert}
