"""The classes of abstract values (see `myia.types`, which adds `Const`,
`Union`, `typeof` and the lattice: `join`, `widen`...).

They are plain immutable records, hashable by `_key()`, with no knowledge of
each other beyond nesting, so every layer above can build and compare them.
"""

import numpy as np

class Abstract:
    """Base class: subclasses define `_key()` (equality, hashing) and `__str__`."""

    __slots__ = ()

    def _key(self):
        return ()

    def __eq__(self, other):
        if self is other:
            return True
        return type(self) is type(other) and hash(self) == hash(other) and \
            self._key() == other._key()

    def __hash__(self):
        # Types nest deeply (environments of environments) and share parts:
        # hashed once, or comparing keys would walk every path of the DAG.
        try:
            return self._h
        except AttributeError:
            self._h = hash((type(self).__name__, self._key()))
            return self._h

    def __repr__(self):
        return str(self)


class _Named(Abstract):
    """A type with one printed name (int, float, bool, None, ZERO, ...)."""

    __slots__ = ("name", "_h")

    def __init__(self, name):
        self.name = name

    def _key(self):
        return (self.name,)

    def __str__(self):
        return self.name


Int = _Named("int")            # Python int: unbounded, not int64
Float = _Named("float")        # Python float
Bool = _Named("bool")          # Python bool
NoneType = _Named("None")
ZeroType = _Named("ZERO")      # the symbolic zero sensitivity
Bottom = _Named("bottom")      # no value yet (a recursion being inferred)
Str = _Named("str")
TypeType = _Named("type")      # a dtype or a class, only ever static
Opaque = _Named("opaque")      # another Python value, only ever static

_SHORT = {"float64": "f64", "float32": "f32", "float16": "f16", "int64": "i64",
          "int32": "i32", "int16": "i16", "int8": "i8", "uint8": "u8",
          "uint16": "u16", "uint32": "u32", "uint64": "u64", "bool": "bool_",
          "complex128": "c128", "complex64": "c64"}


def dtype_name(dtype):
    """`f64` for float64, `i32` for int32...: how dtypes print."""
    return _SHORT.get(np.dtype(dtype).name, np.dtype(dtype).name)


class Scalar(Abstract):
    """A numpy scalar of `dtype` (`np.float32(1)` is `f32`)."""

    __slots__ = ("dtype", "_h")

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)

    def _key(self):
        return (self.dtype.str,)

    def __str__(self):
        return dtype_name(self.dtype)


class Array(Abstract):
    """A numpy array: `dtype` and `shape` (a tuple of int, or None if unknown)."""

    __slots__ = ("dtype", "shape", "_h")

    def __init__(self, dtype, shape):
        self.dtype = np.dtype(dtype)
        self.shape = tuple(None if d is None else int(d) for d in shape)

    def _key(self):
        return (self.dtype.str, self.shape)

    def __str__(self):
        dims = ", ".join("?" if d is None else str(d) for d in self.shape)
        return f"{dtype_name(self.dtype)}[{dims}]"


class Tuple(Abstract):
    """A tuple of values of the types `items`."""

    __slots__ = ("items", "_h")

    def __init__(self, items):
        self.items = tuple(items)

    def _key(self):
        return self.items

    def __str__(self):
        inner = ", ".join(map(str, self.items))
        return f"({inner},)" if len(self.items) == 1 else f"({inner})"


class Seq(Abstract):
    """A tuple of unknown length whose items are of type `item`, printed
    `(float, ...)`: what `join` makes of tuples of different lengths, so a
    tuple that grows in a loop (`t = t + (x,)`) has one type, not one per
    length.  Its length and the index of an item are runtime values (an
    index out of range raises IndexError there, as CPython does)."""

    __slots__ = ("item", "_h")

    def __init__(self, item):
        self.item = item

    def _key(self):
        return (self.item,)

    def __str__(self):
        return f"({self.item}, ...)"


class Record(Abstract):
    """An instance of dataclass `cls`; `fields` is a tuple of (name, type).

    A *recursive* record types a tree of any depth: in its `raw` fields,
    `Recur(cls)` stands for the record itself (`Tree*(value: float, left:
    None|Tree*, right: None|Tree*)`), so the type is finite and hashable;
    `fields` unfolds it once (`left` is `None|Tree*`, the record itself).
    Build records with `myia.types.record`, which folds a record holding one
    of its own class into this form (so equal types have one spelling).
    """

    __slots__ = ("cls", "fields", "raw", "recursive", "_h")

    def __init__(self, cls, fields, recursive=False):
        self.cls = cls
        self.raw = self.fields = tuple(fields)
        self.recursive = recursive  # then `types.record` sets `fields`, unfolded

    def _key(self):
        return (self.cls, self.raw, self.recursive)

    def field(self, name):
        return dict(self.fields).get(name)

    def __str__(self):
        star = "*" if self.recursive else ""
        return f"{self.cls.__name__}{star}({', '.join(f'{k}: {v}' for k, v in self.raw)})"


