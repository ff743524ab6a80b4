"""Structural primitives: tuples, indexing, branching, closures and records.

`switch(cond, a, b)` picks a value without calling it: `if` statements are
parsed as `switch(cond, then_graph, else_graph)()`, so only the chosen
branch runs.  `partial` builds a `Partial` value (a function with some
arguments bound), used for bound methods and by AD's backpropagators;
`bind_keywords` binds keyword arguments the same way.
"""

import dataclasses

import numpy as np

from . import Primitive
from .adjoint import ZERO, getattr_sens, getitem_sens


class Partial:
    """A function (graph, primitive or Partial) with leading arguments bound.

    `kwargs` holds arguments bound by keyword (`bind_keywords`).
    """

    __slots__ = ("fn", "args", "kwargs")

    def __init__(self, fn, args, kwargs=None):
        self.fn = fn
        self.args = tuple(args)
        self.kwargs = dict(kwargs or {})

    def __call__(self, *args):  # from Python; the VM unpacks it itself
        return self.fn(*self.args, *args)

    def __repr__(self):
        bound = [*map(repr, self.args), *(f"{k}={v!r}" for k, v in self.kwargs.items())]
        return f"partial({self.fn!r}, {', '.join(bound)})"


def _make_tuple(*xs):
    return xs


def _getitem(x, index):
    return x[index]


def _len(x):
    return len(x)


def _switch(cond, a, b):
    return a if cond else b


def _partial(fn, *args):
    return Partial(fn, args)


def _bind_keywords(fn, names, *values):
    """`fn` with keyword arguments bound, for a call whose callee the parser
    cannot see (`obj.method(by=2)`): the VM matches them to parameters."""
    return Partial(fn, (), dict(zip(names, values)))


def _make_record(cls, *fields):
    return cls(*fields)


