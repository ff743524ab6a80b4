"""Structural primitives: tuples, indexing, branching, closures and records.

`switch(cond, a, b)` picks a value without calling it: `if` statements are
parsed as `switch(cond, then_graph, else_graph)()`, so only the chosen
branch runs.  `partial` builds a `Partial` value (a function with some
arguments bound), used for bound methods and by AD's backpropagators;
`bind_keywords` binds keyword arguments the same way.
"""

import dataclasses
import types

import numpy as np

from .. import types as T
from ..errors import MyiaShapeError, MyiaTypeError
from .array import shape, size
from .array_extra import METHODS
from .primitive import Primitive
from .rules import const_of, run_impl, sample
from .values import ZERO, Partial, dunder_method, field_names  # noqa: F401 (re-exported)


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
    names = field_names(x)
    if names is not None:
        if name in names:
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
    names = field_names(x)
    return names is not None and name not in names


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


def _unpack_item(x, index, n):
    """Item `index` of `x`, which must hold `n` items: `a, b = x` is
    `a = unpack_item(x, 0, 2); b = unpack_item(x, 1, 2)` (see parse/statements.py)."""
    try:
        size = len(x)
    except TypeError:
        raise TypeError(f"cannot unpack non-iterable {type(x).__name__} object") from None
    if size != n:
        raise TypeError(f"cannot unpack {size} values into {n} names")
    return x[index]


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

# ----- inference rules -------------------------------------------------------


def _static(a, what):
    if not T.is_static(a):
        raise MyiaTypeError(f"{what} must be known at compile time, but it is a runtime {a}")
    return T.static_value(a)


def _infer_make_tuple(*xs):
    return T.Tuple(xs)


def _infer_getitem(x, index):
    if isinstance(x, (T.Tuple, T.Seq)) and not isinstance(index, T.SliceT) and \
            T.widen(index) not in (T.Int, T.Bool):
        raise MyiaTypeError(f"a tuple index must be an int or a slice, not {T.widen(index)}")
    if isinstance(x, T.Seq) or isinstance(x, T.Tuple) and isinstance(index, T.SliceT) \
            and not T.is_static(index):  # which items: a runtime value
        return T.seq_of(x) if isinstance(index, T.SliceT) else x.item
    if isinstance(x, T.Tuple) and index is T.Int and not x.items:
        return T.Bottom  # never read: a loop over an empty tuple
    if isinstance(x, T.Tuple) and index is T.Int:
        # Any item may be read (a loop over a tuple): `(int, float)[i]` is `float|int`.
        out = x.items[0]
        for item in x.items[1:]:
            out = T.join(out, item)
        return T.widen(out)
    if isinstance(x, T.Tuple):
        i = _static(index, "a tuple index")
        if isinstance(i, slice):
            return T.Tuple(x.items[i])
        try:
            return x.items[i]
        except (IndexError, TypeError):
            raise MyiaShapeError(f"index {i!r} is out of range for a tuple of "
                                 f"{len(x.items)} items") from None
    if isinstance(x, T.Array):
        parts = index.items if isinstance(index, T.Tuple) else (index,)
        exact = all(T.is_static(p) or p is T.Int for p in parts)
        idx = tuple(0 if p is T.Int else sample(p) for p in parts)
        out = T.typeof(run_impl(getitem, [sample(x), idx if isinstance(index, T.Tuple)
                                          else idx[0]]))
        if isinstance(out, T.Array) and (not exact or None in x.shape):
            return T.Array(out.dtype, (None,) * len(out.shape))
        return out
    raise MyiaTypeError(f"{x} cannot be indexed")


def _infer_len(x):
    if isinstance(x, T.Tuple):
        return T.Const(len(x.items))
    if isinstance(x, T.Seq):
        return T.Int
    if isinstance(x, T.Array) and x.shape:
        return T.Int if x.shape[0] is None else T.Const(x.shape[0])
    raise MyiaTypeError(f"{x} has no len()")


