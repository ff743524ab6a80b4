"""The ordered stages from a Python function to something that runs.

    graph = parse(fn)                     # myia/parse/
    graph = grad_graph(graph)             # myia/grad.py, for grad(fn)
    graph = monomorphize(graph, argtypes) # myia/infer.py + myia/monomorphize.py
    graph = optimize(graph)               # myia/opt/
      (stages "infer" and "opt"; the production VM does not run their
       output yet: see README, "Default backend")
    run on the debug VM                   # myia/vm/debug.py, backend="debug"
    program = production.compile(graph)   # myia/vm/production.py, backend="vm"
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
        return optimize(infer_stage(graph, args) if args else graph)
    if stage == "kernels":
        return production.kernel_listing(graph, args)
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


class Compiled:
    """`fn` made ready to run on a backend and device, with what it was made from.

    `dependencies` records every global, closure cell and helper read while
    parsing (`myia.dependencies`); a cache of compiled programs asks
    `is_stale()` before each call and compiles again when it is true.
    """

    def __init__(self, fn, backend="debug", device="cpu", device_arrays=False):
        check_options(backend, device)
        self.dependencies = Dependencies()
        with recording(self.dependencies):
            self.graph = graph = to_graph(fn)
        if device == "cuda":
            self.run = cuda.compile(graph, device_arrays)   # myia/vm/cuda.py
        elif backend == "vm":
            self.run = production.compile(graph)   # untyped for now: README, "Default backend"
        else:
            self.run = lambda *args: DebugVM().run(graph, args)

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


def compile(fn, backend="debug", device="cpu", device_arrays=False):
    """A `Compiled` callable running `fn` on `backend`, its arrays on `device`."""
    return Compiled(fn, backend, device, device_arrays)
