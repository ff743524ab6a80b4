"""Scalar arithmetic, comparisons, math and casts.

These apply to Python scalars and, elementwise with numpy broadcasting, to
arrays: the implementation is the Python operator or numpy ufunc itself, so
semantics are exactly CPython's and numpy's (`7 / 2 == 3.5`, `-7 // 2 == -4`,
float32 stays float32).
"""

import numpy as np

from .. import types as T
from .primitive import Primitive, ScalarKernel, elementwise_cuda, host_cuda
from .rules import elementwise, sampled
from .values import ZERO
from .array import shape, sum_to


def _op(name, impl, dunder=None, bprop=None, differentiable=True, infer=elementwise,
        kernel=None):
    rd = None if dunder is None else "__r" + dunder[2:]
    return Primitive(name, impl, infer=infer, bprop=bprop, dunder=dunder,
                     rdunder=rd, differentiable=differentiable, kernel=kernel)


def _k(template, kind):
    return ScalarKernel(template, kind)


def _add(x, y):
    return x + y


def _bprop_add(x, y, out, dout):
    if isinstance(x, tuple):  # a concatenation: each operand's part of dout
        n = len(x)
        return (dout[:n], dout[n:])
    return (sum_to(dout, shape(x)), sum_to(dout, shape(y)))


def _sub(x, y):
    return x - y


def _bprop_sub(x, y, out, dout):
    return (sum_to(dout, shape(x)), sum_to(-dout, shape(y)))


def _mul(x, y):
    return x * y


def _bprop_mul(x, y, out, dout):
    return (sum_to(dout * y, shape(x)), sum_to(dout * x, shape(y)))


def _truediv(x, y):
    return x / y


def _bprop_truediv(x, y, out, dout):
    return (sum_to(dout / y, shape(x)), sum_to(-dout * out / y, shape(y)))


def _floordiv(x, y):
    return x // y


def _mod(x, y):
    return x % y


def _bprop_mod(x, y, out, dout):
    return (sum_to(dout, shape(x)), sum_to(-dout * np.floor(x / y), shape(y)))


def _pow(x, y):
    return x ** y


def _bprop_pow(x, y, out, dout):
    # d/dy x**y = out * log(x), taken as 0 where x <= 0 (no real logarithm).
    dy = dout * out * np.log(np.where(x > 0, x, 1))
    return (sum_to(dout * y * x ** (y - 1), shape(x)), sum_to(dy, shape(y)))


def _infer_add(x, y):
    if isinstance(x, T.Tuple) and isinstance(y, T.Tuple):  # the items as they are
        return T.Tuple(x.items + y.items)  # (a `float|int` item cannot be sampled)
    if isinstance(x, (T.Tuple, T.Seq)) and isinstance(y, (T.Tuple, T.Seq)):
        return T.seq_of(T.Tuple((T.item_of(x), T.item_of(y))))
    return elementwise(add)(x, y)


add = _op("add", _add, "__add__", _bprop_add, infer=_infer_add,
          kernel=_k("{0} + {1}", "arith"))
sub = _op("sub", _sub, "__sub__", _bprop_sub, kernel=_k("{0} - {1}", "arith"))
mul = _op("mul", _mul, "__mul__", _bprop_mul, kernel=_k("{0} * {1}", "arith"))
truediv = _op("truediv", _truediv, "__truediv__", _bprop_truediv,
              kernel=_k("{0} / {1}", "div"))
floordiv = _op("floordiv", _floordiv, "__floordiv__", differentiable=False,
               kernel=_k("{0} // {1}", "arith"))
mod = _op("mod", _mod, "__mod__", _bprop_mod, kernel=_k("{0} % {1}", "arith"))
def _infer_pow(x, y):
    # `2 ** -1` is 0.5: for Python ints the type depends on the exponent's
    # sign (a constant exponent's is known: `elementwise` runs the impl on it).
    if T.widen(x) in (T.Int, T.Bool) and T.widen(y) is T.Int and not T.is_static(y):
        return T.Union((T.Int, T.Float))
    return elementwise(pow_)(x, y)


pow_ = _op("pow", _pow, "__pow__", _bprop_pow, infer=_infer_pow,
           kernel=_k("{0} ** {1}", "pow"))


def _neg(x):
    return -x


def _pos(x):
    return +x


def _bprop_neg(x, out, dout):
    return (-dout,)


def _bprop_pos(x, out, dout):
    return (dout,)


neg = Primitive("neg", _neg, infer=elementwise, bprop=_bprop_neg, dunder="__neg__",
                kernel=_k("-{0}", "arith"))
