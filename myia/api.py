"""What users call: `@myia`, `grad`, `value_and_grad`, `defbprop` and `ir`."""

import functools

import numpy as np

from . import pipeline
from .errors import MyiaError
from .grad import grad_graph, register_bprop
from .types import typeof
from .vm.native_grad import DECLINED
from .prims import stop_gradient  # noqa: F401  (public: identity with zero gradient)

_SCALARS = frozenset({float, int, bool})  # their `typeof` is a function of the type
DEFAULT_BACKEND = "vm"  # the production VM; "debug" is the reference


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
            raise _bare(err) from None

    return wrapper


def _bare(err):
    err.internal_traceback = err.__traceback__
    return err.with_traceback(None)


class MyiaFunction:
    """A Python function compiled by Myia when called.

    Compiled programs are cached per argument signature (`myia.types.typeof`
    of each argument and keyword) on the production VM; the debug VM needs no
    per-signature compilation and keeps one.  Before each call the cache asks
    whether a global, closure cell or helper the program was made from has
    been rebound (`Compiled.is_stale`), and compiles again if so.
    """

    def __init__(self, fn, backend, device, device_arrays=False):
        pipeline.check_options(backend, device)
        functools.update_wrapper(self, fn)
        self.__myia_fn__ = fn
        self.backend = backend
        self.device = device
        self.device_arrays = device_arrays
        self._compiled = {}
        self._fast = {}  # Python types of scalar arguments -> what a warm call runs
        self._source = fn

    def __call__(self, *args, **kwargs):
        try:
            if not kwargs:
                fast = self._fast.get(tuple(map(type, args)))
                if fast is not None:
                    out = fast(args)
                    if out is not DECLINED:
                        return out
            return _program(self, self._source, args, kwargs)(*args, **kwargs)
        except MyiaError as err:  # as `_user_facing` does, with no frame of its own
            raise _bare(err) from None

    def __repr__(self):
        return f"<myia function {self.__myia_fn__.__name__} on {self.backend}>"


def signature(args, kwargs=None):
    """The compile-cache key of a call: `typeof` of each argument (and keyword)."""
    key = tuple(typeof(a) for a in args)
    if kwargs:
        key += (tuple((k, typeof(v)) for k, v in sorted(kwargs.items())),)
    return key


def _fast_path(owner, program, args):
    """Let later calls with the Python types of `args` skip the signature.

    For floats, ints and bools (whose `typeof` is a function of the type),
    after the staleness check they run the native code
    (`native_grad.Native.fast`), or the typed program; set once the program
    knows whether it has native code for them (its second call).  With
    arrays among them, the typed program runs when each array has the dtype
    and shape of this call's (`_fits`: `typeof` of an array is a function of
    those); otherwise the signature is looked up as usual.  Positional
    arguments only."""
    types = tuple(map(type, args))
    if types in owner._fast or program.bind(args, {}) is not args:
        return
    stale = program.dependencies.is_stale
    if all(t in _SCALARS for t in types):
        if types not in program.natives:
            return
        native = program.natives[types]
        if native is not None:
            owner._fast[types] = native.fast(stale, program)
            return
        fits = None
    elif program.typed is not None and all(t in _SCALARS or t is np.ndarray for t in types):
        fits = _fits(args)
    else:
        return

    def fast(args):
        return DECLINED if fits is not None and not fits(*args) or stale() \
            else program.run(*args)

    owner._fast[types] = fast


def _fits(args):
    """A function of arguments like `args`: whether each array has the shape
    and dtype of `args`' (`a0.shape == (64, 784) and a0.dtype is d0 and ...`;
    an equal dtype that is another object fails: the signature decides)."""
    checks = [f"a{k}.shape == {a.shape!r} and a{k}.dtype is d{k}"
              for k, a in enumerate(args) if type(a) is np.ndarray]
    source = f"def fits({', '.join(f'a{k}' for k in range(len(args)))}):\n" \
             f"    return {' and '.join(checks)}\n"
    scope = {f"d{k}": a.dtype for k, a in enumerate(args) if type(a) is np.ndarray}
    exec(compile(source, "<myia argument check>", "exec"), scope)  # noqa: S102
    return scope["fits"]