def _infer_unpack_item(x, index, n):
    # (a length known only at run time, a Seq's, is checked there: see opt/typed.py)
    size = _infer_len(x)
    if T.is_static(size) and T.static_value(size) != _static(n, "unpack_item's length"):
        err = MyiaTypeError(f"cannot unpack {T.static_value(size)} values into "
                            f"{T.static_value(n)} names")
        err.certain = True  # whatever the values: the typed path raises it (pipeline)
        raise err
    return _infer_getitem(x, index)


def _infer_switch(cond, a, b):
    if T.is_static(cond):  # only the branch taken is inferred
        return a if T.static_value(cond) else b
    return T.join(a, b)


def _infer_partial(fn, *args):
    return T.PartialFn(fn, args)


def _infer_bind_keywords(fn, names, *values):
    return T.PartialFn(fn, (), zip(_static(names, "keyword names"), values))


def _infer_make_record(cls, *fields):
    c = _static(cls, "a record's class")
    names = [f.name for f in dataclasses.fields(c)]
    if len(names) != len(fields):
        raise MyiaTypeError(f"{c.__name__}() takes {len(names)} fields, "
                            f"{len(fields)} given")
    return T.record(c, zip(names, fields))


def _infer_getattr(x, name):
    n = _static(name, "an attribute name")
    if isinstance(x, T.Record):
        field = x.field(n)
        if field is not None:
            return field
        if callable(getattr(x.cls, n, None)):
            return T.PartialFn(T.Const(getattr(x.cls, n), T.Opaque), (x,))
    elif isinstance(x, (T.Array, T.Scalar)) and n in METHODS:  # `x.sum`
        return T.PartialFn(METHODS[n].__abstract__(), (x,))
    elif n == "T" and isinstance(x, T.Array):
        return T.Array(x.dtype, x.shape[::-1])
    elif n in ("shape", "ndim", "size", "dtype", "T"):
        return T.typeof(_getattr(sample(x), n)) if n == "T" else {
            "shape": shape.infer, "size": size.infer,
            "ndim": lambda a: T.Const(len(shape.infer(a).items)),
            "dtype": lambda a: T.Const(np.dtype(getattr(a, "dtype", type(sample(a)))),
                                       T.TypeType)}[n](x)
    raise MyiaTypeError(f"{x} has no attribute {n!r} in Myia")


def _infer_is(x, y):
    for a, b in ((x, y), (y, x)):
        if b is T.NoneType or b is T.ZeroType:  # singletons: decided by type
            if isinstance(a, T.OrZero) and b is T.ZeroType:
                return T.Bool
            return T.Const(a == b)
    return T.Bool


def _infer_is_not(x, y):
    r = _infer_is(x, y)
    return T.Const(not r.value) if isinstance(r, T.Const) else r


def _infer_is_method(x, name):
    n = _static(name, "a method name")
    if isinstance(x, (T.Array, T.Scalar)):
        return T.Const(n in METHODS)
    return T.Const(isinstance(x, T.Record) and x.field(n) is None)


def dunder_types(dunder, rdunder, args):
    """`dunder_method` on types: `(method, args, perm)` or None."""
    if dunder is None or not args:
        return None
    if isinstance(args[0], T.Record) and getattr(args[0].cls, dunder, None) is not None:
        return getattr(args[0].cls, dunder), list(args), tuple(range(len(args)))
    if rdunder is not None and len(args) == 2 and isinstance(args[1], T.Record) and \
            getattr(args[1].cls, rdunder, None) is not None:
        return getattr(args[1].cls, rdunder), [args[1], args[0]], (1, 0)
    return None


def _infer_find_dunder(names, x, y):
    dunder, rdunder, n = _static(names, "operator names")
    found = dunder_types(dunder, rdunder, [x, y][:n])
    if found is None:
        return T.NoneType
    method, args, perm = found
    return T.Tuple([T.PartialFn(T.Const(method, T.Opaque), args),
                    const_of(tuple(i + 1 for i in perm))])


