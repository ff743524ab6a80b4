"""Name resolution: what a Python value found by name means in Myia code.

The parser meets globals, closure cells, attributes of modules and builtins.
Each is either something Myia code can use as a constant (a primitive, a
number, an array, a dataclass, a graph), a Python function to parse, or an
error.  For instance, with ``import numpy as np``::

    np.exp        -> P.exp        (the stdlib converter of numpy's ufunc)
    np.float32    -> np.float32   (a dtype, or a cast when called)
    helper        -> helper       (a Python function: the parser parses it)
    print         -> MyiaSyntaxError "the Python function 'print' is not supported"
"""

import builtins
import dataclasses
import types

import numpy as np

from . import prims as P
from .errors import MyiaSyntaxError
from .ir import Graph
from .prims.adjoint import Env, Zero
from .stdlib import CONVERTERS, SPELLINGS


def resolve_value(value):
    """The constant value Myia code sees for the Python `value`.

    Python functions are returned unchanged, for the caller to parse; an
    unsupported value raises `MyiaSyntaxError` (without a location: the
    caller knows where the value was read).
    """
    try:
        conv = CONVERTERS.get(value)
    except TypeError:  # unhashable
        conv = None
    if conv is not None:
        value = conv
    wrapped = getattr(value, "__myia_fn__", None)
    if wrapped is not None:
        value = wrapped
    if hasattr(value, "__myia_macro__"):
        return value  # expanded where it is called
    graph_of = getattr(value, "__myia_graph__", None)
    if graph_of is not None:
        return graph_of()
    if isinstance(value, (P.Primitive, types.ModuleType, Graph, types.FunctionType)):
        return value
    if isinstance(value, type) and dataclasses.is_dataclass(value):
        return value
    if is_scalar_type(value) or any(value is t for t in (tuple, np.ndarray, type(None))):
        return value  # a dtype or a cast when called; a class for isinstance
    if value is None or isinstance(value, (bool, int, float, complex, str, tuple,
                                           np.ndarray, np.generic, slice)):
        return value
    if dataclasses.is_dataclass(value) or isinstance(value, (Zero, Env)):
        return value
    try:
        instead = SPELLINGS.get(value)
    except TypeError:  # unhashable
        instead = None
    hint = f"; write {instead}" if instead else ""
    raise MyiaSyntaxError(f"{describe(value)} is not supported in Myia code{hint}")


def is_scalar_type(value):
    """Whether `value` is `int`, `float`, `bool` or a numpy scalar type.

    Tested with `is`, not `in`: `value` may be any global, and `==` on an
    array is elementwise (its truth raises).
    """
    return any(value is t for t in (int, float, bool)) or (
        isinstance(value, type) and issubclass(value, np.generic))


def describe(value):
    """How an unsupported Python value is named in an error message."""
    if value is range:
        return "range() outside the iterable of a 'for' loop"
    name = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    if not isinstance(name, str):
        return f"a value of type {type(value).__name__!r}"
    module = getattr(value, "__module__", None)
    if module is not None and getattr(builtins, name, None) is not value:
        name = f"{module}.{name}"
    kind = "function" if callable(value) and not isinstance(value, type) else \
        "class" if isinstance(value, type) else type(value).__name__
    return f"the Python {kind} {name!r}"
