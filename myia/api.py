"""What users call: `@myia`, `grad`, `value_and_grad`, `defbprop` and `ir`."""

import functools

from . import pipeline
from .errors import MyiaError
from .grad import grad_graph, register_bprop
from .parse import parse
from .types import typeof
from .prims import stop_gradient  # noqa: F401  (public: identity with zero gradient)

DEFAULT_BACKEND = "debug"
DEVICES = ("cpu", "cuda")


def _user_facing(fn):
    """Raise a `MyiaError` from the API call itself, not from Myia's internals.

    The error already names the user's line; the frames of the parser or VM
    that found it would only hide that line in a traceback.  They are kept in
    `err.internal_traceback` for Myia's own developers.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except MyiaError as err:
            err.internal_traceback = err.__traceback__
            raise err.with_traceback(None) from None

    return wrapper


class MyiaFunction:
    """A Python function compiled by Myia when called.

    Compiled code is cached per argument signature (`signature`); the debug
    VM runs the untyped graph, so it keeps one program for all signatures.
    """

    def __init__(self, fn, backend, device):
        functools.update_wrapper(self, fn)
        self.__myia_fn__ = fn
        self.backend = backend
        self.device = device
        self._compiled = {}

    @_user_facing
    def __call__(self, *args):
        key = None if self.backend == "debug" else signature(args)
        if key not in self._compiled:
            self._compiled[key] = pipeline.compile(self.__myia_fn__, self.backend)
        return self._compiled[key](*args)

    def __repr__(self):
        return f"<myia function {self.__myia_fn__.__name__} on {self.backend}>"


def signature(args):
    """The compile-cache key of a call: `typeof` of each argument."""
    return tuple(typeof(a) for a in args)


def myia(fn=None, *, backend=DEFAULT_BACKEND, device="cpu"):
    """Compile `fn` with Myia; usable bare (`@myia`) or with options."""
    if device not in DEVICES:
        raise MyiaError(f"unknown device {device!r}; choose one of {DEVICES}")
    if backend not in pipeline.BACKENDS:
        raise MyiaError(f"unknown backend {backend!r}; choose one of "
                         f"{pipeline.BACKENDS}")
    if fn is None:
        return lambda f: MyiaFunction(f, backend, device)
    return MyiaFunction(getattr(fn, "__myia_fn__", fn), backend, device)


@_user_facing
def ir(fn, *example_args, stage="parse"):
    """The IR graph of `fn` at `stage` (`str()` for the listing, `.to_dot()`).

    `stage="infer"` types every node for the types of `example_args`.
    """
    return pipeline.graph_at(fn, stage, example_args)


class GradFunction:
    """`grad(fn)` or `value_and_grad(fn)`: a function computing gradients.

    It runs on the backend of `fn` when `fn` is a `@myia` function, else on
    the default backend; inside Myia code it stands for its gradient graph.
    """

    def __init__(self, fn, argnums, value):
        self.fn = fn
        self.argnums = argnums
        self.value = value
        self.backend = getattr(fn, "backend", DEFAULT_BACKEND)
        self._compiled = None
        kind = "value_and_grad" if value else "grad"
        self.__name__ = f"{kind}({getattr(fn, '__name__', 'f')})"

    def __myia_graph__(self):
        return grad_graph(pipeline.to_graph(self.fn), self.argnums, self.value)

    def __call__(self, *args):
        if self._compiled is None:
            self._compiled = pipeline.compile(self, self.backend)
        return self._compiled(*args)


def grad(fn, argnums=0):
    """The gradient of scalar-valued `fn` w.r.t. the argument(s) `argnums`."""
    return GradFunction(fn, argnums, value=False)


def value_and_grad(fn, argnums=0):
    """`(fn(*args), grad(fn, argnums)(*args))` in one pass."""
    return GradFunction(fn, argnums, value=True)


# Inside Myia code, `grad(f)` is expanded where it is written (see parse.macro).
grad.__myia_macro__ = lambda fn, argnums=0: grad(fn, argnums).__myia_graph__()
value_and_grad.__myia_macro__ = \
    lambda fn, argnums=0: value_and_grad(fn, argnums).__myia_graph__()


def defbprop(fn):
    """Give `fn` a custom backpropagator `bprop(*args, out, dout) -> (dargs...)`."""
    def register(bprop):
        register_bprop(parse(getattr(fn, "__myia_fn__", fn)), bprop)
        return bprop

    return register