class Recur(Abstract):
    """In a recursive record's `raw` fields, the record itself (printed `Tree*`)."""

    __slots__ = ("cls", "_h")

    def __init__(self, cls):
        self.cls = cls

    def _key(self):
        return (self.cls,)

    def __str__(self):
        return f"{self.cls.__name__}*"


class SliceT(Abstract):
    """A slice; `items` are the types of start, stop and step."""

    __slots__ = ("items", "_h")

    def __init__(self, items):
        self.items = tuple(items)

    def _key(self):
        return self.items

    def __str__(self):
        return "slice" + str(Tuple(self.items))


class OrZero(Abstract):
    """A sensitivity that is `ZERO` on some paths and of type `item` on others."""

    __slots__ = ("item", "_h")

    def __init__(self, item):
        self.item = item

    def _key(self):
        return (self.item,)

    def __str__(self):
        return f"{self.item}|ZERO"


class EnvT(Abstract):
    """An `Env` (closure sensitivity) holding some of the free variables `keys`,
    and surely those of `must` (all of them by default: an `Env` constant).

    The type of what an Env holds for a key is not part of its type: it is
    kept by inference per key and per activation of the key's graph
    (`Inferrer.sens`, read through `contexts.SensView`), for every Env at once.  An
    environment's type would otherwise nest itself without end in the
    backward pass of a recursion differentiated again (the sensitivity of a
    backpropagator holds the sensitivity of the next one...).  A key of
    `must` is read without its default: `Env{a, n?}` holds `a` on every path
    (so `env_getitem(e, a, ZERO)` is not `T|ZERO`), `n` on some.
    """

    __slots__ = ("keys", "must", "_h")

    def __init__(self, keys, must=None):
        self.keys = frozenset(keys)
        self.must = self.keys if must is None else frozenset(must) & self.keys

    def _key(self):
        return (self.keys, self.must)

    def __str__(self):
        return "Env{" + ", ".join(sorted(_key_name(k) + ("" if k in self.must else "?")
                                         for k in self.keys)) + "}"


def _key_name(key):
    debug = getattr(key, "debug", None)
    return (debug.name or f"%{key.id}") if debug is not None else str(key)


class GraphFn(Abstract):
    """A graph as a value; `ctx` is the context of its enclosing graph (closures)."""

    __slots__ = ("graph", "ctx", "_h")

    def __init__(self, graph, ctx=None):
        self.graph = graph
        self.ctx = ctx

    def _key(self):
        return (self.graph, self.ctx)

    def __str__(self):
        return f"fn<{self.graph.name}>"


class PrimFn(Abstract):
    """A primitive as a value."""

    __slots__ = ("prim", "_h")

    def __init__(self, prim):
        self.prim = prim

    def _key(self):
        return (self.prim,)

    def __str__(self):
        return f"P.{self.prim.name}"


class PartialFn(Abstract):
    """`fn` (an abstract function) with arguments of types `args` bound."""

    __slots__ = ("fn", "args", "kwargs", "_h")

    def __init__(self, fn, args, kwargs=()):
        self.fn = fn
        self.args = tuple(args)
        self.kwargs = tuple(kwargs)

    def _key(self):
        return (self.fn, self.args, self.kwargs)

    def __str__(self):
        bound = [*map(str, self.args), *(f"{k}={v}" for k, v in self.kwargs)]
        return f"partial({self.fn}, {', '.join(bound)})"


class JFn(Abstract):
    """`J(fn)`: the forward version of function `fn` (see `myia.grad`)."""

    __slots__ = ("fn", "_h")

    def __init__(self, fn):
        self.fn = fn

    def _key(self):
        return (self.fn,)

    def __str__(self):
        return f"J({self.fn})"


class FnSet(Abstract):
    """One of several functions (a `switch` between two branches, say)."""

    __slots__ = ("fns", "_h")

    def __init__(self, fns):
        self.fns = frozenset(fns)

    def _key(self):
        return (self.fns,)

    def __str__(self):
        return "{" + " | ".join(sorted(map(str, self.fns))) + "}"


FUNCTIONS = (GraphFn, PrimFn, PartialFn, JFn, FnSet)