def _infer_identity(x):
    return x


def _infer_isinstance(obj, classinfo):
    # Decided by type: a sample of `obj`'s type is an instance exactly when
    # every value of that type is (np.float64 is a float, a bool an int).
    value = () if isinstance(obj, T.Seq) else sample(obj)  # (a Seq has no sample)
    return T.Const(_isinstance(value, _static(classinfo, "isinstance's class")))


def _infer_require(cond, message, value):
    if T.is_static(cond) and not T.static_value(cond):
        raise MyiaTypeError(_static(message, "require's message"))
    return value


make_tuple = Primitive("make_tuple", _make_tuple, infer=_infer_make_tuple, variadic=True)
getitem = Primitive("getitem", _getitem, infer=_infer_getitem, bprop=_bprop_getitem)
len_ = Primitive("len", _len, infer=_infer_len, differentiable=False)
switch = Primitive("switch", _switch, infer=_infer_switch, bprop=_bprop_switch)
partial = Primitive("partial", _partial, infer=_infer_partial, variadic=True)
bind_keywords = Primitive("bind_keywords", _bind_keywords, infer=_infer_bind_keywords,
                          variadic=True)
make_record = Primitive("make_record", _make_record, infer=_infer_make_record,
                        variadic=True)
getattr_ = Primitive("getattr", _getattr, infer=_infer_getattr, bprop=_bprop_getattr,
                     static=("name",))
make_slice = Primitive("make_slice", _make_slice, infer=lambda *xs: T.SliceT(xs),
                       differentiable=False)
is_ = Primitive("is", _is, infer=_infer_is, differentiable=False)
is_not = Primitive("is_not", _is_not, infer=_infer_is_not, differentiable=False)
identity = Primitive("identity", _identity, infer=_infer_identity, bprop=_bprop_identity)
is_method = Primitive("is_method", _is_method, infer=_infer_is_method,
                      differentiable=False)
find_dunder = Primitive("find_dunder", _find_dunder, infer=_infer_find_dunder,
                        bprop=_bprop_find_dunder)
stop_gradient = Primitive("stop_gradient", _identity, infer=_infer_identity,
                          bprop=_bprop_stop_gradient)
isinstance_ = Primitive("isinstance", _isinstance, infer=_infer_isinstance,
                        differentiable=False)
require = Primitive("require", _require, infer=_infer_require, bprop=_bprop_require)
unpack_item = Primitive("unpack_item", _unpack_item, infer=_infer_unpack_item,
                        static=("n",))  # its rule is getitem's (grad.py)
# `depend(value, checks...)`: value, once the checks ran (see parse/parser.py).
depend = Primitive("depend", lambda value, *checks: value,  # (never a static type: its
                   infer=lambda value, *checks: T.widen(value), variadic=True)  # callers run)


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


def _infer_getitem_sens(x, index, dout):
    x = T.strip_zero(x)  # (the primal: a sensitivity, under second order)
    if isinstance(x, T.Seq) or isinstance(x, T.Tuple) and not T.is_static(index):
        # Any item may get dout (the index, or the length, is a runtime value).
        if isinstance(index, T.SliceT):  # (dout: the slice's sensitivity, a tuple)
            dout = T.item_of(T.strip_zero(dout)) if dout is not T.ZeroType else dout
        d = T.join(T.ZeroType, dout)
        return T.Seq(d) if isinstance(x, T.Seq) else T.Tuple(d for _ in x.items)
    if isinstance(x, T.Tuple):
        i = _static(index, "a tuple index")
        out = [T.ZeroType] * len(x.items)
        if isinstance(i, slice):
            places = range(*i.indices(len(out)))
            if isinstance(dout, T.Tuple):  # the slice's sensitivity, item by item
                parts = dout.items
            else:  # ZERO, or a tuple that may be ZERO or of a length known at run time
                d = T.ZeroType if dout is T.ZeroType else T.item_of(T.strip_zero(dout))
                parts = [T.join(T.ZeroType, d)] * len(places)
            for j, d in zip(places, parts):
                out[j] = d
        else:
            out[i] = dout
        return T.Tuple(out)
    dout = T.strip_zero(dout)
    if not isinstance(x, T.Array):
        raise MyiaTypeError(f"{x} cannot be indexed")
    d = dout.dtype if isinstance(dout, (T.Array, T.Scalar)) else sample(dout)
    return T.Array(np.result_type(x.dtype, d), x.shape)


