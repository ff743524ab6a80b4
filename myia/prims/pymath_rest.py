"""The rest of CPython's `math` module (beside `pymath`): one primitive per function.

Like the `math_*` primitives of `pymath`, each is CPython's own function on
Python numbers (`math.hypot(3, 4)` is the float 5.0, `math.factorial(5)` the
int 120), so results are exactly what CPython gives; a domain error
(`math.acos(2.0)`) is a `MyiaError` at the user's line.  Backpropagators
are written in the subset, from differentiable operations, so second order
works; functions of integers or with integer results (`trunc`,
`factorial`, `isnan`...) have none.  `gamma` and `lgamma` differentiate
through `polygamma`, whose own derivative is `polygamma` of the next order,
so every order is available::

    d/dx lgamma(x) = polygamma(0, x)      (the digamma function)
    d/dx polygamma(n, x) = polygamma(n + 1, x)
"""

import math

import numpy as np

from .. import types as T
from ..errors import MyiaTypeError
from .primitive import Primitive
from .rules import fold
from .values import ZERO

_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


_NUMBERS = (T.Int, T.Float, T.Bool)


def _number(a):
    a = T.widen(a)
    return a in _NUMBERS or (isinstance(a, T.Scalar) and a.dtype.kind in "biuf")


def returns_number(result):
    """The rule of a `math` function: numbers in, a Python `result` out.

    Folded when every argument is a constant; an array argument is refused
    (CPython's `math` takes numbers: write the numpy function instead).
    """
    def maker(prim):
        def infer(*args):
            folded = fold(prim, args)
            if folded is not None:
                return folded
            for a in args:
                if not _number(a) and a is not T.NoneType:
                    raise MyiaTypeError(f"{prim.name} takes numbers, not {a}")
            return result
        return infer
    maker.makes_rule = True
    return maker


def _prim(name, impl, bprop=None, result=T.Float):
    return Primitive(f"math.{name}", impl, infer=returns_number(result), bprop=bprop,
                     differentiable=bprop is not None)


# ----- one argument ----------------------------------------------------------

def _asin(x):
    return math.asin(x)


def _bprop_asin(x, out, dout):
    return (dout / np.sqrt(1.0 - x * x),)


def _acos(x):
    return math.acos(x)


def _bprop_acos(x, out, dout):
    return (-dout / np.sqrt(1.0 - x * x),)


def _asinh(x):
    return math.asinh(x)


def _bprop_asinh(x, out, dout):
    return (dout / np.sqrt(x * x + 1.0),)


def _acosh(x):
    return math.acosh(x)


def _bprop_acosh(x, out, dout):
    return (dout / np.sqrt(x * x - 1.0),)


def _atanh(x):
    return math.atanh(x)


def _bprop_atanh(x, out, dout):
    return (dout / (1.0 - x * x),)


def _log10(x):
    return math.log10(x)


def _bprop_log10(x, out, dout):
    return (dout / (x * _LN10),)


def _log2(x):
    return math.log2(x)


def _bprop_log2(x, out, dout):
    return (dout / (x * _LN2),)


def _exp2(x):
    return math.exp2(x)


def _bprop_exp2(x, out, dout):
    return (dout * out * _LN2,)


def _cbrt(x):
    return math.cbrt(x)


def _bprop_cbrt(x, out, dout):
    return (dout / (3.0 * out * out),)


def _fabs(x):
    return math.fabs(x)


def _bprop_fabs(x, out, dout):
    return (dout * np.sign(x),)


def _erf(x):
    return math.erf(x)


def _bprop_erf(x, out, dout):
    return (dout * _TWO_OVER_SQRT_PI * np.exp(-x * x),)


def _erfc(x):
    return math.erfc(x)


def _bprop_erfc(x, out, dout):
    return (-dout * _TWO_OVER_SQRT_PI * np.exp(-x * x),)


def _gamma(x):
    return math.gamma(x)


def _bprop_gamma(x, out, dout):
    return (dout * out * polygamma(0, x),)


def _lgamma(x):
    return math.lgamma(x)


def _bprop_lgamma(x, out, dout):
    return (dout * polygamma(0, x),)


def _degrees(x):
    return math.degrees(x)


def _bprop_degrees(x, out, dout):
    return (dout * (180.0 / math.pi),)


def _radians(x):
    return math.radians(x)


def _bprop_radians(x, out, dout):
    return (dout * (math.pi / 180.0),)


# ----- two arguments ---------------------------------------------------------

def _atan2(y, x):
    return math.atan2(y, x)


def _bprop_atan2(y, x, out, dout):
    r2 = x * x + y * y
    return (dout * x / r2, -dout * y / r2)


def _hypot(x, y):
    return math.hypot(x, y)


def _bprop_hypot(x, y, out, dout):
    return (dout * x / out, dout * y / out)


def _pow(x, y):
    return math.pow(x, y)


def _bprop_pow(x, y, out, dout):
    return (dout * y * math.pow(x, y - 1.0), dout * out * math.log(x))


def _copysign(x, y):
    return math.copysign(x, y)


def _bprop_copysign(x, y, out, dout):
    # |x| with the sign of y: the slope is +-1, and 0 with respect to y.
    return (dout * np.sign(x) * math.copysign(1.0, y), ZERO)


def _fmod(x, y):
    return math.fmod(x, y)


def _bprop_fmod(x, y, out, dout):
    # x - n * y with n = trunc(x / y), a constant where it is differentiable.
    return (dout, -dout * ((x - out) / y))


def _remainder(x, y):
    return math.remainder(x, y)


def _ldexp(x, i):
    return math.ldexp(x, i)


def _bprop_ldexp(x, i, out, dout):
    return (dout * math.ldexp(1.0, i), ZERO)


