"""The ordered stages from a Python function to something that runs.

    graph = parse(fn)                     # myia/parse.py
    graph = grad_graph(graph)             # myia/grad.py, for grad(fn)
    graph = monomorphize(graph, argtypes) # myia/infer.py + myia/monomorphize.py
    graph = optimize(graph)               # myia/opt/
      (stages "infer" and "opt"; the production VM does not run their
       output yet: see README, "Default backend")
    run on the debug VM                   # myia/vm/debug.py, backend="debug"
    program = production.compile(graph)   # myia/vm/production.py, backend="vm"

No stage logic lives here: each stage is a function of its own module.
"""

from .ir import Graph
from .grad import fprop, grad_graph
from .monomorphize import monomorphize
from .opt import optimize
from .parse import parse
from .types import typeof
from .vm import production
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


def compile(fn, backend="debug"):
    """A Python callable running `fn` on `backend`."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {BACKENDS}")
    graph = to_graph(fn)
    if backend == "vm":  # untyped for now: see README, "Default backend"
        return production.compile(graph)   # myia/vm/production.py

    def run(*args):
        return DebugVM().run(graph, args)

    return run
