"""Abstract values: what inference knows about a value before it exists.

Every node of a monomorphized graph carries one in `node.abstract`.  They are
immutable and hashable (equal abstract values are interchangeable, so a tuple
of them is the key of an inference context and of the compile cache), and
print the way listings show them::

    typeof(3)                       -> int        (Python's unbounded int)
    typeof(np.int64(3))             -> i64        (a numpy scalar)
    typeof(np.ones((64, 256)))      -> f64[64, 256]
    typeof((1.5, 2))                -> (float, int)
    typeof(Point(1.0, 2.0))         -> Point(x: float, y: float)
    typeof(ZERO)                    -> ZERO
    join(Tuple([Int]), Tuple([]))   -> (int, ...) (a tuple of unknown length)
    Const(0)                        -> int=0      (a static value)
    join(Array(f64, (2,)), Array(f64, (3,)))  -> f64[?]

A `Const` is a value known at compile time: shapes, `axis`, a method's name,
dtypes, a function.  `static_value(a)` gives it back (None, ZERO and tuples
of static values are static too).  Function values are typed by what they
call: `GraphFn` (a graph, with the inference context of its enclosing graph
for closures), `PrimFn`, `PartialFn` (bound arguments' types), `JFn` (the
forward version `J(f)`), and `FnSet` when a value may be one of several.
A data value that differs by path is a `Union`: `join(int, float)` is
`float|int` (each primitive applied to it is inferred for each member);
tuples of different lengths join as a `Seq`, `(int, ...)`.

The backward pass adds `ZERO` (the symbolic zero), `OrZero(T)` (a
sensitivity that is ZERO on some paths, a `T` on others) and `EnvT`, whose
type lists the free variables it may hold: `Env{x, n}`.
"""

import dataclasses

import numpy as np

from .abstract import (  # noqa: F401 (re-exported: `myia.types` is the interface)
    Abstract, Array, Bool, Bottom, EnvT, FUNCTIONS, Float, FnSet, GraphFn, Int, JFn,
    NoneType, Opaque, OrZero, PartialFn, PrimFn, Record, Recur, Scalar, Seq, SliceT,
    Str, Tuple, TypeType, ZeroType, dtype_name)
from .errors import MyiaTypeError


def item_of(a):
    """The type of any item of a tuple of type `a` (a `Tuple` or a `Seq`)."""
    if isinstance(a, Seq):
        return a.item
    if not isinstance(a, Tuple):
        raise MyiaTypeError(f"{a} is not a tuple")
    out = Bottom
    for x in a.items:
        out = join(out, x)
    return widen(out)


def seq_of(a):
    """A tuple of `a`'s items of any length (`()` if it has none)."""
    item = item_of(a)
    return Tuple(()) if item is Bottom else Seq(item)


class Const(Abstract):
    """A value known at compile time; `base` is the type it widens to."""

    __slots__ = ("value", "base", "_h")

    def __init__(self, value, base=None):
        self.value = value
        self.base = base if base is not None else _base(value)

    def _key(self):
        v = self.value
        try:
            hash(v)
        except TypeError:  # an array constant: equal only to itself
            return (id(v), self.base)
        return (type(v), v, self.base)

    def __str__(self):
        v = self.value
        name = getattr(v, "__name__", None) if isinstance(v, type) else None
        shown = name or (f"{v.debug.name or v.id}" if hasattr(v, "debug") else repr(v))
        return f"{self.base}={shown}"

class Union(Abstract):
    """A value of one of the types `items`, of different kinds (see `_kind`):
    `y = 1 if c else 0.5` is `float|int`, `return x if x > 0` is `None|int`.

    Members are widened data types: functions join as an `FnSet`, ZERO as
    `OrZero` (`float|int|ZERO`), Envs as one `EnvT`; two tuples of one
    length join item by item (`(int,) + (float,)` is `(float|int,)`), of
    other lengths as a `Seq` (`(int,) + ()` is `(int, ...)`).
    Inference applies a primitive to each combination of its operands'
    members and joins the results (`myia.infer.split`); the graph keeps the
    primitive, which the VMs dispatch on the value at run time.
    """

    __slots__ = ("items", "_h")

    def __init__(self, items):
        self.items = frozenset(items)

    def _key(self):
        return (self.items,)

    def __str__(self):
        return "|".join(sorted(map(str, self.items)))


def members(a):
    """The types a value of type `a` may have: `(int, float)` for `float|int`,
    `(int|ZERO, float|ZERO)` for `float|int|ZERO`, else `(a,)`."""
    if isinstance(a, OrZero) and isinstance(a.item, Union):
        return tuple(OrZero(m) for m in sorted(a.item.items, key=str))
    return tuple(sorted(a.items, key=str)) if isinstance(a, Union) else (a,)


