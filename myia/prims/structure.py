"""Structural primitives: tuples, indexing, branching, closures and records.

`switch(cond, a, b)` picks a value without calling it: `if` statements are
parsed as `switch(cond, then_graph, else_graph)()`, so only the chosen
branch runs.  `partial` builds a `Partial` value (a function with some
arguments bound), used for bound methods and by AD's backpropagators;
`bind_keywords` binds keyword arguments the same way.
"""

import dataclasses

import numpy as np

from .primitive import Primitive
from .values import ZERO, Partial, dunder_method  # noqa: F401 (re-exported)


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
    raise AttributeError(f"{type(x).__name__!r} object has no attribute {name!r}"
                         " in Myia")


def _make_slice(start, stop, step):
    return slice(start, stop, step)


def _is(x, y):
    return x is y


def _is_not(x, y):
    return x is not y


def _identity(x):
    return x


def _is_method(x, name):
    return dataclasses.is_dataclass(x) and not isinstance(x, type) and \
        name not in {f.name for f in dataclasses.fields(x)}


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


# The sensitivities of indexing and attribute access (used by the bprops above).

def _getitem_sens(x, index, dout):
    """The sensitivity of `x` when `x[index]` received `dout`."""
    if isinstance(x, tuple):
        out = [ZERO] * len(x)
        if isinstance(index, slice):
            for i, d in zip(range(*index.indices(len(x))), dout):
                out[i] = d
        else:
            out[index] = dout
        return tuple(out)
    z = np.zeros_like(x, dtype=np.result_type(x, dout))
    np.add.at(z, index, dout)
    return z


def _bprop_getitem_sens(x, index, dout, out, ddout):
    return (ZERO, ZERO, ddout[index])


getitem_sens = Primitive("getitem_sens", _getitem_sens, bprop=_bprop_getitem_sens)


def _getattr_sens(x, name, dout):
    """The sensitivity of `x` when `x.name` received `dout`."""
    method = _method_sens(x, name, dout)
    if method is not None:
        return method
    if dataclasses.is_dataclass(x):
        return dataclasses.replace(
            x, **{f.name: dout if f.name == name else ZERO for f in dataclasses.fields(x)})
    if name == "T":
        return np.transpose(dout)
    return ZERO


def _method_sens(x, name, dout):
    # The sensitivity of a bound method x.name is (∂method, ∂x) (see regroup).
    if is_method(x, name):
        return ZERO if dout is ZERO else dout[1]
    return None


def _bprop_getattr_sens(x, name, dout, out, ddout):
    if is_method(x, name):
        return (ZERO, ZERO, (ZERO, ddout))
    return (ZERO, ZERO, getattr_(ddout, name))


getattr_sens = Primitive("getattr_sens", _getattr_sens, bprop=_bprop_getattr_sens)


# ----- CUDA facets (myia/vm/cuda.py): indexing and attributes of device arrays ----
# The other structural primitives move device arrays around untouched.

def _device_array(dev, x):
    return dev.is_array(x) and not isinstance(x, tuple)


def _cuda_getitem(dev, x, index):
    return dev.getitem(x, index) if _device_array(dev, x) else _getitem(x, index)


def _cuda_getattr(dev, x, name):
    if _device_array(dev, x) and name in ("shape", "T", "ndim", "size", "dtype"):
        return dev.transpose(x) if name == "T" else getattr(dev.value(x), name)
    return _getattr(x, name)


def _cuda_getitem_sens(dev, x, index, dout):
    if not _device_array(dev, x):
        return _getitem_sens(x, index, dout)
    dtype = np.result_type(dev.value(x).dtype, getattr(dout, "dtype", dout))
    return dev.setitem_new(np.shape(x), dtype, index, dout)


def _cuda_getattr_sens(dev, x, name, dout):
    if name == "T" and _device_array(dev, dout) and not dataclasses.is_dataclass(x):
        return dev.transpose(dout)
    return _getattr_sens(x, name, dout)


getitem.cuda_kernel, getattr_.cuda_kernel = _cuda_getitem, _cuda_getattr
getitem_sens.cuda_kernel, getattr_sens.cuda_kernel = _cuda_getitem_sens, _cuda_getattr_sens