pos = Primitive("pos", _pos, infer=elementwise, bprop=_bprop_pos, dunder="__pos__",
                kernel=_k("+{0}", "arith"))


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


lt = Primitive("lt", _lt, infer=elementwise, dunder="__lt__", rdunder="__gt__",
               differentiable=False, kernel=_k("{0} < {1}", "cmp"))
le = Primitive("le", _le, infer=elementwise, dunder="__le__", rdunder="__ge__",
               differentiable=False, kernel=_k("{0} <= {1}", "cmp"))
gt = Primitive("gt", _gt, infer=elementwise, dunder="__gt__", rdunder="__lt__",
               differentiable=False, kernel=_k("{0} > {1}", "cmp"))
ge = Primitive("ge", _ge, infer=elementwise, dunder="__ge__", rdunder="__le__",
               differentiable=False, kernel=_k("{0} >= {1}", "cmp"))
# `==` on dataclasses keeps Python's generated field-by-field comparison.
eq = Primitive("eq", _eq, infer=elementwise, differentiable=False,
               kernel=_k("{0} == {1}", "cmp"))
ne = Primitive("ne", _ne, infer=elementwise, differentiable=False,
               kernel=_k("{0} != {1}", "cmp"))


def _not(x):
    return not x


def _truth(x):
    if isinstance(x, np.ndarray) and x.size != 1:
        raise TypeError(f"the truth value of an array of shape {x.shape} is ambiguous "
                        "in an 'if', 'while', 'and', 'or' or 'not': reduce it first "
                        "with np.any(x) or np.all(x)")
    return bool(x)


def _truth_rule(prim):
    """`elementwise`, and a `bool` for a tuple of unknown length (`while t:`)."""
    def infer(x):
        return T.Bool if isinstance(x, T.Seq) else elementwise(prim)(x)
    return infer


_truth_rule.makes_rule = True  # (built from the primitive, as `elementwise` is)
not_ = Primitive("not", _not, infer=_truth_rule, differentiable=False,
                 kernel=_k("not {0}", "logic"))
truth = Primitive("truth", _truth, infer=_truth_rule, differentiable=False,
                  kernel=_k("bool({0})", "logic"))


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
invert = Primitive("invert", _invert, infer=elementwise, dunder="__invert__",
                   differentiable=False)
lshift = _op("lshift", _lshift, "__lshift__", differentiable=False)
rshift = _op("rshift", _rshift, "__rshift__", differentiable=False)


def _exp(x):
    return np.exp(x)


def _bprop_exp(x, out, dout):
    return (dout * out,)


def _log(x):
    return np.log(x)


def _bprop_log(x, out, dout):
    return (dout / x,)


def _log1p(x):
    return np.log1p(x)


def _bprop_log1p(x, out, dout):
    return (dout / (1 + x),)


def _expm1(x):
    return np.expm1(x)


def _bprop_expm1(x, out, dout):
    return (dout * (out + 1),)


def _sqrt(x):
    return np.sqrt(x)


def _bprop_sqrt(x, out, dout):
    return (dout / (2 * out),)


def _sin(x):
    return np.sin(x)


def _bprop_sin(x, out, dout):
    return (dout * np.cos(x),)


def _cos(x):
    return np.cos(x)


def _bprop_cos(x, out, dout):
    return (-dout * np.sin(x),)


def _tan(x):
    return np.tan(x)


def _bprop_tan(x, out, dout):
    return (dout * (1 + out * out),)


def _tanh(x):
    return np.tanh(x)


def _bprop_tanh(x, out, dout):
    return (dout * (1 - out * out),)


def _sinh(x):
    return np.sinh(x)


def _bprop_sinh(x, out, dout):
    return (dout * np.cosh(x),)


def _cosh(x):
    return np.cosh(x)


def _bprop_cosh(x, out, dout):
    return (dout * np.sinh(x),)


def _arctan(x):
    return np.arctan(x)


def _bprop_arctan(x, out, dout):
    return (dout / (1 + x * x),)


def _abs(x):
    return abs(x)


def _bprop_abs(x, out, dout):
    return (dout * np.sign(x),)


def _floor(x):
    return np.floor(x)


def _ceil(x):
    return np.ceil(x)


def _sign(x):
    return np.sign(x)


def _maximum(x, y):
    return np.maximum(x, y)


def _bprop_maximum(x, y, out, dout):
    # Ties send the gradient to x.
    return (sum_to(dout * (x >= y), shape(x)), sum_to(dout * (x < y), shape(y)))