def _kind(a):
    """Two types of one kind join into one; of two kinds, into a `Union`
    (None: not a data type, no Union holds it)."""
    if a in (Int, Float, Bool, NoneType, Str):
        return "f8" if a is Float else a.name
    if isinstance(a, Scalar):
        return a.dtype.str.lstrip("<>=|")
    if isinstance(a, Array):
        return ("array", a.dtype.str, len(a.shape))
    if isinstance(a, (Tuple, Seq)):  # of different lengths: a `Seq`
        return "tuple"
    if isinstance(a, (Record, Recur)):
        return ("record", a.cls)
    if isinstance(a, SliceT):
        return "slice"
    if isinstance(a, Union):
        return "union"
    return None


def _union(a, b):
    """The Union of `a` and `b`'s members, those of one kind joined."""
    out = {}
    for x in (*members(a), *members(b)):
        x, k = widen(x), _kind(x)
        out[k] = join(out[k], x) if k in out else x
    items = list(out.values())
    return items[0] if len(items) == 1 else Union(items)


def record(cls, fields):
    """The record type of dataclass `cls` with `fields` ((name, type) pairs).

    One that holds records of its own class folds into a recursive record
    (see `Record`) whose fields join its own and theirs, so a tree built by
    recursion has one type whatever its depth::

        record(Tree, [value: float, left: Tree(float, None, None), right: None])
          -> Tree*(value: float, left: None|Tree*, right: None)
    """
    fields, inner = tuple(fields), []
    raw = [(k, _cut(v, cls, inner)) for k, v in fields]
    if not inner:
        return Record(cls, fields)
    for other in inner:
        raw = [(k, join(v, w)) for (k, v), (_, w) in zip(raw, other)]
    return _recursive(cls, raw)


def _cut(a, cls, inner):
    """`a` with its records of class `cls` replaced by `Recur(cls)`, their raw
    fields appended to `inner` (a recursive record of another class is a leaf)."""
    if isinstance(a, Record):
        if a.cls is cls:
            inner.append(a.raw)
            return Recur(cls)
        return a if a.recursive else Record(a.cls, [(k, _cut(v, cls, inner))
                                                    for k, v in a.fields])
    return _rebuild(a, lambda x: _cut(x, cls, inner))


def _rebuild(a, fn):
    """`a` with `fn` applied to the types it is made of (itself if none)."""
    if isinstance(a, Tuple):
        return Tuple(map(fn, a.items))
    if isinstance(a, Union):
        return Union(map(fn, a.items))
    if isinstance(a, Seq):
        return Seq(fn(a.item))
    if isinstance(a, OrZero):
        return OrZero(fn(a.item))
    return a


def _recursive(cls, raw):
    """The recursive record of `raw` fields, its `fields` unfolded once."""
    out = Record(cls, raw, recursive=True)

    def unfold(a):
        if isinstance(a, Recur) and a.cls is cls:
            return out
        if isinstance(a, Record) and not a.recursive:
            return Record(a.cls, [(k, unfold(v)) for k, v in a.fields])
        return _rebuild(a, unfold)
    out.fields = tuple((k, unfold(v)) for k, v in raw)
    return out


def _base(value):
    """The type a static `value` widens to."""
    if isinstance(value, str):
        return Str
    if isinstance(value, type):
        return TypeType
    t = typeof(value)
    return Opaque if isinstance(t, Const) else t


_ARRAYS = {}  # (dtype, shape) -> Array: a warm call's signature hashes cached types