def _getattr(x, name):
    """Field of a record, method of a record (bound), or array attribute."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        if name in {f.name for f in dataclasses.fields(x)}:
            return getattr(x, name)
        method = getattr(type(x), name, None)
        if callable(method):
            return Partial(method, (x,))
        raise AttributeError(f"{type(x).__name__!r} object has no attribute {name!r}")
    if isinstance(x, np.ndarray) or np.isscalar(x):
        if name in ("shape", "T", "ndim", "size", "dtype"):
            return getattr(np.asarray(x) if name != "T" else x, name)
        if name in METHODS and isinstance(x, (np.ndarray, np.generic)):
            return Partial(METHODS[name], (x,))
        hint = METHOD_HINTS.get(name)
        if hint is not None or hasattr(np.ndarray, name):
            raise AttributeError(
                f"the array method {name!r} is not supported in Myia"
                + (f": write {hint}" if hint else "") + "; the methods are "
                + ", ".join(sorted(METHODS)))
    raise AttributeError(f"{type(x).__name__!r} object has no attribute {name!r}"
                         " in Myia")


# What to write instead of an array method Myia does not have.
METHOD_HINTS = {"flatten": "np.reshape(x, -1)", "ravel": "np.reshape(x, -1)",
                "copy": "x itself (arrays are immutable in Myia)",
                "squeeze": "np.reshape(x, new_shape)", "clip": "np.clip(x, lo, hi)",
                "var": "np.var(x)", "std": "np.std(x)", "tolist": "a tuple"}


def _make_slice(start, stop, step):
    return slice(start, stop, step)


def _is(x, y):
    return x is y


def _is_not(x, y):
    return x is not y


def _identity(x):
    return x


def _is_method(x, name):
    if isinstance(x, (np.ndarray, np.generic)):
        return name in METHODS
    return dataclasses.is_dataclass(x) and not isinstance(x, type) and \
        name not in {f.name for f in dataclasses.fields(x)}


def _isinstance(obj, classinfo):
    return isinstance(obj, classinfo)


def _require(cond, message, value):
    """`value`, once `cond` holds; else a `TypeError` saying `message`.

    How a library helper written in the subset (which has no `raise`)
    refuses a case it does not compute, instead of computing something else.
    """
    if not cond:
        raise TypeError(message)
    return value


def _bprop_require(cond, message, value, out, dout):
    return (ZERO, ZERO, dout)


def dunder_method(dunder, rdunder, args):
    """`(method, args, perm)` if a dataclass operand defines the operator, else None.

    `dunder` is the operator's special method (`"__add__"`), `rdunder` the
    reflected one, tried on the second of two operands.

    `method(*args)` computes the operation; `perm[i]` is the position in
    `args` of the operation's operand `i` (the reflected `__radd__` swaps).
    """
    if dunder is None or not args:
        return None
    first = args[0]
    if dataclasses.is_dataclass(first) and not isinstance(first, type):
        method = getattr(type(first), dunder, None)
        if method is not None:
            return method, list(args), tuple(range(len(args)))
    if rdunder is not None and len(args) == 2:
        other = args[1]
        if dataclasses.is_dataclass(other) and not isinstance(other, type):
            method = getattr(type(other), rdunder, None)
            if method is not None:
                return method, [other, args[0]], (1, 0)
    return None


def _find_dunder(names, x, y):
    """For AD: `(Partial(method, args), perm)` as `dunder_method` says, or None.

    `names` is `(dunder, rdunder, number of operands)`; `y` is None for unary
    operators.  The perm is shifted by one, to index the method's
    backpropagator's result (whose item 0 is the method's own).
    """
    dunder, rdunder, n = names
    found = dunder_method(dunder, rdunder, [x, y][:n])
    if found is None:
        return None
    method, args, perm = found
    return Partial(method, args), tuple(i + 1 for i in perm)


def _bprop_find_dunder(names, x, y, out, dout):
    # dout[0] is the sensitivity of the Partial: (∂method, ∂args...).
    d = dout[0]
    if d is ZERO:
        return (ZERO, ZERO, ZERO)
    perm = out[1]
    return (ZERO, d[perm[0]], d[perm[1]] if len(perm) > 1 else ZERO)


def _bprop_getitem(x, index, out, dout):
    return (getitem_sens(x, index, dout), ZERO)


def _bprop_switch(cond, a, b, out, dout):
    return (ZERO, dout if cond else ZERO, ZERO if cond else dout)


def _bprop_getattr(x, name, out, dout):
    return (getattr_sens(x, name, dout), ZERO)


def _bprop_identity(x, out, dout):
    return (dout,)


def _bprop_stop_gradient(x, out, dout):
    return (ZERO,)


make_tuple = Primitive("make_tuple", _make_tuple, variadic=True)
getitem = Primitive("getitem", _getitem, bprop=_bprop_getitem)
len_ = Primitive("len", _len, differentiable=False)
switch = Primitive("switch", _switch, bprop=_bprop_switch)
partial = Primitive("partial", _partial, variadic=True)
bind_keywords = Primitive("bind_keywords", _bind_keywords, variadic=True)
make_record = Primitive("make_record", _make_record, variadic=True)
getattr_ = Primitive("getattr", _getattr, bprop=_bprop_getattr)
make_slice = Primitive("make_slice", _make_slice, differentiable=False)
is_ = Primitive("is", _is, differentiable=False)
is_not = Primitive("is_not", _is_not, differentiable=False)
identity = Primitive("identity", _identity, bprop=_bprop_identity)
is_method = Primitive("is_method", _is_method, differentiable=False)
find_dunder = Primitive("find_dunder", _find_dunder, bprop=_bprop_find_dunder)
stop_gradient = Primitive("stop_gradient", _identity, bprop=_bprop_stop_gradient)
isinstance_ = Primitive("isinstance", _isinstance, differentiable=False)
require = Primitive("require", _require, bprop=_bprop_require)

from .array_extra import METHODS  # noqa: E402  (array methods, for getattr)