def _minimum(x, y):
    return np.minimum(x, y)


def _bprop_minimum(x, y, out, dout):
    return (sum_to(dout * (x <= y), shape(x)), sum_to(dout * (x > y), shape(y)))


exp = Primitive("exp", _exp, infer=elementwise, bprop=_bprop_exp)
log = Primitive("log", _log, infer=elementwise, bprop=_bprop_log)
log1p = Primitive("log1p", _log1p, infer=elementwise, bprop=_bprop_log1p)
expm1 = Primitive("expm1", _expm1, infer=elementwise, bprop=_bprop_expm1)
sqrt = Primitive("sqrt", _sqrt, infer=elementwise, bprop=_bprop_sqrt)
sin = Primitive("sin", _sin, infer=elementwise, bprop=_bprop_sin)
cos = Primitive("cos", _cos, infer=elementwise, bprop=_bprop_cos)
tan = Primitive("tan", _tan, infer=elementwise, bprop=_bprop_tan)
tanh = Primitive("tanh", _tanh, infer=elementwise, bprop=_bprop_tanh)
sinh = Primitive("sinh", _sinh, infer=elementwise, bprop=_bprop_sinh)
cosh = Primitive("cosh", _cosh, infer=elementwise, bprop=_bprop_cosh)
arctan = Primitive("arctan", _arctan, infer=elementwise, bprop=_bprop_arctan)
abs_ = Primitive("abs", _abs, infer=elementwise, bprop=_bprop_abs, dunder="__abs__",
                 kernel=_k("abs({0})", "arith"))
floor = Primitive("floor", _floor, infer=elementwise, differentiable=False)
ceil = Primitive("ceil", _ceil, infer=elementwise, differentiable=False)
sign = Primitive("sign", _sign, infer=elementwise, differentiable=False)
maximum = Primitive("maximum", _maximum, infer=elementwise, bprop=_bprop_maximum)
minimum = Primitive("minimum", _minimum, infer=elementwise, bprop=_bprop_minimum)


def _cast(x, dtype):
    return dtype(x)


def _bprop_cast(x, dtype, out, dout):
    # Casting to an integer or boolean type is piecewise constant.
    return (ZERO if dtype is int or dtype is bool else dout, ZERO)


# `int(x)`, `float(x)`, `np.float32(x)`...: calling a type is a cast to it.
cast = Primitive("cast", _cast, infer=sampled, bprop=_bprop_cast, static=("dtype",))

# CUDA facets (run by myia/vm/cuda.py): each elementwise primitive is its impl,
# compiled per element into a kernel fused with its elementwise neighbours.
for _p in (add, sub, mul, truediv, floordiv, mod, pow_, neg, pos, lt, le, gt, ge, eq, ne,
           bitand, bitor, bitxor, lshift, rshift, exp, log, log1p, expm1, sqrt, sin, cos,
           tan, tanh, sinh, cosh, arctan, abs_, floor, ceil, sign, maximum, minimum):
    _p.cuda_kernel = elementwise_cuda(_p)
_invert_bits, _invert_bools = elementwise_cuda(invert), elementwise_cuda(invert, _not)


def _cuda_invert(dev, x):
    # `~` of a bool is `not` (numba, like Python, makes ~True the int -2).
    bools = getattr(x, "dtype", None) == np.bool_
    return (_invert_bools if bools else _invert_bits)(dev, x)


invert.cuda_kernel = _cuda_invert
not_.cuda_kernel, truth.cuda_kernel = host_cuda(not_), host_cuda(truth)


def _cuda_cast(dev, x, dtype):
    # To a numpy type: elementwise; to int/float/bool: a host value, as numpy.
    if dev.host(x) or not (isinstance(dtype, type) and issubclass(dtype, np.generic)):
        return _cast(dev.to_host(x, False), dtype)
    return dev.astype(x, np.dtype(dtype))


cast.cuda_kernel = _cuda_cast

# Python's operator module spelling of each binary operator, for the parser.
BINARY = {
    "Add": add, "Sub": sub, "Mult": mul, "Div": truediv, "FloorDiv": floordiv,
    "Mod": mod, "Pow": pow_, "BitAnd": bitand, "BitOr": bitor,
    "BitXor": bitxor, "LShift": lshift, "RShift": rshift,
}
COMPARE = {"Lt": lt, "LtE": le, "Gt": gt, "GtE": ge, "Eq": eq, "NotEq": ne}
UNARY = {"USub": neg, "UAdd": pos, "Not": not_, "Invert": invert}
