"""How a call binds its arguments: shared by the debug and production VMs,
inference and monomorphization (which bind keyword calls as the VMs do).

A callee known only at run time (a method, a function passed as an
argument) gets its keywords and defaults bound here, by Python's rules.
Under `grad`, a forward function called so goes through
`grad.keyword_adapter`, which returns the sensitivities in the layout of the
call: `f(x, k=2.0)` of `def f(x, s=0.0, k=1.0)` runs `adapter(▶f, x, 0.0, 2.0)`.
"""

import types

from .arguments import match_arguments
from .errors import MyiaTypeError
from .grad import keyword_adapter
from .ir import Constant, Graph, Node
from .parse import parse
from .prims import Primitive
from .prims.adjoint import JFunction


def _loc(node):
    return node.loc if node is not None else None


def not_callable(cls):
    """What calling a value of class `cls` says.  An instance whose class
    defines `__call__` (a PyTorch habit: `model(x)`) gets what to write:
    Myia calls methods by name, so `self` is a record it can differentiate."""
    hint = "; Myia does not call `__call__`: name a method (`model.apply(x)`)" \
        if any("__call__" in vars(k) for k in cls.__mro__[:-1]) else ""
    return f"{cls.__name__!r} object is not callable{hint}"


def _graph(fn):
    """The graph of a closure of either VM, or `fn` itself."""
    return fn if isinstance(fn, Graph) else getattr(fn, "graph", fn)


def keyword_call(fn, args, kw, nbound, node, const=lambda v: v):
    """`(adapter, flat)` for a forward function `fn` (under grad) called with
    keywords or relying on defaults: the arguments bound by name, in the
    primal's parameter order (`flat`), and the graph to call as
    `adapter(fn, *flat)`, which reorders the sensitivities into the layout
    of the call (one per argument given); `nbound` arguments came from a
    `Partial`.  The VMs bind values; inference binds types and
    monomorphization nodes, the same way (`const` makes a default value
    one of those)."""
    name, params, defaults, kwonly, _ = signature(fn, node)  # not None
    default = object()
    labels = bind(name, params, dict.fromkeys(defaults, default), kwonly,
                   list(range(len(args))), {k: ("kw", j) for j, k in enumerate(kw)},
                   node)
    values = list(kw.values())
    flat = [args[x] if isinstance(x, int) else values[x[1]] if isinstance(x, tuple)
            else const(default_value(name, p, defaults[p], node))
            for x, p in zip(labels, params)]
    at = {x: i for i, x in enumerate(labels) if x is not default}
    order = [at[i] for i in range(nbound) if i in at] + \
        [at[("kw", j)] for j in range(len(values))] + \
        [at[i] for i in range(nbound, len(args))]
    adapter = keyword_adapter(len(flat), tuple(order), forward_level(fn))
    return adapter, flat


def is_forward(fn):
    """Whether `fn` is a forward function of the J transform."""
    if isinstance(fn, JFunction):
        return True
    graph = _graph(fn)
    return isinstance(graph, Graph) and graph.debug.role == "fprop"


def forward_level(fn):
    """1 for a forward function, 2 for the forward function of one...

    A typed clone (monomorphize, optimize) names the graph it copies as its
    origin, under the same name: that step is no level."""
    level = 0
    while is_forward(fn):
        if isinstance(fn, JFunction):
            level, fn = level + 1, fn.fn
            continue
        origin = _graph(fn).debug.origin
        level += not (isinstance(origin, Graph) and origin.name == _graph(fn).name)
        fn = origin
    return level


def signature(fn, node):
    """`(name, parameters, defaults, keyword-only, is a primitive)` of a forward
    function's primal, or None for the forward graphs of primitives (called
    with all their arguments)."""
    while isinstance(fn, JFunction):
        fn = fn.fn
    if isinstance(fn, Primitive):
        return fn.name, list(fn.params or ()), fn.defaults, set(), True
    if isinstance(fn, types.FunctionType):
        primal = parse(fn)
    else:
        primal = _graph(fn).debug.origin
        while isinstance(primal, Graph) and primal.debug.role == "fprop":
            primal = primal.debug.origin  # second order: the user's function
    if not isinstance(primal, Graph):
        return None
    if primal not in _SIGNATURES:
        _SIGNATURES[primal] = (primal.name, [p.debug.name for p in primal.parameters],
                               primal.defaults, primal.kwonly, False)
    return _SIGNATURES[primal]


_SIGNATURES = {}


def default_value(name, param, value, node):
    """A default value for `keyword_call`: a primitive's, or a graph's constant."""
    if not isinstance(value, Node):
        return value
    if not isinstance(value, Constant):
        raise MyiaTypeError(f"the default value of {param!r} of {name}() is not available "
                            "under grad where it is called with keywords; pass it "
                            "explicitly", _loc(node))
    return value.value


def bind(name, params, defaults, kwonly, args, kw, node):
    try:
        return match_arguments(name, params, defaults, kwonly, args, kw)
    except MyiaTypeError as err:
        raise err.with_location(node.loc if node is not None else None) from None
