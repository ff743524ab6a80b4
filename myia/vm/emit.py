"""Numba source for scalar primitives: the operation, its type rule, its checks.

Kernels (kernels.py) and native loops (native.py) are generated Python
compiled by `numba.njit`.  Both write each primitive call the way this module
says, for Python scalar operands (`float`, `int`, `bool`), from the
primitive's kernel facet (`add.kernel`, a `ScalarKernel("{0} + {1}", "arith")`
defined beside `add` in myia/prims/scalar.py):

    add(s, mul(x, i))   with s, x: float, i: int   ->
        r4 = r0 * r2
        r5 = r3 + r4

and an int result gets a guard in front, so the int64 code never computes
what Python's unbounded ints would compute differently:

    add(i, 1)           with i: int                ->
        if abs(float(r2) + float((1))) > 9e+18:
            raise ArithmeticError('Python decides')
        r6 = r2 + (1)

Raising *declines*: the caller then runs the same primitives in the VM,
which gives CPython's exact result (or its located error).  Declining
rules: int `+ - * // % neg abs` near int64's range; mixed int/float
comparisons and int true division with ints beyond 2**53 (converting would
round); a `math.*` or `**` result that is NaN from non-NaN inputs or
infinite from finite ones (Python raises there: `math.exp(1000)`,
`math.sqrt(-1)`, `(-8.0) ** 0.5` is complex).  numpy's scalar functions
(`np.exp`) are not here: numpy's results differ from libm's in the last bit.
"""

from ..prims import Primitive
from ..prims.primitive import ScalarKernel

HEADER = ["import math", "", "import numba", "", "from myia.vm.libm import libm_pow", "", ""]
SCALARS = {float: "float64", int: "int64", bool: "boolean"}
ZEROS = {float: "0.0", int: "0", bool: "False"}
DECLINE = "raise ArithmeticError('Python decides')"
_LIMIT = 9.0e18  # below 2**63
_EXACT = 2.0 ** 53

_NUMBERS = (int, float)


def scalar_kernel(value):
    """Whether `value` is a primitive with a scalar kernel facet (`ScalarKernel`,
    defined beside the primitive: `myia/prims/scalar.py`, `pymath.py`)."""
    return isinstance(value, Primitive) and isinstance(value.kernel, ScalarKernel)


def result_type(prim, types):
    """The Python type of `prim(*args)` for args of `types`, or None (not fused).

    Python's rules: int op int is int, with a float it is float, `/` and
    `math.*` give floats, comparisons and `not` give bools.  Bools in
    arithmetic and int powers (whose type depends on the exponent's sign)
    are left to the VM.
    """
    kind = prim.kernel.kind
    if kind == "logic":
        return bool if all(t in SCALARS for t in types) else None
    if not all(t in _NUMBERS for t in types):
        return None
    if kind == "arith":
        return int if all(t is int for t in types) else float
    if kind == "cmp":
        return bool
    if kind == "pow":
        return float if types[0] is float else None
    return float  # div, math


def literal(v):
    return f"({v!r})"


def op_lines(prim, dest, names, types, where=""):
    """Source lines computing `dest = prim(*names)`, operands of `types`."""
    kind = prim.kernel.kind
    out = result_type(prim, types)
    names = list(names)
    checks = []
    if kind == "pow" and types[1] is int:
        names[1] = f"float({names[1]})"  # Python's float ** int is C pow()
    if kind == "arith" and out is int:
        sym = prim.kernel("", "").strip()
        if len(names) == 2 and sym in ("+", "-", "*"):
            checks.append(f"abs(float({names[0]}) {sym} float({names[1]})) > {_LIMIT!r}")
        else:
            checks.append(f"abs(float({names[0]})) > {_LIMIT!r}")
    if kind in ("div", "cmp") and int in types and float in types or (
            kind == "div" and int in types):
        checks += [f"abs(float({n})) >= {_EXACT!r}" for n, t in zip(names, types)
                   if t is int]
    lines = []
    for c in checks:
        lines += [f"if {c}:", f"    {DECLINE}"]
    # `**` is libm's pow, as in CPython (LLVM would rewrite `x ** 2.0`: libm.py)
    expr = f"libm_pow({names[0]}, {names[1]})" if kind == "pow" else prim.kernel(*names)
    lines.append(f"{dest} = {expr}{where}")
    if kind in ("math", "pow"):
        finite = " and ".join(f"math.isfinite({n})" for n in names)
        nonan = " and ".join(f"not math.isnan({n})" for n in names)
        lines += [f"if (math.isnan({dest}) and {nonan}) or "
                  f"(math.isinf({dest}) and {finite}):", f"    {DECLINE}"]
    return lines


def where(node):
    """A comment naming the user's line of `node`."""
    loc = node.loc
    if loc is None:
        return ""
    return f"  # {loc.file.rsplit('/', 1)[-1]}:{loc.line}"