def typeof(value):
    """The abstract value of a runtime value (numbers by type, not by value)."""
    if type(value) is np.ndarray:
        key = (value.dtype, value.shape)
        a = _ARRAYS.get(key)
        if a is None:
            if len(_ARRAYS) > 4096:
                _ARRAYS.clear()
            a = _ARRAYS[key] = Array(value.dtype, value.shape)
        return a
    own = getattr(value, "__abstract__", None)  # Myia's own values type themselves
    if own is not None and not isinstance(value, type):
        return own()
    if isinstance(value, (bool, np.bool_)) and not isinstance(value, np.generic):
        return Bool
    if isinstance(value, np.generic):
        return Scalar(value.dtype)
    if isinstance(value, bool):
        return Bool
    if isinstance(value, int):
        return Int
    if isinstance(value, float):
        return Float
    if value is None:
        return NoneType
    if isinstance(value, str):
        return Str
    if isinstance(value, np.ndarray):
        return Array(value.dtype, value.shape)
    if isinstance(value, tuple):
        return Tuple(typeof(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return record(type(value), [(f.name, typeof(getattr(value, f.name)))
                                    for f in dataclasses.fields(value)])
    if isinstance(value, slice):
        return SliceT(typeof(v) for v in (value.start, value.stop, value.step))
    graph = getattr(value, "graph", None)  # a graph, or a VM closure without env
    if graph is not None and getattr(value, "env", None) is None:
        return GraphFn(graph)
    if hasattr(value, "parameters") and hasattr(value, "output"):
        return GraphFn(value)
    return Const(value, Opaque)


# ----- static values ---------------------------------------------------------


def is_static(a):
    """Whether values of type `a` are known at compile time."""
    if isinstance(a, (Const, PrimFn)) or a is NoneType or a is ZeroType:
        return True
    if isinstance(a, (Tuple, SliceT)):
        return all(is_static(x) for x in a.items)
    return False


def static_value(a):
    """The compile-time value of a static type `a` (see `is_static`).

    (`ZERO`'s value is `myia.prims.values.ZERO`, which this layer cannot see.)
    """
    if isinstance(a, Const):
        return a.value
    if isinstance(a, PrimFn):
        return a.prim
    if isinstance(a, Tuple):
        return tuple(static_value(x) for x in a.items)
    if isinstance(a, SliceT):
        return slice(*map(static_value, a.items))
    return None


def widen(a):
    """`a` without static numbers: `Const(0)` is `int`, `(int=1, f64)` is `(int, f64)`.

    Dtypes, classes, functions and other values that only exist statically
    stay static.
    """
    if isinstance(a, Const):
        return a.base if a.base not in (TypeType, Opaque) else a
    if isinstance(a, Tuple):
        return Tuple(widen(x) for x in a.items)
    if isinstance(a, Record):
        return _recursive(a.cls, [(k, widen(v)) for k, v in a.raw]) if a.recursive \
            else Record(a.cls, [(k, widen(v)) for k, v in a.fields])
    if isinstance(a, Union):
        return Union(widen(x) for x in a.items)
    if isinstance(a, Seq):
        return Seq(widen(a.item))
    return a


def may_keys(a):
    """`a` with its Envs' sure keys forgotten (`Env{a, n}` -> `Env{a?, n?}`): a
    graph's parameters get this, so contexts do not multiply by key sets."""
    if isinstance(a, EnvT):
        return EnvT(a.keys, ())
    if isinstance(a, OrZero):
        return OrZero(may_keys(a.item))
    if isinstance(a, Tuple):
        return Tuple(may_keys(x) for x in a.items)
    if isinstance(a, Seq):
        return Seq(may_keys(a.item))
    return a


def strip_zero(a):
    """`T` for `T|ZERO`: what a primitive that rejects ZERO may assume it gets."""
    return a.item if isinstance(a, OrZero) else a


def join(a, b, union=True):
    """The least type of both `a` and `b` values: where two paths meet.

    Different static numbers widen to their type, unknown dimensions become
    None, tuples of different lengths a `Seq`, ZERO joins anything as `T|ZERO`; different kinds of data (an int
    and a float) are a `Union` (with `union=False`, a `MyiaTypeError`), any
    other two values (a function and a float) a `MyiaTypeError`.
    """
    if a == b:
        return a
    if a is Bottom:
        return b
    if b is Bottom:
        return a
    if a is ZeroType or b is ZeroType:
        other = b if a is ZeroType else a
        return other if isinstance(other, OrZero) else OrZero(other)
    if isinstance(a, OrZero) or isinstance(b, OrZero):
        return OrZero(join(strip_zero(a), strip_zero(b), union))
    if isinstance(a, Const) or isinstance(b, Const):
        wa, wb = widen(a), widen(b)
        if wa != a or wb != b:
            return join(wa, wb, union)
    ka, kb = _kind(a), _kind(b)
    if union and ka is not None and kb is not None and (ka != kb or ka == "union"):
        return _union(a, b)
    if {a, b} == {Float, Scalar("f8")}:
        # Python floats are float64 scalars (np.float64 subclasses float): the
        # backward pass's numpy functions turn one into the other on some paths.
        return Scalar("f8")
    if isinstance(a, Tuple) and isinstance(b, Tuple) and len(a.items) == len(b.items):
        return Tuple(join(x, y, union) for x, y in zip(a.items, b.items))
    if isinstance(a, (Tuple, Seq)) and isinstance(b, (Tuple, Seq)):
        # Other lengths: a tuple of any length, whose items may be Unions
        # whatever `union` says (its length is already a runtime value).
        return seq_of(Tuple((item_of(a), item_of(b))))
    if isinstance(a, SliceT) and isinstance(b, SliceT):
        return SliceT(join(x, y, union) for x, y in zip(a.items, b.items))
    if isinstance(a, Array) and isinstance(b, Array) and a.dtype == b.dtype and \
            len(a.shape) == len(b.shape):
        return Array(a.dtype, [x if x == y else None for x, y in zip(a.shape, b.shape)])
    if isinstance(a, Record) and isinstance(b, Record) and a.cls is b.cls:
        # Of a recursive one, the raw fields: Recur(cls) then stands for the
        # join itself (`Tree*` joined with `Tree(float, None, None)` is `Tree*`).
        fields = [(k, join(v, w, union)) for (k, v), (_, w) in zip(a.raw, b.raw)]
        return _recursive(a.cls, fields) if a.recursive or b.recursive \
            else record(a.cls, fields)
    if isinstance(a, EnvT) and isinstance(b, EnvT):
        return EnvT(a.keys | b.keys, a.must & b.must)
    if isinstance(a, FUNCTIONS) and isinstance(b, FUNCTIONS):
        fa = a.fns if isinstance(a, FnSet) else {a}
        fb = b.fns if isinstance(b, FnSet) else {b}
        return FnSet(fa | fb)
    raise MyiaTypeError(f"a value is {widen(a)} on one path and {widen(b)} on another; "
                        "Myia types a value of several kinds only if they are data")
