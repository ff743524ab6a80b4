"""`as_float(i)` and `as_int(x)`: the same 64 bits read as the other type.

native_grad.py keeps its stack and heap in one int64 array and stores a
float there by its bits.  `room.view(np.float64)` would do it too, but
Numba lowers each `view` by compiling a helper of its own (0.1-0.2 s of a
cold first call); an LLVM `bitcast` of the scalar costs nothing to compile
or to run:

    heap[k] = as_int(x)      # x: float64, stored bit for bit
    y = as_float(heap[k])    # y == x, NaN payloads included
"""

from llvmlite import ir
from numba import types
from numba.extending import intrinsic


@intrinsic
def as_float(typingctx, i):
    """The float64 whose bits are the int64 `i`."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@intrinsic
def as_int(typingctx, x):
    """The int64 whose bits are the float64 `x`."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen
