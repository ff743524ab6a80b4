"""`libm_pow(x, y)`: the C library's `pow`, callable from generated Numba code.

CPython computes `float ** float` with libm's `pow`.  Numba compiles `x ** y`
to LLVM's `llvm.pow`, which LLVM rewrites when the exponent is a constant:

    x ** 2.0   ->  x * x        x ** -1.0  ->  1.0 / x     (and 0.5 -> sqrt)

Those are correctly rounded, libm's `pow` is not always (glibc: within 0.52
ulp), so the rewritten kernel could differ from CPython in the last bit.
`libm_pow` is a call of the process's own `pow` under a name LLVM does not
know (`myia_libm_pow`, bound to pow's address), which LLVM cannot rewrite:
a kernel writes `r5 = libm_pow(r0, (2.0))` and gets CPython's bits.  The
symbol is registered when this module is imported, which a cached kernel's
module does before Numba links it.
"""

import ctypes
import ctypes.util

import llvmlite.binding as llvm
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

_NAME = "myia_libm_pow"


def _pow_address():
    """The address of the `pow` CPython itself calls (the process's libm)."""
    for lib in (None, ctypes.util.find_library("m")):
        try:
            return ctypes.cast(ctypes.CDLL(lib).pow, ctypes.c_void_p).value
        except (OSError, AttributeError, TypeError):
            continue
    raise ImportError("no libm pow in this process")


llvm.add_symbol(_NAME, _pow_address())


@intrinsic
def libm_pow(typingctx, x, y):
    """`pow(x, y)` of libm, for two float64 operands."""
    sig = types.float64(types.float64, types.float64)

    def codegen(context, builder, signature, args):
        double = ir.DoubleType()
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(double, [double, double]), _NAME)
        return builder.call(fn, args)

    return sig, codegen
