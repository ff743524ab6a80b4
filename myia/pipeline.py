"""The ordered stages from a Python function to something that runs.

    graph = parse(fn)                     # myia/parse/
    graph = grad_graph(graph)             # myia/grad.py, for grad(fn)
    graph = monomorphize(graph, argtypes) # myia/infer.py + myia/monomorphize.py
    graph = optimize(graph)               # myia/opt/
    run on the debug VM                   # myia/vm/debug.py, backend="debug"
    program = production.compile_typed(graph)  # myia/vm/production.py, backend="vm"
    program = production.compile(graph)   # untyped, where inference declines
    program = cuda.compile(graph)         # myia/vm/cuda.py, device="cuda"

No stage logic lives here: each stage is a function of its own module.
"""

from .arguments import match_arguments
from .dependencies import Dependencies, recording
from .errors import MyiaError, MyiaTypeError
from .ir import Constant, Graph
from .grad import fprop, grad_graph
from .monomorphize import monomorphize
from .opt import optimize
from .parse import parse
from .types import typeof
from .vm import cuda, production
from .vm.debug import DebugVM

BACKENDS = ("debug", "vm")
STAGES = ("parse", "grad", "infer", "opt", "kernels")


def to_graph(fn):
    """The graph of a Python function, of a transformed one, or a graph itself."""
    if isinstance(fn, Graph):
        return fn
    fn = getattr(fn, "__myia_fn__", fn)
    graph_of = getattr(fn, "__myia_graph__", None)
    if graph_of is not None:
        return graph_of()
    return parse(fn)


def infer_stage(graph, args):
    """`graph` typed and specialised for the types of the example `args`."""
    return monomorphize(graph, [typeof(a) for a in args], fprop)


def graph_at(fn, stage="parse", args=()):
    """The IR of `fn` after `stage` (`infer` and `kernels` need example arguments)."""
    if stage not in STAGES:
        raise ValueError(f"unknown or not yet available stage {stage!r}; "
                         f"available: {', '.join(STAGES)}")
    graph = to_graph(fn)
    if stage == "grad":
        return grad_graph(graph)
    if stage == "infer":
        return infer_stage(graph, args)
    if stage == "opt":  # typed with example arguments, untyped without
        return typed_optimize(infer_stage(graph, args)) if args else optimize(graph)
    if stage == "kernels":  # of the program the production VM runs for `args`
        typed = typed_program(graph, args)
        return production.kernel_listing(graph if isinstance(typed, Declined) else typed,
                                         args)
    return graph


def check_options(backend, device):
    """Refuse an unknown `backend` or `device` name, saying which exist, or a
    device the backend cannot use."""
    if backend not in BACKENDS:
        raise MyiaError(f"unknown backend {backend!r}; the backends are "
                        f"{', '.join(map(repr, BACKENDS))}")
    cuda.check_device(device)
    if device == "cuda" and backend == "debug":
        raise MyiaError("device='cuda' runs on the production VM (backend='vm'); the "
                        "debug VM runs on the host")


def typed_optimize(typed):
    """`optimize` of a typed graph, as the production VM runs it (the rules,
    inference again, Envs as tuples, flattened returns: myia/opt/)."""
    return optimize(typed)


def typed_program(graph, args):
    """`optimize(monomorphize(graph, typeof(args)))`, or a `Declined` saying why not.

    Inference rejects some programs CPython runs (a variable that is an int
    in one branch and a float in the other), and the optimizer may fail on
    a graph it cannot handle yet: such programs run untyped, which is exact
    (an error the program really has is then raised where it runs, at the
    user's line, as the debug VM raises it).  An error no run could avoid
    (`a, b = (1, 2, 3)`, even with `a` and `b` unused) is raised here.
    """
    try:
        return typed_optimize(infer_stage(graph, args))
    except MyiaError as err:
        if getattr(err, "certain", False):  # `a, b = (1, 2, 3)`, run or not
            raise
        return Declined(f"inference rejects it: {type(err).__name__}: {err.message}", err)
    except RecursionError:
        return Declined("a value too deeply nested to type")
    except Exception as err:  # noqa: BLE001 (a bug of a typed stage: run untyped)
        return Declined(f"a typed stage failed: {type(err).__name__}: {err}")