def _program(owner, fn, args, kwargs):
    """The compiled program of `fn` for `args` on `owner`'s backend (cached,
    made again when what it was made from has been rebound)."""
    options = (owner.backend, owner.device, owner.device_arrays)
    try:
        typed = owner.backend == "vm" and owner.device == "cpu"
        key = signature(args, kwargs) if typed else None
        program = owner._compiled.get(key)
    except (TypeError, RecursionError):
        # An unhashable value, or a structure too deep to type (a linked list
        # 20,000 long): such arguments share the untyped program.
        key = None
        program = owner._compiled.get(key)
    if program is not None and program.is_stale():
        owner._compiled = {}  # every signature's program read the same globals
        owner._fast = {}
        program = None
    if program is None:
        example = (args, kwargs) if key is not None else (None, None)
        program = owner._compiled[key] = pipeline.compile(fn, *options, *example)
    elif not kwargs and key is not None:
        _fast_path(owner, program, args)
    return program


@_user_facing
def explain_backend(fn, *args, **kwargs):
    """How `fn(*args, **kwargs)` runs: typed, or the reason it runs untyped.

    On the production VM each argument signature runs the typed, optimized
    graph (`myia.ir(fn, *args, stage="opt")`); a program inference rejects
    runs untyped, exactly, and this says why::

        >>> myia.explain_backend(f, 1.0)
        'typed: the optimized graph for (float)'

    ", as one native function" follows once native_grad.py has compiled the
    signature's whole program (a loop or recursion of scalars).
    """
    if not isinstance(fn, (MyiaFunction, GradFunction)):
        raise MyiaError("explain_backend takes a @myia, grad or value_and_grad function")
    program = _program(fn, fn if isinstance(fn, GradFunction) else fn.__myia_fn__,
                       args, kwargs)
    if program.typed is not None:
        sig = ", ".join(map(str, signature(args, kwargs)))
        native = not kwargs and program.natives.get(tuple(map(type, args)))
        return f"typed: the optimized graph for ({sig})" + \
            (", as one native function" if native else "")
    return f"untyped: {program.reason}"


@_user_facing
def myia(fn=None, *, backend=None, device="cpu", device_arrays=False):
    """Compile `fn` with Myia; usable bare (`@myia`) or with options.

    `backend` is "vm" (the production VM) or "debug"; None means
    `DEFAULT_BACKEND` ("vm" on `device="cuda"`).  With `device="cuda"` array
    primitives run as CUDA kernels and results come back as numpy arrays, or
    as numba device arrays with `device_arrays=True`.
    """
    backend = backend or ("vm" if device == "cuda" else DEFAULT_BACKEND)
    pipeline.check_options(backend, device)
    if fn is None:
        return lambda f: MyiaFunction(f, backend, device, device_arrays)
    return MyiaFunction(getattr(fn, "__myia_fn__", fn), backend, device, device_arrays)


@_user_facing
def ir(fn, *example_args, stage="parse"):
    """The IR graph of `fn` at `stage` (`str()` for the listing, `.to_dot()`).

    `stage="infer"` types every node for the types of `example_args`;
    `stage="kernels"` runs `fn(*example_args)` on the production VM and gives
    the source of the Numba kernels it compiled.
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
        self.device = getattr(fn, "device", "cpu")
        self.device_arrays = getattr(fn, "device_arrays", False)
        self._compiled = {}
        self._fast = {}
        self._source = self  # what is compiled: this gradient's graph
        kind = "value_and_grad" if value else "grad"
        self.__name__ = f"{kind}({getattr(fn, '__name__', 'f')})"

    def __myia_graph__(self):
        return grad_graph(pipeline.to_graph(self.fn), self.argnums, self.value)

    __call__ = MyiaFunction.__call__


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
        register_bprop(getattr(fn, "__myia_fn__", fn), bprop)
        return bprop

    return register
