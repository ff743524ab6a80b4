"""The ordered stages from a Python function to something that runs.

    graph = parse(fn)                     # myia/parse.py
    graph = grad_graph(graph)             # myia/grad.py, for grad(fn)
    (inference and optimization join here in later stages)
    run on the debug VM                   # myia/vm/debug.py, backend="debug"
    program = production.compile(graph)   # myia/vm/production.py, backend="vm"
    program = cuda.compile(graph)         # myia/vm/cuda.py, device="cuda"

No stage logic lives here: each stage is a function of its own module.
"""

from .errors import MyiaError
from .ir import Graph
from .grad import grad_graph
from .parse import parse
from .vm import cuda, production
from .vm.debug import DebugVM

BACKENDS = ("debug", "vm")
STAGES = ("parse", "grad")


def to_graph(fn):
    """The graph of a Python function, of a transformed one, or a graph itself."""
    if isinstance(fn, Graph):
        return fn
    fn = getattr(fn, "__myia_fn__", fn)
    graph_of = getattr(fn, "__myia_graph__", None)
    if graph_of is not None:
        return graph_of()
    return parse(fn)


def graph_at(fn, stage="parse"):
    """The IR of `fn` after `stage`."""
    if stage not in STAGES:
        raise ValueError(f"unknown or not yet available stage {stage!r}; "
                         f"available: {', '.join(STAGES)}")
    graph = to_graph(fn)
    if stage == "grad":
        return grad_graph(graph)
    return graph


def check_options(backend, device):
    """Raise a `MyiaError` for an unknown device or one the backend cannot use."""
    cuda.check_device(device)
    if device == "cuda" and backend == "debug":
        raise MyiaError("device='cuda' runs on the production VM (backend='vm'); the "
                        "debug VM runs on the host")


def compile(fn, backend="debug", device="cpu", device_arrays=False):
    """A Python callable running `fn` on `backend`, its arrays on `device`."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
    graph = to_graph(fn)
    if device == "cuda":
        return cuda.compile(graph, device_arrays)   # myia/vm/cuda.py
    if backend == "vm":
        return production.compile(graph)   # myia/vm/production.py

    def run(*args):
        return DebugVM().run(graph, args)

    return run