class Declined:
    """Why a signature runs untyped (`Compiled.reason`), and the error
    inference found, if that is why."""

    def __init__(self, reason, error=None):
        self.reason, self.error = reason, error


class Compiled:
    """`fn` made ready to run on a backend and device, with what it was made from.

    `dependencies` records every global, closure cell and helper read while
    parsing and typing (`myia.dependencies`); a cache of compiled programs
    asks `is_stale()` before each call and compiles again when it is true.
    On the production VM with example `args` (a signature), the program is
    the typed, optimized graph (`typed_program`); `reason` says why not
    when it is the untyped one (see `myia.explain_backend`).
    """

    def __init__(self, fn, backend="debug", device="cpu", device_arrays=False,
                 args=None, kwargs=None):
        check_options(backend, device)
        self.dependencies = Dependencies()
        self.typed = None
        self.natives = {}  # Python types -> the typed program's native code
        self.found = None  # the error inference found (a declined signature's)
        self.reason = "the debug VM runs graphs untyped" if backend == "debug" else \
            "no signature (an argument is unhashable or too deep to type)"
        with recording(self.dependencies):
            self.graph = graph = to_graph(fn)
            if backend == "vm" and device == "cpu" and args is not None:
                typed = typed_program(graph, self.bind(args, kwargs or {}))
                if isinstance(typed, Declined):
                    self.reason, self.found = typed.reason, typed.error
                else:
                    self.typed, self.reason = typed, None
        if device == "cuda":
            self.reason = "device='cuda' runs untyped graphs"
            self.run = cuda.compile(graph, device_arrays)   # myia/vm/cuda.py
        elif self.typed is not None:
            typed = production.compile_typed(self.typed)
            self.natives = getattr(typed, "natives", {})
            self.run = self.checked(typed)
        elif backend == "vm":
            self.run = self.noted(production.compile(graph))
        else:
            self.run = lambda *args: DebugVM().run(graph, args)

    def checked(self, typed):
        """`typed`, run untyped instead from the first error the untyped program
        does not raise (a bug of a typed stage must not change an answer)."""
        def run(*args):
            try:
                return typed(*args)
            except MyiaError as err:
                untyped = production.compile(self.graph)
                out = untyped(*args)  # the program's own error, if it has one
                self.run, self.typed = untyped, None
                self.reason = (f"the typed program raised {type(err).__name__}: "
                               f"{err.message}, the untyped one does not")
                return out

        return run

    def noted(self, untyped):
        """`untyped`, whose error at the place inference found one gets the
        calls inference says it was reached through (`in step, called from
        train line 12`): the run knows the line, not how it got there."""
        found = self.found
        if found is None or not found.notes or found.location is None:
            return untyped

        def run(*args):
            try:
                return untyped(*args)
            except MyiaError as err:
                at, want = err.location, found.location
                if not err.notes and at is not None and \
                        (at.file, at.line, at.column) == (want.file, want.line, want.column):
                    err.notes.extend(found.notes)
                raise

        return run

    def is_stale(self):
        return self.dependencies.is_stale()

    def __call__(self, *args, **kwargs):
        return self.run(*self.bind(args, kwargs))

    def bind(self, args, kwargs):
        """The positional arguments of a call with keywords, by Python's rules."""
        g = self.graph
        if not kwargs and not g.kwonly and len(args) == len(g.parameters):
            return args
        defaults = {k: v.value for k, v in g.defaults.items() if isinstance(v, Constant)}
        try:
            return match_arguments(g.name, [p.debug.name for p in g.parameters],
                                   defaults, g.kwonly, args, kwargs)
        except MyiaTypeError as err:
            raise err.with_location(g.debug.loc) from None


def compile(fn, backend="debug", device="cpu", device_arrays=False, args=None, kwargs=None):
    """A `Compiled` callable running `fn` on `backend`, its arrays on `device`
    (typed for the signature of `args`, `kwargs` where it can be)."""
    return Compiled(fn, backend, device, device_arrays, args, kwargs)