# ----- polygamma (the derivatives of lgamma) ---------------------------------

# B_2k / (2k)! for k = 1..8: the asymptotic series' coefficients.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def _polygamma(n, x):
    """The n-th derivative of digamma (`psi(x) = d/dx lgamma(x)`) at `x`.

    Shifts `x` up with `psi_n(x) = psi_n(x + 1) + (-1)**(n+1) n! / x**(n+1)`,
    then sums the asymptotic series, exact to a few ulps past x = 10 + n.
    """
    n, x = int(n), float(x)
    if x <= 0 and x == math.floor(x):
        raise ValueError(f"polygamma({n}, x) has a pole at x = {x}")
    sign = -1.0 if n % 2 == 0 else 1.0
    nfact = math.factorial(n)
    acc = 0.0
    while x < 10.0 + n:
        acc += sign * nfact / x ** (n + 1)
        x += 1.0
    if n == 0:
        series = math.log(x) - 1 / (2 * x)
        for k, b in enumerate(_BERNOULLI, 1):
            series -= b / (2 * k) / x ** (2 * k)
        return acc + series
    series = math.factorial(n - 1) / x ** n + nfact / (2 * x ** (n + 1))
    for k, b in enumerate(_BERNOULLI, 1):
        series += b * math.factorial(2 * k + n - 1) / math.factorial(2 * k) / x ** (2 * k + n)
    return acc + sign * series


def _bprop_polygamma(n, x, out, dout):
    return (ZERO, dout * polygamma(n + 1, x))


def _round(number, ndigits=None):
    return round(number, ndigits)


def _infer_round(number, ndigits=T.NoneType):
    # round(x) is an int, round(x, n) has x's type (numpy's for arrays).
    folded = fold(round_, (number, ndigits))
    if folded is not None:
        return folded
    if isinstance(number, T.Array):
        return T.Array(number.dtype, number.shape)
    if ndigits is T.NoneType:
        return T.Int
    return T.widen(number) if isinstance(T.widen(number), T.Scalar) else \
        {T.Bool: T.Int}.get(T.widen(number), T.widen(number))


def _trunc(x):
    return math.trunc(x)


def _factorial(n):
    return math.factorial(n)


def _isnan(x):
    return math.isnan(x)


def _isinf(x):
    return math.isinf(x)


def _isfinite(x):
    return math.isfinite(x)


def _isclose(a, b, rel_tol=1e-09, abs_tol=0.0):
    return math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)


def _gcd(a, b):
    return math.gcd(a, b)


def _lcm(a, b):
    return math.lcm(a, b)


def _isqrt(n):
    return math.isqrt(n)


def _comb(n, k):
    return math.comb(n, k)


def _perm(n, k):
    return math.perm(n, k)


asin = _prim("asin", _asin, _bprop_asin)
acos = _prim("acos", _acos, _bprop_acos)
asinh = _prim("asinh", _asinh, _bprop_asinh)
acosh = _prim("acosh", _acosh, _bprop_acosh)
atanh = _prim("atanh", _atanh, _bprop_atanh)
log10 = _prim("log10", _log10, _bprop_log10)
log2 = _prim("log2", _log2, _bprop_log2)
exp2 = _prim("exp2", _exp2, _bprop_exp2)
cbrt = _prim("cbrt", _cbrt, _bprop_cbrt)
fabs = _prim("fabs", _fabs, _bprop_fabs)
erf = _prim("erf", _erf, _bprop_erf)
erfc = _prim("erfc", _erfc, _bprop_erfc)
gamma = _prim("gamma", _gamma, _bprop_gamma)
lgamma = _prim("lgamma", _lgamma, _bprop_lgamma)
degrees = _prim("degrees", _degrees, _bprop_degrees)
radians = _prim("radians", _radians, _bprop_radians)
atan2 = _prim("atan2", _atan2, _bprop_atan2)
hypot = _prim("hypot", _hypot, _bprop_hypot)
pow_ = _prim("pow", _pow, _bprop_pow)
copysign = _prim("copysign", _copysign, _bprop_copysign)
fmod = _prim("fmod", _fmod, _bprop_fmod)
remainder = _prim("remainder", _remainder, _bprop_fmod)  # x - n * y too
ldexp = _prim("ldexp", _ldexp, _bprop_ldexp)
polygamma = Primitive("polygamma", _polygamma, infer=returns_number(T.Float),
                      bprop=_bprop_polygamma)
trunc = _prim("trunc", _trunc, result=T.Int)
round_ = Primitive("round", _round, infer=_infer_round, differentiable=False)  # the builtin
factorial = _prim("factorial", _factorial, result=T.Int)
isnan = _prim("isnan", _isnan, result=T.Bool)
isinf = _prim("isinf", _isinf, result=T.Bool)
isfinite = _prim("isfinite", _isfinite, result=T.Bool)
isclose = _prim("isclose", _isclose, result=T.Bool)
gcd = _prim("gcd", _gcd, result=T.Int)
lcm = _prim("lcm", _lcm, result=T.Int)
isqrt = _prim("isqrt", _isqrt, result=T.Int)
comb = _prim("comb", _comb, result=T.Int)
perm = _prim("perm", _perm, result=T.Int)

# `math.NAME` -> its primitive, for the stdlib's converter table.
MATH = {getattr(math, p.name[5:]): p for p in (
    asin, acos, asinh, acosh, atanh, log10, log2, exp2, cbrt, fabs, erf, erfc, gamma,
    lgamma, degrees, radians, atan2, hypot, pow_, copysign, fmod, remainder, ldexp,
    trunc, factorial, isnan, isinf, isfinite, isclose, gcd, lcm, isqrt, comb, perm)}