getitem_sens = Primitive("getitem_sens", _getitem_sens, infer=_infer_getitem_sens,
                         bprop=_bprop_getitem_sens)


def _getattr_sens(x, name, dout):
    """The sensitivity of `x` when `x.name` received `dout`."""
    method = _method_sens(x, name, dout)
    if method is not None:
        return method
    names = field_names(x)
    if names is not None:
        return type(x)(*(dout if k == name else ZERO for k in names))
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


def _infer_getattr_sens(x, name, dout):
    x = T.strip_zero(x)  # (the primal: a sensitivity, under second order)
    n = _static(name, "an attribute name")
    if isinstance(x, T.Record) and x.field(n) is None:  # a method: (∂method, ∂x)
        if dout is T.ZeroType:
            return T.ZeroType
        d = _infer_getitem(T.strip_zero(dout), T.Const(1))
        return T.join(d, T.ZeroType) if isinstance(dout, T.OrZero) else d
    if isinstance(x, T.Record):
        return T.record(x.cls, [(k, dout if k == n else T.ZeroType) for k, _ in x.fields])
    if n == "T":
        return _infer_getattr(T.strip_zero(dout), name)
    return T.ZeroType


getattr_sens = Primitive("getattr_sens", _getattr_sens, infer=_infer_getattr_sens,
                         bprop=_bprop_getattr_sens, static=("name",))



# ----- CUDA facets (myia/vm/cuda.py): indexing and attributes of device arrays ----
# The other structural primitives move device arrays around untouched.

def _device_array(dev, x):
    return dev.is_array(x) and not isinstance(x, tuple)


def _cuda_getitem(dev, x, index):
    return dev.getitem(x, index) if _device_array(dev, x) else _getitem(x, index)


def _cuda_getattr(dev, x, name):
    if _device_array(dev, x) and name in ("shape", "T", "ndim", "size", "dtype"):
        return dev.transpose(x) if name == "T" else getattr(dev.value(x), name)
    out = _getattr(x, name)
    if isinstance(out, Partial) and isinstance(out.fn, types.FunctionType):
        return Partial(dev.function(out.fn), out.args)  # a method, run on the device
    return out


def _cuda_getitem_sens(dev, x, index, dout):
    if not _device_array(dev, x):
        return _getitem_sens(x, index, dout)
    dtype = np.result_type(dev.value(x).dtype, getattr(dout, "dtype", dout))
    return dev.setitem_new(np.shape(x), dtype, index, dout)


def _cuda_getattr_sens(dev, x, name, dout):
    if name == "T" and _device_array(dev, dout) and not dataclasses.is_dataclass(x):
        return dev.transpose(dout)
    return _getattr_sens(x, name, dout)


def _cuda_unpack_item(dev, x, index, n):
    _unpack_item(range(len(x)) if _device_array(dev, x) else x, slice(0, 0), n)  # on the host
    return _cuda_getitem(dev, x, index)


getitem.cuda_kernel, getattr_.cuda_kernel = _cuda_getitem, _cuda_getattr
unpack_item.cuda_kernel = _cuda_unpack_item
getitem_sens.cuda_kernel, getattr_sens.cuda_kernel = _cuda_getitem_sens, _cuda_getattr_sens
