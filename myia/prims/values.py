"""The runtime values primitives build: partial applications and the backward pass's.

* `Partial`: a function with leading arguments bound (bound methods,
  closures of backpropagators, `bind_keywords`);
* `ZERO`, the symbolic zero sensitivity, and `Env`, the sensitivity of a
  closure (its free variables' sensitivities);
* `JFunction`, the forward version of a function met at run time.

They live apart from the primitives so that every family can use them and
`myia.types` can type them without import cycles.
"""

import dataclasses
import functools

from .. import types as T


def field_names(x):
    """The field names of the dataclass instance `x`, or None for any other
    value (a dataclass itself included), looked up once per class: a model's
    loop reads its records' fields on every step."""
    return _names(type(x))


@functools.lru_cache(maxsize=None)
def _names(cls):
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) \
        else None


class Partial:
    """A function (graph, primitive or Partial) with leading arguments bound.

    `kwargs` holds arguments bound by keyword (`bind_keywords`).
    """

    __slots__ = ("fn", "args", "kwargs")

    def __init__(self, fn, args, kwargs=None):
        self.fn = fn
        self.args = tuple(args)
        self.kwargs = dict(kwargs or {})

    def __abstract__(self):
        return T.PartialFn(T.typeof(self.fn), [T.typeof(a) for a in self.args],
                           [(k, T.typeof(v)) for k, v in self.kwargs.items()])

    def __call__(self, *args):  # from Python; the VM unpacks it itself
        return self.fn(*self.args, *args)

    def __repr__(self):
        bound = [*map(repr, self.args), *(f"{k}={v!r}" for k, v in self.kwargs.items())]
        return f"partial({self.fn!r}, {', '.join(bound)})"


class Zero:
    """The symbolic zero sensitivity (a singleton: `ZERO`)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __abstract__(self):
        return T.ZeroType

    def __repr__(self):
        return "ZERO"


ZERO = Zero()


class Env:
    """An immutable map from nodes (free variables) to sensitivities."""

    __slots__ = ("items",)

    def __init__(self, items=()):
        self.items = dict(items)

    def __abstract__(self):
        return T.EnvT(self.items)

    def __repr__(self):
        names = ", ".join(getattr(k.debug, "name", None) or f"%{k.id}" for k in self.items)
        return f"Env({names})"


NEWENV = Env()


class JFunction:
    """The forward version `▶fn` of a function met at run time (a bound method).

    Methods are looked up on values, so the transform cannot reach them
    ahead of time: `J` wraps them, and the VM, on calling the wrapper, runs
    the forward graph of `fn` (`myia.grad.fprop_value`).
    """

    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn

    def __abstract__(self):
        return T.JFn(T.typeof(self.fn))

    def __repr__(self):
        return f"J({self.fn!r})"


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
    if field_names(first) is not None:
        method = getattr(type(first), dunder, None)
        if method is not None:
            return method, list(args), tuple(range(len(args)))
    if rdunder is not None and len(args) == 2:
        other = args[1]
        if field_names(other) is not None:
            method = getattr(type(other), rdunder, None)
            if method is not None:
                return method, [other, args[0]], (1, 0)
    return None
